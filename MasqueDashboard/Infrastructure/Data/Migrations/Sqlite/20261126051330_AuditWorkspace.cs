using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MasqueDashboard.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditWorkspace : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "LastAuditedAtUtc",
                table: "ApiTokens",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AuditAnchors",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PrunedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PrunedCount = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditAnchors", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "AuditExports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Format = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RowCount = table.Column<long>(type: "INTEGER", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    HeadSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    HeadHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ExportedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ExportedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Manifest = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditExports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LoginAlerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Evidence = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    EventCount = table.Column<int>(type: "INTEGER", nullable: false),
                    RaisedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastSeenAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AcknowledgedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    AcknowledgedById = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    AcknowledgedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AcknowledgementComment = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LoginAlerts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SiemCheckpoints",
                columns: table => new
                {
                    Sink = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    LastSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSuccessAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    LastErrorAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ConsecutiveFailures = table.Column<int>(type: "INTEGER", nullable: false),
                    DeadLetters = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SiemCheckpoints", x => x.Sink);
                });

            migrationBuilder.CreateTable(
                name: "SiemSinkSettings",
                columns: table => new
                {
                    Sink = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Token = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Index = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    SourceType = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Host = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Port = table.Column<int>(type: "INTEGER", nullable: true),
                    Protocol = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true),
                    AppName = table.Column<string>(type: "TEXT", maxLength: 48, nullable: true),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SiemSinkSettings", x => x.Sink);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_ActorId_Action",
                table: "AuditEvents",
                columns: new[] { "ActorId", "Action" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_ClientIp_OccurredAtUtc",
                table: "AuditEvents",
                columns: new[] { "ClientIp", "OccurredAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditExports_ExportedAtUtc",
                table: "AuditExports",
                column: "ExportedAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_LoginAlerts_AcknowledgedAtUtc_RaisedAtUtc",
                table: "LoginAlerts",
                columns: new[] { "AcknowledgedAtUtc", "RaisedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_LoginAlerts_Kind_Subject_LastSeenAtUtc",
                table: "LoginAlerts",
                columns: new[] { "Kind", "Subject", "LastSeenAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditAnchors");

            migrationBuilder.DropTable(
                name: "AuditExports");

            migrationBuilder.DropTable(
                name: "LoginAlerts");

            migrationBuilder.DropTable(
                name: "SiemCheckpoints");

            migrationBuilder.DropTable(
                name: "SiemSinkSettings");

            migrationBuilder.DropIndex(
                name: "IX_AuditEvents_ActorId_Action",
                table: "AuditEvents");

            migrationBuilder.DropIndex(
                name: "IX_AuditEvents_ClientIp_OccurredAtUtc",
                table: "AuditEvents");

            migrationBuilder.DropColumn(
                name: "LastAuditedAtUtc",
                table: "ApiTokens");
        }
    }
}
