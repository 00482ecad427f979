using System.Security.Cryptography;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Json;
using ClinicMail.Core.Policy;

namespace ClinicMail.Core.Secure;

/// <summary>What a check binds a later secure send to: keyed hashes of the content and of each recipient,
/// the SHA-256 of each attachment read (keyed too), and how many attachments had no content to hash or
/// are not files (cloud links, attached items). Recorded with the check; holds no text and no address.</summary>
public sealed record SendBinding
{
    public required string ContentHmac { get; init; }

    public required IReadOnlyList<string> RecipientHmacs { get; init; }

    public required IReadOnlyList<string> AttachmentHmacs { get; init; }

    /// <summary>File attachments the check saw without content (counted unreadable, so secure delivery was required).</summary>
    public int AttachmentsWithoutContent { get; init; }

    /// <summary>Cloud and item attachments: a secure message cannot carry them.</summary>
    public int AttachmentsNotFile { get; init; }

    public static SendBinding Of(Draft draft, DraftFingerprint fingerprint)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(fingerprint);
        var files = (draft.Attachments ?? []).Where(a => a is not null && IsFile(a.Kind)).ToList();
        var hashes = new List<string>();
        var without = 0;
        foreach (var file in files)
        {
            if (Bytes(file.ContentBase64) is { } bytes)
            {
                hashes.Add(AttachmentHmac(bytes, fingerprint));
            }
            else
            {
                without++;
            }
        }

