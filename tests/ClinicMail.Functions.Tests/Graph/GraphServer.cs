using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using WireMock;
using WireMock.Logging;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;
using AccessToken = Azure.Core.AccessToken;
using TokenCredential = Azure.Core.TokenCredential;
using TokenRequestContext = Azure.Core.TokenRequestContext;

namespace ClinicMail.Functions.Tests.Graph;

/// <summary>The one local Graph-shaped server of the tests (WireMock.Net on loopback): routes answered as
/// Graph documents them — subscriptions (create, renew, reauthorize, delete), a user, messages (GET, raw
/// MIME <c>$value</c>, reply, PATCH), a folder's delta query in pages (Inbox, Sent Items), the mailbox's
/// master categories — each mapped by the test that needs it, and every request kept for its asserts.
/// The real SDK talks to it with <see cref="Credential"/>'s fixed token (the Entra seam).</summary>
public sealed class GraphServer : IDisposable
{
    private int _subscriptionCount;

    public GraphServer(string token)
    {
        Token = token;
        Server = WireMockServer.Start();
        // Kiota's token provider sends a token over http to localhost only (not to 127.0.0.1).
        BaseUrl = Server.Url!.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/";
    }

    public WireMockServer Server { get; }

    /// <summary>"http://localhost:port/", what the SDK is given as its base address.</summary>
    public string BaseUrl { get; }

    public Uri BaseUri => new(BaseUrl);

    public string Token { get; }

    /// <summary>A credential that hands out <see cref="Token"/>.</summary>
    public TokenCredential Credential => new FixedTokenCredential(Token);

    /// <summary>The clientState the SDK gave for each subscription id (what Graph echoes in notifications).</summary>
    public ConcurrentDictionary<string, string> ClientStates { get; } = new(StringComparer.Ordinal);

    /// <summary>Subscription ids Graph no longer has: their renewal answers 404.</summary>
    public ConcurrentDictionary<string, bool> Gone { get; } = new(StringComparer.Ordinal);

    public IEnumerable<ILogEntry> Log => Server.LogEntries;

    /// <summary>The requests of this method whose path ends so.</summary>
    public IEnumerable<ILogEntry> Requests(string method, string pathEnd) =>
        Server.LogEntries.Where(e => e.RequestMessage.Method == method && e.RequestMessage.Path.EndsWith(pathEnd, StringComparison.Ordinal));

    public static JsonElement Body(ILogEntry entry) => JsonDocument.Parse(entry.RequestMessage.Body!).RootElement;

    /// <summary>Every request carried the bearer token.</summary>
    public bool AllAuthorized() => Server.LogEntries.All(e => e.RequestMessage.Headers!["Authorization"].Single() == "Bearer " + Token);

    /// <summary><c>GET /users/{id}</c>: the mailbox's address (notifications name users by object id).</summary>
    public GraphServer MapUser(string userId, string address)
    {
        Server.Given(Request.Create().WithPath($"/v1.0/users/{userId}").UsingGet()).RespondWith(Json(new { mail = address, userPrincipalName = address }));
        return this;
    }

    /// <summary><c>GET /users/*/messages/{id}</c> answers <paramref name="message"/>; with <paramref name="mime"/>,
    /// <c>…/$value</c> answers it.</summary>
    public GraphServer MapMessage(string id, object message, string? mime = null)
    {
        Server.Given(Request.Create().WithPath(new WildcardMatcher($"/v1.0/users/*/messages/{id}")).UsingGet()).RespondWith(Json(message));
        if (mime is not null)
        {
            MapMime(id, mime);
        }

        return this;
    }

    public GraphServer MapMime(string id, string mime)
    {
        Server.Given(Request.Create().WithPath(new WildcardMatcher($"/v1.0/users/*/messages/{id}/$value")).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/plain").WithBody(mime));
        return this;
    }

    /// <summary><c>GET /users/*/messages/{id}</c> fails with a Graph error (a poison message).</summary>
    public GraphServer MapMessageError(string id, int status)
    {
        Server.Given(Request.Create().WithPath(new WildcardMatcher($"/v1.0/users/*/messages/{id}")).UsingGet())
            .RespondWith(Json(new { error = new { code = "InternalServerError", message = "Failure." } }, status));
        return this;
    }

    /// <summary><c>POST …/messages/{id}/reply</c> → 202, and <c>PATCH …/messages/{id}</c> → 200 (categories, flag).</summary>
    public GraphServer MapReplyAndPatch()
    {
        Server.Given(Request.Create().WithPath(new WildcardMatcher("/v1.0/users/*/messages/*/reply")).UsingPost()).RespondWith(Response.Create().WithStatusCode(202));
        Server.Given(Request.Create().WithPath(new WildcardMatcher("/v1.0/users/*/messages/*")).UsingPatch())
            .RespondWith(Response.Create().WithCallback(request => JsonMessage(200, new { id = request.Path.Split('/')[^1] })));
        return this;
    }

    /// <summary><c>/outlook/masterCategories</c> of a mailbox: GET lists <paramref name="existing"/>, POST creates.</summary>
    public GraphServer MapMasterCategories(string mailbox, params string[] existing)
    {
        var path = $"/v1.0/users/{mailbox}/outlook/masterCategories";
        Server.Given(Request.Create().WithPath(path).UsingGet())
            .RespondWith(Json(new Dictionary<string, object> { ["value"] = existing.Select((name, i) => new { id = "c" + i, displayName = name, color = "preset0" }).ToArray() }));
        Server.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Response.Create().WithCallback(request =>
        {
            var body = JsonDocument.Parse(request.Body!).RootElement;
            return JsonMessage(201, new { id = "c-new", displayName = body.GetProperty("displayName").GetString(), color = body.GetProperty("color").GetString() });
        }));
        return this;
    }

