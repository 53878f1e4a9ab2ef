using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MasqueDashboard.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CatalogAndSigners : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ExtensionBundleIds",
                table: "Submissions",
                type: "TEXT",
                maxLength: 4000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "OverrideReason",
                table: "Submissions",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PublishedAtUtc",
                table: "Submissions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PublisherEmail",
                table: "Submissions",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PublisherId",
                table: "Submissions",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReviewJustification",
                table: "Submissions",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ReviewedAtUtc",
                table: "Submissions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReviewedVerdict",
                table: "Submissions",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReviewerEmail",
                table: "Submissions",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReviewerId",
                table: "Submissions",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StatusBeforeRescan",
                table: "Submissions",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UrlSchemes",
                table: "Submissions",
                type: "TEXT",
                maxLength: 4000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "CatalogApps",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    BundleId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    TeamId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    StatusReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CurrentSubmissionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CurrentVersion = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Distribution = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    UrlSchemes = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    ExtensionBundleIds = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    ApprovedByEmail = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    PublishedByEmail = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    PublishedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ApprovedWithOverride = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CatalogApps", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RevokedCertificates",
                columns: table => new
                {
                    Sha1 = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    RevokedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    RevokedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RevokedCertificates", x => x.Sha1);
                });

            migrationBuilder.CreateTable(
                name: "SubmissionSigners",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SubmissionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Sha1 = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    TeamId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    NotAfterUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SubmissionSigners", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SubmissionSigners_Submissions_SubmissionId",
                        column: x => x.SubmissionId,
                        principalTable: "Submissions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TrustedSigners",
                columns: table => new
                {
                    TeamId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    CertificateSha1 = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    AddedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    AddedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrustedSigners", x => x.TeamId);
                });

            migrationBuilder.CreateTable(
                name: "CatalogAppVersions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CatalogAppId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubmissionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    TeamId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ApprovedByEmail = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    PublishedByEmail = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    PublishedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CatalogAppVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CatalogAppVersions_CatalogApps_CatalogAppId",
                        column: x => x.CatalogAppId,
                        principalTable: "CatalogApps",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CatalogApps_BundleId",
                table: "CatalogApps",
                column: "BundleId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CatalogAppVersions_CatalogAppId",
                table: "CatalogAppVersions",
                column: "CatalogAppId");

            migrationBuilder.CreateIndex(
                name: "IX_SubmissionSigners_Sha1",
                table: "SubmissionSigners",
                column: "Sha1");

            migrationBuilder.CreateIndex(
                name: "IX_SubmissionSigners_SubmissionId",
                table: "SubmissionSigners",
                column: "SubmissionId");

            migrationBuilder.CreateIndex(
                name: "IX_SubmissionSigners_TeamId",
                table: "SubmissionSigners",
                column: "TeamId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CatalogAppVersions");

            migrationBuilder.DropTable(
                name: "RevokedCertificates");

            migrationBuilder.DropTable(
                name: "SubmissionSigners");

            migrationBuilder.DropTable(
                name: "TrustedSigners");

            migrationBuilder.DropTable(
                name: "CatalogApps");

            migrationBuilder.DropColumn(
                name: "ExtensionBundleIds",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "OverrideReason",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "PublishedAtUtc",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "PublisherEmail",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "PublisherId",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "ReviewJustification",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "ReviewedAtUtc",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "ReviewedVerdict",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "ReviewerEmail",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "ReviewerId",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "StatusBeforeRescan",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "UrlSchemes",
                table: "Submissions");
        }
    }
}
