using System.Data.Common;
using System.Globalization;
using ClinicMail.Infrastructure.Storage.Postgres;
using ClinicMail.Infrastructure.Storage.Shared;
using ClinicMail.Infrastructure.Storage.Sqlite;

namespace ClinicMail.Infrastructure.Storage.InformedConsent;

/// <summary>What differs between the providers for <see cref="InformedConsentStore"/>: opening a
/// connection, and the type of the registry's <c>consents</c> dates (SQLite: ISO text; PostgreSQL: date).</summary>
public sealed class ConsentSqlDialect
{
    private ConsentSqlDialect(string provider, Func<CancellationToken, ValueTask<DbConnection>> open, Func<DateOnly, object> date)
    {
        Provider = provider;
        OpenAsync = open;
        DateParameter = date;
    }

    public string Provider { get; }

    public Func<CancellationToken, ValueTask<DbConnection>> OpenAsync { get; }

    /// <summary>A date as a parameter compared with <c>consents.expires_on</c>.</summary>
    public Func<DateOnly, object> DateParameter { get; }

    public static ConsentSqlDialect Sqlite(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return new("Sqlite", async ct => await database.OpenConnectionAsync(ct).ConfigureAwait(false), d => StorageNames.Date(d));
    }

    public static ConsentSqlDialect Postgres(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return new("Postgres", async ct => await database.OpenConnectionAsync(ct).ConfigureAwait(false), d => d);
    }

    /// <summary>A <c>consents</c> date column as read by either provider.</summary>
    public static DateOnly? ReadDate(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetValue(ordinal) switch
    {
        DateOnly date => date,
        DateTime dateTime => DateOnly.FromDateTime(dateTime),
        string text => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        var other => throw new InvalidOperationException("Unexpected date type " + other.GetType().Name),
    };
}
