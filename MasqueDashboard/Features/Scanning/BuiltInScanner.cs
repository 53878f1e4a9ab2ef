using System.Diagnostics;
using System.Security.Cryptography;
using MasqueDashboard.Features.Scanning.Ipa;
using MasqueDashboard.Features.Scanning.MachO;
using MasqueDashboard.Features.Scanning.Plist;
using MasqueDashboard.Features.Scanning.Provisioning;
using MasqueDashboard.Features.Scanning.Rules;
using Microsoft.Extensions.Options;

namespace MasqueDashboard.Features.Scanning;

/// <summary>
/// The built-in App Reputation Service (PRODUCT.md §4): safe ZIP → Info.plist → embedded.mobileprovision →
/// main Mach-O and its code signature → PlugIns → rules → report. Each stage runs within a time budget and
/// turns a format error into a finding; a stage that fails does not take the others' findings with it.
/// Nothing from the package is written to disk under its own name: the executable is copied, when it must
/// be read with seeks, to an anonymous temporary file that deletes itself.
/// </summary>
public sealed partial class BuiltInScanner(
    ICatalogView catalog,
    TrustRoots roots,
    IEnumerable<IScanRule> rules,
    IOptions<ScannerOptions> options,
    TimeProvider time,
    ILogger<BuiltInScanner> logger) : IAppReputationService
{
    public string Name => Finding.BuiltInSource;

    public async Task<ReputationResult> AnalyseAsync(ScanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var context = new ScanContext
        {
            Request = request,
            Catalog = await catalog.GetSnapshotAsync(cancellationToken),
            ScannedAt = time.GetUtcNow(),
        };
        var run = new StageRunner(options.Value.StageTimeout, cancellationToken);

        await using (var package = File.Open(request.PackagePath, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read, Options = FileOptions.SequentialScan }))
        {
            var ipa = run.Stage("package", token => IpaPackage.Open(package, cancellationToken: token));
            if (ipa is not null)
            {
                using (ipa)
                {
                    Analyse(ipa, context, run);

                    // After the stages: reading entries finds problems too (sizes that lie, local headers that disagree).
                    foreach (var problem in ipa.Problems)
                    {
                        run.Findings.Add(problem.Kind == PackageProblemKind.Unsafe
                            ? RuleDefinitions.PackageUnsafe.Finding(problem.Message, problem.EntryName)
                            : RuleDefinitions.PackageInvalid.Finding(problem.Message, problem.EntryName));
                    }

                    if (ipa.AppDirectory is null && !run.Findings.Any(f => f.RuleId == RuleIds.PackageInvalid))
                    {
                        run.Findings.Add(RuleDefinitions.PackageInvalid.Finding("The archive has no Payload/<Name>.app directory."));
                    }
                }
            }
        }

        // Rules run even on a package that could not be read whole: each judges what the stages did learn
        // (a known-bad package hash still matters when its Info.plist is broken).
        var findings = run.Findings;
        run.Stage("rules", _ =>
        {
            foreach (var rule in rules)
            {
                findings.AddRange(rule.Evaluate(context));
            }

            return true;
        });

        var report = ReportBuilder.Build(context, findings, run.Timeline);
        return new ReputationResult(report, report.Findings, report.Notes);
    }

    private void Analyse(IpaPackage ipa, ScanContext context, StageRunner run)
    {
        if (ipa.AppDirectory is not { } app)
        {
            return;
        }

        context.AppDirectory = app;
        context.InfoPlist = run.Stage("info-plist", _ =>
        {
            var bytes = ipa.ReadAppFile("Info.plist");
            if (bytes is null)
            {
                run.Findings.Add(RuleDefinitions.PackageInvalid.Finding($"{app}Info.plist is missing or too large to read.", context.InfoPlistPath));
                return null;
            }

            if (PlistReader.Read(bytes).Root is not PlistDictionary root)
            {
                run.Findings.Add(RuleDefinitions.PackageInvalid.Finding($"{app}Info.plist is not a dictionary.", context.InfoPlistPath));
                return null;
            }

            if (root.GetString("CFBundleIdentifier") is not { Length: > 0 })
            {
                run.Findings.Add(RuleDefinitions.PackageInvalid.Finding($"{app}Info.plist has no CFBundleIdentifier.", context.InfoPlistPath));
                return null;
            }

            return root;
        }, invalidOnFormatError: context.InfoPlistPath);
        if (context.InfoPlist is null)
        {
            return;
        }

        context.Profile = run.Stage("profile", _ =>
            ipa.ReadAppFile("embedded.mobileprovision") is { } bytes ? ProvisioningProfileReader.Read(bytes, roots) : null,
            onFormatError: e => RuleDefinitions.ProfileSignatureInvalid.Finding($"embedded.mobileprovision cannot be decoded: {e.Message}", context.ProfilePath));

        var executable = context.InfoPlist.GetString("CFBundleExecutable");
        if (executable is { Length: > 0 } && !executable.Contains('/', StringComparison.Ordinal))
        {
            context.ExecutablePath = $"{app}{executable}";
            run.Stage("binary", token =>
            {
                AnalyseBinary(ipa, executable, context, token);
                return true;
            }, invalidOnFormatError: context.ExecutablePath);
        }
        else
        {
            run.Findings.Add(RuleDefinitions.PackageInvalid.Finding($"{app}Info.plist CFBundleExecutable is missing or not a file name.", context.InfoPlistPath));
        }

        // Like `unzip -t`: inflate every entry of the app once, so sizes that lie, CRCs that fail and ratio
        // bombs are found wherever they hide, not only in the files the other stages read.
        run.Stage("integrity", token =>
        {
            var buffer = new byte[81920];
            foreach (var name in ipa.AppEntryNames.ToList())
            {
                token.ThrowIfCancellationRequested();
                try
                {
                    using var entry = ipa.OpenAppFile(name);
                    while (entry is not null && entry.Read(buffer) > 0)
                    {
                    }
                }
                catch (PackageFormatException)
                {
                    // The package recorded the problem; it becomes a finding with the others.
                }
            }

            return true;
        });

        run.Stage("extensions", token =>
        {
            foreach (var directory in ipa.Extensions)
            {
                token.ThrowIfCancellationRequested();
                context.Extensions.Add(ReadExtension(ipa, directory));
            }

            return true;
        });
    }

    private void AnalyseBinary(IpaPackage ipa, string executable, ScanContext context, CancellationToken cancellationToken)
    {
        using var source = ipa.OpenAppFile(executable);
        if (source is null)
        {
            throw new PackageFormatException($"The main executable {executable} named by CFBundleExecutable is not in the package", 0);
        }

        // The Mach-O reader seeks; an inflating stream cannot. Hash while copying to an anonymous file.
        using var copy = new FileStream(Path.Combine(Path.GetTempPath(), $"masque-{Guid.NewGuid():N}.bin"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = source.Read(buffer)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                hash.AppendData(buffer, 0, read);
                copy.Write(buffer, 0, read);
            }

            context.BinarySha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            context.BinarySize = copy.Length;
        }

        copy.Position = 0;
        context.Binary = MachOReader.Read(copy, cancellationToken: cancellationToken);
        if (context.PrimarySlice?.CodeSignature is { } signature)
        {
            context.CodeSignature = CodeSignatureVerifier.Verify(
                signature.CmsSignature ?? [],
                signature.PrimaryCodeDirectory.Blob,
                signature.CodeDirectories.Select(cd => cd.CdHash).ToList(),
                roots);
            if (signature.EntitlementsXml is { Length: > 0 } xml
                && PlistReader.TryRead(System.Text.Encoding.UTF8.GetBytes(xml), out var document, out _)
                && document.Root is PlistDictionary entitlements)
            {
                context.SignedEntitlements = entitlements;
            }
        }
    }

    /// <summary>An extension's Info.plist, its signing team (the CodeDirectory's, else its profile's) and what it extends.</summary>
    private ExtensionScan ReadExtension(IpaPackage ipa, string directory)
    {
        PlistDictionary? info = null;
        if (ipa.ReadExtensionFile(directory, "Info.plist") is { } bytes && PlistReader.TryRead(bytes, out var document, out _))
        {
            info = document.Root as PlistDictionary;
        }

        string? team = null;
        try
        {
            if (info?.GetString("CFBundleExecutable") is { Length: > 0 } executable && !executable.Contains('/', StringComparison.Ordinal)
                && ipa.OpenExtensionFile(directory, executable) is { } stream)
            {
                using (stream)
                {
                    var binary = MachOReader.Read(stream);
                    team = binary.Slices.Select(slice => slice.CodeSignature?.PrimaryCodeDirectory.TeamId).FirstOrDefault(t => t is not null);
                }
            }

            if (team is null && ipa.ReadExtensionFile(directory, "embedded.mobileprovision") is { } profileBytes)
            {
                team = ProvisioningProfileReader.Read(profileBytes, roots).Profile.TeamId;
            }
        }
        catch (PackageFormatException e)
        {
            LogExtensionUnreadable(logger, directory, e.Message);
        }

        return new ExtensionScan(
            directory,
            info?.GetString("CFBundleIdentifier"),
            info?.GetDictionary("NSExtension")?.GetString("NSExtensionPointIdentifier"),
            info?.GetString("CFBundleDisplayName") ?? info?.GetString("CFBundleName"),
            team);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Extension {Directory} could not be read whole: {Reason}")]
    private static partial void LogExtensionUnreadable(ILogger logger, string directory, string reason);

    /// <summary>
    /// Runs stages within their time budget and records their outcome. A format error becomes a finding; a
    /// stage over budget becomes SCAN-STAGE-LIMIT and is abandoned (its parser is bounded anyway).
    /// </summary>
    private sealed class StageRunner(TimeSpan budget, CancellationToken cancellationToken)
    {
        public List<Finding> Findings { get; } = [];

        public List<ScanStage> Timeline { get; } = [];

        public T? Stage<T>(string name, Func<CancellationToken, T?> work, string? invalidOnFormatError = null, Func<PackageFormatException, Finding>? onFormatError = null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var task = Task.Run(() => work(timeout.Token), timeout.Token);
            try
            {
                if (!task.Wait(budget, cancellationToken))
                {
                    timeout.Cancel();
                    Findings.Add(RuleDefinitions.ScanStageLimit.Finding($"The '{name}' stage did not finish within {budget.TotalSeconds:0} s; the report holds what the other stages found."));
                    Timeline.Add(new ScanStage(name, watch.ElapsedMilliseconds, "over budget"));
                    return default;
                }

                var result = task.Result;
                Timeline.Add(new ScanStage(name, watch.ElapsedMilliseconds, "ok"));
                return result;
            }
            catch (AggregateException e) when (e.InnerException is PackageFormatException format)
            {
                Timeline.Add(new ScanStage(name, watch.ElapsedMilliseconds, "format error"));
                if (format.Message.Contains("budget", StringComparison.OrdinalIgnoreCase))
                {
                    Findings.Add(RuleDefinitions.ScanStageLimit.Finding($"The '{name}' stage exceeded its memory budget: {format.Message}"));
                }
                else if (onFormatError is not null)
                {
                    Findings.Add(onFormatError(format));
                }
                else
                {
                    Findings.Add(RuleDefinitions.PackageInvalid.Finding($"{(invalidOnFormatError ?? name)}: {format.Message}", invalidOnFormatError));
                }

                return default;
            }
        }
    }
}
