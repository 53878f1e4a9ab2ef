using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MasqueDashboard.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Submissions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "KnownMalwareHashes",
                columns: table => new
                {
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    AddedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AddedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KnownMalwareHashes", x => x.Sha256);
                });

            migrationBuilder.CreateTable(
                name: "Submissions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    UploaderId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UploaderEmail = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    UploadedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    PackageSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DuplicateOfId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    StatusReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    StatusChangedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ScanAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    ScannedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AppName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    BundleId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    TeamId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Distribution = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Verdict = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    RiskScore = table.Column<int>(type: "INTEGER", nullable: true),
                    ReportJson = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Submissions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SubmissionFindings",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SubmissionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RuleId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Evidence = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Remediation = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SubmissionFindings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SubmissionFindings_Submissions_SubmissionId",
                        column: x => x.SubmissionId,
                        principalTable: "Submissions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SubmissionFindings_RuleId",
                table: "SubmissionFindings",
                column: "RuleId");

            migrationBuilder.CreateIndex(
                name: "IX_SubmissionFindings_SubmissionId",
                table: "SubmissionFindings",
                column: "SubmissionId");

            migrationBuilder.CreateIndex(
                name: "IX_Submissions_BundleId",
                table: "Submissions",
                column: "BundleId");

            migrationBuilder.CreateIndex(
                name: "IX_Submissions_PackageSha256",
                table: "Submissions",
                column: "PackageSha256");

            migrationBuilder.CreateIndex(
                name: "IX_Submissions_Status_StatusChangedAtUtc",
                table: "Submissions",
                columns: new[] { "Status", "StatusChangedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Submissions_UploadedAtUtc",
                table: "Submissions",
                column: "UploadedAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_Submissions_UploaderId_UploadedAtUtc",
                table: "Submissions",
                columns: new[] { "UploaderId", "UploadedAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "KnownMalwareHashes");

            migrationBuilder.DropTable(
                name: "SubmissionFindings");

            migrationBuilder.DropTable(
                name: "Submissions");
        }
    }
}
