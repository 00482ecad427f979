using System.Text;
using ClinicMail.Cli.Hosting;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ClinicMail.Cli.Tests;

/// <summary><c>clinicmail registry import</c> and <c>clinicmail db migrate</c>, run in process on real
/// SQLite files (and a real PostgreSQL database when ./test.sh started a server).</summary>
public sealed class RegistryCommandsTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("clinicmail-cli-").FullName;

    [TearDown]
    public void DeleteFolder()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static string ExampleFile()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ClinicMail.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir!.FullName, "docs", "examples", "registry.csv");
    }

    private static async Task<(int Code, string Out, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliIo(TextReader.Null, output, error, Interactive: false));
        return (code, output.ToString(), error.ToString());
    }

    [Test]
    public async Task RegistryImport_ExampleTwice_SecondUnchangedAndAudited()
    {
        var db = Path.Combine(_folder, "registry.db");

        var first = await RunAsync("registry", "import", ExampleFile(), "--db", db);
        var second = await RunAsync("registry", "import", ExampleFile(), "--db", db);
        var backend = StorageBackend.ForSqlite(new SqliteDatabase(db));
        var patient = await backend.Patients.GetByClinicIdAsync("EMR-10002");
        var audit = new List<Core.Audit.AuditRecord>();
        await foreach (var record in backend.Audit.ReadAllAsync())
        {
            audit.Add(record);
        }

        Assert.Multiple(() =>
        {
            Assert.That(first.Code, Is.Zero, first.Error);
            Assert.That(first.Out, Does.Contain("inserted 8"));
            Assert.That(second.Out, Does.Contain("unchanged 8"));
            Assert.That(patient!.Addresses, Has.Count.EqualTo(2));
            Assert.That(audit.Select(a => a.Event), Is.EqualTo(new[] { Core.Audit.AuditEventType.RegistryImported }), "a second import that changes nothing is not an event");
            Assert.That(audit[0].DataJson, Does.Contain("\"inserted\":8").And.Not.Contain("Tremblay"));
        });
    }

    [Test]
    public async Task RegistryImport_DryRun_WritesNothing()
    {
        var db = Path.Combine(_folder, "registry.db");

        var result = await RunAsync("registry", "import", ExampleFile(), "--db", db, "--dry-run");
        var stored = await StorageBackend.ForSqlite(new SqliteDatabase(db)).Patients.GetByClinicIdAsync("EMR-10001");

        Assert.Multiple(() =>
        {
            Assert.That(result.Code, Is.Zero, result.Error);
            Assert.That(result.Out, Does.Contain("dry run").And.Contain("inserted 8"));
            Assert.That(stored, Is.Null);
        });
    }

    [Test]
    public async Task RegistryImport_BadRows_ExitDataErrorWithLineColumnAndBothLanguages()
    {
        var file = Path.Combine(_folder, "bad.csv");
        var lines = (await File.ReadAllLinesAsync(ExampleFile())).ToList();
        lines[3] = lines[3].Replace("jf.gagnon@employeur.example.com", "pas-une-adresse", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(file, lines, new UTF8Encoding(true));
        var db = Path.Combine(_folder, "registry.db");

        var result = await RunAsync("registry", "import", file, "--db", db);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(result.Code, Is.EqualTo(65));
            Assert.That(result.Error, Does.Contain("bad.csv:4: email: Adresse de courriel invalide. / Invalid e-mail address."));
            Assert.That(await StorageBackend.ForSqlite(new SqliteDatabase(db)).Patients.GetByClinicIdAsync("EMR-10001"), Is.Null, "nothing of the file is written");
        });
    }

    [Test]
    public async Task DbMigrate_Twice_SecondUpToDate()
    {
        var db = Path.Combine(_folder, "m.db");

        var first = await RunAsync("db", "migrate", "--db", db);
        var second = await RunAsync("db", "migrate", "--db", db);

        Assert.Multiple(() =>
        {
            Assert.That(first.Code, Is.Zero, first.Error);
            Assert.That(first.Out, Does.Contain("1, 2"));
            Assert.That(second.Out, Does.Contain("already up to date"));
        });
    }

    [Test]
    public async Task DbMigrate_NeitherTarget_Usage()
    {
        var result = await RunAsync("db", "migrate");

        Assert.That(result.Code, Is.EqualTo(64));
    }

    [Test]
    public async Task DbMigrateAndImport_Postgres_Work()
    {
        var server = Environment.GetEnvironmentVariable("CLINICMAIL_TEST_POSTGRES");
        if (string.IsNullOrEmpty(server))
        {
            Assert.Ignore("CLINICMAIL_TEST_POSTGRES is not set: run ./test.sh, which starts a PostgreSQL server.");
        }

        var name = "cm_cli_" + Guid.NewGuid().ToString("N");
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
#pragma warning disable CA2100 // Generated name.
            await new NpgsqlCommand($"CREATE DATABASE {name}", admin).ExecuteNonQueryAsync();
#pragma warning restore CA2100
        }

        var connection = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        try
        {
            var migrate = await RunAsync("db", "migrate", "--postgres", connection);
            var import = await RunAsync("registry", "import", ExampleFile(), "--postgres", connection);
            var again = await RunAsync("registry", "import", ExampleFile(), "--postgres", connection);

            Assert.Multiple(() =>
            {
                var versions = string.Join(", ", ClinicMail.Infrastructure.Storage.Postgres.PostgresDatabase.Migrations.Select(m => m.Version));
                Assert.That(migrate.Out, Does.Contain($"Postgres migrations {versions}"), migrate.Error);
                Assert.That(import.Out, Does.Contain("inserted 8"), import.Error);
                Assert.That(again.Out, Does.Contain("unchanged 8"), again.Error);
            });
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync();
#pragma warning disable CA2100 // Generated name.
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin).ExecuteNonQueryAsync();
#pragma warning restore CA2100
        }
    }
}
