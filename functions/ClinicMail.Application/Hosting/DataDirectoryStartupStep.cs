using ClinicMail.Application.Configuration;

namespace ClinicMail.Application.Hosting;

/// <summary>Issue 22 item 9: the first startup step. When the embedded default keeps its files in
/// <c>ClinicMail:DataDirectory</c> (SQLite file, local keys, code key, mail pickup, checkpoint copy), the
/// folder must exist or be creatable and be writable; a read-only folder or a file in its place stops
/// startup with a message naming the setting (never its value, a path may say too much), instead of an
/// unhandled exception from whichever store touches it first.</summary>
public sealed class DataDirectoryStartupStep(string dataDirectory) : IStartupStep
{
    public const string Setting = "ClinicMail:DataDirectory";

    public Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (File.Exists(dataDirectory))
            {
                throw Refused("is a file, not a folder", "est un fichier, pas un dossier");
            }

            // Owner-only like every folder the app creates: the data folder holds the database, the local
            // key file and the mail folders (an existing folder keeps the mode its owner gave it).
            if (!Directory.Exists(dataDirectory))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(dataDirectory);
                }
                else
                {
                    Directory.CreateDirectory(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }

            // A real write: permissions, a read-only mount or a full disk all show here.
            var probe = Path.Combine(dataDirectory, ".write-probe-" + Guid.NewGuid().ToString("N"));
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
            return Task.CompletedTask;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw Refused("cannot be created or written (read-only, no permission, or a file in its place)", "ne peut être créé ni écrit (lecture seule, permission refusée ou fichier à sa place)");
        }
    }

    private static StartupConfigurationException Refused(string english, string french) =>
        new([Settings.Problem(Setting, $"{Setting} {english}", $"{Setting} {french}")]);
}