    /// <summary><c>GET /users/*/mailFolders/{folder}/messages/delta()</c> in pages. <paramref name="page"/> gets the
    /// token the request carries (<c>$skiptoken</c> or <c>$deltatoken</c>; null on a first round) and answers
    /// the page; its next or delta link points back here.</summary>
    public GraphServer MapDelta(string mailbox, string folder, Func<string?, DeltaPage> page)
    {
        var self = $"{BaseUrl}v1.0/users/{mailbox}/mailFolders/{folder}/messages/delta()";
        Server.Given(Request.Create().WithPath(new WildcardMatcher($"/v1.0/users/*/mailFolders/{folder}/messages/delta*")).UsingGet()).RespondWith(Response.Create().WithCallback(request =>
        {
            var query = request.Query;
            var token = query is null ? null
                : query.TryGetValue("$skiptoken", out var skip) ? skip.Single()
                : query.TryGetValue("$deltatoken", out var delta) ? delta.Single()
                : null;
            var answer = page(token);
            var body = new Dictionary<string, object>
            {
                ["value"] = answer.Ids.Select(id => (object)new { id })
                    .Concat(answer.Removed.Select(id => new Dictionary<string, object> { ["id"] = id, ["@removed"] = new { reason = "deleted" } }))
                    .ToArray(),
            };
            if (answer.NextSkipToken is { } next)
            {
                body["@odata.nextLink"] = self + "?$skiptoken=" + next;
            }
            else
            {
                body["@odata.deltaLink"] = self + "?$deltatoken=" + answer.DeltaToken;
            }

            return JsonMessage(200, body);
        }));
        return this;
    }

    /// <summary><c>/subscriptions</c>: create (records the clientState, gives ids sub-1, sub-2…), renew
    /// (<c>PATCH</c>; 404 for those in <see cref="Gone"/>), reauthorize, delete.</summary>
    public GraphServer MapSubscriptions()
    {
        Server.Given(Request.Create().WithPath("/v1.0/subscriptions").UsingPost()).RespondWith(Response.Create().WithCallback(request =>
        {
            var body = JsonDocument.Parse(request.Body!).RootElement;
            var id = "sub-" + Interlocked.Increment(ref _subscriptionCount).ToString(CultureInfo.InvariantCulture);
            ClientStates[id] = body.GetProperty("clientState").GetString()!;
            return JsonMessage(201, new
            {
                id,
                resource = body.GetProperty("resource").GetString(),
                changeType = "created",
                expirationDateTime = body.GetProperty("expirationDateTime").GetString(),
            });
        }));
        Server.Given(Request.Create().WithPath(new WildcardMatcher("/v1.0/subscriptions/*/reauthorize")).UsingPost()).RespondWith(Response.Create().WithStatusCode(204));
        Server.Given(Request.Create().WithPath(new WildcardMatcher("/v1.0/subscriptions/*")).UsingPatch()).RespondWith(Response.Create().WithCallback(request =>
        {
            var id = request.Path.Split('/')[^1];
            return Gone.ContainsKey(id)
                ? JsonMessage(404, new { error = new { code = "ResourceNotFound", message = "The object was not found." } })
                : JsonMessage(200, new { id, expirationDateTime = JsonDocument.Parse(request.Body!).RootElement.GetProperty("expirationDateTime").GetString() });
        }));
        Server.Given(Request.Create().WithPath(new WildcardMatcher("/v1.0/subscriptions/*")).UsingDelete()).RespondWith(Response.Create().WithStatusCode(204));
        return this;
    }

    /// <summary>A Graph message resource as <c>GET /messages/{id}</c> returns it with a text body.</summary>
    public static object Message(string id, string conversation, string from, string body) => new
    {
        id,
        conversationId = conversation,
        internetMessageId = $"<{id}@example.com>",
        subject = "Question",
        receivedDateTime = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("o", CultureInfo.InvariantCulture),
        sentDateTime = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture),
        from = new { emailAddress = new { address = from } },
        body = new { contentType = "text", content = body },
        internetMessageHeaders = Array.Empty<object>(),
    };

    private static IResponseBuilder Json(object body, int status = 200) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(body));

    private static ResponseMessage JsonMessage(int status, object body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new WireMockList<string>("application/json") },
        BodyData = new BodyData { BodyAsString = JsonSerializer.Serialize(body), DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
    };

    public void Dispose() => Server.Stop();

    private sealed class FixedTokenCredential(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
    }
}

/// <summary>One page of a delta query: added ids, removed ids, and either the next page's token or the delta token.</summary>
public sealed record DeltaPage(string[] Ids, string[] Removed, string? NextSkipToken = null, string? DeltaToken = null)
{
    public static DeltaPage Last(string deltaToken, params string[] ids) => new(ids, [], DeltaToken: deltaToken);
}
