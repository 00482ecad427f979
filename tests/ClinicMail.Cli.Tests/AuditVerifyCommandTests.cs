using ClinicMail.Cli.Hosting;
using ClinicMail.Core.Audit;
using ClinicMail.Infrastructure.Audit;
using ClinicMail.Infrastructure.Keys;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace ClinicMail.Cli.Tests;

/// <summary><c>clinicmail audit verify</c> on a real SQLite file laid out like the app's data folder
/// (clinicmail.db and keys/kek.pem side by side), in process.</summary>
public sealed class AuditVerifyCommandTests
{
    private string _dir = "";
    private string _db = "";

    [SetUp]
    public async Task SetUpAsync()
    {
        _dir = Directory.CreateTempSubdirectory("clinicmail-cli-audit-").FullName;
        _db = Path.Combine(_dir, "clinicmail.db");
        var database = new SqliteDatabase(_db);
        await database.MigrateAsync();
        var store = new AuditStore(database);
        using var key = new ProviderAuditSigningKey(LocalKeyFileKek.OpenOrCreate(Path.Combine(_dir, "keys", "audit-signing.pem"), allowDevelopmentKeys: true));
        using var copy = new FileAuditCheckpointCopy(Path.Combine(_dir, "audit-checkpoints.jsonl"));
        var writer = new StoreWriter(store);
        for (var i = 0; i < 6; i++)
        {
            await writer.AppendAsync(new AuditEntry { Event = AuditEventType.CheckPerformed, ActorObjectId = "oid-cli", Decision = "block" });
        }

        using var checkpointer = new AuditCheckpointer(store, writer, key, TimeProvider.System, new AuditVerifier(store, key, 100) { Copy = copy }, copy);
        await checkpointer.CheckpointAsync("test");
        SqliteConnection.ClearAllPools();
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public async Task Verify_IntactLog_ExitZeroAndSaysSoInBothLanguages()
    {
        var (code, output, _) = await RunAsync("audit", "verify", "--db", _db);

        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("Journal intact : 7 enregistrements").And.Contain("Log intact: 7 records verified, 1 valid signed checkpoints"));
    }

    [Test]
    public async Task Verify_RecordEdited_ExitThreeAndNamesTheRecord()
    {
        await using (var connection = new SqliteConnection($"Data Source={_db};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE audit_records SET decision = 'allow' WHERE seq = 4";
            await command.ExecuteNonQueryAsync();
        }

        var (code, output, _) = await RunAsync("audit", "verify", "--db", _db, "--json");

        Assert.That(code, Is.EqualTo(3));
        Assert.That(output, Does.Contain("\"brokenAt\": 4").And.Contain("\"problem\": \"altered\""));
    }

    [Test]
    public async Task Verify_NoSigningKey_ExitNoInputAndCreatesNoKey()
    {
        var missing = Path.Combine(_dir, "elsewhere", "audit-signing.pem");

        var (code, _, error) = await RunAsync("audit", "verify", "--db", _db, "--signing-key", missing);

        Assert.That(code, Is.EqualTo(66));
        Assert.That(error, Does.Contain("signing key not found"));
        Assert.That(File.Exists(missing), Is.False, "verification must never create a key");
    }

    [Test]
    public async Task Verify_CheckpointsSignedByAnotherKey_ExitThree()
    {
        var other = Path.Combine(_dir, "other", "audit-signing.pem");
        LocalKeyFileKek.OpenOrCreate(other, allowDevelopmentKeys: true).Dispose();

        var (code, output, _) = await RunAsync("audit", "verify", "--db", _db, "--signing-key", other);

        Assert.That(code, Is.EqualTo(3));
        Assert.That(output, Does.Contain("detail=signature_invalid"));
    }

    private static async Task<(int Code, string Out, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliIo(TextReader.Null, output, error, Interactive: false));
        return (code, output.ToString(), error.ToString());
    }

    private sealed class StoreWriter(IAuditStore store) : IAuditWriter
    {
        public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default) =>
            (await store.AppendBatchAsync([entry], DateTimeOffset.UtcNow, cancellationToken))[0];
    }
}
