using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Fleet;

namespace MasqueDashboard.Tests.Features.Compliance;

public sealed class PolicyDraftTests
{
    [Fact]
    public void Unedited_drafts_give_back_the_same_document()
    {
        var document = PolicyDraft.ToDocument(PolicyDraft.From(PolicyDocument.Default));

        Assert.Equal(PolicyDocument.Default.Serialize(), document.Serialize());
    }

    [Fact]
    public void Steps_are_saved_in_order_of_their_delay_with_their_actions_in_ladder_order()
    {
        var drafts = PolicyDraft.From(PolicyDocument.Default);
        var jailbreak = drafts.Single(d => d.Id == PolicyIds.NotJailbroken);
        jailbreak.Ladder.Insert(0, new LadderStepDraft { Hours = 48, Actions = [CommandType.SelectiveWipe, CommandType.Notify] });

        var ladder = PolicyDraft.ToDocument(drafts)[PolicyIds.NotJailbroken].Ladder;

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromHours(24), TimeSpan.FromHours(48)], ladder.Select(s => s.After));
        Assert.Equal([CommandType.Notify, CommandType.SelectiveWipe], ladder[2].Actions);
    }

    [Fact]
    public void Settings_are_trimmed_and_a_blank_one_is_none()
    {
        var drafts = PolicyDraft.From(PolicyDocument.Default);
        drafts.Single(d => d.Id == PolicyIds.MinimumOs).Setting = " 8.0 ";
        drafts.Single(d => d.Id == PolicyIds.Supervised).Setting = "  ";

        var document = PolicyDraft.ToDocument(drafts);

        Assert.Equal("8.0", document[PolicyIds.MinimumOs].Setting);
        Assert.Null(document[PolicyIds.Supervised].Setting);
        document.Validate();
    }
}
