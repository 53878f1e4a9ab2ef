using Bunit;
using MasqueDashboard.Features.Reviews;
using MasqueDashboard.Features.Scanning;

namespace MasqueDashboard.Tests.Components;

public sealed class ReviewDecisionFormTests : ComponentTestContext
{
    private IRenderedComponent<ReviewDecisionForm> RenderForm(Verdict verdict, List<ReviewDecision> decisions) =>
        Render<ReviewDecisionForm>(p => p.Add(c => c.Verdict, verdict).Add(c => c.OnDecide, d => decisions.Add(d)));

    private static bool Disabled(IRenderedComponent<ReviewDecisionForm> form, string button) =>
        form.Find($"[data-testid={button}]").HasAttribute("disabled");

    [Fact]
    public void Nothing_can_be_decided_without_a_justification()
    {
        var form = RenderForm(Verdict.Clean, []);

        Assert.True(Disabled(form, "approve"));
        Assert.True(Disabled(form, "reject"));
        form.Find("textarea").Input("Reviewed the clean report.");
        Assert.False(Disabled(form, "approve"));
        Assert.False(Disabled(form, "reject"));
    }

    [Fact]
    public void Approving_a_suspicious_verdict_needs_an_override_reason_and_sends_it()
    {
        var decisions = new List<ReviewDecision>();
        var form = RenderForm(Verdict.Suspicious, decisions);
        form.FindAll("textarea")[0].Input("Partner build, reviewed by hand.");

        Assert.True(Disabled(form, "approve"));
        Assert.False(Disabled(form, "reject"));
        form.FindAll("textarea")[1].Input("Partner team joins the trusted signers this week.");
        Assert.False(Disabled(form, "approve"));

        form.Find("[data-testid=approve]").Click();

        var decision = Assert.Single(decisions);
        Assert.True(decision.Approve);
        Assert.Equal("Partner team joins the trusted signers this week.", decision.OverrideReason);
    }

    [Fact]
    public void A_clean_verdict_asks_for_no_override()
    {
        var form = RenderForm(Verdict.Clean, []);

        Assert.Single(form.FindAll("textarea"));
    }
}
