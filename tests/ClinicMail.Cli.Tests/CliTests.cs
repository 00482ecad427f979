using System.Text.Json;
using ClinicMail.Cli.Hosting;

namespace ClinicMail.Cli.Tests;

/// <summary>The <c>clinicmail</c> commands run in process against a real SQLite file in a temp folder.</summary>
public sealed class CliTests
{
    private string _folder = null!;
    private string _db = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        _folder = Directory.CreateTempSubdirectory("clinicmail-cli-").FullName;
        _db = Path.Combine(_folder, "demo.db");
        var (code, output, _) = await RunAsync(["demo-seed", "--db", _db]);
        Assert.That(code, Is.Zero, output);
    }

    [OneTimeTearDown]
    public void Clean()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task DemoSeed_SecondRun_ChangesNothing()
    {
        var (code, output, _) = await RunAsync(["demo-seed", "--db", _db]);

        Assert.That(code, Is.Zero);
        Assert.That(output, Does.Contain("inserted 0, updated 0"));
    }

    [TestCase("01-appointment-consented.json", "allow", 0)]
    [TestCase("03-sti-result-outside-consent.json", "block", 2)]
    [TestCase("06-lookalike-domain-typo.json", "block", 2)]
    [TestCase("11-reply-to-unregistered.json", "block", 2)]
    public async Task Check_SampleDraft_PrintsDecisionAndExitCode(string file, string decision, int exitCode)
    {
        var (code, output, _) = await RunAsync(["check", Example(file), "--db", _db, "--internal-domain", "cliniquedemo.med", "--today", "2026-11-22"]);
        using var result = JsonDocument.Parse(output);

        Assert.That(result.RootElement.GetProperty("decision").GetString(), Is.EqualTo(decision));
        Assert.That(result.RootElement.GetProperty("id").GetString(), Is.EqualTo(Path.GetFileNameWithoutExtension(file)));
        Assert.That(code, Is.EqualTo(exitCode));
    }

    [Test]
    public async Task Check_WithoutDb_EveryExternalRecipientIsUnknown()
    {
        var (_, output, _) = await RunAsync(["check", Example("01-appointment-consented.json")]);
        using var result = JsonDocument.Parse(output);

        Assert.That(result.RootElement.GetProperty("recipients")[0].GetProperty("status").GetString(), Is.EqualTo("unknown"));
    }

    [Test]
    public async Task Check_FromStandardInput_ReadsTheDraft()
    {
        var (code, output, _) = await RunAsync(["check", "-", "--internal-domain", "clinique.med"], stdin: "{\"subject\":\"Rendez-vous\",\"body\":\"Bonjour, à mardi.\",\"to\":[\"a@clinique.med\"]}");

        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("\"decision\""));
    }

    [Test]
    public async Task Check_InvalidJson_Exits65WithoutEchoingInput()
    {
        var (code, output, error) = await RunAsync(["check"], stdin: "{\"subject\": \"secret-subject\", \"to\": [42]}");

        Assert.That(code, Is.EqualTo(65));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.Contain("$.to[0]"));
        Assert.That(error, Does.Not.Contain("secret-subject"));
    }

    [Test]
    public async Task Check_MissingDatabase_Exits66()
    {
        var (code, _, error) = await RunAsync(["check", Example("01-appointment-consented.json"), "--db", Path.Combine(_folder, "nope.db")]);

        Assert.That(code, Is.EqualTo(66));
        Assert.That(error, Does.Contain("nope.db"));
    }

    [Test]
    public async Task Check_BadOptionValue_Exits64()
    {
        var (code, _, error) = await RunAsync(["check", "--format", "xml"]);

        Assert.That(code, Is.EqualTo(64));
        Assert.That(error, Is.Not.Empty);
    }

    [Test]
    public async Task CheckJsonl_BadLineInTheMiddle_ReportsItAndGoesOn()
    {
        var lines = string.Join('\n',
            "{\"id\":\"a\",\"subject\":\"Rendez-vous\",\"body\":\"Bonjour\",\"to\":[\"marie.tremblay@videotron.ca\"]}",
            "{\"id\":\"b\",\"subject\": 12}",
            "not json at all",
            "",
            "{\"id\":\"c\",\"subject\":\"Résultats\",\"body\":\"Votre biopsie montre un carcinome.\",\"to\":[\"jf.gagnon@gmail.com\"]}");

        var (code, output, _) = await RunAsync(["check", "--jsonl", "--db", _db], stdin: lines);
        var results = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        Assert.That(code, Is.EqualTo(65), "some lines were bad");
        Assert.That(results.Select(r => r.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null),
            Is.EqualTo(new[] { "a", "b", null, "c" }));
        Assert.That(results[1].GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("INVALID_DRAFT"));
        Assert.That(results[2].GetProperty("line").GetInt32(), Is.EqualTo(3));
        Assert.That(results[3].GetProperty("decision").GetString(), Is.EqualTo("block"));
    }

    [Test]
    public async Task CheckPretty_PrintsTheDecisionInFrench()
    {
        var (_, output, _) = await RunAsync(["check", Example("05-bulk-patients-visible.json"), "--db", _db, "--format", "pretty", "--lang", "fr"]);

        Assert.That(output, Does.Contain("RETENU"));
        Assert.That(output, Does.Contain("BULK_VISIBLE_PATIENTS"));
    }

    [Test]
    public async Task Token_MintsAJwtWithTheRole()
    {
        var (code, output, _) = await RunAsync(["token", "--role", "ComplianceReviewer", "--data-dir", _folder]);
        var payload = output.Trim().Split('.')[1];

        Assert.That(code, Is.Zero);
        Assert.That(System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(payload)), Does.Contain("ComplianceReviewer"));
    }

    [Test]
    public async Task Token_UnknownRole_Exits64()
    {
        var (code, _, _) = await RunAsync(["token", "--role", "Admin", "--data-dir", _folder]);

        Assert.That(code, Is.EqualTo(64));
    }

    private static string Example(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ClinicMail.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir!.FullName, "docs", "examples", file);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args, string stdin = "")
    {
        using var input = new StringReader(stdin);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliIo(input, output, error, Interactive: false));
        return (code, output.ToString(), error.ToString());
    }
}
