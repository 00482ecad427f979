using System.Text.Json;
using ClinicMail.Application.Filing;
using ClinicMail.Core.Filing;
using ClinicMail.Functions.Tests.Graph;
using ClinicMail.Infrastructure.Filing;
using ClinicMail.Infrastructure.Mail;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MimeKit;

namespace ClinicMail.Functions.Tests.Filing;

/// <summary>Sent Items to the record in the real local host, against a local Graph-shaped server
/// (WireMock.Net) that answers as Graph documents: the delta query of Sent Items in two pages (one
/// removed item), each message's MIME from <c>$value</c>, the delta link resumed on the next sweep,
/// then — once the outbox delivered to the local folder — the master category created and the
/// category added to the item's own with a PATCH. Every request shape is asserted.</summary>
[NonParallelizable]
public sealed class GraphSentItemsFilingTests
{
    private const string Token = "graph-token-filing";
    private const string Box = "dre.gagnon@clinique.med";
    private const string Patient = "marie.tremblay@videotron.ca";
    private GraphServer _graph = null!;
    private ClinicMailFactory _factory = null!;

    [SetUp]
    public void SetUp()
    {
        _graph = new GraphServer(Token)
            // First sweep: page 1 (filtered by time, ids only; one removed item) with a next link, page 2 (the
            // stranger's mail) with the delta link; the next sweep resumes from it and finds nothing new.
            .MapDelta(Box, "sentitems", token => token switch
            {
                null => new DeltaPage(["AAMk-patient"], ["AAMk-deleted"], NextSkipToken: "page2"),
                "page2" => DeltaPage.Last("round1", "AAMk-stranger"),
                _ => DeltaPage.Last("round2"),
            })
            .MapMime("AAMk-patient", Mime(Patient, "sent-1@clinique.med"))
            .MapMime("AAMk-stranger", Mime("inconnu@example.org", "sent-2@clinique.med"))
            .MapMasterCategories(Box, "Personnel")
            .MapMessage("AAMk-patient", new { id = "AAMk-patient", categories = new[] { "Suivi" } })
            .MapReplyAndPatch();

        _factory = new ClinicMailFactory(new Dictionary<string, string?>
        {
            ["RecordFiling:BackgroundDelivery"] = "false",
            ["RecordFiling:WatchMailSent"] = "false",
            ["RecordFiling:Graph:Enabled"] = "true",
            ["RecordFiling:Graph:BaseUri"] = _graph.BaseUrl,
            ["RecordFiling:Graph:Mailboxes:0"] = Box,
        });
    }

    [TearDown]
    public void TearDown()
    {
        _factory.Dispose();
        _graph.Dispose();
    }

    private static string Mime(string to, string messageId)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(Box));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = "Résultats";
        message.MessageId = messageId;
        message.Date = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
        message.Body = new TextPart("plain") { Text = "Bonjour, vos résultats sont normaux." };
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The Graph seam: the real SDK client, its token from a static credential, sent to the local server.</summary>
    private IServiceProvider Host() => _factory.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
        services.Replace(ServiceDescriptor.Singleton(new FilingGraphClient(GraphClients.Create(_graph.Credential,
            new GraphMailSenderOptions { BaseUri = _graph.BaseUri })))))).Services;

    [Test]
    public async Task Sweep_ThenDelivery_FilesThePatientsMailAndMarksIt()
    {
        var services = Host();
        var sweep = services.GetRequiredService<SentItemsSweep>();

        var recorded = await sweep.SweepAsync();
        var delivered = await services.GetRequiredService<FilingDeliveryService>().DeliverDueAsync(CancellationToken.None);
        var again = await sweep.SweepAsync();

        var requests = _graph.Log.Select(e => e.RequestMessage).ToList();
        var first = requests.First(r => r.Path.EndsWith("/delta()", StringComparison.Ordinal));
        var firstUrl = Uri.UnescapeDataString(first.Url);
        var patch = requests.Single(r => r.Method == "PATCH");
        var master = requests.Single(r => r.Method == "POST" && r.Path.EndsWith("/masterCategories", StringComparison.Ordinal));
        using var patchBody = JsonDocument.Parse(patch.Body!);
        using var masterBody = JsonDocument.Parse(master.Body!);
        var cursor = await services.GetRequiredService<ISentItemsCursorStore>().GetAsync(Box);
        Assert.Multiple(() =>
        {
            Assert.That(recorded, Is.EqualTo(1), "the patient's mail recorded; the stranger's counted; the removed item skipped");
            Assert.That(delivered, Is.EqualTo(1));
            Assert.That(again, Is.Zero, "the delta link resumed: nothing new");
            Assert.That(firstUrl, Does.Contain("$filter=receivedDateTime ge ").And.Contain("$select=id"), "the first sweep reads ids in a window, not the mailbox's history");
            Assert.That(first.Headers!["Prefer"].Single(), Does.Contain("odata.maxpagesize=50"));
            Assert.That(requests.Count(r => r.Path.EndsWith("/$value", StringComparison.Ordinal)), Is.EqualTo(2), "MIME of the two added items, not of the removed one");
            Assert.That(requests.Any(r => r.Path.Contains("AAMk-deleted", StringComparison.Ordinal)), Is.False);
            Assert.That(requests.Count(r => r.Url.Contains("deltatoken=round1", StringComparison.Ordinal)), Is.EqualTo(1), "the second sweep used the stored delta link");
            Assert.That(cursor, Does.Contain("$deltatoken=round2"));
            Assert.That(patchBody.RootElement.EnumerateObject().Select(p => p.Name), Does.Contain("categories").And.No.Member("subject").And.No.Member("body"), "the categories are patched, nothing of the mail");
            Assert.That(patchBody.RootElement.GetProperty("categories").EnumerateArray().Select(c => c.GetString()), Is.EqualTo(new[] { "Suivi", IMailboxCategorizer.Category }));
            Assert.That(masterBody.RootElement.GetProperty("displayName").GetString(), Is.EqualTo(IMailboxCategorizer.Category));
            Assert.That(masterBody.RootElement.GetProperty("color").GetString(), Is.EqualTo("preset4"));
            Assert.That(_graph.AllAuthorized(), Is.True);
            Assert.That(Directory.GetDirectories(Path.Combine(_factory.DataDirectory, "record-filing"), "fil-sent-mail-*", SearchOption.AllDirectories), Has.Length.EqualTo(1));
        });
    }

    [Test]
    public async Task Sweep_SameMessageSeenTwice_RecordedOnce()
    {
        var services = Host();
        var filing = services.GetRequiredService<ExchangeFilingService>();
        var reader = services.GetRequiredService<ISentItemsReader>();
        var mime = (await reader.ReadMimeAsync(Box, "AAMk-patient"))!;

        var firstTime = await filing.RecordAsync(new ObservedExchange { Direction = ExchangeDirection.Outgoing, SourceKind = ExchangeSources.SentMail, RawMime = mime, MailboxItemId = "AAMk-patient", Mailbox = Box });
        var recorded = await services.GetRequiredService<SentItemsSweep>().SweepAsync();

        Assert.Multiple(() =>
        {
            Assert.That(firstTime, Is.EqualTo(FilingRecordOutcome.Recorded));
            Assert.That(recorded, Is.Zero, "the sweep met the same Message-ID: no second row");
        });
    }
}
