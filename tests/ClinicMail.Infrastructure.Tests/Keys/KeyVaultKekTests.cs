using System.Buffers.Text;
using System.Diagnostics;
using System.Security.Cryptography;
using ClinicMail.Core.Crypto;
using ClinicMail.Infrastructure.Keys;

namespace ClinicMail.Infrastructure.Tests.Keys;

/// <summary>The Key Vault client against a real HTTPS server speaking the documented protocol.</summary>
[TestFixture]
public sealed class KeyVaultKekTests
{
    private const string Token = "token-for-clinic-tenant";

    private FakeKeyVaultServer _vault = null!;
    private string _keyName = null!;
    private string _firstKid = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _vault = await FakeKeyVaultServer.StartAsync();
        _vault.AcceptedTokens[Token] = true;
        _keyName = "clinicmail-kek-" + Guid.NewGuid().ToString("N")[..8];
        _firstKid = _vault.CreateKey(_keyName);
    }

    [TearDown]
    public async Task TearDownAsync() => await _vault.DisposeAsync();

    private KeyVaultKekOptions Options(int maxRetries = 3, TimeProvider? time = null)
    {
        var options = new KeyVaultKekOptions { Transport = _vault.CreateTransport(), TimeProvider = time ?? TimeProvider.System };
        options.Retry.MaxRetries = maxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(5);
        return options;
    }

    private Task<KeyVaultKek> ConnectAsync(FakeEntraCredential? credential = null, KeyVaultKekOptions? options = null) =>
        KeyVaultKek.CreateAsync(_vault.VaultUri, _keyName, credential ?? new FakeEntraCredential(Token), options ?? Options());

    [Test]
    public async Task CreateAsync_ExistingKey_KeyIdIsCurrentVersionUrlAsync()
    {
        var kek = await ConnectAsync();

        Assert.That(kek.KeyId, Is.EqualTo(_firstKid));
        // The SDK first asks without a token, to learn the vault's tenant from its challenge.
        Assert.That(_vault.Requests, Has.Count.EqualTo(2));
        Assert.That(_vault.Requests[0].HadBearer, Is.False);
        Assert.That(_vault.Requests[0].Status, Is.EqualTo(401));
        var get = _vault.Requests[1];
        Assert.Multiple(() =>
        {
            Assert.That(get.Method, Is.EqualTo("GET"));
            Assert.That(get.Path.TrimEnd('/'), Is.EqualTo("/keys/" + _keyName));
            Assert.That(get.ApiVersion, Is.EqualTo("7.6"));
            Assert.That(get.HadBearer, Is.True);
        });
    }

    [Test]
    public async Task WrapAsync_ThenUnwrapAsync_ReturnsTheDataKeyAsync()
    {
        var kek = await ConnectAsync();
        var dataKey = RandomNumberGenerator.GetBytes(32);

        var wrapped = await kek.WrapAsync(dataKey);
        var unwrapped = await kek.UnwrapAsync(wrapped);

        Assert.Multiple(() =>
        {
            Assert.That(wrapped.KeyId, Is.EqualTo(_firstKid));
            Assert.That(wrapped.Algorithm, Is.EqualTo("RSA-OAEP-256"));
            Assert.That(wrapped.Value, Has.Length.EqualTo(384), "RSA-3072 ciphertext");
            Assert.That(unwrapped, Is.EqualTo(dataKey));
        });
        // The vault really used RSA-OAEP-256 with its own key: its private key opens the wrapped value.
        Assert.That(_vault.KeyOf(_firstKid).Decrypt(wrapped.Value, RSAEncryptionPadding.OaepSHA256), Is.EqualTo(dataKey));
        // Wrapping is a public-key operation: the SDK reads the version's public key once and wraps
        // in process; unwrapping needs the private key and goes to the vault.
        Assert.That(_vault.Requests.Select(r => r.Path), Does.Contain($"/keys/{_keyName}/{_firstKid.Split('/')[^1]}/unwrapkey"));
    }

    [Test]
    public async Task UnwrapAsync_KeyWrappedUnderOlderVersion_StillUnwrapsAsync()
    {
        var kek = await ConnectAsync();
        var dataKey = RandomNumberGenerator.GetBytes(32);
        var wrappedUnderFirst = await kek.WrapAsync(dataKey);

        var secondKid = _vault.RotateKey(_keyName);
        await kek.RefreshAsync();
        var wrappedUnderSecond = await kek.WrapAsync(dataKey);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(kek.KeyId, Is.EqualTo(secondKid));
            Assert.That(wrappedUnderSecond.KeyId, Is.EqualTo(secondKid));
            Assert.That(await kek.UnwrapAsync(wrappedUnderFirst), Is.EqualTo(dataKey));
            Assert.That(await kek.UnwrapAsync(wrappedUnderSecond), Is.EqualTo(dataKey));
        });
    }

    [Test]
    public async Task WrapAsync_VaultRotatedAfterRefreshInterval_UsesNewVersionWithoutRestartAsync()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var options = Options(time: clock);
        options.CurrentVersionRefreshInterval = TimeSpan.FromMinutes(15);
        var kek = await ConnectAsync(options: options);
        var secondKid = _vault.RotateKey(_keyName);

        var beforeInterval = await kek.WrapAsync(RandomNumberGenerator.GetBytes(32));
        clock.Advance(TimeSpan.FromMinutes(16));
        var afterInterval = await kek.WrapAsync(RandomNumberGenerator.GetBytes(32));

        Assert.Multiple(() =>
        {
            Assert.That(beforeInterval.KeyId, Is.EqualTo(_firstKid));
            Assert.That(afterInterval.KeyId, Is.EqualTo(secondKid));
        });
    }

    [Test]
    public async Task SignAsync_ThenVerifyAsync_VerifiesLocallyWithThePublicKeyAsync()
    {
        var kek = await ConnectAsync();
        var digest = SHA256.HashData("checkpoint 42: 9f1c…"u8);

        var signature = await kek.SignAsync(digest);
        var requestsAfterSign = _vault.Requests.Count;
        var valid = await kek.VerifyAsync(digest, signature);
        var otherDigest = SHA256.HashData("checkpoint 43"u8);
        var invalid = await kek.VerifyAsync(otherDigest, signature);

        Assert.Multiple(() =>
        {
            Assert.That(signature.KeyId, Is.EqualTo(_firstKid));
            Assert.That(signature.Algorithm, Is.EqualTo("RS256"));
            Assert.That(valid, Is.True);
            Assert.That(invalid, Is.False);
            Assert.That(_vault.Requests.Count, Is.EqualTo(requestsAfterSign), "verify must not call the vault for a cached version");
        });
        // An independent check: the signature is RS256 by the vault's own key.
        Assert.That(_vault.KeyOf(_firstKid).VerifyHash(digest, signature.Value, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), Is.True);
    }

    [Test]
    public async Task VerifyAsync_SignatureFromOlderVersion_FetchesThatVersionsPublicKeyAsync()
    {
        var kek = await ConnectAsync();
        var digest = SHA256.HashData("audit checkpoint"u8);
        var oldSignature = await kek.SignAsync(digest);
        _vault.RotateKey(_keyName);
        var fresh = await ConnectAsync();

        Assert.That(await fresh.VerifyAsync(digest, oldSignature), Is.True);
        Assert.That(_vault.Requests.Last().Path, Is.EqualTo($"/keys/{_keyName}/{_firstKid.Split('/')[^1]}"));
    }

    [Test]
    public async Task WrapAsync_TokenFromWrongTenant_FollowsChallengeToVaultTenantAsync()
    {
        var credential = new FakeEntraCredential("token-for-home-tenant", new Dictionary<string, string> { [FakeKeyVaultServer.DefaultTenant] = Token });

        var kek = await ConnectAsync(credential);
        var wrapped = await kek.WrapAsync(RandomNumberGenerator.GetBytes(32));

        Assert.That(wrapped.KeyId, Is.EqualTo(_firstKid));
        Assert.That(_vault.Requests[0].Status, Is.EqualTo(401), "the first attempt learns the vault's tenant from the challenge");
        Assert.That(_vault.Requests.Skip(1).All(r => r.Status == 200), Is.True);
        var lastAsked = credential.Requests.Last();
        Assert.Multiple(() =>
        {
            Assert.That(lastAsked.TenantId, Is.EqualTo(FakeKeyVaultServer.DefaultTenant));
            Assert.That(lastAsked.Scopes, Is.EqualTo(new[] { "https://vault.azure.net/.default" }));
        });
    }

    [Test]
    public async Task CreateAsync_ChallengeNamesAnotherResource_RefusesWithoutAskingForThatTokenAsync()
    {
        _vault.ChallengeResource = "https://attacker.example";
        var credential = new FakeEntraCredential("token-for-home-tenant", new Dictionary<string, string> { [FakeKeyVaultServer.DefaultTenant] = Token });

        var error = Assert.ThrowsAsync<KeyProviderException>(() => ConnectAsync(credential))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Failure, Is.EqualTo(KeyProviderFailure.Unauthorized));
            Assert.That(error.Status, Is.EqualTo(401));
            Assert.That(error.Message, Does.Contain("401").And.Not.Contain("token-for"));
            Assert.That(credential.Requests.SelectMany(r => r.Scopes), Has.None.Contains("attacker"));
        });
    }

    [Test]
    public async Task UnwrapAsync_ThrottledOnceWithRetryAfter_WaitsThenSucceedsAsync()
    {
        var kek = await ConnectAsync();
        var wrapped = await kek.WrapAsync(RandomNumberGenerator.GetBytes(32));
        _vault.EnqueueFault(429, retryAfterSeconds: 1);

        var watch = Stopwatch.StartNew();
        await kek.UnwrapAsync(wrapped);
        watch.Stop();

        var unwraps = _vault.Requests.Where(r => r.Path.EndsWith("/unwrapkey", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(unwraps.Select(r => r.Status), Is.EqualTo(new[] { 429, 200 }));
            // The configured back-off is 10 ms: only honouring Retry-After explains a 1 s wait.
            Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900)));
        });
    }

    [Test]
    public async Task UnwrapAsync_PersistentServiceUnavailable_ThrowsClearErrorWithoutSecretsAsync()
    {
        var kek = await ConnectAsync(options: Options(maxRetries: 2));
        var dataKey = RandomNumberGenerator.GetBytes(32);
        var wrapped = await kek.WrapAsync(dataKey);
        _vault.EnqueueFault(503, count: 10);

        var error = Assert.ThrowsAsync<KeyProviderException>(() => kek.UnwrapAsync(wrapped))!;

        var unwraps = _vault.Requests.Where(r => r.Path.EndsWith("/unwrapkey", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(error.Failure, Is.EqualTo(KeyProviderFailure.Unavailable));
            Assert.That(error.Status, Is.EqualTo(503));
            Assert.That(error.Operation, Is.EqualTo("unwrapkey"));
            Assert.That(error.Message, Does.Contain("503").And.Contain("ServiceUnavailable"));
            Assert.That(error.Message, Does.Not.Contain(Token));
            Assert.That(error.Message, Does.Not.Contain(Base64Url.EncodeToString(dataKey)));
            Assert.That(error.Message, Does.Not.Contain(Base64Url.EncodeToString(wrapped.Value)[..20]));
            Assert.That(unwraps, Has.Count.EqualTo(3), "one try and two retries");
            Assert.That(error.UserMessage.Fr, Does.Contain("temporairement indisponible"));
        });
    }

    [Test]
    public async Task UnwrapAsync_KeyIdOfAnotherVault_RefusesWithoutSendingItAsync()
    {
        var kek = await ConnectAsync();
        var wrapped = await kek.WrapAsync(RandomNumberGenerator.GetBytes(32));
        var requestsBefore = _vault.Requests.Count;
        var foreign = wrapped with { KeyId = $"https://other-vault.vault.azure.net/keys/{_keyName}/{_firstKid.Split('/')[^1]}" };

        var error = Assert.ThrowsAsync<KeyProviderException>(() => kek.UnwrapAsync(foreign))!;

        Assert.That(error.Failure, Is.EqualTo(KeyProviderFailure.KeyNotFound));
        Assert.That(_vault.Requests.Count, Is.EqualTo(requestsBefore));
    }

    [Test]
    public async Task UnwrapAsync_ValueWrappedByAnotherVersion_RejectedByVaultAsync()
    {
        var kek = await ConnectAsync();
        var wrapped = await kek.WrapAsync(RandomNumberGenerator.GetBytes(32));
        var secondKid = _vault.RotateKey(_keyName);

        var error = Assert.ThrowsAsync<KeyProviderException>(() => kek.UnwrapAsync(wrapped with { KeyId = secondKid }))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Failure, Is.EqualTo(KeyProviderFailure.Rejected));
            Assert.That(error.Status, Is.EqualTo(400));
            Assert.That(error.Message, Does.Contain("BadParameter"));
        });
    }

    [Test]
    public async Task EnvelopeRewrap_AfterVaultRotation_MovesKeyRecordAndKeepsCiphertextAsync()
    {
        var kek = await ConnectAsync();
        var encryptor = new EnvelopeEncryptor(kek);
        var binding = new EnvelopeBinding { MessageId = "msg-2026-0001", Recipients = ["patient-0042"] };
        var content = new EnvelopeContent
        {
            Subject = "Résultats de votre prise de sang",
            Body = "Bonjour Mme Tremblay, votre hémoglobine glyquée est à 6,1 %.",
            Format = BodyFormat.Text,
        };
        var sealedEnvelope = await encryptor.EncryptAsync(content, binding);
        var ciphertextBefore = sealedEnvelope.Ciphertext.ToArray();

        var secondKid = _vault.RotateKey(_keyName);
        await kek.RefreshAsync();
        var rewrapped = await encryptor.RewrapAsync(sealedEnvelope.Key);
        _vault.DisableVersion(_keyName, _firstKid);
        var opened = await encryptor.DecryptAsync(sealedEnvelope with { Key = rewrapped }, binding);

        Assert.Multiple(() =>
        {
            Assert.That(sealedEnvelope.Key.WrappedKey.KeyId, Is.EqualTo(_firstKid));
            Assert.That(rewrapped.WrappedKey.KeyId, Is.EqualTo(secondKid));
            Assert.That(sealedEnvelope.Ciphertext, Is.EqualTo(ciphertextBefore));
            Assert.That(opened.Body, Is.EqualTo(content.Body));
        });
        // The old record needs the now-disabled version: the vault refuses it (403), proving the
        // successful decryption above went through the new version only.
        var refused = Assert.ThrowsAsync<KeyProviderException>(() => encryptor.DecryptAsync(sealedEnvelope, binding))!;
        Assert.That(refused.Status, Is.EqualTo(403));
    }
}
