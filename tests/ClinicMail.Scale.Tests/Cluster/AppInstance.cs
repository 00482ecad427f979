using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ClinicMail.Scale.Tests.Cluster;

/// <summary>One local-host process (what <c>./run.sh</c> serves) on its own loopback port, with its own
/// background services (audit checkpointer, purge, near-miss refresh). Its output goes to a log file
/// beside the cluster's data so a failing scenario can be read afterwards.</summary>
internal sealed class AppInstance : IAsyncDisposable
{
    private readonly Process _process;

    private AppInstance(int index, int port, Process process, string logPath)
    {
        Index = index;
        Port = port;
        _process = process;
        LogPath = logPath;
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public int Index { get; }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public string LogPath { get; }

    /// <summary>A client to this instance only (each scenario adds its own Authorization header per request).</summary>
    public HttpClient Client { get; }

    public bool HasExited => _process.HasExited;

    public static AppInstance Start(int index, int port, IReadOnlyDictionary<string, string> environment, string logFolder)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { RepositoryPaths.LocalHostDll },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        var logPath = Path.Combine(logFolder, $"instance-{index}.log");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Exited += (_, _) => Write(log, $"-- exited with {SafeExitCode(process)}");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AppInstance(index, port, process, logPath);
    }

    /// <summary>Waits until <c>/api/ready</c> answers 200 (schema migrated, store reachable).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"instance {Index} exited at startup; see {LogPath}");
            }

            try
            {
                using var response = await Client.GetAsync(new Uri("/api/ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"instance {Index} was not ready within {timeout}; see {LogPath}");
    }

    /// <summary>kill -9: no shutdown hook runs, no buffer is flushed.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM, the way the Functions host or systemd stops an instance, then waits.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
        {
            await term!.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Client.Dispose();
        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private static string SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }
}
