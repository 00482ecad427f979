using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClinicMail.Scale.Tests.Cluster;
using MimeKit;

namespace ClinicMail.Scale.Tests;

/// <summary>What must hold when several instances share one PostgreSQL database (docs/scale.md), proven
/// with real processes at small scale; <c>scripts/bench-scale.sh</c> runs the same shape at full scale.
/// Each scenario ends by verifying the audit chain from its first record with the reviewer's CLI.</summary>
[TestFixture]
[NonParallelizable]
public sealed class ScaleOutTests
{
    private const string Physician = "0b6f3c1e-5d1a-4c7e-9a52-scale0000001";
    private const string Admin = "0b6f3c1e-5d1a-4c7e-9a52-scale0000002";
    private const string Marie = "marie.tremblay@videotron.ca";

    [Test]
    public async Task Checks_and_overrides_on_three_instances_leave_one_unbroken_chain_with_every_answer_recorded()
    {
        await using var cluster = await ScaleCluster.StartAsync(3);
        var answered = new ConcurrentBag<string>();
        var overridden = new ConcurrentBag<string>();
        var allow = Example("01-appointment-consented");
        var block = Example("03-sti-result-outside-consent");

        await Parallel.ForAsync(0, 150, new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (i, ct) =>
        {
            var instance = cluster.Instances[i % 3];
            var check = await CheckAsync(cluster, instance, i % 2 == 0 ? allow : block);
            answered.Add(check.CheckId);
            if (check.Decision == "block")
            {
                // The override lands on another instance than the check, as a load balancer may route it.
                var other = cluster.Instances[(i + 1) % 3];
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/checks/{check.CheckId}/override")
                {
                    Content = JsonContent.Create(new { justificationCode = "patient_request", justification = "Le patient a demandé ce courriel.", reasonCodes = new[] { "TOPIC_OUTSIDE_CONSENT" } }),
                };
                request.Headers.Authorization = cluster.Bearer("Physician", Physician);
                using var response = await other.Client.SendAsync(request, ct);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync(ct));
                overridden.Add(check.CheckId);
            }
        });

