using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MasqueDashboard.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SafetyRails : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ProfileUuid",
                table: "Submissions",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "HeldBatches",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RuleIds = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Limit = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    HeldAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastHeldAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DeviceCount = table.Column<int>(type: "INTEGER", nullable: false),
                    CommandCount = table.Column<int>(type: "INTEGER", nullable: false),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    DecidedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DecisionComment = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    QueuedCount = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HeldBatches", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "HeldCommands",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    BatchId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DeviceId = table.Column<long>(type: "INTEGER", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Payload = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    RuleId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    HeldAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HeldCommands", x => x.Id);
                    table.ForeignKey(
                        name: "FK_HeldCommands_Devices_DeviceId",
                        column: x => x.DeviceId,
                        principalTable: "Devices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_HeldCommands_HeldBatches_BatchId",
                        column: x => x.BatchId,
                        principalTable: "HeldBatches",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DeviceCommands_RequestedBy_QueuedAtUtc",
                table: "DeviceCommands",
                columns: new[] { "RequestedBy", "QueuedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_HeldBatches_Status_HeldAtUtc",
                table: "HeldBatches",
                columns: new[] { "Status", "HeldAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_HeldCommands_BatchId_DeviceId",
                table: "HeldCommands",
                columns: new[] { "BatchId", "DeviceId" });

            migrationBuilder.CreateIndex(
                name: "IX_HeldCommands_DeviceId",
                table: "HeldCommands",
                column: "DeviceId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "HeldCommands");

            migrationBuilder.DropTable(
                name: "HeldBatches");

            migrationBuilder.DropIndex(
                name: "IX_DeviceCommands_RequestedBy_QueuedAtUtc",
                table: "DeviceCommands");

            migrationBuilder.DropColumn(
                name: "ProfileUuid",
                table: "Submissions");
        }
    }
}
