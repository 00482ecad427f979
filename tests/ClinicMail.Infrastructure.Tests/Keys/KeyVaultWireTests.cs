using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ClinicMail.Infrastructure.Keys;

namespace ClinicMail.Infrastructure.Tests.Keys;

/// <summary>The documented REST shapes (Key Vault keys API, api-version 7.6), written here with
/// our own values: a response shaped as the documentation shows it must parse as it is.</summary>
[TestFixture]
public sealed class KeyVaultWireTests
{
    // Shape of the documented "get key" response: the key bundle with a JSON web key, its
    // attributes (unix times, recovery level) and tags. Values are ours: a real 3072-bit modulus.
    private static string DocumentedGetKeyResponse(RSAParameters key) => $$"""
        {
          "key": {
            "kid": "https://clinique-exemple.vault.azure.net/keys/clinicmail-kek/5d2b0c4e7a9f41e3b8c61f0a2d7e9b34",
            "kty": "RSA-HSM",
            "key_ops": ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"],
            "n": "{{Base64Url.EncodeToString(key.Modulus)}}",
            "e": "{{Base64Url.EncodeToString(key.Exponent)}}"
          },
          "attributes": {
            "enabled": true,
            "created": 1767225600,
            "updated": 1767225600,
            "recoveryLevel": "Recoverable+Purgeable",
            "recoverableDays": 90
          },
          "tags": { "purpose": "secure-messages" }
        }
        """;

    // Shape of the documented wrapkey/unwrapkey/sign response: the key version URL and a base64url value.
    private const string DocumentedOperationResponse = """
        {
          "kid": "https://clinique-exemple.vault.azure.net/keys/clinicmail-kek/5d2b0c4e7a9f41e3b8c61f0a2d7e9b34",
          "value": "Q2xpbmljTWFpbCB3cmFwcGVkIGtleSBieXRlcw"
        }
        """;

    // Shape of the documented error body.
    private const string DocumentedError = """
        { "error": { "code": "Forbidden", "message": "The caller lacks the keys/unwrapKey permission on key clinicmail-kek." } }
        """;

    [Test]
    public void ReadKeyBundle_DocumentedShape_ReadsKidEnabledAndUsablePublicKey()
    {
        using var rsa = RSA.Create(3072);
        var json = Encoding.UTF8.GetBytes(DocumentedGetKeyResponse(rsa.ExportParameters(false)));

        var bundle = KeyVaultWire.ReadKeyBundle(json);

        Assert.Multiple(() =>
        {
            Assert.That(bundle.Kid, Is.EqualTo("https://clinique-exemple.vault.azure.net/keys/clinicmail-kek/5d2b0c4e7a9f41e3b8c61f0a2d7e9b34"));
            Assert.That(bundle.Enabled, Is.True);
        });
        var digest = SHA256.HashData("checkpoint"u8);
        using var publicKey = RSA.Create(bundle.Parameters);
        Assert.That(publicKey.VerifyHash(digest, rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), Is.True);
    }

    [Test]
    public void ReadOperationResult_DocumentedShape_DecodesBase64UrlValue()
    {
        var (kid, value) = KeyVaultWire.ReadOperationResult(Encoding.UTF8.GetBytes(DocumentedOperationResponse));

        Assert.Multiple(() =>
        {
            Assert.That(kid, Does.EndWith("/keys/clinicmail-kek/5d2b0c4e7a9f41e3b8c61f0a2d7e9b34"));
            Assert.That(Encoding.ASCII.GetString(value), Is.EqualTo("ClinicMail wrapped key bytes"));
        });
    }

    [Test]
    public void ReadErrorCode_DocumentedShape_KeepsCodeOnly()
    {
        Assert.That(KeyVaultWire.ReadErrorCode(Encoding.UTF8.GetBytes(DocumentedError)), Is.EqualTo("Forbidden"));
    }

    [Test]
    public void OperationRequest_WrapKey_HasDocumentedFieldsAndBase64UrlValue()
    {
        var dataKey = Enumerable.Range(0, 32).Select(i => (byte)(250 - i)).ToArray();

        using var request = JsonDocument.Parse(KeyVaultWire.OperationRequest("RSA-OAEP-256", dataKey));

        var root = request.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "alg", "value" }));
            Assert.That(root.GetProperty("alg").GetString(), Is.EqualTo("RSA-OAEP-256"));
            Assert.That(root.GetProperty("value").GetString(), Does.Not.Contain("+").And.Not.Contain("/").And.Not.Contain("="));
            Assert.That(Base64Url.DecodeFromChars(root.GetProperty("value").GetString()), Is.EqualTo(dataKey));
        });
    }

    [Test]
    public void ReadKeyBundle_EllipticCurveKey_Refused()
    {
        const string ecKey = """{"key":{"kid":"https://v.vault.azure.net/keys/k/1","kty":"EC","crv":"P-256","x":"AA","y":"AA"}}""";

        Assert.Throws<FormatException>(() => KeyVaultWire.ReadKeyBundle(Encoding.UTF8.GetBytes(ecKey)));
    }

    [TestCase("Bearer authorization=\"https://login.microsoftonline.com/72f1c3a0-tenant\", resource=\"https://vault.azure.net\"",
        "https://login.microsoftonline.com/72f1c3a0-tenant", "https://vault.azure.net")]
    [TestCase("Bearer authorization_uri=\"https://login.microsoftonline.com/t2\", scope=\"https://vault.azure.net/.default\"",
        "https://login.microsoftonline.com/t2", null)]
    [TestCase("Basic realm=\"x\", Bearer authorization=\"https://login.microsoftonline.com/t3\", resource=https://vault.azure.net",
        "https://login.microsoftonline.com/t3", "https://vault.azure.net")]
    public void BearerChallengeParse_KeyVaultChallenges_ReadsParameters(string header, string authority, string? resource)
    {
        var challenge = BearerChallenge.Parse(header)!;

        Assert.Multiple(() =>
        {
            Assert.That(challenge.GetValueOrDefault("authorization") ?? challenge.GetValueOrDefault("authorization_uri"), Is.EqualTo(authority));
            Assert.That(challenge.GetValueOrDefault("resource"), Is.EqualTo(resource));
        });
    }

    [TestCase("")]
    [TestCase("Basic realm=\"clinic\"")]
    public void BearerChallengeParse_NoBearerChallenge_Null(string header)
    {
        Assert.That(BearerChallenge.Parse(header), Is.Null);
    }
}
