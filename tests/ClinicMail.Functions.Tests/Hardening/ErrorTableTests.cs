using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ClinicMail.Functions.Tests.Worker;

namespace ClinicMail.Functions.Tests.Hardening;

/// <summary>Issue 22, item 8: every 4xx has a body that says what is wrong — ProblemDetails on the API, the
/// reader's HTML page on <c>/secure/…</c> — in French and in English, on both hosts. One table; each host
/// runs the rows it can receive (405, %00 and over-long URLs never reach a worker function: the Functions
/// host answers them, see docs/security.md).</summary>
public sealed class ErrorTableTests
{
    private const string Token = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static readonly Dictionary<string, string?> Settings = new() { ["Limits:MaxCheckRequestBytes"] = "4096" };

    public sealed record Row(string Name, string Method, string Path, string? Role, string? ContentType, string? Body, int Status, string? Code, bool Worker = true)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<Row> Rows() =>
    [
        new("to: [null]", "POST", "/api/v1/check", "Physician", "application/json", """{"subject":"a","body":"b","to":[null]}""", 400, null),
        new("to: null", "POST", "/api/v1/check", "Physician", "application/json", """{"subject":"a","body":"b","to":null}""", 400, null),
        new("wrong content type", "POST", "/api/v1/check", "Physician", "text/plain", "subject=a", 415, "unsupported_media_type"),
        new("body over the limit", "POST", "/api/v1/check", "Physician", "application/json", "{\"subject\":\"a\",\"body\":\"" + new string('x', 5000) + "\"}", 413, "request_too_large"),
        new("not JSON", "POST", "/api/v1/check", "Physician", "application/json", "{", 400, "invalid_json"),
        new("number as text in the body", "POST", "/api/v1/secure-messages", "Physician", "application/json",
            """{"checkId":"chk_1","subject":"s","body":"b","recipients":["a@example.com"],"expiresInDays":"abc"}""", 400, "invalid_json"),
        new("bad boolean in the query", "GET", "/api/v1/audit/records?override=maybe", "ComplianceReviewer", null, null, 400, null),
        new("no token", "GET", "/api/v1/audit/records", null, null, null, 401, null, Worker: false),
        new("wrong role", "GET", "/api/v1/registry/imports", "Physician", null, null, 403, null, Worker: false),
        new("wrong method", "DELETE", "/api/v1/check", "Physician", null, null, 405, "method_not_allowed", Worker: false),
        new("unknown route", "GET", "/api/v1/nothing-here", "Physician", null, null, 404, "not_found", Worker: false),
        new("URL too long", "GET", "/api/health?x=" + new string('a', 5000), null, null, null, 414, "url_too_long"),
        // %00 itself cannot travel through the in-memory server; Kestrel refuses it before the app (see the real-HTTP test).
        new("control character in the path", "GET", "/api/v1/audit/%01records", null, null, null, 400, "invalid_path", Worker: false),
        new("verify without a body", "POST", $"/secure/{Token}/verify", null, null, null, 415, null),
        // Anonymous only where a route says so: a method the reader does not serve is asked for a token first.
        new("reader: wrong method", "DELETE", $"/secure/{Token}/verify", null, null, null, 401, null, Worker: false),
    ];

    private static ClinicMailFactory? _factory;

    [OneTimeSetUp]
    public void Start() => _factory = new ClinicMailFactory(Settings);

    [OneTimeTearDown]
    public void Stop() => _factory?.Dispose();

    [Test]
    public async Task LocalHost_EveryRow_AnswersABodyInTheCallersLanguage([ValueSource(nameof(Rows))] Row row)
    {
        var answers = new Dictionary<string, (int Status, string? Type, string Body)>();
        foreach (var language in new[] { "fr", "en" })
        {
            using var client = row.Role is null ? _factory!.CreateClient() : _factory!.ClientWithRoles(row.Role);
            using var request = new HttpRequestMessage(new HttpMethod(row.Method), row.Path);
            request.Headers.AcceptLanguage.ParseAdd(language);
            if (row.Body is not null)
            {
                request.Content = new StringContent(row.Body, Encoding.UTF8);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(row.ContentType!);
            }

            using var response = await client.SendAsync(request);
            answers[language] = ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
        }

        AssertAnswers(row, answers);
    }

