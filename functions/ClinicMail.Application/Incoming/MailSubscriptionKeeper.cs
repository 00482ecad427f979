using ClinicMail.Core.Incoming;

namespace ClinicMail.Application.Incoming;

/// <summary>Keeps one Graph subscription on the Inbox and one on Sent Items of every watched mailbox:
/// creates the missing ones, renews those that expire within <c>RenewWithinHours</c>, recreates one Graph
/// no longer has, and removes those of mailboxes no longer watched. Each subscription gets its own random
/// clientState; only its keyed hash is stored, and a notification's clientState is checked against it.
/// Run by a timer (worker) or a background service (local host), and by the lifecycle endpoint.</summary>
public sealed class MailSubscriptionKeeper(
    IMailSubscriptionService graph,
    IMailSubscriptionStore store,
    IncomingMailbook mailbook,
    SubscriptionClientStates clientStates,
    TimeProvider time,
    ILogger<MailSubscriptionKeeper> logger)
{
    private GraphSubscriptionSettings Settings => mailbook.Options.Graph;

    /// <summary>One pass over every watched mailbox and folder; what it did (counts, for logs and tests).</summary>
    public async Task<SubscriptionPass> MaintainAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stored = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        var pass = new SubscriptionPass();
        foreach (var box in mailbook.Mailboxes)
        {
            foreach (var folder in WatchedFolders.All)
            {
                var current = stored.FirstOrDefault(s => s.Mailbox == box.Address && s.Folder == folder);
                try
                {
                    pass = pass.Add(await KeepAsync(box.Address, folder, current, now, cancellationToken).ConfigureAwait(false));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One box's failure (a permission removed, Graph busy) does not stop the others; the next pass retries.
                    logger.LogWarning("Graph subscription upkeep failed for a mailbox folder ({Folder}, {Error})", folder, ex.GetType().Name);
                    pass = pass with { Failed = pass.Failed + 1 };
                }
            }
        }

        foreach (var orphan in stored.Where(s => mailbook.Find(s.Mailbox) is null))
        {
            await graph.DeleteAsync(orphan.SubscriptionId, cancellationToken).ConfigureAwait(false);
            await store.DeleteAsync(orphan.SubscriptionId, cancellationToken).ConfigureAwait(false);
            clientStates.Forget(orphan.SubscriptionId);
            pass = pass with { Removed = pass.Removed + 1 };
        }

        logger.LogInformation("Graph subscriptions: {Created} created, {Renewed} renewed, {Recreated} recreated, {Removed} removed, {Failed} failed",
            pass.Created, pass.Renewed, pass.Recreated, pass.Removed, pass.Failed);
        return pass;
    }

    private async Task<SubscriptionPass> KeepAsync(string mailbox, string folder, MailSubscription? current, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (current is null)
        {
            await CreateAsync(mailbox, folder, cancellationToken).ConfigureAwait(false);
            return new SubscriptionPass { Created = 1 };
        }

        if (current.ExpiresAt > now.AddHours(Settings.RenewWithinHours))
        {
            return new SubscriptionPass();
        }

        if (current.ExpiresAt > now && await RenewAsync(current, cancellationToken).ConfigureAwait(false))
        {
            return new SubscriptionPass { Renewed = 1 };
        }

        // Expired, or Graph no longer has it: a new one (and a new secret).
        await CreateAsync(mailbox, folder, cancellationToken).ConfigureAwait(false);
        return new SubscriptionPass { Recreated = 1 };
    }

    /// <summary>A new subscription on <paramref name="folder"/> of <paramref name="mailbox"/>, replacing the stored one.</summary>
    public async Task<MailSubscription> CreateAsync(string mailbox, string folder, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var clientState = SubscriptionClientStates.NewSecret();
        var (id, expires) = await graph.CreateAsync(new MailSubscriptionRequest(mailbox, folder,
            Settings.NotificationUrl!, Settings.LifecycleNotificationUrl!, clientState, now.AddHours(Settings.LifetimeHours)), cancellationToken).ConfigureAwait(false);
        var subscription = new MailSubscription
        {
            SubscriptionId = id,
            Mailbox = mailbox,
            Folder = folder,
            ClientStateHash = clientStates.Hash(clientState),
            ExpiresAt = expires,
            CreatedAt = now,
        };
        foreach (var old in (await store.ListAsync(cancellationToken).ConfigureAwait(false)).Where(s => s.Mailbox == mailbox && s.Folder == folder && s.SubscriptionId != id))
        {
            // The predecessor may still exist on Graph (reauthorization refused, expired late): no doubles.
            await graph.DeleteAsync(old.SubscriptionId, cancellationToken).ConfigureAwait(false);
            clientStates.Forget(old.SubscriptionId);
        }

        await store.SaveAsync(subscription, cancellationToken).ConfigureAwait(false);
        clientStates.Remember(subscription);
        return subscription;
    }

    /// <summary>Extends the subscription's life; false when Graph no longer has it.</summary>
    public async Task<bool> RenewAsync(MailSubscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var expires = time.GetUtcNow().AddHours(Settings.LifetimeHours);
        if (!await graph.RenewAsync(subscription.SubscriptionId, expires, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await store.SetExpiryAsync(subscription.SubscriptionId, expires, cancellationToken).ConfigureAwait(false);
        return true;
    }
}

/// <summary>What one upkeep pass did, in counts.</summary>
public sealed record SubscriptionPass
{
    public int Created { get; init; }

    public int Renewed { get; init; }

    public int Recreated { get; init; }

    public int Removed { get; init; }

    public int Failed { get; init; }

    public SubscriptionPass Add(SubscriptionPass other) => new()
    {
        Created = Created + other.Created,
        Renewed = Renewed + other.Renewed,
        Recreated = Recreated + other.Recreated,
        Removed = Removed + other.Removed,
        Failed = Failed + other.Failed,
    };
}
