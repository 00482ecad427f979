using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ClinicMail.Core.Audit;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using MimeKit;

namespace ClinicMail.Functions.Tests.Filing;

/// <summary>The outbox survives kill -9: the real local host (its own process, SQLite file, sent-mail
/// folder, local record folder) records sent mail, is killed with SIGKILL before delivering, restarted,
/// killed again in the middle of delivering, restarted — and every exchange with a registered patient
/// ends up filed exactly once (one folder, one delivered row, one audit record), the others counted.</summary>
[NonParallelizable]
[Category("Process")]
public sealed class FilingCrashTests
{
    private const int Registered = 24;
    private const int Unregistered = 4;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    [Test]
    public async Task KillNineBetweenRecordAndDelivery_AfterRestart_EachExchangeFiledExactlyOnce()
    {
        var data = Directory.CreateTempSubdirectory("clinicmail-filing-crash-");
        try
        {
            var sent = Path.Combine(data.FullName, "mail-sent");
            var record = Path.Combine(data.FullName, "record-filing");
            Directory.CreateDirectory(sent);
            // Demo registry (seeded at startup): two personal addresses, and strangers.
            string[] patients = ["marie.tremblay@videotron.ca", "michel.lavoie@gmail.com"];
            for (var i = 0; i < Registered + Unregistered; i++)
            {
                var to = i < Registered ? patients[i % 2] : $"inconnu{i}@example.org";
                WriteMail(Path.Combine(sent, $"{i:D3}.eml"), to, i);
            }

            // 1. Record only (delivery off), then SIGKILL: everything is in the outbox, nothing filed.
            using (var app = StartApp(data.FullName, deliver: false))
            {
                await WaitUntilAsync(() => Directory.GetFiles(sent, "*.eml").Length == 0, app, "the sent-mail folder to be recorded");
                app.Kill();
            }

            Assert.That(Filings(record), Is.Zero, "nothing was delivered before the first kill");

            // 2. Deliver, SIGKILL in the middle.
            using (var app = StartApp(data.FullName, deliver: true))
            {
                await WaitUntilAsync(() => Filings(record) >= 3, app, "the first filings");
                app.Kill();
            }

            var afterSecondKill = Filings(record);

            // 3. Restart: the rest is delivered, nothing twice.
            using (var app = StartApp(data.FullName, deliver: true))
            {
                await WaitUntilAsync(() => DeliveredRows(data.FullName) == Registered, app, "every filing delivered");
                app.Kill();
            }

            var folders = Directory.GetDirectories(record, "fil-*", SearchOption.AllDirectories).Where(d => !d.Contains(".partial-", StringComparison.Ordinal)).ToList();
            var audited = await FiledAuditSubjectsAsync(data.FullName);
            Assert.Multiple(() =>
            {
                Assert.That(afterSecondKill, Is.LessThan(Registered), "the second kill really came mid-delivery");
                Assert.That(folders, Has.Count.EqualTo(Registered), "one folder per exchange");
                Assert.That(folders.All(f => File.Exists(Path.Combine(f, "rendition.pdf")) && File.Exists(Path.Combine(f, "resource.json"))), Is.True);
                Assert.That(audited.Distinct().Count(), Is.EqualTo(Registered), "every filing audited");
                Assert.That(NotRegisteredCount(data.FullName), Is.EqualTo(Unregistered), "strangers counted, not stored");
            });
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            data.Delete(recursive: true);
        }
    }

    private static void WriteMail(string path, string to, int i)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("dre.gagnon@cliniquedemo.med"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = "Suivi " + i;
        message.MessageId = $"crash-{i}@cliniquedemo.med";
        message.Date = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero).AddMinutes(i);
        message.Body = new TextPart("plain") { Text = "Bonjour, voici le suivi de votre rendez-vous." };
        message.WriteTo(path);
    }

    private static int Filings(string record) =>
        Directory.Exists(record) ? Directory.GetDirectories(record, "fil-*", SearchOption.AllDirectories).Count(d => !d.Contains(".partial-", StringComparison.Ordinal)) : 0;

    private static long Scalar(string dataDirectory, string sql)
    {
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "clinicmail.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Constant SQL from this file.
            command.CommandText = sql;
#pragma warning restore CA2100
            return Convert.ToInt64(command.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            return -1; // not created or not migrated yet
        }
    }

    private static long DeliveredRows(string dataDirectory) => Scalar(dataDirectory, "SELECT COUNT(*) FROM filing_outbox WHERE state = 'delivered'");

    private static long NotRegisteredCount(string dataDirectory) => Scalar(dataDirectory, "SELECT COALESCE(SUM(value), 0) FROM filing_counters");

    private static async Task<List<string>> FiledAuditSubjectsAsync(string dataDirectory)
    {
        var subjects = new List<string>();
        await foreach (var entry in new AuditStore(new SqliteDatabase(Path.Combine(dataDirectory, "clinicmail.db"))).ReadAllAsync())
        {
            if (entry.Event == AuditEventType.RecordFiled)
            {
                subjects.Add(entry.SubjectId!);
            }
        }

        return subjects;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, App app, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (app.Process.HasExited)
            {
                Assert.Fail($"The app exited ({app.Process.ExitCode}) while waiting for {what}:\n{app.Log}");
            }

            if (deadline.Elapsed > Patience)
            {
                Assert.Fail($"Timed out waiting for {what}:\n{app.Log}");
            }

            await Task.Delay(100);
        }
    }

    private static App StartApp(string dataDirectory, bool deliver)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ClinicMail.LocalHost.dll"));
        var environment = new Dictionary<string, string>
        {
            ["ClinicMail__Mode"] = "Development",
            ["Identity__Mode"] = "Development",
            ["ClinicMail__DataDirectory"] = dataDirectory,
            ["ClinicMail__PublicBaseUrl"] = $"http://127.0.0.1:{port}",
            ["ClinicMail__InternalDomains__0"] = "cliniquedemo.med",
            ["ClinicMail__WarmUp"] = "false",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["RecordFiling__BackgroundDelivery"] = deliver ? "true" : "false",
            ["RecordFiling__PollInterval"] = "00:00:00.200",
            ["RecordFiling__BatchSize"] = "2",
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new App(Process.Start(start)!);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The app's process; <see cref="Kill"/> is SIGKILL (no shutdown hook runs).</summary>
    private sealed class App : IDisposable
    {
        private readonly System.Text.StringBuilder _log = new();

        public App(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Log
        {
            get
            {
                lock (_log)
                {
                    return _log.ToString();
                }
            }
        }

        public void Kill()
        {
            // Process.Kill sends SIGKILL on Unix: the outbox gets no chance to tidy up.
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Kill();
            }

            Process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_log)
                {
                    _log.AppendLine(line);
                }
            }
        }
    }
}
