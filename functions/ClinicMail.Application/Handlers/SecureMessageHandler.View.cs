using ClinicMail.Core.Crypto;
using ClinicMail.Core.Secure;

namespace ClinicMail.Application.Handlers;

/// <summary>The physician's view of a secure message: its status, recipients and replies as the API answers them.</summary>
public sealed partial class SecureMessageHandler
{
    private async Task<SecureMessageStatusDto> StatusOfAsync(SecureMessage message, bool decryptReplies, CancellationToken cancellationToken)
    {
        var accesses = await store.GetAccessesAsync(message.Id, cancellationToken).ConfigureAwait(false);
        var replies = await store.GetRepliesAsync(message.Id, cancellationToken).ConfigureAwait(false);
        var replyDtos = new List<ReplyDto>(replies.Count);
        foreach (var reply in replies)
        {
            string? body = null;
            string? unreadable = null;
            if (decryptReplies)
            {
                var envelope = await store.GetEnvelopeAsync(reply.Id, cancellationToken).ConfigureAwait(false);
                if (envelope is null)
                {
                    unreadable = "shredded";
                }
                else
                {
                    try
                    {
                        var content = await encryptor.DecryptAsync(envelope, new EnvelopeBinding { MessageId = reply.Id, Recipients = [message.OwnerBinding] }, cancellationToken).ConfigureAwait(false);
                        body = content.Body;
                    }
                    catch (EnvelopeException ex)
                    {
                        logger.LogWarning("Reply {ReplyId} of {MessageId} did not decrypt: {Failure}", reply.Id, message.Id, ex.GetType().Name);
                        unreadable = "integrity";
                    }
                }
            }

            replyDtos.Add(new ReplyDto(reply.Id, reply.AccessId, reply.CreatedAt, body, unreadable));
        }

        return new SecureMessageStatusDto
        {
            MessageId = message.Id,
            Status = message.Status switch
            {
                SecureMessageStatus.Active when message.ExpiresAt <= time.GetUtcNow() => "expired",
                SecureMessageStatus.Active => "active",
                SecureMessageStatus.Revoked => "revoked",
                SecureMessageStatus.Expired => "expired",
                _ => "unknown",
            },
            CreatedAt = message.CreatedAt,
            ExpiresAt = message.ExpiresAt,
            ClosedAt = message.ClosedAt,
            ShreddedAt = message.ShreddedAt,
            MaxExpiresAt = message.CreatedAt.AddDays(secure.Value.MaxExpiryDays),
            Recipients = [.. accesses.Select(a => new RecipientStatusDto(a.Id, a.Address, a.PatientIds, a.OpenedAt is not null, a.OpenedAt, a.OpenCount, a.LockedAt is not null, a.CodesSent))],
            Replies = replyDtos,
        };
    }
}
