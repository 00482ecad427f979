using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using ClinicMail.Core.Crypto;
using ClinicMail.Core.Secure;
using ClinicMail.Infrastructure.Keys;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.Sqlite;

namespace ClinicMail.Benchmarks;

/// <summary>A 1 MB secure message end to end through the store: encrypt + store (message, key row,
/// access record), then find by link token + load + decrypt, on a real SQLite file (WAL) with the
/// local RSA-3072 key. Run: dotnet run -c Release --project tests/ClinicMail.Benchmarks -- --filter *SecureStore* --job short</summary>
[MemoryDiagnoser]
public class SecureStoreBenchmarks
{
    private DirectoryInfo _folder = null!;
    private LocalKeyFileKek _kek = null!;
    private EnvelopeEncryptor _encryptor = null!;
    private SecureMessageStore _store = null!;
    private EnvelopeContent _content = null!;
    private string _openToken = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _folder = Directory.CreateTempSubdirectory("clinicmail-bench-store-");
        _kek = LocalKeyFileKek.OpenOrCreate(Path.Combine(_folder.FullName, "kek.pem"), allowDevelopmentKeys: true);
        _encryptor = new EnvelopeEncryptor(_kek);
        var database = new SqliteDatabase(Path.Combine(_folder.FullName, "clinicmail.db"));
        await database.MigrateAsync();
        _store = new SecureMessageStore(database, new PatientAddressProtector(new OneTimeCodeKey(RandomNumberGenerator.GetBytes(32)), _kek, new AddressKeyStore(database)));
        var body = string.Concat(Enumerable.Repeat("<p>Bonjour, voici le suivi de votre traitement et les résultats du laboratoire.</p>", 3_000));
        _content = new EnvelopeContent
        {
            Subject = "Suivi de traitement",
            Body = body,
            Format = BodyFormat.Html,
            Attachments = [new EnvelopeAttachment { Name = "rapport.pdf", ContentType = "application/pdf", Content = RandomNumberGenerator.GetBytes((1 << 20) - System.Text.Encoding.UTF8.GetByteCount(body)) }],
        };
        _openToken = await CreateAsync();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _kek.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    [Benchmark(Description = "Secure message 1 MB: encrypt + store")]
    public Task<string> CreateAsync() => CreateMessageAsync();

    [Benchmark(Description = "Secure message 1 MB: token look-up + load + decrypt")]
    public async Task<int> OpenAsync()
    {
        var access = await _store.FindAccessByTokenHashAsync(SecretTokens.Hash(_openToken));
        var message = await _store.GetMessageAsync(access!.MessageId);
        var envelope = await _store.GetEnvelopeAsync(message!.Id);
        var content = await _encryptor.DecryptAsync(envelope!, new EnvelopeBinding { MessageId = message.Id, Recipients = message.Recipients });
        return content.Attachments[0].Content.Length;
    }

    private async Task<string> CreateMessageAsync()
    {
        var id = "sm_" + Guid.CreateVersion7().ToString("N");
        var recipients = new[] { "patient@example.com" };
        var envelope = await _encryptor.EncryptAsync(_content, new EnvelopeBinding { MessageId = id, Recipients = recipients });
        var token = SecretTokens.NewLinkToken();
        var now = DateTimeOffset.UtcNow;
        await _store.CreateAsync(
            new SecureMessage { Id = id, OwnerTenantId = "t", OwnerObjectId = "o", CheckId = "chk", CreatedAt = now, ExpiresAt = now.AddDays(30), Recipients = recipients },
            envelope,
            [new SecureAccess { Id = "sa_" + Guid.CreateVersion7().ToString("N"), MessageId = id, Address = recipients[0], PatientIds = ["p1"], Language = "fr" }],
            [SecretTokens.Hash(token)]);
        return token;
    }
}
