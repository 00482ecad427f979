using System.Text.Json;
using ClinicMail.Application.Identity;
using ClinicMail.Application.Problems;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Localization;
using ClinicMail.Core.Secure;

namespace ClinicMail.Application.Handlers;

/// <summary>Reads from the audit chain what <see cref="SecureSendGate"/> decides on: the check's binding and
/// blocking codes, and the codes overridden on it (or on an earlier check of the same content).</summary>
internal static class SecureSendFacts
{
    public sealed record Facts(SendBinding Binding, IReadOnlyList<string> Blocking, IReadOnlyList<string> Overridden);

    public static async Task<Facts> ReadAsync(
        IAuditReader reader, AuditRecord check, string? overrideCheckId, Actor actor, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var data = JsonDocument.Parse(check.DataJson).RootElement;
        if (SendBinding.FromAuditData(data) is not { } binding)
        {
            // A check recorded before bindings existed cannot vouch for the content.
            throw Changed();
        }

        var overridden = new List<string>();
        await AddOverriddenAsync(reader, check.CheckId!, overridden, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(overrideCheckId) && overrideCheckId.Length <= 100 && !string.Equals(overrideCheckId, check.CheckId, StringComparison.Ordinal))
        {
            // The override may sit on the previous check of the same content: same physician, recent, same binding.
            var earlier = await reader.FindByCheckIdAsync(overrideCheckId, AuditEventType.CheckPerformed, cancellationToken).ConfigureAwait(false);
            if (earlier is not null && earlier.ActorTenantId == actor.TenantId && earlier.ActorObjectId == actor.ObjectId && now - earlier.At <= window
                && SendBinding.FromAuditData(JsonDocument.Parse(earlier.DataJson).RootElement) is { } earlierBinding
                && string.Equals(earlierBinding.ContentHmac, binding.ContentHmac, StringComparison.Ordinal)
                && earlierBinding.AttachmentHmacs.Order(StringComparer.Ordinal).SequenceEqual(binding.AttachmentHmacs.Order(StringComparer.Ordinal), StringComparer.Ordinal))
            {
                await AddOverriddenAsync(reader, overrideCheckId, overridden, cancellationToken).ConfigureAwait(false);
            }
        }

        return new Facts(binding, Strings(data, "blockingCodes"), overridden);
    }

    public static SendBinding BindingOf(SecureMessageRequest request, DraftFingerprint fingerprint) => SendBinding.Of(new Draft
    {
        Subject = request.Subject,
        Body = request.Body,
        To = [.. request.Recipients.Select(r => new DraftRecipient(r))],
        Attachments = [.. request.Attachments.Select(a => new AttachmentInfo(a.Name) { ContentBase64 = a.ContentBase64 })],
    }, fingerprint);

    public static ApiProblemException Problem(SecureSendVerdict verdict) => verdict.Refusal switch
    {
        SecureSendRefusal.BlockingReasons => new ApiProblemException(409, "blocking_reasons_unresolved", Texts.Title, Texts.Unresolved(verdict.Unresolved),
            new Dictionary<string, object?> { ["unresolved"] = verdict.Unresolved }),
        SecureSendRefusal.RecipientNotChecked => new ApiProblemException(409, "recipient_not_checked", Texts.Title, Texts.RecipientNotChecked),
        _ => Changed(),
    };

    private static ApiProblemException Changed() => new(409, "draft_changed", Texts.Title, Texts.Changed);

    private static async Task AddOverriddenAsync(IAuditReader reader, string checkId, List<string> overridden, CancellationToken cancellationToken)
    {
        var record = await reader.FindByCheckIdAsync(checkId, AuditEventType.OverrideRecorded, cancellationToken).ConfigureAwait(false);
        if (record is not null)
        {
            overridden.AddRange(Strings(JsonDocument.Parse(record.DataJson).RootElement, "overriddenCodes"));
        }
    }

    private static List<string> Strings(JsonElement data, string name) =>
        data.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? [.. array.EnumerateArray().Select(e => e.GetString() ?? "")]
            : [];

    private static class Texts
    {
        public static readonly LocalizedText Title = new("Envoi sécurisé impossible.", "Secure send not possible.");

        public static readonly LocalizedText Changed = new(
            "Le message à envoyer n'est pas celui qui a été vérifié (objet, texte ou pièces jointes modifiés). Relancez la vérification.",
            "The message to send is not the one that was checked (subject, text or attachments changed). Check the draft again.");

        public static readonly LocalizedText RecipientNotChecked = new(
            "Un destinataire de l'envoi sécurisé ne figurait pas dans le brouillon vérifié. Relancez la vérification.",
            "A recipient of the secure send was not in the checked draft. Check the draft again.");

        public static LocalizedText Unresolved(IReadOnlyList<string> codes) => new(
            $"L'envoi sécurisé règle seulement l'exigence de chiffrement. Corrigez ou justifiez d'abord : {string.Join(", ", codes)}.",
            $"Secure delivery only satisfies the encryption requirement. Fix or justify first: {string.Join(", ", codes)}.");
    }
}
