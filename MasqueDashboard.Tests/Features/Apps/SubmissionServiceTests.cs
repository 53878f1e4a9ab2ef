using System.Security.Cryptography;
using MasqueDashboard.Features.Apps;
using MasqueDashboard.Infrastructure;
using MasqueDashboard.Infrastructure.Security;
using MasqueDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MasqueDashboard.Tests.Features.Apps;

public sealed class SubmissionServiceTests : IDisposable
{
    private readonly MasqueAppFactory app = new MasqueAppFactory().With("Storage:MaxUploadBytes", "100000");

    public void Dispose() => app.Dispose();

    private string PackagesRoot => Path.Combine(app.DatabaseDirectory, "packages");

    private Task<UploadResult> UploadAsync(string userId, byte[] bytes, string name = "App.ipa") => app.WithScopeAsync(async s =>
        await s.GetRequiredService<SubmissionService>().UploadAsync(await app.ForAsync(userId), name, new MemoryStream(bytes), "127.0.0.1"));

    [Fact]
    public async Task An_upload_is_stored_under_its_sha256_queued_and_audited()
    {
        var dev = await app.CreateUserAsync("dev@upload.test", Roles.Developer);
        var bytes = RandomNumberGenerator.GetBytes(5000);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var result = await UploadAsync(dev, bytes);

        Assert.Equal(sha, result.Sha256);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(PackagesRoot, sha[..2], sha)));
        var row = await app.WithDbAsync(db => db.Submissions.SingleAsync(s => s.Id == result.Id));
        Assert.Equal("dev@upload.test", row.UploaderEmail);
        Assert.Equal(5000, row.SizeBytes);
        var actions = await app.WithDbAsync(db => db.AuditEvents.Where(e => e.Target == $"submission:{result.Id}").OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync());
        Assert.Equal([SubmissionActions.Uploaded, SubmissionActions.Queued], actions.Take(2));
        Assert.Empty(Directory.GetFiles(Path.Combine(PackagesRoot, "incoming")));
    }

    [Fact]
    public async Task A_re_upload_of_the_same_bytes_is_linked_and_stored_once()
    {
        var dev = await app.CreateUserAsync("dev@dedupe.test", Roles.Developer);
        var bytes = RandomNumberGenerator.GetBytes(3000);

        var first = await UploadAsync(dev, bytes, "a.ipa");
        var second = await UploadAsync(dev, bytes, "b.ipa");

        Assert.Null(first.DuplicateOfId);
        Assert.Equal(first.Id, second.DuplicateOfId);
        Assert.Single(Directory.GetFiles(PackagesRoot, first.Sha256, SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_package_over_the_size_limit_is_refused_and_leaves_nothing()
    {
        var dev = await app.CreateUserAsync("dev@big.test", Roles.Developer);

        var refusal = await Assert.ThrowsAsync<DomainException>(() => UploadAsync(dev, new byte[100_001]));

        Assert.Equal(RefusalKind.TooLarge, refusal.Kind);
        Assert.Equal(0, await app.WithDbAsync(db => db.Submissions.CountAsync()));
        Assert.Empty(Directory.GetFiles(PackagesRoot, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task An_interrupted_upload_leaves_no_row_and_no_file()
    {
        var dev = await app.CreateUserAsync("dev@cut.test", Roles.Developer);

        await Assert.ThrowsAsync<IOException>(() => app.WithScopeAsync(async s =>
            await s.GetRequiredService<SubmissionService>().UploadAsync(await app.ForAsync(dev), "cut.ipa", new BrokenStream(4096), null)));

        Assert.Equal(0, await app.WithDbAsync(db => db.Submissions.CountAsync()));
        Assert.Empty(Directory.GetFiles(PackagesRoot, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_developer_sees_only_their_own_submissions_and_reviewers_see_all()
    {
        var alice = await app.CreateUserAsync("alice@visibility.test", Roles.Developer);
        var bob = await app.CreateUserAsync("bob@visibility.test", Roles.Developer);
        var reviewer = await app.CreateUserAsync("reviewer@visibility.test", Roles.SecurityReviewer);
        var alices = await UploadAsync(alice, RandomNumberGenerator.GetBytes(100));
        await UploadAsync(bob, RandomNumberGenerator.GetBytes(100));

        var forAlice = await app.WithScopeAsync(async s => await s.GetRequiredService<SubmissionService>().ListAsync(await app.ForAsync(alice), new SubmissionQuery()));
        var forReviewer = await app.WithScopeAsync(async s => await s.GetRequiredService<SubmissionService>().ListAsync(await app.ForAsync(reviewer), new SubmissionQuery()));

        Assert.Equal([alices.Id], forAlice.Items.Select(i => i.Id));
        Assert.Equal(2, forReviewer.TotalCount);
        var refusal = await Assert.ThrowsAsync<DomainException>(() => app.WithScopeAsync(async s =>
            await s.GetRequiredService<SubmissionService>().GetAsync(await app.ForAsync(bob), alices.Id)));
        Assert.Equal(RefusalKind.NotFound, refusal.Kind);
    }

    [Theory]
    [InlineData(Roles.SecurityReviewer)]
    [InlineData(Roles.Auditor)]
    public async Task Roles_without_the_upload_capability_cannot_upload(string role)
    {
        var user = await app.CreateUserAsync($"{role}@noupload.test", role);

        var refusal = await Assert.ThrowsAsync<DomainException>(() => UploadAsync(user, RandomNumberGenerator.GetBytes(10)));

        Assert.Equal(RefusalKind.Forbidden, refusal.Kind);
        Assert.False(Directory.Exists(PackagesRoot) && Directory.GetFiles(PackagesRoot, "*", SearchOption.AllDirectories).Length > 0);
    }

    [Fact]
    public async Task A_restart_requeues_interrupted_scans()
    {
        var dev = await app.CreateUserAsync("dev@resume.test", Roles.Developer);
        UploadResult? result = null;
        await AfterScanAsync(async () => result = await UploadAsync(dev, RandomNumberGenerator.GetBytes(100)));
        var uploaded = result!;
        await app.WithDbAsync(db => db.Submissions.Where(s => s.Id == uploaded.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SubmissionStatus.Scanning)));

        await app.App.GetRequiredService<ScanWorker>().ResumeAsync(default);

        var actions = await app.WithDbAsync(db => db.AuditEvents.Where(e => e.Target == $"submission:{uploaded.Id}").Select(e => e.Action).ToListAsync());
        Assert.Contains(SubmissionActions.ScanResumed, actions);
    }

    [Fact]
    public async Task Reviewers_rescan_and_an_uploader_may_only_retry_a_failed_scan()
    {
        var dev = await app.CreateUserAsync("dev@rescan.test", Roles.Developer);
        var reviewer = await app.CreateUserAsync("reviewer@rescan.test", Roles.SecurityReviewer);
        UploadResult? uploaded = null;
        await AfterScanAsync(async () => uploaded = await UploadAsync(dev, RandomNumberGenerator.GetBytes(100)));
        var id = uploaded!.Id;
        Task SetStatusAsync(SubmissionStatus status) => app.WithDbAsync(db => db.Submissions.Where(s => s.Id == id).ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, status)));
        Task RescanAsync(string userId) => app.WithScopeAsync(async s =>
        {
            await s.GetRequiredService<SubmissionService>().RescanAsync(await app.ForAsync(userId), id, null);
            return true;
        });

        await SetStatusAsync(SubmissionStatus.Scanned);
        var refusal = await Assert.ThrowsAsync<DomainException>(() => RescanAsync(dev));
        Assert.Equal(RefusalKind.Forbidden, refusal.Kind);
        await AfterScanAsync(() => RescanAsync(reviewer));

        await SetStatusAsync(SubmissionStatus.Failed);
        await AfterScanAsync(() => RescanAsync(dev));

        var requests = await app.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Target == $"submission:{id}" && e.Action == SubmissionActions.RescanRequested));
        Assert.Equal(2, requests);
    }

    /// <summary>Runs <paramref name="trigger"/> and waits until the scan it queued has finished, so tests never race the worker.</summary>
    private async Task AfterScanAsync(Func<Task> trigger)
    {
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var notifier = app.App.GetRequiredService<SubmissionNotifier>();
        Task OnChanged(SubmissionChanged c)
        {
            if (c.Status is SubmissionStatus.Invalid or SubmissionStatus.Scanned or SubmissionStatus.Failed)
            {
                finished.TrySetResult();
            }

            return Task.CompletedTask;
        }

        notifier.Changed += OnChanged;
        try
        {
            await trigger();
            await finished.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            notifier.Changed -= OnChanged;
        }
    }

    private sealed class BrokenStream(int failAfter) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (position >= failAfter)
            {
                throw new IOException("connection reset");
            }

            var n = Math.Min(count, failAfter - position);
            position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
