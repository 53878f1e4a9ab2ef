using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MasqueDashboard.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OverviewIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_DeviceViolations_RuleId",
                table: "DeviceViolations");

            migrationBuilder.CreateIndex(
                name: "IX_DeviceViolations_RuleId_DeviceId",
                table: "DeviceViolations",
                columns: new[] { "RuleId", "DeviceId" });

            migrationBuilder.CreateIndex(
                name: "IX_Devices_OsVersion",
                table: "Devices",
                column: "OsVersion");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_DeviceViolations_RuleId_DeviceId",
                table: "DeviceViolations");

            migrationBuilder.DropIndex(
                name: "IX_Devices_OsVersion",
                table: "Devices");

            migrationBuilder.CreateIndex(
                name: "IX_DeviceViolations_RuleId",
                table: "DeviceViolations",
                column: "RuleId");
        }
    }
}
