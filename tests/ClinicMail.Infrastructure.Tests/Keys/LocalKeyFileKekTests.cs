using System.Buffers.Text;
using System.Security.Cryptography;
using ClinicMail.Core.Crypto;
using ClinicMail.Infrastructure.Keys;

namespace ClinicMail.Infrastructure.Tests.Keys;

[TestFixture]
public sealed class LocalKeyFileKekTests
{
    private DirectoryInfo _folder = null!;
    private string _path = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = Directory.CreateTempSubdirectory("clinicmail-kek-");
        _path = Path.Combine(_folder.FullName, "keys", "kek.pem");
    }

    [TearDown]
    public void TearDown() => _folder.Delete(recursive: true);

    [Test]
    public void OpenOrCreate_FirstRun_CreatesOwnerOnlyPkcs8Rsa3072File()
    {
        using var kek = LocalKeyFileKek.OpenOrCreate(_path, allowDevelopmentKeys: true);

        var pem = File.ReadAllText(_path);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        Assert.Multiple(() =>
        {
            Assert.That(pem, Does.StartWith("-----BEGIN PRIVATE KEY-----"));
            Assert.That(rsa.KeySize, Is.EqualTo(3072));
            // Key id: the public key's SHA-256 thumbprint, computed here independently.
            Assert.That(kek.KeyId, Is.EqualTo("local:" + Base64Url.EncodeToString(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))));
        });
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(_path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }
    }

    [Test]
    public void OpenOrCreate_SecondRun_LoadsSameKey()
    {
        string first;
        using (var kek = LocalKeyFileKek.OpenOrCreate(_path, allowDevelopmentKeys: true))
        {
            first = kek.KeyId;
        }

        using var again = LocalKeyFileKek.OpenOrCreate(_path, allowDevelopmentKeys: true);

        Assert.That(again.KeyId, Is.EqualTo(first));
    }

    [Test]
    public void OpenOrCreate_NotDevelopment_RefusesAndSaysWhatToSet()
    {
        var error = Assert.Throws<KeyProviderException>(() => LocalKeyFileKek.OpenOrCreate(_path, allowDevelopmentKeys: false))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Failure, Is.EqualTo(KeyProviderFailure.Misconfigured));
            Assert.That(error.Message, Does.Contain("AllowDevelopmentKeys=true").And.Contain("VaultUri"));
            Assert.That(File.Exists(_path), Is.False, "no key is created when refused");
        });
    }

    [TestCase(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, "0644")]
    [TestCase(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, "0640")]
    [TestCase(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite, "0602")]
    public void OpenOrCreate_KeyFileReadableByOthers_RefusesWithChmodHint(UnixFileMode mode, string octal)
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes only.");
        }

        LocalKeyFileKek.OpenOrCreate(_path, allowDevelopmentKeys: true).Dispose();
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_path, mode);
        }

        var error = Assert.Throws<KeyProviderException>(() => LocalKeyFileKek.OpenOrCreate(_path, allowDevelopmentKeys: true))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Failure, Is.EqualTo(KeyProviderFailure.Misconfigured));
            Assert.That(error.Message, Does.Contain(octal).And.Contain("chmod 600"));
            Assert.That(error.Message, Does.Not.Contain("PRIVATE KEY"));
        });
    }

    [Test]
    public void OpenOrCreate_PublicKeyOnly_Refused()
    {
        using var rsa = RSA.Create(3072);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        File.WriteAllText(_path, rsa.ExportSubjectPublicKeyInfoPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var error = Assert.Throws<KeyProviderException>(() => LocalKeyFileKek.OpenOrCreate(_path, allowDevelopmentKeys: true))!;

        Assert.That(error.Message, Does.Contain("private key"));
    }

    [Test]
    public void OpenOrCreate_Rsa2048Key_Refused()
    {
        using var rsa = RSA.Create(2048);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        File.WriteAllText(_path, rsa.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var error = Assert.Throws<KeyProviderException>(() => LocalKeyFileKek.OpenOrCreate(_path, allowDevelopmentKeys: true))!;

        Assert.That(error.Message, Does.Contain("RSA-2048").And.Contain("RSA-3072"));
    }

    [Test]
    public async Task SignAsync_ThenVerifyAsync_TrueForDigestFalseForOtherAsync()
    {
        using var kek = LocalKeyFileKek.OpenOrCreate(_path, allowDevelopmentKeys: true);
        var digest = SHA256.HashData("audit checkpoint 7"u8);

        var signature = await kek.SignAsync(digest);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(signature.Algorithm, Is.EqualTo("RS256"));
            Assert.That(await kek.VerifyAsync(digest, signature), Is.True);
            Assert.That(await kek.VerifyAsync(SHA256.HashData("audit checkpoint 8"u8), signature), Is.False);
        });
        Assert.ThrowsAsync<ArgumentException>(() => kek.SignAsync(new byte[20]));
    }

    [Test]
    public async Task Rotate_ExistingKey_NewCurrentKeyAndOldOneStillUnwrapsAsync()
    {
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);
        WrappedKey wrappedUnderOld;
        string oldId;
        using (var original = LocalKeyFileKek.OpenOrCreate(_path, allowDevelopmentKeys: true))
        {
            oldId = original.KeyId;
            wrappedUnderOld = await original.WrapAsync(dataKey);
        }

        var newId = LocalKeyFileKek.Rotate(_path, allowDevelopmentKeys: true);
        using var rotated = LocalKeyFileKek.OpenOrCreate(_path, allowDevelopmentKeys: true);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(newId, Is.Not.EqualTo(oldId));
            Assert.That(rotated.KeyId, Is.EqualTo(newId));
            Assert.That(rotated.KnownKeyIds, Is.EqualTo(new[] { newId, oldId }));
            Assert.That(await rotated.UnwrapAsync(wrappedUnderOld), Is.EqualTo(dataKey));
        });
    }
}
