using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ClinicMail.Application.Problems;
using ClinicMail.Core.Incoming;
using ClinicMail.Infrastructure.Mail.Incoming;

namespace ClinicMail.Application.Incoming;

/// <summary><c>POST /api/v1/mail/notifications</c>: Graph change notifications. Graph drops endpoints
/// that are slow, so this only checks and enqueues: the validation handshake is echoed as text/plain
/// 200; each notification's <c>clientState</c> is compared in constant time with the configured secret;
/// the message is enqueued and the answer is 202. Anonymous on purpose: Graph has no Entra token to
/// present; the clientState is the proof.</summary>
public sealed class GraphNotificationHandler(IIncomingQueue queue, IncomingMailbook mailbook, ILogger<GraphNotificationHandler> logger)
{
    /// <summary>A notification batch is small (Graph sends at most a few hundred items); anything larger is refused.</summary>
    public const int MaxBodyBytes = 1024 * 1024;
    public const int MaxValidationTokenLength = 2048;

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Query.TryGetValue("validationToken", out var token))
        {
            // The subscription handshake: echo the token, as plain text, at once.
            var value = token.ToString();
            if (value.Length is 0 or > MaxValidationTokenLength)
            {
                throw Invalid("validationToken");
            }

            return Results.Text(value, "text/plain", Encoding.UTF8, 200);
        }

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

        using (document)
        {
            if (!document.RootElement.TryGetProperty("value", out var items) || items.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("value");
            }

            var secret = Encoding.UTF8.GetBytes(mailbook.Options.Graph.ClientState);
            var accepted = 0;
            var refused = 0;
            foreach (var item in items.EnumerateArray())
            {
                var clientState = item.TryGetProperty("clientState", out var cs) ? cs.GetString() ?? "" : "";
                if (secret.Length == 0 || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(clientState), secret))
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
                logger.LogWarning("Graph notifications refused: {Refused} with a wrong clientState", refused);
                throw new ApiProblemException(401, "client-state", ProblemTexts.ValidationTitle,
                    new("Le clientState de la notification ne correspond pas à l'abonnement.", "The notification's clientState does not match the subscription."));
            }

            return Results.Accepted();
        }
    }

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
