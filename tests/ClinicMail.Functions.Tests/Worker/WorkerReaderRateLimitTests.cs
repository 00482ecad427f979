namespace ClinicMail.Functions.Tests.Worker;

/// <summary>The patient reader's rate limits on the Functions worker: the same partitions as the local host
/// (ReaderRateLimits, one definition), counted per link for the code and verify steps and per client address
/// for every reader path. Each scenario runs through both hosts with the same settings and must produce the
/// same sequence of statuses.</summary>
public sealed class WorkerReaderRateLimitTests
{
    private static readonly Dictionary<string, string?> Tight = new()
    {
        ["Secure:CodesPerToken"] = "2",
        ["Secure:VerificationsPerToken"] = "3",
        ["Secure:CodeRequestsPerIp"] = "100",
        ["Secure:ReaderRequestsPerIpPerMinute"] = "1000",
    };

    [TestCase("code", 2)]
    [TestCase("verify", 3)]
    public async Task Worker_StepOverItsPerLinkLimit_Answers429LikeTheLocalHostAsync(string step, int permits)
    {
        var requests = Enumerable.Repeat("link-a", permits + 1).Append("link-b").ToList();

        var worker = await WorkerStatusesAsync(Tight, requests.Select(link => ("POST", $"/secure/{link}/{step}", (string?)"lang=en&code=000000")));
        var local = await LocalStatusesAsync(Tight, requests.Select(link => ("POST", $"/secure/{link}/{step}", (string?)"lang=en&code=000000")));

        Assert.Multiple(() =>
        {
            Assert.That(worker.Take(permits), Has.None.EqualTo(429), "within the link's limit");
            Assert.That(worker[permits], Is.EqualTo(429), "one over the link's limit");
            Assert.That(worker[permits + 1], Is.Not.EqualTo(429), "another link has its own window");
            Assert.That(worker, Is.EqualTo(local), "the worker counts as the local host does");
        });
    }

    [Test]
    public async Task Worker_ReaderPagesOverThePerAddressLimit_Answers429LikeTheLocalHostAsync()
    {
        var settings = new Dictionary<string, string?>(Tight) { ["Secure:ReaderRequestsPerIpPerMinute"] = "3" };
        // Four different links from one address: the per-address window, not a link's, refuses the fourth.
        var requests = Enumerable.Range(0, 4).Select(i => ("GET", $"/secure/link-{i}?lang=en", (string?)null)).ToList();

        var worker = await WorkerStatusesAsync(settings, requests);
        var local = await LocalStatusesAsync(settings, requests);

        Assert.That(worker[3], Is.EqualTo(429));
        Assert.That(worker.Take(3), Has.None.EqualTo(429));
        Assert.That(worker, Is.EqualTo(local));
    }

    [Test]
    public async Task Worker_CodeStepsOfAllLinksOverThePerAddressLimit_Answers429Async()
    {
        var settings = new Dictionary<string, string?>(Tight) { ["Secure:CodeRequestsPerIp"] = "3" };
        var requests = Enumerable.Range(0, 4).Select(i => ("POST", $"/secure/link-{i}/code", (string?)"lang=fr")).ToList();

        var worker = await WorkerStatusesAsync(settings, requests);
        var local = await LocalStatusesAsync(settings, requests);

        Assert.That(worker, Is.EqualTo(local));
        Assert.That(worker[3], Is.EqualTo(429));
    }

    [Test]
    public async Task Worker_Refusal_IsTheBilingualPageWithRetryAfterAsync()
    {
        using var worker = await WorkerHarness.StartAsync(settings: Tight);
        WorkerResponse? last = null;
        for (var i = 0; i < 3; i++)
        {
            last = await worker.SendAsync("POST", "/secure/link-z/code?lang=en", body: "lang=en", contentType: "application/x-www-form-urlencoded");
        }

        Assert.Multiple(() =>
        {
            Assert.That(last!.Status, Is.EqualTo(429));
            Assert.That(int.Parse(last.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(0));
            Assert.That(last.ContentType, Does.StartWith("text/html"));
            Assert.That(last.Body, Does.Contain("Trop de demandes").Or.Contain("Too many requests"));
        });
    }

    private static async Task<List<int>> WorkerStatusesAsync(Dictionary<string, string?> settings, IEnumerable<(string Method, string Path, string? Form)> requests)
    {
        using var worker = await WorkerHarness.StartAsync(settings: settings);
        var statuses = new List<int>();
        foreach (var (method, path, form) in requests)
        {
            statuses.Add((await worker.SendAsync(method, path, body: form, contentType: "application/x-www-form-urlencoded")).Status);
        }

        return statuses;
    }

    private static async Task<List<int>> LocalStatusesAsync(Dictionary<string, string?> settings, IEnumerable<(string Method, string Path, string? Form)> requests)
    {
        using var factory = new ClinicMailFactory(settings);
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false });
        var statuses = new List<int>();
        foreach (var (method, path, form) in requests)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (form is not null)
            {
                request.Content = new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
            }

            using var response = await client.SendAsync(request);
            statuses.Add((int)response.StatusCode);
        }

        return statuses;
    }
}
