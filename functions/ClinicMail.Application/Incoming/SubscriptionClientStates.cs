using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ClinicMail.Core.Incoming;

namespace ClinicMail.Application.Incoming;

/// <summary>The clientState secrets of the Graph subscriptions: a new random one per subscription, stored
/// only as its keyed hash (HMAC-SHA256 under <c>IncomingMail:Graph:ClientStateKey</c>), and the check of
/// what a notification carries against the subscription it names. Never logged.</summary>
public sealed class SubscriptionClientStates(IMailSubscriptionStore store, IncomingMailbook mailbook)
{
    /// <summary>Subscription id → its stored row: the webhook checks every notification, and the row's
    /// hash never changes (a new secret means a new subscription id).</summary>
    private readonly ConcurrentDictionary<string, MailSubscription> _known = new(StringComparer.Ordinal);

    /// <summary>32 random bytes, base64url (Graph allows up to 128 characters).</summary>
    public static string NewSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public byte[] Hash(string clientState) =>
        HMACSHA256.HashData(mailbook.Options.Graph.KeyBytes() ?? throw new InvalidOperationException("IncomingMail:Graph:ClientStateKey is not set."), Encoding.UTF8.GetBytes(clientState));

    /// <summary>The subscription a notification names when its clientState is the one the subscription was
    /// created with (compared in constant time); null for an unknown subscription or a wrong secret.</summary>
    public async Task<MailSubscription?> VerifyAsync(string? subscriptionId, string? clientState, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(subscriptionId) || string.IsNullOrEmpty(clientState) || subscriptionId.Length > 256 || clientState.Length > 256
            || mailbook.Options.Graph.KeyBytes() is null)
        {
            return null;
        }

        if (!_known.TryGetValue(subscriptionId, out var subscription))
        {
            subscription = await store.FindAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
            if (subscription is null)
            {
                return null;
            }

            _known[subscriptionId] = subscription;
        }

        return CryptographicOperations.FixedTimeEquals(Hash(clientState), subscription.ClientStateHash) ? subscription : null;
    }

    public void Remember(MailSubscription subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        _known[subscription.SubscriptionId] = subscription;
    }

    public void Forget(string subscriptionId) => _known.TryRemove(subscriptionId, out _);
}
