using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MasqueDashboard.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ScaleOut : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ScanLeaseExpiresAtUtc",
                table: "Submissions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ScanLeaseOwner",
                table: "Submissions",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FriendlyName = table.Column<string>(type: "TEXT", nullable: true),
                    Xml = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StateStamps",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Stamp = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StateStamps", x => x.Name);
                });

            migrationBuilder.InsertData(
                table: "StateStamps",
                columns: new[] { "Name", "Stamp" },
                values: new object[] { "fleet", new Guid("00000000-0000-0000-0000-000000000000") });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "StateStamps");

            migrationBuilder.DropColumn(
                name: "ScanLeaseExpiresAtUtc",
                table: "Submissions");

            migrationBuilder.DropColumn(
                name: "ScanLeaseOwner",
                table: "Submissions");
        }
    }
}
