using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MasqueDashboard.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Fleet : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AppBuilds",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    BundleId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    TeamId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    SignerSha1 = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Distribution = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    UrlSchemes = table.Column<string>(type: "TEXT", maxLength: 13000, nullable: false),
                    Extensions = table.Column<string>(type: "TEXT", maxLength: 13000, nullable: false),
                    Managed = table.Column<bool>(type: "INTEGER", nullable: true),
                    ProfileUuid = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    FirstSeenUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AppBuilds", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DeviceCheckIns",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DeviceId = table.Column<long>(type: "INTEGER", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    AppCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Compliance = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeviceCheckIns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DeviceCommands",
                columns: table => new
                {
                    Number = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DeviceId = table.Column<long>(type: "INTEGER", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Payload = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    QueuedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SentAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CompletedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeviceCommands", x => x.Number);
                });

            migrationBuilder.CreateTable(
                name: "Devices",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Udid = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SerialNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Model = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Owner = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    OsVersion = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    OsVersionKey = table.Column<int>(type: "INTEGER", nullable: false),
                    Supervised = table.Column<bool>(type: "INTEGER", nullable: false),
                    ContainerEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    Jailbroken = table.Column<bool>(type: "INTEGER", nullable: false),
                    EnrolledAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastCheckInAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Network = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Compliance = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ComplianceChangedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AppCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ProfilesJson = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Devices", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DeviceViolations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DeviceId = table.Column<long>(type: "INTEGER", nullable: false),
                    PolicyId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    RuleId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    SinceUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StepsApplied = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeviceViolations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "FleetDailyStats",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FleetDailyStats", x => new { x.Day, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "FullWipeRequests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    DeviceId = table.Column<long>(type: "INTEGER", nullable: false),
                    RequestedById = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    RequestedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    DecidedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DecisionComment = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FullWipeRequests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PolicyVersions",
                columns: table => new
                {
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Document = table.Column<string>(type: "TEXT", nullable: false),
                    ChangedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ChangedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Comment = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PolicyVersions", x => x.Version);
                });

            migrationBuilder.CreateTable(
                name: "DeviceApps",
                columns: table => new
                {
                    DeviceId = table.Column<long>(type: "INTEGER", nullable: false),
                    AppBuildId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeviceApps", x => new { x.DeviceId, x.AppBuildId });
                    table.ForeignKey(
                        name: "FK_DeviceApps_AppBuilds_AppBuildId",
                        column: x => x.AppBuildId,
                        principalTable: "AppBuilds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_DeviceApps_Devices_DeviceId",
                        column: x => x.DeviceId,
                        principalTable: "Devices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AppBuilds_BundleId",
                table: "AppBuilds",
                column: "BundleId");

            migrationBuilder.CreateIndex(
                name: "IX_AppBuilds_Key",
                table: "AppBuilds",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AppBuilds_Sha256",
                table: "AppBuilds",
                column: "Sha256");

            migrationBuilder.CreateIndex(
                name: "IX_AppBuilds_SignerSha1",
                table: "AppBuilds",
                column: "SignerSha1");

            migrationBuilder.CreateIndex(
                name: "IX_AppBuilds_TeamId",
                table: "AppBuilds",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_DeviceApps_AppBuildId",
                table: "DeviceApps",
                column: "AppBuildId");

            migrationBuilder.CreateIndex(
                name: "IX_DeviceCheckIns_AtUtc",
                table: "DeviceCheckIns",
                column: "AtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_DeviceCheckIns_DeviceId_Id",
                table: "DeviceCheckIns",
                columns: new[] { "DeviceId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_DeviceCommands_DeviceId_Status",
                table: "DeviceCommands",
                columns: new[] { "DeviceId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_DeviceCommands_Id",
                table: "DeviceCommands",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DeviceCommands_Status_QueuedAtUtc",
                table: "DeviceCommands",
                columns: new[] { "Status", "QueuedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Devices_Compliance_LastCheckInAtUtc",
                table: "Devices",
                columns: new[] { "Compliance", "LastCheckInAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Devices_LastCheckInAtUtc",
                table: "Devices",
                column: "LastCheckInAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_Devices_OsVersionKey",
                table: "Devices",
                column: "OsVersionKey");

            migrationBuilder.CreateIndex(
                name: "IX_Devices_Owner",
                table: "Devices",
                column: "Owner");

            migrationBuilder.CreateIndex(
                name: "IX_Devices_TokenHash",
                table: "Devices",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Devices_Udid",
                table: "Devices",
                column: "Udid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DeviceViolations_DeviceId_RuleId_Subject",
                table: "DeviceViolations",
                columns: new[] { "DeviceId", "RuleId", "Subject" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DeviceViolations_PolicyId_StepsApplied_SinceUtc",
                table: "DeviceViolations",
                columns: new[] { "PolicyId", "StepsApplied", "SinceUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_DeviceViolations_RuleId",
                table: "DeviceViolations",
                column: "RuleId");

            migrationBuilder.CreateIndex(
                name: "IX_FullWipeRequests_DeviceId",
                table: "FullWipeRequests",
                column: "DeviceId");

            migrationBuilder.CreateIndex(
                name: "IX_FullWipeRequests_Status_RequestedAtUtc",
                table: "FullWipeRequests",
                columns: new[] { "Status", "RequestedAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DeviceApps");

            migrationBuilder.DropTable(
                name: "DeviceCheckIns");

            migrationBuilder.DropTable(
                name: "DeviceCommands");

            migrationBuilder.DropTable(
                name: "DeviceViolations");

            migrationBuilder.DropTable(
                name: "FleetDailyStats");

            migrationBuilder.DropTable(
                name: "FullWipeRequests");

            migrationBuilder.DropTable(
                name: "PolicyVersions");

            migrationBuilder.DropTable(
                name: "AppBuilds");

            migrationBuilder.DropTable(
                name: "Devices");
        }
    }
}
