using System.Text;
using ClinicMail.Core.Filing;

namespace ClinicMail.Infrastructure.Filing;

/// <summary>The embedded default: <c>{folder}/{clinic patient id}/{filing id}/</c> holding
/// <c>resource.json</c>, <c>rendition.pdf</c> and the attachments. Folders are 0700 and files 0600 (owner
/// only: the content is PHI). A filing is written into a temporary folder and renamed into place, so a
/// crash leaves either nothing or the whole filing, and a repeated delivery finds it there and adds nothing.</summary>
public sealed class LocalFolderDestination(string folder) : IFilingDestination
{
    public const string ResourceName = "resource.json";

    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string Kind => "local";

    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>The folder of one filing.</summary>
    public string FilingFolder(string clinicPatientId, string filingId) => Path.Combine(Folder, SafeName(clinicPatientId), SafeName(filingId));

    public Task<FilingReceipt> FileAsync(FilingDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        try
        {
            var target = FilingFolder(document.ClinicPatientId, document.FilingId);
            if (Directory.Exists(target))
            {
                return Task.FromResult(Stored(target)); // filed by an earlier attempt that crashed before the outbox heard of it
            }

            CreatePrivateDirectory(Folder);
            CreatePrivateDirectory(Path.GetDirectoryName(target)!);
            var staging = target + ".partial-" + Guid.NewGuid().ToString("N");
            CreatePrivateDirectory(staging);
            Write(Path.Combine(staging, ResourceName), document.ResourceJson);
            Write(Path.Combine(staging, FhirFilingResource.RenditionName), document.Rendition);
            for (var i = 0; i < document.Attachments.Count; i++)
            {
                Write(Path.Combine(staging, FhirFilingResource.AttachmentFileName(i, document.Attachments[i].Name)), document.Attachments[i].Content);
            }

            try
            {
                Directory.Move(staging, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                Directory.Delete(staging, recursive: true); // another worker won the race: its copy is the same filing
                return Task.FromResult(Stored(target));
            }

            return Task.FromResult(new FilingReceipt(document.RenditionSha256, document.ResourceSha256));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new FilingDestinationException("destination_io", transient: true, "The record folder could not be written (" + exception.GetType().Name + ").", exception);
        }
    }

    private static FilingReceipt Stored(string folder) => new(
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, FhirFilingResource.RenditionName)))),
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, ResourceName)))));

    /// <summary>Clinic patient ids come from the EMR: anything but letters, digits, '-', '_' and '.' is
    /// hex-encoded so an id can never name a path outside the folder.</summary>
    public static string SafeName(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        var plain = value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') || (value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && value.Trim('.').Length == value.Length);
        return plain ? value : "x" + Convert.ToHexStringLower(Encoding.UTF8.GetBytes(value));
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, FolderMode);
        }
    }

    private static void Write(string path, byte[] content)
    {
        var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        using var stream = new FileStream(path, options);
        stream.Write(content);
        stream.Flush(flushToDisk: true);
    }
}
