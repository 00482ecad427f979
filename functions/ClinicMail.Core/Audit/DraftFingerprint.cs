using System.Security.Cryptography;
using System.Text;
using ClinicMail.Core.Drafts;

namespace ClinicMail.Core.Audit;

/// <summary>A keyed hash (HMAC-SHA256 with a server secret) of the normalised draft, for the audit
/// record. Keyed so that someone who guesses a message cannot confirm the guess by hashing it;
/// normalised so that the same draft checked twice (Outlook re-sends on retry) has the same
/// fingerprint whatever the whitespace or recipient order.</summary>
public sealed class DraftFingerprint(byte[] key)
{
    private readonly byte[] _key = key.Length >= 32 ? key : throw new ArgumentException("The fingerprint key must be at least 256 bits.", nameof(key));

    public string Compute(Draft draft)
    {
        var builder = new StringBuilder(draft.Subject.Length + draft.Body.Length + 128);
        foreach (var address in draft.AllRecipients()
                     .Select(r => r.Recipient.Address.Trim().ToLowerInvariant())
                     .Order(StringComparer.Ordinal))
        {
            builder.Append(address).Append('\n');
        }

        builder.Append('\u001f');
        AppendCollapsed(builder, draft.Subject);
        builder.Append('\u001f');
        AppendCollapsed(builder, draft.Body);
        return Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(builder.ToString())));
    }

    /// <summary>Keyed hash of the subject and body alone (normalised like <see cref="Compute"/>): what a secure
    /// send must carry unchanged from its check.</summary>
    public string ComputeContent(string subject, string body)
    {
        var builder = new StringBuilder(subject.Length + body.Length + 8);
        builder.Append("content\u001f");
        AppendCollapsed(builder, subject);
        builder.Append('\u001f');
        AppendCollapsed(builder, body);
        return Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(builder.ToString())));
    }

    /// <summary>Keyed hash of any other free text that must be referenced without being stored in the chain.</summary>
    public string ComputeText(string text) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(text)));

    private static void AppendCollapsed(StringBuilder builder, string text)
    {
        var space = false;
        foreach (var c in text.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }
    }
}
