using MimeKit;

namespace ClinicMail.Infrastructure.Filing;

/// <summary>Writes a sent mail as an .eml file into the embedded sent-mail folder (the sandbox's Send,
/// development only): owner-only, written under a temporary name and renamed, so the watcher never reads
/// half a file.</summary>
public static class SentMailDrop
{
    public static string Write(string folder, string from, IEnumerable<string> to, IEnumerable<string> cc, string subject, string bodyText, string? checkId, DateTimeOffset at)
    {
        var message = new MimeMessage { Subject = subject, Date = at };
        message.From.Add(MailboxAddress.Parse(from));
        foreach (var address in to)
        {
            message.To.Add(MailboxAddress.Parse(address));
        }

        foreach (var address in cc)
        {
            message.Cc.Add(MailboxAddress.Parse(address));
        }

        if (!string.IsNullOrEmpty(checkId))
        {
            message.Headers.Add(MimeExchangeReader.CheckIdHeader, checkId);
        }

        message.Body = new TextPart("plain") { Text = bodyText };
        Directory.CreateDirectory(folder);
        var name = Path.Combine(folder, Guid.CreateVersion7().ToString("N") + ".eml");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(name + ".tmp", options))
        {
            message.WriteTo(stream);
        }

        File.Move(name + ".tmp", name);
        return name;
    }
}
