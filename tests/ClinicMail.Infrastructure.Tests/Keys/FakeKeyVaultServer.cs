using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClinicMail.Infrastructure.Tests.Keys;

/// <summary>A Key Vault stand-in: a real HTTPS server (Kestrel on 127.0.0.1, self-signed
/// certificate) serving the operations ClinicMail uses, api-version 7.6, with real RSA keys:
/// GET /keys/{name}[/{version}], POST /keys/{name}/{version}/wrapkey|unwrapkey|sign.
/// Bearer tokens are checked against <see cref="AcceptedTokens"/>; a missing or unknown token gets
/// 401 with Key Vault's challenge. Faults (429 with Retry-After, 5xx) can be queued.</summary>
internal sealed class FakeKeyVaultServer : IAsyncDisposable
{
    public const string ApiVersion = "7.6";
    public const string DefaultTenant = "clinic-tenant";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, List<KeyVersion>> _keys = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<Fault> _faults = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private sealed record KeyVersion(string Version, RSA Key, DateTimeOffset Created)
    {
        public bool Enabled { get; set; } = true;
    }

    private sealed record Fault(int Status, int? RetryAfterSeconds);

    /// <summary>One request as the server saw it (no token value kept).</summary>
    public sealed record RecordedRequest(string Method, string Path, string? ApiVersion, bool HadBearer, int Status);

    private FakeKeyVaultServer(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        Certificate = certificate;
    }

    public X509Certificate2 Certificate { get; }

    public Uri VaultUri { get; private set; } = null!;

    /// <summary>Tokens the vault accepts; anything else is answered with the challenge.</summary>
    public ConcurrentDictionary<string, bool> AcceptedTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>The tenant named in the challenge.</summary>
    public string ChallengeTenant { get; set; } = DefaultTenant;