    [Test]
    public async Task Worker_EveryRowItReceives_AnswersABodyInTheCallersLanguage([ValueSource(nameof(Rows))] Row row)
    {
        if (!row.Worker)
        {
            Assert.Ignore("answered by the Functions host before the worker (docs/security.md)");
        }

        using var worker = await WorkerHarness.StartAsync(settings: Settings);
        var answers = new Dictionary<string, (int Status, string? Type, string Body)>();
        foreach (var language in new[] { "fr", "en" })
        {
            var response = await worker.SendAsync(row.Method, row.Path, row.Role is null ? null : worker.Token(row.Role), row.Body,
                row.ContentType ?? "application/json", language);
            answers[language] = (response.Status, response.ContentType?.Split(';')[0], response.Body);
        }

        AssertAnswers(row, answers);
    }

    /// <summary>Over real HTTP (Kestrel): what an in-memory server never sees — a chunked body cut at the limit.</summary>
    [Test]
    public async Task LocalHost_RealHttp_ChunkedBodyOverTheLimitAndNullInPath_AnswerWithBodies()
    {
        using var factory = new ClinicMailFactory(Settings);
        factory.UseKestrel(0);
        factory.StartServer();
        using var client = factory.CreateClient();

        using var chunked = new HttpRequestMessage(HttpMethod.Post, $"/secure/{Token}/verify?lang=en")
        {
            Content = new StreamContent(new MemoryStream(Encoding.ASCII.GetBytes("code=" + new string('1', 2_000_000)))),
        };
        chunked.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        chunked.Headers.TransferEncodingChunked = true;
        using var tooLarge = await client.SendAsync(chunked);
        var page = await tooLarge.Content.ReadAsStringAsync();
        Assert.That((int)tooLarge.StatusCode, Is.EqualTo(413), page);
        Assert.That(tooLarge.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(page, Does.Contain("<html lang=\"en\""));

        // A control character that reaches the app is refused with a ProblemDetails.
        using var control = await client.GetAsync("/api/v1/audit/%01records");
        var problem = await control.Content.ReadAsStringAsync();
        Assert.That((int)control.StatusCode, Is.EqualTo(400), problem);
        Assert.That(control.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), problem);

        // %00 never reaches the app: Kestrel refuses it with a bare 400 (known limit, docs/security.md).
        using var nul = await client.GetAsync("/api/v1/audit/%00records");
        Assert.That((int)nul.StatusCode, Is.EqualTo(400));
    }

    private static void AssertAnswers(Row row, Dictionary<string, (int Status, string? Type, string Body)> answers)
    {
        foreach (var (language, answer) in answers)
        {
            Assert.That(answer.Status, Is.EqualTo(row.Status), $"{language}: {answer.Body}");
            if (row.Path.StartsWith("/secure/", StringComparison.Ordinal))
            {
                Assert.That(answer.Type, Is.EqualTo("text/html"), answer.Body);
                Assert.That(answer.Body, Does.Contain($"<html lang=\"{language}\"").Or.Contain("<html lang=\"fr\""));
                continue;
            }

            Assert.That(answer.Type, Is.EqualTo("application/problem+json"), $"{language}: {answer.Body}");
            var problem = JsonDocument.Parse(answer.Body).RootElement;
            Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(row.Status));
            Assert.That(problem.GetProperty("title").GetString(), Is.Not.Empty);
            if (row.Code is not null)
            {
                Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo(row.Code));
            }
        }

        if (!row.Path.StartsWith("/secure/", StringComparison.Ordinal))
        {
            var fr = JsonDocument.Parse(answers["fr"].Body).RootElement.GetProperty("title").GetString();
            var en = JsonDocument.Parse(answers["en"].Body).RootElement.GetProperty("title").GetString();
            Assert.That(fr, Is.Not.EqualTo(en), "French and English titles");
        }
    }
}
