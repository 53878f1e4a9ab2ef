using MasqueDashboard.Components;
using MasqueDashboard.Components.Account;
using MasqueDashboard.Features.Apps;
using MasqueDashboard.Features.Audit;
using MasqueDashboard.Features.Scanning;
using MasqueDashboard.Features.Compliance;
using MasqueDashboard.Features.Demo;
using MasqueDashboard.Features.Fleet;
using MasqueDashboard.Features.Fleet.Simulator;
using MasqueDashboard.Features.Overview;
using MasqueDashboard.Features.Users;
using MasqueDashboard.Features.Users.ApiTokens;
using MasqueDashboard.Features.Users.SignIn;
using MasqueDashboard.Infrastructure.Data;
using MasqueDashboard.Infrastructure.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MudBlazor.Services;

namespace MasqueDashboard.Infrastructure.Hosting;

/// <summary>Everything the dashboard registers and maps, in one place; Program.cs stays linear.</summary>
public static class MasqueDashboardHosting
{
    public static WebApplicationBuilder AddMasqueDashboard(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;
        var environment = builder.Environment;

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddHttpContextAccessor();
        services.AddProblemDetails();
        services.AddOpenApi("v1", options => options.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true);
        services.AddSingleton(TimeProvider.System);

        services.AddOptions<SecurityOptions>()
            .Bind(configuration.GetSection(SecurityOptions.Section))
            .PostConfigure(o =>
            {
                if (configuration[$"{SecurityOptions.Section}:{nameof(SecurityOptions.RequireTwoFactorForPrivilegedRoles)}"] is null)
                {
                    o.RequireTwoFactorForPrivilegedRoles = !environment.IsDevelopment();
                }
            })
            .ValidateDataAnnotations()
            .Validate(o => o.Lockout.Window > TimeSpan.Zero && o.Lockout.Duration > TimeSpan.Zero, "Security:Lockout:Window and Duration must be positive.")
            .ValidateOnStart();
        services.AddOptions<Features.Audit.Logins.LoginAuditOptions>()
            .Bind(configuration.GetSection(Features.Audit.Logins.LoginAuditOptions.Section))
            .Validate(o => o.BusinessHours.FindTimeZone() is not null, "Audit:BusinessHours:TimeZone must be a known IANA time zone id (e.g. Europe/Paris) or UTC.")
            .Validate(o => o.BusinessHours.ParseDays() is not null, "Audit:BusinessHours:Days must list day names, comma-separated (e.g. Mon,Tue,Wed,Thu,Fri).")
            .Validate(o => o.BusinessHours.Start < o.BusinessHours.End, "Audit:BusinessHours:Start must come before End (hh:mm).")
            .ValidateOnStart();
        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection(DatabaseOptions.Section))
            .Validate(o => o.IsKnown, "Database:Provider must be 'Sqlite' or 'Postgres'.")
            .Validate(o => !o.IsPostgres || !string.IsNullOrWhiteSpace(configuration.GetConnectionString(DatabaseOptions.Postgres)),
                "Database:Provider is 'Postgres' but ConnectionStrings:Postgres is empty.")
            .ValidateOnStart();
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ScannerOptions>()
            .Bind(configuration.GetSection(ScannerOptions.Section))
            .Validate(o => o.StageTimeout > TimeSpan.Zero, "Scanner:StageTimeout must be positive.")
            .Validate(o => o.Lease >= TimeSpan.FromSeconds(5) && o.Lease <= TimeSpan.FromHours(1), "Scanner:Lease must be between 5 seconds and an hour.")
            .Validate(o => string.IsNullOrEmpty(o.External.Url) || Uri.TryCreate(o.External.Url, UriKind.Absolute, out _), "Scanner:External:Url must be an absolute URL.")
            .ValidateOnStart();
        services.AddOptions<Features.Reviews.WorkflowOptions>().Bind(configuration.GetSection(Features.Reviews.WorkflowOptions.Section));
        services.AddOptions<DemoOptions>()
            .Bind(configuration.GetSection(DemoOptions.Section))
            .PostConfigure(o => o.Seed &= environment.IsDevelopment());