    /// <summary>The resource named in the challenge.</summary>
    public string ChallengeResource { get; set; } = "https://vault.azure.net";

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static async Task<FakeKeyVaultServer> StartAsync()
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var server = new FakeKeyVaultServer(app, certificate);
        app.Use(server.GateAsync);
        app.MapGet("/keys/{name}", (string name) => server.GetKey(name, null));
        app.MapGet("/keys/{name}/{version}", (string name, string version) => server.GetKey(name, version));
        app.MapPost("/keys/{name}/{version}/{operation}", server.OperateAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.VaultUri = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>A transport that trusts this server's certificate, and only it.</summary>
    public HttpClientTransport CreateTransport()
    {
        var pinned = Certificate.GetCertHashString(HashAlgorithmName.SHA256);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), pinned, StringComparison.Ordinal);
        return new HttpClientTransport(handler);
    }

    /// <summary>Creates a key with its first version; returns that version's kid.</summary>
    public string CreateKey(string name)
    {
        _keys[name] = [];
        return RotateKey(name);
    }

    /// <summary>Adds a new version, which becomes current; returns its kid.</summary>
    public string RotateKey(string name)
    {
        var version = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var versions = _keys[name];
        lock (versions)
        {
            versions.Add(new KeyVersion(version, RSA.Create(3072), DateTimeOffset.UtcNow));
        }

        return Kid(name, version);
    }

    public void DisableVersion(string name, string kid)
    {
        var versions = _keys[name];
        lock (versions)
        {
            versions.Single(v => kid.EndsWith("/" + v.Version, StringComparison.Ordinal)).Enabled = false;
        }
    }

    /// <summary>The RSA key of a version, for tests that check the server really used it.</summary>
    public RSA KeyOf(string kid)
    {
        var segments = new Uri(kid).AbsolutePath.Trim('/').Split('/');
        var versions = _keys[segments[1]];
        lock (versions)
        {
            return versions.Single(v => v.Version == segments[2]).Key;
        }
    }

    /// <summary>The next <paramref name="count"/> authenticated requests fail with this status.</summary>
    public void EnqueueFault(int status, int? retryAfterSeconds = null, int count = 1)
    {
        for (var i = 0; i < count; i++)
        {
            _faults.Enqueue(new Fault(status, retryAfterSeconds));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var versions in _keys.Values)
        {
            foreach (var version in versions)
            {
                version.Key.Dispose();
            }
        }

        Certificate.Dispose();
    }

    private string Kid(string name, string version) => $"{VaultUri}keys/{name}/{version}";

    private async Task GateAsync(HttpContext context, RequestDelegate next)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var hadBearer = authorization.StartsWith("Bearer ", StringComparison.Ordinal);
        try
        {
            if (!hadBearer || !AcceptedTokens.ContainsKey(authorization["Bearer ".Length..]))
            {
                context.Response.StatusCode = 401;
                context.Response.Headers.WWWAuthenticate =
                    $"Bearer authorization=\"https://login.microsoftonline.com/{ChallengeTenant}\", resource=\"{ChallengeResource}\"";
                await context.Response.WriteAsJsonAsync(Error("Unauthorized", "A valid bearer token for this vault is required."));
                return;
            }

            if (_faults.TryDequeue(out var fault))
            {
                context.Response.StatusCode = fault.Status;
                if (fault.RetryAfterSeconds is { } seconds)
                {
                    context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await context.Response.WriteAsJsonAsync(Error(fault.Status == 429 ? "Throttled" : "ServiceUnavailable", "Injected fault."));
                return;
            }

            if (context.Request.Query["api-version"] != ApiVersion)
            {
                context.Response.StatusCode = 400;
                await context.Response.WriteAsJsonAsync(Error("BadParameter", "Unsupported api-version."));
                return;
            }

            await next(context);
        }
        finally
        {
            // Key Vault's paths are case-insensitive (the SDK writes "wrapKey", the REST reference "wrapkey"): recorded in lower case.
            _requests.Enqueue(new RecordedRequest(context.Request.Method, (context.Request.Path.Value ?? string.Empty).ToLowerInvariant(),
                context.Request.Query["api-version"].FirstOrDefault(), hadBearer, context.Response.StatusCode));
        }
    }

    private IResult GetKey(string name, string? version)
    {
        if (!TryFind(name, version, out var key))
        {
            return Results.Json(Error("KeyNotFound", "No such key or version."), statusCode: 404);
        }

        var parameters = key.Key.ExportParameters(includePrivateParameters: false);
        return Results.Json(new
        {
            key = new
            {
                kid = Kid(name, key.Version),
                kty = "RSA-HSM",
                key_ops = new[] { "wrapKey", "unwrapKey", "sign", "verify" },
                n = Base64Url.EncodeToString(parameters.Modulus),
                e = Base64Url.EncodeToString(parameters.Exponent),
            },
            attributes = new
            {
                enabled = key.Enabled,
                created = key.Created.ToUnixTimeSeconds(),
                updated = key.Created.ToUnixTimeSeconds(),
                recoveryLevel = "Recoverable",
            },
        });
    }

    private async Task<IResult> OperateAsync(string name, string version, string operation, HttpRequest request)
    {
        if (!TryFind(name, version, out var key))
        {
            return Results.Json(Error("KeyNotFound", "No such key or version."), statusCode: 404);
        }

        if (!key.Enabled)
        {
            return Results.Json(Error("Forbidden", "Operation is not allowed on a disabled key."), statusCode: 403);
        }

        string? alg;
        byte[] value;
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            alg = body.RootElement.GetProperty("alg").GetString();
            value = Base64Url.DecodeFromChars(body.RootElement.GetProperty("value").GetString());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            return Results.Json(Error("BadParameter", "The request body is not valid."), statusCode: 400);
        }

        try
        {
            byte[] result = (operation.ToLowerInvariant(), alg) switch
            {
                ("wrapkey", "RSA-OAEP-256") => key.Key.Encrypt(value, RSAEncryptionPadding.OaepSHA256),
                ("unwrapkey", "RSA-OAEP-256") => key.Key.Decrypt(value, RSAEncryptionPadding.OaepSHA256),
                ("sign", "RS256") when value.Length == 32 => key.Key.SignHash(value, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                ("wrapkey" or "unwrapkey" or "sign", _) => throw new ArgumentException("algorithm"),
                _ => throw new InvalidOperationException("operation"),
            };
            return Results.Json(new { kid = Kid(name, key.Version), value = Base64Url.EncodeToString(result) });
        }
        catch (InvalidOperationException)
        {
            return Results.Json(Error("BadParameter", "Unknown operation."), statusCode: 404);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            return Results.Json(Error("BadParameter", "The operation failed for this key and value."), statusCode: 400);
        }
    }

    private bool TryFind(string name, string? version, out KeyVersion key)
    {
        key = null!;
        if (!_keys.TryGetValue(name, out var versions))
        {
            return false;
        }

        lock (versions)
        {
            var found = version is null ? versions.LastOrDefault() : versions.FirstOrDefault(v => v.Version == version);
            key = found!;
            return found is not null;
        }
    }

    private static object Error(string code, string message) => new { error = new { code, message } };

    private static X509Certificate2 CreateCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=fake-key-vault", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }
}
