using ClinicMail.Application.Configuration;
using ClinicMail.Application.Hosting;

namespace ClinicMail.Functions.Tests.Hardening;

/// <summary>Issue 22 item 9: a data folder that cannot be used stops startup with the setting's name.</summary>
public sealed class DataDirectoryStartupTests
{
    [Test]
    public void FileInPlaceOfTheFolder_StartupRefused_NamesTheSetting()
    {
        var file = Path.GetTempFileName();
        try
        {
            var refused = Assert.ThrowsAsync<StartupConfigurationException>(() => new DataDirectoryStartupStep(file).RunAsync(CancellationToken.None));
            Assert.That(refused!.Message, Does.Contain("ClinicMail:DataDirectory").And.Contain("ClinicMail__DataDirectory").And.Contain("fichier"));
            Assert.That(refused.Message, Does.Not.Contain(file), "the value is never printed");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void ReadOnlyFolder_StartupRefused_NamesTheSetting()
    {
        if (Environment.UserName == "root")
        {
            Assert.Ignore("root writes into a read-only folder: this case needs an ordinary user");
        }

        var folder = Directory.CreateTempSubdirectory("clinicmail-readonly-").FullName;
        try
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            var refused = Assert.ThrowsAsync<StartupConfigurationException>(() => new DataDirectoryStartupStep(folder).RunAsync(CancellationToken.None));
            Assert.That(refused!.Message, Does.Contain("ClinicMail:DataDirectory"));
        }
        finally
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void WritableFolder_StartupGoesOn_NoProbeLeft()
    {
        var folder = Path.Combine(Path.GetTempPath(), "clinicmail-data-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.That(() => new DataDirectoryStartupStep(folder).RunAsync(CancellationToken.None), Throws.Nothing);
            Assert.That(Directory.EnumerateFileSystemEntries(folder), Is.Empty);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
