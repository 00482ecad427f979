using System.CommandLine;
using ClinicMail.Infrastructure.Storage;

namespace ClinicMail.Cli.Commands;

/// <summary><c>clinicmail db migrate [--db PATH | --postgres CONNSTRING]</c>: applies the versioned
/// schema scripts not yet applied (and re-keys addresses after a keys upgrade). Run at deployment in
/// production, where the app does not migrate at startup.</summary>
internal static class DbMigrateCommand
{
    public static Command Create(CliIo io)
    {
        var (db, postgres) = StorageOptions.Create();
        var migrate = new Command("migrate", "Apply the schema migrations not yet applied (SQLite file or PostgreSQL). Safe to run twice.") { db, postgres };
        migrate.SetAction(async (parse, ct) =>
        {
            await using var backend = await StorageOptions.OpenAsync(parse, db, postgres, io, create: true).ConfigureAwait(false);
            if (backend is null)
            {
                return ExitCodes.Usage;
            }

            var (applied, rekeyed) = await backend.MigrateAsync(ct).ConfigureAwait(false);
            await io.Out.WriteLineAsync(applied.Count == 0
                ? $"db migrate: {backend.Provider} déjà à jour / already up to date (re-keyed addresses: {rekeyed})."
                : $"db migrate: {backend.Provider} migrations {string.Join(", ", applied)} appliquées / applied (re-keyed addresses: {rekeyed}).").ConfigureAwait(false);
            return ExitCodes.Allow;
        });
        return new Command("db", "Database maintenance.") { migrate };
    }
}

/// <summary>The <c>--db</c> / <c>--postgres</c> pair shared by commands that write the registry.</summary>
internal static class StorageOptions
{
    public static (Option<string> Db, Option<string> Postgres) Create() =>
        (new Option<string>("--db") { Description = "The SQLite file (the embedded default)." },
         new Option<string>("--postgres") { Description = "A PostgreSQL connection string (Npgsql format); or set CLINICMAIL_POSTGRES." });

    /// <summary>The backend named by the options, or null after printing a usage error.</summary>
    public static async Task<StorageBackend?> OpenAsync(ParseResult parse, Option<string> db, Option<string> postgres, CliIo io, bool create)
    {
        var path = parse.GetValue(db);
        var connection = parse.GetValue(postgres) ?? Environment.GetEnvironmentVariable("CLINICMAIL_POSTGRES");
        if ((path is null) == string.IsNullOrEmpty(connection))
        {
            await io.Error.WriteLineAsync("clinicmail: indiquez --db PATH ou --postgres CONNSTRING (un seul). / give --db PATH or --postgres CONNSTRING (exactly one).").ConfigureAwait(false);
            return null;
        }

        if (path is not null && !create && !File.Exists(path))
        {
            await io.Error.WriteLineAsync(Messages.DatabaseNotFound(path)).ConfigureAwait(false);
            return null;
        }

        return StorageBackend.Open(path, connection);
    }
}
