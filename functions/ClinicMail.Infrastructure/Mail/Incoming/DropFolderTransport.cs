using System.Security.Cryptography;
using System.Text.Json;
using ClinicMail.Core.Incoming;
using ClinicMail.Core.Mail;
using MimeKit;

namespace ClinicMail.Infrastructure.Mail.Incoming;

/// <summary>The embedded default's mailbox: .eml files dropped in a folder (<c>.data/mail-inbox/</c>)
/// are the inbox — and a file sent from a watched box is its answer —; acknowledgements are written to
/// the pickup folder like other mail. A dropped file is moved to <c>.queue/</c> under an id made of its
/// content's hash (the same file twice is one message), then to <c>processed/</c> with the marks
/// Outlook would show (<c>{id}.marks.json</c>).</summary>
public sealed class DropFolderTransport : IIncomingTransport
{
    public const string SourceName = "drop";

    /// <summary>Files larger than this are refused (left in place with a <c>.rejected</c> suffix).</summary>
    public const long MaxBytes = 25 * 1024 * 1024;

    private readonly string _pickup;
    private readonly IReadOnlyCollection<string> _mailboxes;
    private readonly TimeProvider _time;

    public DropFolderTransport(string dropFolder, string pickupFolder, IReadOnlyCollection<string> watchedMailboxes, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dropFolder);
        ArgumentException.ThrowIfNullOrWhiteSpace(pickupFolder);
        DropFolder = Path.GetFullPath(dropFolder);
        _pickup = Path.GetFullPath(pickupFolder);
        _mailboxes = watchedMailboxes;
        _time = time ?? TimeProvider.System;
    }

    public string Name => SourceName;

    public string DropFolder { get; }

    public string QueueFolder => Path.Combine(DropFolder, ".queue");

    public string ProcessedFolder => Path.Combine(DropFolder, "processed");

    /// <summary>Takes a dropped file into the queue folder; the work item to enqueue, or null when the
    /// file is still being written, too large, or vanished.</summary>
    public async Task<IncomingWorkItem?> AcceptAsync(string path, CancellationToken cancellationToken = default)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return null;
            }

            // Written in place and still growing: the next scan takes it (writers that rename are taken at once).
            if (DateTime.UtcNow - info.LastWriteTimeUtc < TimeSpan.FromMilliseconds(200))
            {
                return null;
            }

            if (info.Length > MaxBytes)
            {
                File.Move(path, path + ".rejected", overwrite: true);
                return null;
            }

            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Still being written by whoever drops it: the next scan takes it.
            return null;
        }

        var id = "drop-" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..32];
        Directory.CreateDirectory(QueueFolder);
        File.Move(path, Path.Combine(QueueFolder, id + ".eml"), overwrite: true);
        return new IncomingWorkItem("", id, SourceName);
    }

    public async Task<IncomingMessage?> GetAsync(IncomingWorkItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        var path = QueuedPath(item);
        if (!File.Exists(path))
        {
            return null;
        }

        var raw = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        using var stream = new MemoryStream(raw);
        var mime = await MimeMessage.LoadAsync(stream, cancellationToken).ConfigureAwait(false);
        return EmlMessage.Read(mime, raw, item.MessageId, _mailboxes, _time.GetUtcNow());
    }

    public Task CompleteAsync(IncomingWorkItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        var path = QueuedPath(item);
        if (File.Exists(path))
        {
            Directory.CreateDirectory(ProcessedFolder);
            File.Move(path, Path.Combine(ProcessedFolder, item.MessageId + ".eml"), overwrite: true);
        }

        return Task.CompletedTask;
    }

    public async Task<ReadOnlyMemory<byte>> ReplyInThreadAsync(IncomingMessage original, AcknowledgementMail acknowledgement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(acknowledgement);
        var mail = new OutgoingMail { To = original.From!, Subject = acknowledgement.Subject, TextBody = acknowledgement.TextBody, Kind = acknowledgement.Kind, Language = acknowledgement.Language };
        var message = OutgoingMime.Compose(mail, original.Mailbox, _time.GetUtcNow());
        // RFC 3834: an automatic answer says so; our own header lets the next hop (and us) stop loops.
        message.Headers.Replace("Auto-Submitted", "auto-replied");
        message.Headers.Add(AutoReplySuppression.AcknowledgementHeader, "1");
        if (original.Header("Message-ID") is { } parent)
        {
            message.InReplyTo = parent.Trim().Trim('<', '>');
            foreach (var reference in (original.Header("References") ?? "").Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries))
            {
                message.References.Add(reference.Trim('<', '>'));
            }

            message.References.Add(message.InReplyTo);
        }

        var bytes = OutgoingMime.ToBytes(message);
        try
        {
            Directory.CreateDirectory(_pickup);
            var name = original.MessageId + "-ack";
            var temporary = Path.Combine(_pickup, name + ".tmp");
            await File.WriteAllBytesAsync(temporary, bytes, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, Path.Combine(_pickup, name + ".eml"), overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MailSendException($"The pickup folder could not be written ({ex.GetType().Name}).", ex);
        }

        return bytes;
    }

    public async Task MarkAsync(IncomingMessage message, MailboxMarks marks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(marks);
        Directory.CreateDirectory(ProcessedFolder);
        var json = JsonSerializer.SerializeToUtf8Bytes(new { categories = marks.Categories, importance = marks.HighImportance ? "high" : "normal", flagDue = marks.FollowUpDue });
        await File.WriteAllBytesAsync(Path.Combine(ProcessedFolder, message.MessageId + ".marks.json"), json, cancellationToken).ConfigureAwait(false);
    }

    private string QueuedPath(IncomingWorkItem item)
    {
        // The id is ours ("drop-" + hex); anything else never reaches the file system.
        if (!item.MessageId.StartsWith("drop-", StringComparison.Ordinal) || !item.MessageId[5..].All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("Not a drop-folder message id.", nameof(item));
        }

        return Path.Combine(QueueFolder, item.MessageId + ".eml");
    }
}
