using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClinicMail.Application.Identity;

namespace ClinicMail.Functions.Tests.Worker;

/// <summary>The CLI, the local host and the Functions worker return the same decision for the same draft
/// and configuration: every draft of docs/examples and of the development corpus (tests/data/corpus), run
/// through the three against one registry (the demo registry, in one SQLite file) with a non-default
/// <c>Policy:*</c> setting (so a caller that ignored it would differ), compared field by field, byte for
/// byte, on the JSON each returns (only the id of the check, which each run mints, is left out).</summary>
[NonParallelizable]
public sealed class DecisionParityTests
{
    private const string Domain = "cliniquedemo.med";

    /// <summary>docs/policy.md's example: secure delivery only suggested, as information.</summary>
    private static readonly Dictionary<string, string?> Policy = new()
    {
        // Recommended (not required) secure delivery exists only when clinical content is not forced secure.
        ["Policy:RequireSecureDeliveryForClinicalContent"] = "false",
        ["Policy:Rules:SECURE_DELIVERY_RECOMMENDED:Severity"] = "Info",
    };

    [Test]
    public async Task EveryDraft_GetsTheSameDecisionFromTheCliTheLocalHostAndTheWorkerAsync()
    {
        var drafts = Drafts();
        Assert.That(drafts, Has.Count.GreaterThan(160), "the 11 examples and the 160 corpus messages");

        using var local = new ClinicMailFactory(new Dictionary<string, string?>(Policy) { ["ClinicMail:InternalDomains:0"] = Domain });
        using var api = local.ClientWithRoles(Roles.Physician);
        using var worker = await WorkerHarness.StartAsync(local.DataDirectory, new Dictionary<string, string?>(Policy) { ["ClinicMail:InternalDomains:0"] = Domain });
        var cli = await RunCliAsync(drafts, local.DatabasePath);
        Assert.That(cli, Has.Count.EqualTo(drafts.Count));

        var token = worker.Token(Roles.Physician);
        var compared = 0;
        var informational = 0;
        for (var i = 0; i < drafts.Count; i++)
        {
            var id = drafts[i]["id"]!.GetValue<string>();
            using var content = new StringContent(drafts[i].ToJsonString(), Encoding.UTF8, "application/json");
            var localResponse = await api.PostAsync("/api/v1/check", content);
            var workerResponse = await worker.SendAsync("POST", "/api/v1/check", token, drafts[i].ToJsonString());
            Assert.That(((int)localResponse.StatusCode, workerResponse.Status), Is.EqualTo((200, 200)), $"{id}: {workerResponse.Body}");

            var fromCli = Fields(cli[i], "id");
            var fromLocal = Fields(await localResponse.Content.ReadAsStringAsync(), "checkId");
            var fromWorker = Fields(workerResponse.Body, "checkId");
            Assert.That(fromLocal, Is.EqualTo(fromCli), $"{id}: local host and CLI differ: {Difference(fromLocal, fromCli)}");
            Assert.That(fromWorker, Is.EqualTo(fromLocal), $"{id}: worker and local host differ: {Difference(fromWorker, fromLocal)}");
            compared++;
            informational += fromLocal["reasons"].Contains("\"SECURE_DELIVERY_RECOMMENDED\",\"severity\":\"info\"", StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.That(compared, Is.EqualTo(drafts.Count));
        Assert.That(informational, Is.GreaterThan(0), "the Policy:* setting shaped some decisions, in all three");
    }

    private static string Difference(SortedDictionary<string, string> a, SortedDictionary<string, string> b) =>
        string.Join("; ", a.Keys.Union(b.Keys).Where(k => a.GetValueOrDefault(k) != b.GetValueOrDefault(k))
            .Select(k => $"{k}: {a.GetValueOrDefault(k)} <> {b.GetValueOrDefault(k)}"));

    /// <summary>Top-level fields as their raw JSON text, without the per-run id.</summary>
    private static SortedDictionary<string, string> Fields(string json, string idField)
    {
        using var document = JsonDocument.Parse(json);
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject().Where(p => p.Name != idField))
        {
            fields[property.Name] = property.Value.GetRawText();
        }

        return fields;
    }

    /// <summary>docs/examples as they are; each corpus message as a draft from the demo clinic to a demo
    /// patient (consent with and without the message's categories) or to a colleague, in turn.</summary>
    private static List<JsonObject> Drafts()
    {
        var root = FunctionsLayoutTests.RepoRoot();
        var drafts = Directory.GetFiles(Path.Combine(root, "docs", "examples"), "*.json").Order(StringComparer.Ordinal)
            .Select(f => JsonNode.Parse(File.ReadAllText(f))!.AsObject()).ToList();
        string[] recipients = ["jf.gagnon@gmail.com", "marie.tremblay@videotron.ca", "dr.colleague@" + Domain, "unknown.person@example.org"];
        var index = 0;
        foreach (var line in File.ReadLines(Path.Combine(root, "tests", "data", "corpus", "sensitive-topics.dev.jsonl")).Where(l => l.Length > 0))
        {
            var message = JsonNode.Parse(line)!.AsObject();
            drafts.Add(new JsonObject
            {
                ["id"] = message["id"]!.GetValue<string>(),
                ["from"] = "dre.tremblay@" + Domain,
                ["subject"] = message["subject"]!.GetValue<string>(),
                ["body"] = message["body"]!.GetValue<string>(),
                ["bodyFormat"] = "text",
                ["to"] = new JsonArray(recipients[index++ % recipients.Length]),
            });
        }

        return drafts;
    }

    /// <summary>The built CLI (clinicmail.dll beside these tests) over the same registry file, configured by
    /// the environment as an operator would (Policy__…), one result per line.</summary>
    private static async Task<List<string>> RunCliAsync(List<JsonObject> drafts, string database)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "clinicmail.dll"), "check", "--jsonl", "--db", database, "--internal-domain", Domain })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in Policy)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        foreach (var draft in drafts)
        {
            await process.StandardInput.WriteLineAsync(draft.ToJsonString());
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, await error);
        return [.. (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }
}