        await AssertEveryAnswerRecordedOnceAsync(cluster, answered, overridden);
        await AssertChainVerifiesAsync(cluster);
    }

    [Test]
    public async Task Checkpointers_on_every_instance_sign_one_checkpoint_chain_without_a_fork()
    {
        // Every instance polls fast and signs every few records: three checkpointers race all the time.
        await using var cluster = await ScaleCluster.StartAsync(3, new Dictionary<string, string>
        {
            ["Audit__CheckpointEvery"] = "4",
            ["Audit__CheckpointPoll"] = "00:00:00.100",
            ["Audit__CheckpointInterval"] = "00:00:00.300",
        });
        var allow = Example("01-appointment-consented");
        // By count, not by time: on a loaded machine six seconds may hold three checks or three hundred.
        var answered = 0;
        await Parallel.ForAsync(0, 9, async (worker, ct) =>
        {
            while (Interlocked.Increment(ref answered) <= 90)
            {
                await CheckAsync(cluster, cluster.Instances[worker % 3], allow);
            }
        });
        await Task.Delay(1500); // One more poll of every checkpointer over the last records.

        var checkpoints = await cluster.ScalarAsync<long>("SELECT COUNT(*) FROM audit_checkpoints");
        var links = await cluster.ColumnAsync("SELECT previous FROM audit_checkpoints ORDER BY seq");
        Assert.Multiple(() =>
        {
            Assert.That(checkpoints, Is.GreaterThan(3), "the checkpointers signed while the load ran");
            Assert.That(links.Count(link => link is null), Is.LessThanOrEqualTo(1), "one first checkpoint only");
            Assert.That(links.Where(link => link is not null).Distinct().Count(), Is.EqualTo(links.Count(link => link is not null)),
                "no two checkpoints follow the same one (a fork of the checkpoint chain)");
        });
        await AssertChainVerifiesAsync(cluster);
    }

    [Test]
    public async Task A_registry_change_on_one_instance_is_seen_by_a_check_on_another_including_the_near_miss_index()
    {
        await using var cluster = await ScaleCluster.StartAsync(3);
        var first = cluster.Instances[0];
        var third = cluster.Instances[2];
        var toMarie = Example("01-appointment-consented");
        var before = await CheckAsync(cluster, third, toMarie);
        Assert.That(before.RecipientStatus, Is.EqualTo("consented_patient"));

        // Warm the third instance's near-miss index before the change, so the change must reach it.
        var typo = WithRecipient(toMarie, "nouvelle.adresse@videotrom.ca");
        Assert.That((await CheckAsync(cluster, third, typo)).RecipientStatus, Is.Not.EqualTo("lookalike"));

        await AdminAsync(cluster, first, HttpMethod.Put, "/api/v1/registry/patients/demo-p01/addresses", new { address = "nouvelle.adresse@videotron.ca", kind = "personal" });
        await AdminAsync(cluster, first, HttpMethod.Post, "/api/v1/registry/patients/demo-p01/consent/revoke", null);
        var changed = Stopwatch.StartNew();

        var seenRevocation = await CheckAsync(cluster, third, toMarie);
        var seenNewAddress = await CheckAsync(cluster, third, typo);
        var elapsed = changed.Elapsed;
        await TestContext.Out.WriteLineAsync($"registry change seen by another instance's next check after {elapsed.TotalMilliseconds:F0} ms (no polling: the next check already saw it)");
        Assert.Multiple(() =>
        {
            Assert.That(seenRevocation.RecipientStatus, Is.EqualTo("patient_without_consent"), "the revocation is seen by the very next check on another instance");
            Assert.That(seenNewAddress.RecipientStatus, Is.EqualTo("lookalike"), "the near-miss index of another instance knows the new address at its next check");
        });
        await AssertChainVerifiesAsync(cluster);
    }

    [Test]
    public async Task Wrong_codes_spread_over_three_instances_still_lock_the_link_at_five()
    {
        await using var cluster = await ScaleCluster.StartAsync(3);
        var token = await CreateSecureMessageAsync(cluster, cluster.Instances[0]);
        using (var code = await ReaderPostAsync(cluster.Instances[1], token, "/code", ("lang", "fr")))
        {
            Assert.That(code.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        }

        var right = CodeFromPickup(cluster);
        var wrong = right == "000000" ? "111111" : "000000";
        // Nine wrong codes at once, three per instance: the counter lives in the database row.
        await Task.WhenAll(Enumerable.Range(0, 9).Select(async i =>
        {
            using var response = await ReaderPostAsync(cluster.Instances[i % 3], token, "/verify", ("lang", "fr"), ("code", wrong));
            Assert.That((int)response.StatusCode, Is.LessThan(500));
        }));
        using var afterLock = await ReaderPostAsync(cluster.Instances[2], token, "/verify", ("lang", "fr"), ("code", right));

        var failed = await cluster.ScalarAsync<long>("SELECT COUNT(*) FROM audit_records WHERE event = 1302");
        var locked = await cluster.ScalarAsync<long>("SELECT COUNT(*) FROM audit_records WHERE event = 1303");
        var opened = await cluster.ScalarAsync<long>("SELECT COUNT(*) FROM audit_records WHERE event = 1304");
        Assert.Multiple(() =>
        {
            Assert.That(afterLock.StatusCode, Is.Not.EqualTo(HttpStatusCode.SeeOther), "the right code no longer opens a locked link");
            Assert.That(failed, Is.LessThanOrEqualTo(5), "at most five wrong codes are counted, whatever instance took them");
            Assert.That(locked, Is.EqualTo(1), "the link is locked exactly once");
            Assert.That(opened, Is.Zero);
        });
        await AssertChainVerifiesAsync(cluster);
    }

    [Test]
    public async Task Purge_timers_firing_on_every_instance_shred_each_expired_message_once()
    {
        await using var cluster = await ScaleCluster.StartAsync(3, new Dictionary<string, string> { ["Secure__PurgeInterval"] = "00:00:00.200" });
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await CreateSecureMessageAsync(cluster, cluster.Instances[i % 3], returnId: true));
        }

        // Time passes (the row's expiry moves into the past); every instance's purge timer sees it at once.
        await cluster.ScalarAsync<long>("WITH moved AS (UPDATE secure_messages SET expires_at = now() - interval '1 minute' RETURNING 1) SELECT COUNT(*) FROM moved");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await cluster.ScalarAsync<long>("SELECT COUNT(*) FROM secure_messages WHERE status = 'active'") > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        await Task.Delay(1000); // Let every instance's timer fire again over the closed rows.
        var expired = await cluster.ColumnAsync("SELECT subject_id FROM audit_records WHERE event = 1306 ORDER BY subject_id");
        var shredded = await cluster.ColumnAsync("SELECT subject_id FROM audit_records WHERE event = 1307 ORDER BY subject_id");
        Assert.Multiple(() =>
        {
            Assert.That(expired, Is.EquivalentTo(ids), "each message expired once");
            Assert.That(shredded, Is.EquivalentTo(ids), "each message shredded once");
        });
        await AssertChainVerifiesAsync(cluster);
    }

    [Test]
    public async Task Killing_one_instance_mid_load_loses_and_duplicates_nothing()
    {
        await using var cluster = await ScaleCluster.StartAsync(3);
        var answered = new ConcurrentBag<string>();
        var refused = 0;
        var afterKill = 0;
        var killed = false;
        var allow = Example("01-appointment-consented");
        using var stop = new CancellationTokenSource();
        var load = Parallel.ForAsync(0, 9, async (worker, _) =>
        {
            var instance = cluster.Instances[worker % 3];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    answered.Add((await CheckAsync(cluster, instance, allow)).CheckId);
                    if (Volatile.Read(ref killed))
                    {
                        Interlocked.Increment(ref afterKill);
                    }
                }
                catch (HttpRequestException)
                {
                    // The killed instance: a front end would send the request elsewhere; the client retries on the next instance.
                    Interlocked.Increment(ref refused);
                    instance = cluster.Instances[(instance.Index + 1) % 3];
                }
            }
        });

        // Mid-load: once every instance has answered, kill -9 the second one while requests are in flight.
        await WaitUntilAsync(() => answered.Count >= 30, TimeSpan.FromSeconds(90));
        await cluster.Instances[1].KillAsync();
        Volatile.Write(ref killed, true);
        var answeredAtKill = answered.Count;
        await WaitUntilAsync(() => Volatile.Read(ref afterKill) >= 30, TimeSpan.FromSeconds(90));
        await stop.CancelAsync();
        await load;

        await TestContext.Out.WriteLineAsync($"{answered.Count} checks answered, {answeredAtKill} before the kill, {refused} requests refused by the killed instance");
        Assert.That(afterKill, Is.GreaterThanOrEqualTo(30), "the other instances kept answering");
        await AssertEveryAnswerRecordedOnceAsync(cluster, answered, []);
        await AssertChainVerifiesAsync(cluster);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the load did not progress in time");
            await Task.Delay(50);
        }
    }

    private static async Task AssertEveryAnswerRecordedOnceAsync(ScaleCluster cluster, IReadOnlyCollection<string> checks, IReadOnlyCollection<string> overrides)
    {
        var recordedChecks = await cluster.ColumnAsync("SELECT check_id FROM audit_records WHERE event = 1000");
        var recordedOverrides = await cluster.ColumnAsync("SELECT check_id FROM audit_records WHERE event = 1100");
        // One statement, one snapshot: a checkpointer may append its signed event between two separate reads.
        var counts = (await cluster.ScalarAsync<string>(
            "SELECT COUNT(*) || ',' || COALESCE(MAX(seq), 0) || ',' || (SELECT seq FROM audit_chain_head) FROM audit_records")).Split(',');
        var (count, last, head) = (long.Parse(counts[0], CultureInfo.InvariantCulture), long.Parse(counts[1], CultureInfo.InvariantCulture),
            long.Parse(counts[2], CultureInfo.InvariantCulture));
        Assert.Multiple(() =>
        {
            Assert.That(recordedChecks, Is.Unique, "no check recorded twice");
            Assert.That(recordedChecks, Is.SupersetOf(checks), "every check answered 200 has its record");
            Assert.That(recordedOverrides, Is.EquivalentTo(overrides), "every override answered 200 has exactly one record");
            Assert.That(count, Is.EqualTo(last), "sequence numbers 1..N without a gap or a repeat");
            Assert.That(head, Is.EqualTo(last), "the head row names the last record");
        });
    }

    private static async Task AssertChainVerifiesAsync(ScaleCluster cluster)
    {
        var (exitCode, output) = await cluster.VerifyAuditAsync();
        Assert.That(exitCode, Is.Zero, output);
    }

    private sealed record CheckResult(string CheckId, string Decision, string? RecipientStatus);

    private static async Task<CheckResult> CheckAsync(ScaleCluster cluster, AppInstance instance, JsonElement draft)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/check") { Content = JsonContent.Create(draft) };
        request.Headers.Authorization = cluster.Bearer("Physician", Physician);
        using var response = await instance.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        var answer = JsonDocument.Parse(text).RootElement;
        var recipients = answer.GetProperty("recipients");
        return new CheckResult(
            answer.GetProperty("checkId").GetString()!,
            answer.GetProperty("decision").GetString()!,
            recipients.GetArrayLength() > 0 ? recipients[0].GetProperty("status").GetString() : null);
    }

    private static async Task AdminAsync(ScaleCluster cluster, AppInstance instance, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body ?? new { }) };
        request.Headers.Authorization = cluster.Bearer("ClinicAdmin", Admin);
        using var response = await instance.Client.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.InRange(200, 299), await response.Content.ReadAsStringAsync());
    }

    /// <summary>A real check of clinical content to Marie (secure delivery required), then the secure
    /// message of that same content on the same instance. Returns the link token, or the message id.</summary>
    private static async Task<string> CreateSecureMessageAsync(ScaleCluster cluster, AppInstance instance, bool returnId = false)
    {
        const string subject = "Résultats de biopsie";
        const string body = "Bonjour Madame Tremblay,\n\nLe résultat de votre biopsie montre une lésion bénigne. Un suivi est prévu dans six mois.\n\nDre Isabelle Tremblay, M.D.\nMédecine familiale\nGMF Clinique Démo — 514 555-0100";
        var draft = JsonSerializer.SerializeToElement(new { from = "dre.tremblay@cliniquedemo.med", subject, body, bodyFormat = "text", to = new[] { Marie }, cc = Array.Empty<string>(), bcc = Array.Empty<string>() });
        var check = await CheckAsync(cluster, instance, draft);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/secure-messages")
        {
            Content = JsonContent.Create(new { checkId = check.CheckId, subject, body, bodyFormat = "text", recipients = new[] { Marie }, attachments = Array.Empty<object>() }),
        };
        request.Headers.Authorization = cluster.Bearer("Physician", Physician);
        using var response = await instance.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);
        var created = JsonDocument.Parse(text).RootElement;
        if (returnId)
        {
            return created.GetProperty("messageId").GetString()!;
        }

        var link = created.GetProperty("link").GetString()!;
        return link[(link.LastIndexOf('/') + 1)..];
    }

    private static async Task<HttpResponseMessage> ReaderPostAsync(AppInstance instance, string token, string suffix, params (string Name, string Value)[] fields)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var client = new HttpClient(handler) { BaseAddress = instance.BaseAddress };
        return await client.PostAsync(new Uri($"/secure/{token}{suffix}", UriKind.Relative),
            new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));
    }

    /// <summary>The one-time code from the newest code mail in the shared pickup folder.</summary>
    private static string CodeFromPickup(ScaleCluster cluster)
    {
        var folder = Path.Combine(cluster.DataDirectory, "mail-pickup");
        foreach (var file in Directory.GetFiles(folder, "*.eml").OrderByDescending(File.GetLastWriteTimeUtc))
        {
            var message = MimeMessage.Load(file);
            if (message.Headers["X-ClinicMail-Kind"] == "secure-code")
            {
                var match = System.Text.RegularExpressions.Regex.Match(message.TextBody ?? "", @"\b(\d{6,9})\b");
                if (match.Success)
                {
                    return match.Groups[1].Value;
                }
            }
        }

        throw new AssertionException("no code mail in the pickup folder");
    }

    private static JsonElement Example(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "examples", name + ".json"))).RootElement.Clone();

    private static JsonElement WithRecipient(JsonElement draft, string address)
    {
        var copy = System.Text.Json.Nodes.JsonNode.Parse(draft.GetRawText())!.AsObject();
        copy["to"] = new System.Text.Json.Nodes.JsonArray(address);
        return JsonSerializer.SerializeToElement(copy);
    }
}
