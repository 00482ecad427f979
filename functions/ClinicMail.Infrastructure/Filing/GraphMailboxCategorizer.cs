using System.Collections.Concurrent;
using ClinicMail.Core.Filing;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace ClinicMail.Infrastructure.Filing;

/// <summary>Production's "Filed to record" mark through the Graph SDK. A message's categories are a
/// list of names: the current ones are read (<c>GET …/messages/{id}?$select=categories</c>) and the
/// category added to them (<c>PATCH …/messages/{id}</c>), so the physician's own categories stay.
/// Graph accepts a name that is not in the mailbox's master list, but Outlook then shows it without a
/// colour: the category is created once per mailbox in the master list
/// (<c>GET/POST /users/{mailbox}/outlook/masterCategories</c>, permission <c>MailboxSettings.ReadWrite</c>).</summary>
public sealed class GraphMailboxCategorizer(GraphServiceClient client) : IMailboxCategorizer
{
    /// <summary>Green: "done" in most clinics' colour habits.</summary>
    public const CategoryColor Color = CategoryColor.Preset4;

    /// <summary>Mailboxes whose master list is known to hold the category (per process).</summary>
    private readonly ConcurrentDictionary<string, bool> _ensured = new(StringComparer.OrdinalIgnoreCase);

    public async Task MarkFiledAsync(string filingId, string mailbox, string mailboxItemId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mailbox);
        ArgumentException.ThrowIfNullOrWhiteSpace(mailboxItemId);
        await EnsureMasterCategoryAsync(mailbox, cancellationToken).ConfigureAwait(false);
        var item = client.Users[mailbox].Messages[mailboxItemId];
        Message? current;
        try
        {
            current = await item.GetAsync(r => r.QueryParameters.Select = ["categories"], cancellationToken).ConfigureAwait(false);
        }
        catch (ODataError error) when (error.ResponseStatusCode == 404)
        {
            return; // deleted or moved out of reach since: nothing to mark
        }

        var categories = current?.Categories ?? [];
        if (categories.Contains(IMailboxCategorizer.Category, StringComparer.Ordinal))
        {
            return;
        }

        await item.PatchAsync(new Message { Categories = [.. categories, IMailboxCategorizer.Category] }, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureMasterCategoryAsync(string mailbox, CancellationToken cancellationToken)
    {
        if (_ensured.ContainsKey(mailbox))
        {
            return;
        }

        var master = client.Users[mailbox].Outlook.MasterCategories;
        try
        {
            var existing = await master.GetAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!(existing?.Value ?? []).Any(c => string.Equals(c.DisplayName, IMailboxCategorizer.Category, StringComparison.OrdinalIgnoreCase)))
            {
                await master.PostAsync(new OutlookCategory { DisplayName = IMailboxCategorizer.Category, Color = Color }, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ODataError error) when (error.ResponseStatusCode is 409 or 403)
        {
            // 409: created by another worker in between. 403: MailboxSettings.ReadWrite not granted on this
            // mailbox — the category is still set on the item (Graph accepts it), only without a colour.
        }

        _ensured[mailbox] = true;
    }
}
