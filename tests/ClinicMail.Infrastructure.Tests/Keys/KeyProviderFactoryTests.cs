using ClinicMail.Core.Crypto;
using ClinicMail.Infrastructure.Keys;

namespace ClinicMail.Infrastructure.Tests.Keys;

[TestFixture]
public sealed class KeyProviderFactoryTests
{
    [Test]
    public void CreateAsync_NothingConfigured_StopsAndSaysWhatToSet()
    {
        var error = Assert.ThrowsAsync<KeyProviderException>(() => KeyProviderFactory.CreateAsync(new KeyProviderOptions()))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Failure, Is.EqualTo(KeyProviderFailure.Misconfigured));
            Assert.That(error.Message, Does.Contain("Keys:VaultUri").And.Contain("Keys:AllowDevelopmentKeys=true"));
            Assert.That(error.Message, Does.Contain("Production :"), "the French half");
        });
    }

    [Test]
    public void CreateAsync_VaultWithoutKeyName_StopsAndNamesKeyName()
    {
        var options = new KeyProviderOptions { VaultUri = new Uri("https://clinique.vault.azure.net/") };

        var error = Assert.ThrowsAsync<KeyProviderException>(() => KeyProviderFactory.CreateAsync(options))!;

        Assert.That(error.Message, Does.Contain("Keys:KeyName"));
    }

    [Test]
    public async Task CreateAsync_DevelopmentAllowed_UsesLocalKeyFileAsync()
    {
        var folder = Directory.CreateTempSubdirectory("clinicmail-factory-");
        try
        {
            var options = new KeyProviderOptions { AllowDevelopmentKeys = true, LocalKeyPath = Path.Combine(folder.FullName, "keys", "kek.pem") };

            var kek = await KeyProviderFactory.CreateAsync(options);

            Assert.That(kek, Is.InstanceOf<LocalKeyFileKek>());
            Assert.That(kek.KeyId, Does.StartWith("local:"));
            ((IDisposable)kek).Dispose();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
