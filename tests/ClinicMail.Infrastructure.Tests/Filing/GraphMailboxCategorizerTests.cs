using System.Text.Json;
using ClinicMail.Core.Filing;
using ClinicMail.Infrastructure.Filing;
using ClinicMail.Infrastructure.Mail;
using ClinicMail.Infrastructure.Tests.Keys;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ClinicMail.Infrastructure.Tests.Filing;

/// <summary>The "Filed to record" category through the Graph SDK against a local Graph-shaped server
/// (WireMock.Net): the master list checked once per mailbox, the category added to the item's own with
/// one PATCH of <c>categories</c> only, nothing sent when it is already there, a missing permission on the
/// master list not stopping the mark, a deleted item not an error.</summary>
public sealed class GraphMailboxCategorizerTests
{
    private const string Token = "graph-token";
    private const string Box = "dre.gagnon@clinique.med";
    private WireMockServer _graph = null!;

    [SetUp]
    public void SetUp() => _graph = WireMockServer.Start();

    [TearDown]
    public void TearDown() => _graph.Stop();

    private GraphMailboxCategorizer Categorizer() => new(GraphClients.Create(new FakeEntraCredential(Token),
        new GraphMailSenderOptions { BaseUri = new Uri(_graph.Url!.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/") }));

    private static IResponseBuilder Json(object body, int status = 200) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(body));

    private void Item(string id, params string[] categories)
    {
        _graph.Given(Request.Create().WithPath($"/v1.0/users/{Box}/messages/{id}").UsingGet()).RespondWith(Json(new { id, categories }));
        _graph.Given(Request.Create().WithPath($"/v1.0/users/{Box}/messages/{id}").UsingPatch()).RespondWith(Json(new { id }));
    }

    [Test]
    public async Task MarkTwoItems_CategoryAlreadyInTheMasterList_OneMasterLookUpAndOnePatchEach()
    {
        _graph.Given(Request.Create().WithPath($"/v1.0/users/{Box}/outlook/masterCategories").UsingGet())
            .RespondWith(Json(new { value = new[] { new { id = "c9", displayName = IMailboxCategorizer.Category, color = "preset4" } } }));
        Item("AAMk1");
        Item("AAMk2", "Rouge");
        var categorizer = Categorizer();

        await categorizer.MarkFiledAsync("fil-1", Box, "AAMk1");
        await categorizer.MarkFiledAsync("fil-2", Box, "AAMk2");

        var requests = _graph.LogEntries.Select(e => e.RequestMessage).ToList();
        var patches = requests.Where(r => r.Method == "PATCH").ToList();
        using var second = JsonDocument.Parse(patches.Single(p => p.Path.EndsWith("/AAMk2", StringComparison.Ordinal)).Body!);
        Assert.Multiple(() =>
        {
            Assert.That(requests.Count(r => r.Path.EndsWith("/masterCategories", StringComparison.Ordinal)), Is.EqualTo(1), "once per mailbox");
            Assert.That(requests.Any(r => r.Method == "POST"), Is.False, "already in the master list");
            Assert.That(patches, Has.Count.EqualTo(2));
            Assert.That(second.RootElement.GetProperty("categories").EnumerateArray().Select(c => c.GetString()), Is.EqualTo(new[] { "Rouge", IMailboxCategorizer.Category }));
            Assert.That(requests.Where(r => r.Method == "GET" && r.Path.Contains("/messages/", StringComparison.Ordinal)).All(r => Uri.UnescapeDataString(r.Url).Contains("$select=categories", StringComparison.Ordinal)), Is.True);
        });
    }

    [Test]
    public async Task Mark_AlreadyCategorized_NoPatch()
    {
        _graph.Given(Request.Create().WithPath($"/v1.0/users/{Box}/outlook/masterCategories").UsingGet()).RespondWith(Json(new { value = Array.Empty<object>() }));
        _graph.Given(Request.Create().WithPath($"/v1.0/users/{Box}/outlook/masterCategories").UsingPost()).RespondWith(Json(new { id = "c1" }, 201));
        Item("AAMk3", IMailboxCategorizer.Category);

        await Categorizer().MarkFiledAsync("fil-3", Box, "AAMk3");

        Assert.That(_graph.LogEntries.Any(e => e.RequestMessage.Method == "PATCH"), Is.False);
    }

    [Test]
    public async Task Mark_MasterListForbidden_StillMarksTheItem()
    {
        _graph.Given(Request.Create().WithPath($"/v1.0/users/{Box}/outlook/masterCategories").UsingGet())
            .RespondWith(Json(new { error = new { code = "ErrorAccessDenied", message = "Access is denied." } }, 403));
        Item("AAMk4");

        await Categorizer().MarkFiledAsync("fil-4", Box, "AAMk4");

        Assert.That(_graph.LogEntries.Count(e => e.RequestMessage.Method == "PATCH"), Is.EqualTo(1));
    }

    [Test]
    public async Task Mark_ItemDeleted_NoErrorNoPatch()
    {
        _graph.Given(Request.Create().WithPath($"/v1.0/users/{Box}/outlook/masterCategories").UsingGet())
            .RespondWith(Json(new { value = new[] { new { id = "c9", displayName = IMailboxCategorizer.Category } } }));
        _graph.Given(Request.Create().WithPath($"/v1.0/users/{Box}/messages/gone").UsingGet())
            .RespondWith(Json(new { error = new { code = "ErrorItemNotFound", message = "Not found." } }, 404));

        await Categorizer().MarkFiledAsync("fil-5", Box, "gone");

        Assert.That(_graph.LogEntries.Any(e => e.RequestMessage.Method == "PATCH"), Is.False);
    }
}
