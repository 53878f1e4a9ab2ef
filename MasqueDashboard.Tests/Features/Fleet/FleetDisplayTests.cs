using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;
using MudBlazor;

namespace MasqueDashboard.Tests.Features.Fleet;

public sealed class FleetDisplayTests
{
    private static DeviceAppRow App(string? teamId, string? genuineTeamId, string? genuineName, params string[] rules) =>
        new("com.example.bank", "Bank", "9.9", teamId, null, "Enterprise", false, [], rules.Select(r => new ViolationView(r, "detail")).ToList(), genuineTeamId, genuineName);

    [Fact]
    public void An_app_of_another_team_under_a_catalog_bundle_id_is_named_an_impostor_of_its_twin()
    {
        Assert.Equal("Impostor of Bank (team BANKTEAM01); this build is signed by team EVILTEAM01.",
            FleetDisplay.ImpostorNote(App("EVILTEAM01", "BANKTEAM01", "Bank", ViolationIds.MasqueBundleHijack)));
    }

    [Fact]
    public void Without_a_reported_team_the_note_says_so()
    {
        Assert.Equal("Impostor of Bank (team BANKTEAM01); this build's signing team is not reported.",
            FleetDisplay.ImpostorNote(App(null, "BANKTEAM01", "Bank", "APP-NOT-FROM-CATALOG")));
    }

    [Fact]
    public void The_genuine_build_flagged_for_another_reason_is_no_impostor()
    {
        Assert.Null(FleetDisplay.ImpostorNote(App("BANKTEAM01", "BANKTEAM01", "Bank", ViolationIds.SignerRevoked)));
    }

    [Fact]
    public void Apps_without_findings_or_without_a_catalog_twin_get_no_note()
    {
        Assert.Null(FleetDisplay.ImpostorNote(App("EVILTEAM01", "BANKTEAM01", "Bank")));
        Assert.Null(FleetDisplay.ImpostorNote(App("EVILTEAM01", null, null, ViolationIds.SignerUntrustedEnterprise)));
    }

    [Theory]
    [InlineData(ComplianceState.Compliant, Color.Success)]
    [InlineData(ComplianceState.NonCompliant, Color.Warning)]
    [InlineData(ComplianceState.Quarantined, Color.Error)]
    public void Compliance_states_are_green_orange_and_red(ComplianceState state, Color color)
    {
        Assert.Equal(color, FleetDisplay.ColorOf(state));
    }

    [Fact]
    public void The_violation_filter_offers_every_device_rule_once()
    {
        Assert.Equal(PolicyIds.All.SelectMany(PolicyIds.RulesOf).Count(), FleetDisplay.RuleIds.Count);
        Assert.Contains(ViolationIds.MasqueBundleHijack, FleetDisplay.RuleIds);
        Assert.Contains(ViolationIds.CheckInOverdue, FleetDisplay.RuleIds);
    }
}