        services.AddOptions<ForwardedHeadersSettings>()
            .Bind(configuration.GetSection(ForwardedHeadersSettings.Section))
            .Validate(o => o.FirstInvalid() is null, "ForwardedHeaders:KnownProxies must list IP addresses and KnownNetworks CIDR networks (10.0.0.0/24).")
            .Validate(o => o.ForwardLimit is >= 1 and <= 10, "ForwardedHeaders:ForwardLimit must be between 1 and 10.")
            .ValidateOnStart();
        services.AddOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>()
            .Configure<Microsoft.Extensions.Options.IOptions<ForwardedHeadersSettings>>((options, settings) => settings.Value.Apply(options));
        services.AddSingleton<ClusterBus>();
        var signalR = services.AddSignalR();
        if (configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
        {
            // Circuits stay on the instance that holds them (sticky sessions); the backplane carries SignalR's group and
            // user messages between instances, and ClusterBus the product's own change notices.
            signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("masque-signalr"));
        }

        services.AddMasqueHealthChecks();
        services.AddMasqueJobs(configuration);
        AddData(services, configuration, environment);
        AddIdentity(services);

        services.AddSingleton<IAuditLog, AuditLog>();
        services.AddSingleton<ApiTokenService>();
        services.AddScoped<UserAdministrationService>();
        services.AddScoped<ConsoleSignInService>();
        services.AddScoped<DemoSeeder>();
        services.AddScoped<OverviewService>();
        services.AddScoped<ClientAddress>();
        services.AddScoped<AuditTrailService>();
        services.AddSingleton<Features.Audit.Logins.SignInRecorder>();
        services.AddSingleton<Features.Audit.Logins.LoginAlertNotifier>();
        services.AddScoped<Features.Audit.Logins.LoginAuditService>();
        services.AddScoped<Features.Audit.Exports.AuditExportService>();
        services.AddScoped<Features.Audit.Reports.AuditReportService>();
        services.AddScoped<Features.Fleet.Evidence.DeviceEvidenceService>();
        AddApps(services, configuration);
        AddFleet(services, configuration, environment);
        AddSiem(services, configuration);
        return builder;
    }

    public static WebApplication MapMasqueDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersSettings>>().Value.IsEnabled)
        {
            // First, so the sign-in audit, detections per address, HTTPS redirects and secure cookies see the client.
            app.UseForwardedHeaders();
        }

        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.UseSecurityHeaders();
        // Bodiless error statuses get the friendly page; API responses always carry problem details, so they pass through.
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapHealthEndpoints();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = null);
        app.MapAdditionalIdentityEndpoints();

        var api = app.MapGroup("/api/v1")
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = ApiTokenAuthenticationHandler.SchemeName })
            .AddEndpointFilter<DomainExceptionFilter>()
            .DisableAntiforgery();
        api.MapUsersApi();
        api.MapAuditApi();
        api.MapAppsApi();
        Features.Reviews.ReviewsApi.MapReviewsApi(api);
        Features.Catalog.CatalogApi.MapCatalogApi(api);
        Features.Signers.SignersApi.MapSignersApi(api);
        Features.Fleet.DevicesApi.MapDevicesApi(api);
        Features.Fleet.Evidence.DeviceEvidenceApi.MapDeviceEvidenceApi(api);
        app.MapGroup("/api/v1/devices")
            .AddEndpointFilter<DomainExceptionFilter>()
            .DisableAntiforgery()
            .AllowAnonymous()
            .MapDeviceContract();
        app.MapReportDownloads();
        Features.Audit.Exports.AuditExportsApi.MapAuditExportDownloads(app);
        Features.Audit.Reports.AuditReportDownloads.MapAuditReportDownloads(app);
        Features.Fleet.Evidence.DeviceEvidenceApi.MapDeviceEvidenceDownloads(app);
        app.MapFallback("/api/{**path}", () => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No such API endpoint. See /openapi/v1.json."))
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>Migrates the database, and in Development with <c>Demo:Seed</c> adds the demo accounts.</summary>
    public static async Task InitializeAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        await DatabaseInitializer.MigrateAsync(app.Services, cancellationToken);
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DemoOptions>>().Value.Seed)
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(cancellationToken);
        }
    }

    private static void AddApps(IServiceCollection services, ConfigurationManager configuration)
    {
        services.AddSingleton<PackageStore>();
        services.AddSingleton<ScanQueue>();
        services.AddSingleton<SubmissionNotifier>();
        services.AddScoped<SubmissionService>();
        services.AddScoped<KnownMalwareHashService>();
        services.AddSingleton<Reevaluation>();
        services.AddScoped<Features.Reviews.ReviewService>();
        services.AddScoped<Features.Catalog.CatalogService>();
        services.AddScoped<Features.Signers.SignerService>();
        services.AddSingleton<ICatalogView, ScannerCatalogView>();
        services.AddSingleton(sp => Features.Scanning.Provisioning.TrustRoots.FromFiles(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ScannerOptions>>().Value.TrustedRoots));
        foreach (var rule in typeof(IScanRule).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IScanRule).IsAssignableFrom(t)))
        {
            services.AddSingleton(typeof(IScanRule), rule);
        }

        services.AddSingleton<IAppReputationService, BuiltInScanner>();
        if (!string.IsNullOrWhiteSpace(configuration[$"{ScannerOptions.Section}:External:Url"]))
        {
            services.AddHttpClient<MobSfReputationService>(MobSfReputationService.HttpClientName);
            services.AddScoped<IAppReputationService>(sp => sp.GetRequiredService<MobSfReputationService>());
        }

        services.AddScoped<AppReputation>();
        services.AddSingleton<ScanWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<ScanWorker>());
    }

    private static void AddFleet(IServiceCollection services, ConfigurationManager configuration, IWebHostEnvironment environment)
    {
        services.AddOptions<FleetOptions>()
            .Bind(configuration.GetSection(FleetOptions.Section))
            .PostConfigure(o => o.Simulator.Enabled ??= environment.IsDevelopment())
            .Validate(o => o.MaxCheckInBytes is >= 4096 and <= 64 * 1024 * 1024, "Fleet:MaxCheckInBytes must be between 4 KiB and 64 MiB.")
            .Validate(o => o.EscalationInterval >= TimeSpan.FromSeconds(1) && o.EscalationInterval <= TimeSpan.FromDays(40), "Fleet:EscalationInterval must be between one second and 40 days.")
            .Validate(o => o.CheckInBatch is >= 1 and <= 256, "Fleet:CheckInBatch must be between 1 and 256.")
            .Validate(o => o.Brake.MaxDevices is >= 1 and <= 100_000, "Fleet:Brake:MaxDevices must be between 1 and 100,000.")
            .Validate(o => o.Brake.Window >= TimeSpan.FromMinutes(1) && o.Brake.Window <= TimeSpan.FromDays(40), "Fleet:Brake:Window must be between a minute and 40 days.")
            .Validate(o => o.ApprovalExpiry >= TimeSpan.FromMinutes(1) && o.ApprovalExpiry <= TimeSpan.FromDays(40), "Fleet:ApprovalExpiry must be between a minute and 40 days.")
            .Validate(o => o.Simulator.MdmOnlyPercent is >= 0 and <= 100, "Fleet:Simulator:MdmOnlyPercent must be between 0 and 100.")
            .Validate(o => o.Simulator.DeviceCount is >= 0 and <= 100_000, "Fleet:Simulator:DeviceCount must be between 0 and 100,000.")
            .Validate(o => o.Simulator.CheckInInterval >= TimeSpan.FromSeconds(1), "Fleet:Simulator:CheckInInterval must be at least one second.")
            .Validate(o => string.IsNullOrEmpty(o.Simulator.TargetUrl) || Uri.TryCreate(o.Simulator.TargetUrl, UriKind.Absolute, out _), "Fleet:Simulator:TargetUrl must be an absolute URL.")
            .ValidateOnStart();
        services.AddSingleton<FleetCache>();
        services.AddSingleton<FleetNotifier>();
        services.AddSingleton<CheckInWriter>();
        services.AddSingleton<MassActionBrake>();
        services.AddSingleton<ComplianceEngine>();
        services.AddScoped<HeldBatchService>();
        services.AddSingleton<FleetReevaluation>();
        services.AddScoped<DeviceContractService>();
        services.AddScoped<FleetService>();
        services.AddScoped<PolicyService>();
        services.AddScoped<FleetSeeder>();
        services.AddScoped<Features.Signers.ICertificateRevocationListener, FleetRevocationListener>();
        services.AddSingleton<ApprovalExpiry>();
        services.AddSingleton<EscalationWorker>();
        services.AddOptions<FleetRetentionOptions>()
            .Bind(configuration.GetSection(FleetRetentionOptions.Section))
            .Validate(o => o.CheckIns >= TimeSpan.FromHours(1), "Fleet:Retention:CheckIns must be at least one hour.")
            .Validate(o => o.Interval >= TimeSpan.FromMinutes(1) && o.Interval <= TimeSpan.FromDays(40), "Fleet:Retention:Interval must be between one minute and 40 days.")
            .ValidateOnStart();
        services.AddSingleton<FleetRetention>();
        AddFleetSimulator(services);
    }

    /// <summary>
    /// The simulator is always registered (its page shows whether it is on); it enrols and checks in only when
    /// <c>Fleet:Simulator:Enabled</c> resolves true: set, or unset in Development. Tests run as "Testing": off.
    /// </summary>
    private static void AddFleetSimulator(IServiceCollection services)
    {
        services.AddSingleton<InProcessDeviceChannel>();
        services.AddHttpClient(HttpDeviceChannel.ClientName, (sp, client) =>
            {
                var target = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<FleetOptions>>().Value.Simulator.TargetUrl;
                if (!string.IsNullOrEmpty(target))
                {
                    client.BaseAddress = HttpDeviceChannel.BaseAddress(target);
                }

                client.Timeout = TimeSpan.FromSeconds(30);
            })
            // One client lives as long as the simulator: recycle its connections so that DNS changes are seen.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
            // Hundreds of check-ins a minute: the simulator counts and reports failures itself, without a log line per request.
            .RemoveAllLoggers();
        services.AddSingleton<IDeviceChannel>(sp =>
            string.IsNullOrEmpty(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<FleetOptions>>().Value.Simulator.TargetUrl)
                ? sp.GetRequiredService<InProcessDeviceChannel>()
                : new HttpDeviceChannel(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpDeviceChannel.ClientName)));
        services.AddSingleton<FleetSimulator>();
        services.AddHostedService(sp => sp.GetRequiredService<FleetSimulator>());
        services.AddScoped<SimulatorService>();
    }

    private static void AddSiem(IServiceCollection services, ConfigurationManager configuration)
    {
        services.AddOptions<Features.Audit.Siem.SiemOptions>()
            .Bind(configuration.GetSection(Features.Audit.Siem.SiemOptions.Section))
            .Validate(o => o.BatchSize is >= 1 and <= 10_000, "Siem:BatchSize must be between 1 and 10,000.")
            .Validate(o => o.PollInterval >= TimeSpan.FromMilliseconds(100) && o.PollInterval <= TimeSpan.FromHours(1) && o.MaxBackoff >= TimeSpan.FromSeconds(1) && o.MaxBackoff <= TimeSpan.FromDays(1),
                "Siem:PollInterval must be between 100 ms and an hour, Siem:MaxBackoff between 1 s and a day.")
            .Validate(o => !o.Splunk.Enabled || (Uri.TryCreate(o.Splunk.Url, UriKind.Absolute, out _) && o.Splunk.Token.Length > 0), "Siem:Splunk needs Url and Token when Enabled.")
            .Validate(o => !o.Syslog.Enabled || (o.Syslog.Host.Length > 0 && o.Syslog.Port is > 0 and <= 65535 && o.Syslog.Protocol is "tcp" or "udp"), "Siem:Syslog needs Host, Port and Protocol (tcp or udp) when Enabled.")
            .ValidateOnStart();
        services.AddHttpClient(Features.Audit.Siem.SplunkHecSink.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<Features.Audit.Siem.SplunkHecSink>();
        services.AddSingleton<Features.Audit.Siem.SyslogSink>();
        services.AddSingleton<Features.Audit.Siem.SiemSettingsStore>();
        services.AddSingleton<Features.Audit.Siem.SiemForwarder>();
        services.AddOptions<AuditOptions>()
            .Bind(configuration.GetSection(AuditOptions.Section))
            .Validate(o => o.Retention.Days is >= 0 and <= 36_500, "Audit:Retention:Days must be 0 (keep everything) to 36,500.")
            .Validate(o => o.Retention.Interval >= TimeSpan.FromMinutes(1) && o.Retention.Interval <= TimeSpan.FromDays(40), "Audit:Retention:Interval must be between a minute and 40 days.")
            .ValidateOnStart();
        services.AddSingleton<AuditRetention>();
    }

    private static void AddData(IServiceCollection services, ConfigurationManager configuration, IWebHostEnvironment environment)
    {
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (database.IsPostgres)
        {
            services.AddDbContextFactory<PostgresMasqueDbContext>((sp, options) => options
                .UseNpgsql(PostgresMasqueDbContext.Tuned(sp.GetRequiredService<IConfiguration>().GetConnectionString(DatabaseOptions.Postgres)))
                .AddInterceptors(new PostgresWriterLock()));
            services.AddSingleton<IDbContextFactory<MasqueDbContext>, MasqueDbContextFactory<PostgresMasqueDbContext>>();
        }
        else
        {
            services.AddDbContextFactory<SqliteMasqueDbContext>((sp, options) =>
                options.UseSqlite(DatabaseInitializer.ResolveSqliteConnectionString(sp.GetRequiredService<IConfiguration>(), environment.ContentRootPath)));
            services.AddSingleton<IDbContextFactory<MasqueDbContext>, MasqueDbContextFactory<SqliteMasqueDbContext>>();
        }

        services.AddScoped<MasqueDbContext>(sp => sp.GetRequiredService<IDbContextFactory<MasqueDbContext>>().CreateDbContext());
        // One key ring for every instance, in the database: a cookie or antiforgery token one instance minted, another reads.
        services.AddDataProtection()
            .SetApplicationName("MasqueDashboard")
            .PersistKeysToDbContext<MasqueDbContext>();
    }

    private static void AddIdentity(IServiceCollection services)
    {
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();

        services.AddIdentityCore<ApplicationUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = false;
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 10;
                options.Stores.SchemaVersion = MasqueDbContext.IdentitySchema;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<MasqueDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<MasqueClaimsPrincipalFactory>();

        services.AddOptions<IdentityOptions>().Configure<Microsoft.Extensions.Options.IOptions<SecurityOptions>>((identity, security) =>
        {
            identity.Lockout.AllowedForNewUsers = true;
            identity.Lockout.MaxFailedAccessAttempts = security.Value.Lockout.MaxFailedAttempts;
            identity.Lockout.DefaultLockoutTimeSpan = security.Value.Lockout.Duration;
        });

        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/Account/Login";
            options.AccessDeniedPath = "/Account/AccessDenied";
            options.Cookie.Name = "MasqueDashboard.Auth";
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.SlidingExpiration = true;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
        });

        services.AddAuthorization(options =>
        {
            options.AddPolicy(Features.Reviews.SeparationOfDutiesRequirement.ApprovePolicy, p => p.AddRequirements(new Features.Reviews.SeparationOfDutiesRequirement(Features.Reviews.DutyStep.Approve)));
            options.AddPolicy(Features.Reviews.SeparationOfDutiesRequirement.PublishPolicy, p => p.AddRequirements(new Features.Reviews.SeparationOfDutiesRequirement(Features.Reviews.DutyStep.Publish)));
            foreach (var capability in Capabilities.Definitions)
            {
                options.AddPolicy(capability.Name, policy =>
                {
                    policy.RequireAuthenticatedUser();
                    policy.RequireRole(capability.Roles);
                    if (capability.ChangesState)
                    {
                        policy.AddRequirements(new TwoFactorEnrolledRequirement());
                    }
                });
            }
        });
        services.AddSingleton<IAuthorizationHandler, TwoFactorEnrolledHandler>();
        services.AddSingleton<IAuthorizationHandler, Features.Reviews.SeparationOfDutiesHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, PageAuthorizationResultHandler>();
    }
}
