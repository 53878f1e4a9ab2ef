using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MasqueDashboard.Features.Fleet.Simulator;

/// <summary>
/// The device contract over HTTP (<c>Fleet:Simulator:TargetUrl</c>): the same JSON bodies a real agent sends, so the
/// simulator is also the load generator for another instance. The <see cref="HttpClient"/> carries the base address.
/// </summary>
public sealed class HttpDeviceChannel : IDeviceChannel
{
    /// <summary>The named client registered for the simulator.</summary>
    public const string ClientName = "FleetSimulator";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly HttpClient http;

    public HttpDeviceChannel(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is null)
        {
            throw new ArgumentException("The client needs the target's base address.", nameof(http));
        }

        this.http = http;
    }

    public string Mode => "HTTP";

    public Uri? Target => http.BaseAddress;

    /// <summary>The base address for <paramref name="targetUrl"/>, ending in '/' so that relative paths keep its path.</summary>
    public static Uri BaseAddress(string targetUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(targetUrl);
        return new Uri(targetUrl.EndsWith('/') ? targetUrl : targetUrl + "/", UriKind.Absolute);
    }

    public Task<EnrollResponse> EnrollAsync(string enrollmentSecret, EnrollRequest request, CancellationToken cancellationToken = default)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "api/v1/devices/enroll") { Content = JsonContent.Create(request, options: Json) };
        message.Headers.Add("X-Enrollment-Secret", enrollmentSecret);
        return SendAsync<EnrollResponse>(message, cancellationToken);
    }

    public Task<CheckInResponse> CheckInAsync(string deviceToken, CheckInRequest request, CancellationToken cancellationToken = default)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "api/v1/devices/checkin") { Content = JsonContent.Create(request, options: Json) };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", deviceToken);
        return SendAsync<CheckInResponse>(message, cancellationToken);
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage message, CancellationToken cancellationToken)
        where T : class
    {
        using (message)
        {
            try
            {
                using var response = await http.SendAsync(message, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                        ?? throw new DeviceChannelException(DeviceChannelFailure.Unavailable, $"{message.RequestUri} answered with an empty body.");
                }

                var detail = await ProblemDetailAsync(response, cancellationToken);
                var failure = response.StatusCode switch
                {
                    HttpStatusCode.Unauthorized when message.Headers.Authorization is not null => DeviceChannelFailure.Unauthorized,
                    >= HttpStatusCode.InternalServerError => DeviceChannelFailure.Unavailable,
                    _ => DeviceChannelFailure.Refused,
                };
                throw new DeviceChannelException(failure, $"{message.RequestUri} answered {(int)response.StatusCode}: {detail}");
            }
            catch (HttpRequestException e)
            {
                throw new DeviceChannelException(DeviceChannelFailure.Unavailable, $"{http.BaseAddress} cannot be reached: {e.Message}", e);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new DeviceChannelException(DeviceChannelFailure.Unavailable, $"{http.BaseAddress} did not answer within {http.Timeout.TotalSeconds:0} s.", e);
            }
            catch (JsonException e)
            {
                throw new DeviceChannelException(DeviceChannelFailure.Unavailable, $"{message.RequestUri} did not answer with the device contract: {e.Message}", e);
            }
        }
    }

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.ValueKind == JsonValueKind.Object && problem.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
            {
                return detail.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not problem details (a proxy's error page): the status and the start of the body say enough.
        }

        return body.Length > 200 ? body[..200] : body;
    }
}
