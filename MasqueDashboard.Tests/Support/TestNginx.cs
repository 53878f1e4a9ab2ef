using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MasqueDashboard.Tests.Support;

/// <summary>
/// Debian's nginx in front of app instances on loopback, configured as <c>deploy/nginx-masque.conf</c> does it (sticky
/// <c>ip_hash</c> upstream for the console, <c>least_conn</c> for the device contract, WebSockets, forwarded headers,
/// long reads) without TLS, in a temporary prefix. Each answer
/// names the instance that served it (<c>X-Upstream</c>). Skips where nginx is absent, except under CI.
/// </summary>
public sealed class TestNginx : IDisposable
{
    private const string Nginx = "/usr/sbin/nginx";
    private readonly Process process;
    private readonly string directory;

    private TestNginx(Process process, string directory, int port)
    {
        this.process = process;
        this.directory = directory;
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    public Uri BaseAddress { get; }

    public static void RequireOrSkip()
    {
        if (!File.Exists(Nginx))
        {
            Assert.False(SharedFixtures.IsCi, "nginx is required under CI=true (.ci/run installs Debian's nginx)");
            Skip.If(true, "nginx is not installed (apt-get install nginx; .ci/run installs it)");
        }
    }

    public static TestNginx Start(params int[] upstreams)
    {
        RequireOrSkip();
        var directory = Directory.CreateTempSubdirectory("masque-nginx-").FullName;
        var port = TestRedis.FreePort();
        var servers = string.Concat(upstreams.Select(p => $"        server 127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)} max_fails=1 fail_timeout=60s;\n"));
        var config = Path.Combine(directory, "nginx.conf");
        File.WriteAllText(config, $$"""
            worker_processes 1;
            daemon off;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 256; }
            http {
                access_log off;
                client_body_temp_path {{directory}}/body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                map $http_upgrade $connection_upgrade { default upgrade; '' close; }
                upstream masque {
                    ip_hash;
            {{servers}}    }
                upstream masque_devices {
                    least_conn;
            {{servers}}    }
                server {
                    listen 127.0.0.1:{{port.ToString(CultureInfo.InvariantCulture)}};
                    client_max_body_size 2049m;
                    proxy_request_buffering off;
                    location / {
                        proxy_pass http://masque;
                        proxy_http_version 1.1;
                        proxy_set_header Upgrade $http_upgrade;
                        proxy_set_header Connection $connection_upgrade;
                        proxy_set_header Host $http_host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_set_header X-Forwarded-Proto $scheme;
                        proxy_read_timeout 3600s;
                        proxy_next_upstream error timeout http_502;
                        add_header X-Upstream $upstream_addr always;
                    }
                    location /api/v1/devices/ {
                        proxy_pass http://masque_devices;
                        proxy_http_version 1.1;
                        proxy_set_header Host $http_host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_set_header X-Forwarded-Proto $scheme;
                        proxy_next_upstream error timeout http_502;
                        add_header X-Upstream $upstream_addr always;
                    }
                }
            }
            """);
        var info = new ProcessStartInfo(Nginx) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", config, "-p", directory })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return new TestNginx(process, directory, port);
            }
            catch (SocketException) when (DateTime.UtcNow < until && !process.HasExited)
            {
                Thread.Sleep(50);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"nginx did not start: {File.ReadAllText(Path.Combine(directory, "error.log"))}");
            }
        }
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process.Dispose();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // nginx's temp files, cleaned with the rest of /tmp
        }
    }
}