        return new SendBinding
        {
            ContentHmac = fingerprint.ComputeContent(draft.Subject ?? "", draft.Body ?? ""),
            RecipientHmacs = [.. draft.AllRecipients().Select(r => RecipientHmac(r.Recipient.Address, fingerprint)).Distinct(StringComparer.Ordinal)],
            AttachmentHmacs = hashes,
            AttachmentsWithoutContent = without,
            AttachmentsNotFile = (draft.Attachments ?? []).Count(a => a is not null && !IsFile(a.Kind)),
        };
    }

    /// <summary>The binding as flat audit data (the chain stores strings, integers and string lists).</summary>
    public IEnumerable<KeyValuePair<string, object?>> ToAuditData()
    {
        yield return new("contentHmac", ContentHmac);
        yield return new("recipientHmacs", RecipientHmacs);
        yield return new("attachmentHmacs", AttachmentHmacs);
        yield return new("attachmentsWithoutContent", AttachmentsWithoutContent);
        yield return new("attachmentsNotFile", AttachmentsNotFile);
    }

    /// <summary>The binding a check recorded, or null for a check recorded without one.</summary>
    public static SendBinding? FromAuditData(System.Text.Json.JsonElement data)
    {
        if (!data.TryGetProperty("contentHmac", out var content) || content.GetString() is not { } hmac)
        {
            return null;
        }

        return new SendBinding
        {
            ContentHmac = hmac,
            RecipientHmacs = Strings(data, "recipientHmacs"),
            AttachmentHmacs = Strings(data, "attachmentHmacs"),
            AttachmentsWithoutContent = data.TryGetProperty("attachmentsWithoutContent", out var w) && w.TryGetInt32(out var wi) ? wi : 0,
            AttachmentsNotFile = data.TryGetProperty("attachmentsNotFile", out var n) && n.TryGetInt32(out var ni) ? ni : 0,
        };
    }

    private static List<string> Strings(System.Text.Json.JsonElement data, string name) =>
        data.TryGetProperty(name, out var array) && array.ValueKind == System.Text.Json.JsonValueKind.Array
            ? [.. array.EnumerateArray().Select(e => e.GetString() ?? "")]
            : [];

    public static string RecipientHmac(string address, DraftFingerprint fingerprint) =>
        fingerprint.ComputeText("rcpt\u001f" + (Registry.AddressNormalizer.Normalize(address) ?? (address ?? "").Trim().ToLowerInvariant()));

    public static string AttachmentHmac(ReadOnlySpan<byte> content, DraftFingerprint fingerprint) =>
        fingerprint.ComputeText("att\u001f" + Convert.ToHexStringLower(SHA256.HashData(content)));

    private static bool IsFile(string? kind) => kind is null || string.Equals(kind, "file", StringComparison.OrdinalIgnoreCase);

    private static byte[]? Bytes(string? base64)
    {
        if (string.IsNullOrEmpty(base64))
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>Why a secure send is refused.</summary>
public enum SecureSendRefusal
{
    /// <summary>The subject, body or an attachment differs from what was checked: check again.</summary>
    ContentChanged,
    /// <summary>A recipient was not in the checked draft.</summary>
    RecipientNotChecked,
    /// <summary>Blocking reasons other than SECURE_DELIVERY_REQUIRED were neither fixed nor overridden.</summary>
    BlockingReasons,
}

public sealed record SecureSendVerdict(SecureSendRefusal? Refusal, IReadOnlyList<string> Unresolved)
{
    public bool Allowed => Refusal is null;
}

/// <summary>« Send securely » fixes one thing: <c>SECURE_DELIVERY_REQUIRED</c> (and the informational reasons
/// that only explain it). Every other blocking reason of the check must be fixed — which means a new check of
/// the changed draft — or overridden with its justification; and what is sent must be what was checked.
/// Pure: the HTTP handler reads the check and its overrides from the audit chain and applies the verdict.</summary>
public static class SecureSendGate
{
    /// <summary>Reason codes secure delivery itself resolves.</summary>
    public static IReadOnlySet<string> ResolvedBySecureDelivery { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Codes.Of(ReasonCode.SecureDeliveryRequired),
        Codes.Of(ReasonCode.SecureDeliveryRecommended),
        Codes.Of(ReasonCode.IdentifiersExternal),
        Codes.Of(ReasonCode.AttachmentUnreadable),
    };

    /// <param name="checkedBinding">What the check recorded.</param>
    /// <param name="blockingCodes">The check's blocking reason codes.</param>
    /// <param name="overridden">Codes overridden with a justification on this content.</param>
    /// <param name="sent">The binding of what is about to be sent (recipients: only those sent to).</param>
    public static SecureSendVerdict Decide(SendBinding checkedBinding, IReadOnlyCollection<string> blockingCodes, IReadOnlyCollection<string> overridden, SendBinding sent)
    {
        ArgumentNullException.ThrowIfNull(checkedBinding);
        ArgumentNullException.ThrowIfNull(blockingCodes);
        ArgumentNullException.ThrowIfNull(overridden);
        ArgumentNullException.ThrowIfNull(sent);
        if (!string.Equals(checkedBinding.ContentHmac, sent.ContentHmac, StringComparison.Ordinal) || !AttachmentsMatch(checkedBinding, sent))
        {
            return new(SecureSendRefusal.ContentChanged, []);
        }

        if (sent.RecipientHmacs.Any(r => !checkedBinding.RecipientHmacs.Contains(r, StringComparer.Ordinal)))
        {
            return new(SecureSendRefusal.RecipientNotChecked, []);
        }

        var unresolved = blockingCodes
            .Where(c => !ResolvedBySecureDelivery.Contains(c) && !overridden.Contains(c, StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return unresolved.Count > 0 ? new(SecureSendRefusal.BlockingReasons, unresolved) : new(null, []);
    }

    /// <summary>Every attachment sent was checked: its hash is one the check read, or it stands for one of the
    /// files the check saw without content (which the check counted as unreadable).</summary>
    private static bool AttachmentsMatch(SendBinding checkedBinding, SendBinding sent)
    {
        var known = checkedBinding.AttachmentHmacs.ToList();
        var spare = checkedBinding.AttachmentsWithoutContent;
        foreach (var hash in sent.AttachmentHmacs)
        {
            if (known.Remove(hash))
            {
                continue;
            }

            if (spare-- <= 0)
            {
                return false;
            }
        }

        // A file that was checked but is not carried is reported by the handler, not refused.
        return true;
    }
}
