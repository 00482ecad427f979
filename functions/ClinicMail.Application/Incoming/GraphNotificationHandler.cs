using System.Text;
using System.Text.Json;
using ClinicMail.Application.Problems;
using ClinicMail.Core.Incoming;
using ClinicMail.Infrastructure.Mail.Incoming;

namespace ClinicMail.Application.Incoming;

/// <summary><c>POST /api/v1/mail/notifications</c>: Graph change notifications. Graph drops endpoints
/// that are slow, so this only checks and enqueues: the validation handshake is echoed as text/plain
/// 200; each notification's <c>clientState</c> is checked against the keyed hash stored for the
/// subscription it names (<see cref="SubscriptionClientStates"/>); the message is enqueued and the answer
/// is 202. Anonymous on purpose: Graph has no Entra token to present; the clientState is the proof.</summary>
public sealed class GraphNotificationHandler(IIncomingQueue queue, SubscriptionClientStates clientStates, ILogger<GraphNotificationHandler> logger)
{
    /// <summary>A notification batch is small (Graph sends at most a few hundred items); anything larger is refused.</summary>
    public const int MaxBodyBytes = 1024 * 1024;
    public const int MaxValidationTokenLength = 2048;

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Handshake(request) is { } handshake)
        {
            return handshake;
        }

        using var document = await ReadBatchAsync(request, cancellationToken).ConfigureAwait(false);
        var accepted = 0;
        var refused = 0;
        foreach (var item in document.RootElement.GetProperty("value").EnumerateArray())
        {
            var subscriptionId = item.TryGetProperty("subscriptionId", out var sid) && sid.ValueKind == JsonValueKind.String ? sid.GetString() : null;
            var clientState = item.TryGetProperty("clientState", out var cs) && cs.ValueKind == JsonValueKind.String ? cs.GetString() : null;
            if (await clientStates.VerifyAsync(subscriptionId, clientState, cancellationToken).ConfigureAwait(false) is null)
            {
                refused++;
                continue;
            }

            if (Parse(item) is { } work)
            {
                await queue.EnqueueAsync(work, cancellationToken).ConfigureAwait(false);
                accepted++;
            }
        }

        if (accepted == 0 && refused > 0)
        {
            logger.LogWarning("Graph notifications refused: {Refused} with an unknown subscription or a wrong clientState", refused);
            throw WrongClientState();
        }

        return Results.Accepted();
    }

    /// <summary>The subscription handshake (<c>?validationToken=</c>): the token echoed as plain text, at once; null when it is not one.</summary>
    internal static IResult? Handshake(HttpRequest request)
    {
        if (!request.Query.TryGetValue("validationToken", out var token))
        {
            return null;
        }

        var value = token.ToString();
        return value.Length is 0 or > MaxValidationTokenLength ? throw Invalid("validationToken") : Results.Text(value, "text/plain", Encoding.UTF8, 200);
    }

    /// <summary>The notification batch (<c>{"value":[…]}</c>), size-limited; 400/413 ProblemDetails otherwise.</summary>
    internal static async Task<JsonDocument> ReadBatchAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw new ApiProblemException(413, "payload-too-large", ProblemTexts.ValidationTitle,
                new("Le lot de notifications dépasse 1 Mo.", "The notification batch is larger than 1 MB."));
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            throw Invalid("value");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("value", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            document.Dispose();
            throw Invalid("value");
        }

        return document;
    }

    internal static ApiProblemException WrongClientState() =>
        new(401, "client-state", ProblemTexts.ValidationTitle,
            new("Le clientState de la notification ne correspond à aucun abonnement de ClinicMail.", "The notification's clientState matches no ClinicMail subscription."));

    /// <summary>"Users/{user}/Messages/{id}" (the resource of a message notification) to a work item.</summary>
    internal static IncomingWorkItem? Parse(JsonElement item)
    {
        var resource = item.TryGetProperty("resource", out var r) ? r.GetString() : null;
        var id = item.TryGetProperty("resourceData", out var data) && data.TryGetProperty("id", out var i) ? i.GetString() : null;
        if (resource is null)
        {
            return null;
        }

        var parts = resource.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var users = Array.FindIndex(parts, p => p.Equals("users", StringComparison.OrdinalIgnoreCase));
        if (users < 0 || users + 1 >= parts.Length)
        {
            return null;
        }

        id ??= parts[^1];
        return id.Length is > 0 and <= 1024 ? new IncomingWorkItem(parts[users + 1], id, GraphMailboxTransport.SourceName) : null;
    }

    private static ApiProblemException Invalid(string field) =>
        new(400, "validation", ProblemTexts.ValidationTitle,
            new("La notification Graph est mal formée.", "The Graph notification is malformed."),
            new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = ["malformed"] } });
}
