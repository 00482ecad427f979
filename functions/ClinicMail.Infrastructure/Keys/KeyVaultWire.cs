using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace ClinicMail.Infrastructure.Keys;

/// <summary>The Key Vault REST bodies we send and read (api-version 7.6), by hand because the
/// Azure.Security.KeyVault.Keys package is not available here (see README.md):
/// <list type="bullet">
/// <item>wrapkey / unwrapkey / sign request: <c>{"alg": "...", "value": base64url}</c>.</item>
/// <item>their response (KeyOperationResult): <c>{"kid": key URL with version, "value": base64url}</c>.</item>
/// <item>get key response (KeyBundle): <c>{"key": {"kid", "kty", "key_ops", "n", "e"}, "attributes": {"enabled", ...}}</c>.</item>
/// <item>errors: <c>{"error": {"code", "message"}}</c>.</item>
/// </list></summary>
internal static class KeyVaultWire
{
    public static byte[] OperationRequest(string algorithm, ReadOnlySpan<byte> value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", algorithm);
            writer.WriteString("value", Base64Url.EncodeToString(value));
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a KeyOperationResult.</summary>
    /// <exception cref="FormatException">Missing or malformed fields.</exception>
    public static (string Kid, byte[] Value) ReadOperationResult(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var kid = root.GetProperty("kid").GetString();
            var value = root.GetProperty("value").GetString();
            if (string.IsNullOrEmpty(kid) || value is null)
            {
                throw new FormatException("kid or value missing");
            }

            return (kid, Base64Url.DecodeFromChars(value));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("not a key operation result", ex);
        }
    }

    /// <summary>Reads a KeyBundle's key id, enabled flag and RSA public key (never a private part:
    /// the vault does not release one).</summary>
    public static KeyVaultPublicKey ReadKeyBundle(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var key = document.RootElement.GetProperty("key");
            var kid = key.GetProperty("kid").GetString() ?? throw new FormatException("kid missing");
            var kty = key.GetProperty("kty").GetString();
            if (kty is not ("RSA" or "RSA-HSM"))
            {
                throw new FormatException("not an RSA key");
            }

            var enabled = !document.RootElement.TryGetProperty("attributes", out var attributes)
                || !attributes.TryGetProperty("enabled", out var enabledElement)
                || enabledElement.GetBoolean();
            var parameters = new RSAParameters
            {
                Modulus = Base64Url.DecodeFromChars(key.GetProperty("n").GetString() ?? throw new FormatException("n missing")),
                Exponent = Base64Url.DecodeFromChars(key.GetProperty("e").GetString() ?? throw new FormatException("e missing")),
            };
            return new KeyVaultPublicKey(kid, enabled, parameters);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("not a key bundle", ex);
        }
    }

    /// <summary>The error code of a Key Vault error body ("Forbidden", "KeyNotFound", "BadParameter"…),
    /// or null. The error message is deliberately not read: it can name identities and keys.</summary>
    public static string? ReadErrorCode(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.TryGetProperty("error", out var error)
                && error.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.String
                ? code.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A Key Vault key version's public half.</summary>
internal sealed record KeyVaultPublicKey(string Kid, bool Enabled, RSAParameters Parameters);
