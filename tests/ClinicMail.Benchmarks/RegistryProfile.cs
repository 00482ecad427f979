using System.Globalization;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Recipients;
using ClinicMail.Core.Registry;

namespace ClinicMail.Benchmarks;

/// <summary>Where a check's registry time goes, step by step (<c>registry-scale profile</c>): the
/// exact look-up, the registered domains, the near-miss candidates, each timed alone over warm runs
/// against one directory. Used to decide what to optimise; the end-to-end figures are
/// <see cref="RegistryScale"/>'s.</summary>
internal static class RegistryProfile
{
    public static async Task RunAsync(string name, IPatientDirectory directory, Draft draft, IReadOnlyCollection<string> internalDomains, Infrastructure.Storage.Sqlite.SqliteDatabase? sqlite = null, Infrastructure.Storage.Postgres.PostgresDatabase? postgres = null)
    {
        var external = draft.AllRecipients()
            .Select(r => AddressNormalizer.Normalize(r.Recipient.Address))
            .OfType<string>()
            .Where(a => !internalDomains.Any(d => AddressNormalizer.IsSameOrSubdomain(AddressNormalizer.Domain(a), d)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var registered = await directory.FindByAddressesAsync(external);
        var unknown = external.Where(a => !registered.ContainsKey(a)).ToList();
        var domains = await directory.RegisteredDomainsAsync();
        var keys = unknown.Select(a => LookalikeDetector.Prepare(a, domains)).SelectMany(q => q.Probes).Select(p => p.Keys).Distinct().ToList();
        var candidates = await directory.FindNearMissCandidatesAsync(keys);
        Console.WriteLine(FormattableString.Invariant(
            $"  {name}: {external.Count} external, {registered.Count} registered, {unknown.Count} unknown, {keys.Count} key sets, {keys.Sum(k => k.Probes().Count)} probes, {candidates.Count} candidates"));

        if (sqlite is not null)
        {
            await SqliteStepsAsync(sqlite, keys);
        }

        if (postgres is not null)
        {
            await PostgresStepsAsync(postgres, external, keys);
        }

        await TimeAsync(name, "exact look-up", () => directory.FindByAddressesAsync(external));
        var queries = external.ConvertAll(a => LookalikeDetector.Prepare(a, domains));
        var lookups = queries.ConvertAll(q => new AddressLookup(q.Address, [.. q.Probes.Select(p => p.Keys).Distinct()]));
        await TimeAsync(name, "LookUpAsync (exact + near miss)", () => directory.LookUpAsync(lookups));
        await TimeAsync(name, "registered domains (cached)", () => directory.RegisteredDomainsAsync());
        await TimeAsync(name, "near-miss candidates", () => directory.FindNearMissCandidatesAsync(keys));
        await TimeAsync(name, "prepare keys (client)", () =>
        {
            _ = unknown.Select(a => LookalikeDetector.Prepare(a, domains)).SelectMany(q => q.Probes).Select(p => p.Keys).Distinct().Sum(k => k.Probes().Count);
            return Task.CompletedTask;
        });
    }

    /// <summary>The near-miss statement's parts alone on SQLite: how many index entries the candidate
    /// filter sees, and the cost of opening a connection and of the statement.</summary>
    private static async Task SqliteStepsAsync(Infrastructure.Storage.Sqlite.SqliteDatabase database, List<AddressKeys> keys)
    {
        var prefixes = new List<object[]>();
        var suffixes = new List<object[]>();
        var outers = new List<object[]>();
        foreach (var key in keys)
        {
            foreach (var probe in key.Probes())
            {
                if (probe.Prefix is not null) { prefixes.Add([key.Domain, probe.Length, probe.Prefix, key.Skeleton]); }
                if (probe.Suffix is not null) { suffixes.Add([key.Domain, probe.Length, probe.Suffix, key.Skeleton]); }
                if (probe.Outer is not null) { outers.Add([key.Domain, probe.Length, probe.Outer, key.Skeleton]); }
            }
        }

        var calls = 0;
        await using var connection = await database.OpenConnectionAsync();
        connection.CreateFunction("clinicmail_near", (string probe, string candidate) => { calls++; return NearMiss.IsCandidate(probe, candidate); }, isDeterministic: true);
        using var command = connection.CreateCommand();
        var sql = Infrastructure.Storage.Sqlite.SqliteDirectorySql.NearMissSql;
#pragma warning disable CA2100 // A constant of the directory, cut at a fixed place.
        command.CommandText = sql[..sql.IndexOf(") SELECT ", StringComparison.Ordinal)] + ") SELECT count(*) FROM hits;";
#pragma warning restore CA2100
        command.Parameters.AddWithValue("$skeletons", System.Text.Json.JsonSerializer.Serialize(keys.Select(k => k.Skeleton).Distinct()));
        command.Parameters.AddWithValue("$prefixes", System.Text.Json.JsonSerializer.Serialize(prefixes));
        command.Parameters.AddWithValue("$suffixes", System.Text.Json.JsonSerializer.Serialize(suffixes));
        command.Parameters.AddWithValue("$outers", System.Text.Json.JsonSerializer.Serialize(outers));
        var hits = await command.ExecuteScalarAsync();
        Console.WriteLine(FormattableString.Invariant($"    probes: {prefixes.Count} prefix, {suffixes.Count} suffix, {outers.Count} outer; filter calls {calls}; hits {hits}"));
        await command.PrepareAsync();
        await TimeAsync("SQLite", "hits only (prepared, open conn)", () => command.ExecuteScalarAsync());
        var prefixJson = System.Text.Json.JsonSerializer.Serialize(prefixes);
        var suffixJson = System.Text.Json.JsonSerializer.Serialize(suffixes);
        var outerJson = System.Text.Json.JsonSerializer.Serialize(outers);
        var skeletonJson = System.Text.Json.JsonSerializer.Serialize(keys.Select(k => k.Skeleton).Distinct());
        await TimeAsync("SQLite", "hits only (new command each run)", async () =>
        {
            using var fresh = connection.CreateCommand();
#pragma warning disable CA2100
            fresh.CommandText = command.CommandText;
#pragma warning restore CA2100
            fresh.Parameters.AddWithValue("$skeletons", skeletonJson);
            fresh.Parameters.AddWithValue("$prefixes", prefixJson);
            fresh.Parameters.AddWithValue("$suffixes", suffixJson);
            fresh.Parameters.AddWithValue("$outers", outerJson);
            await fresh.ExecuteScalarAsync();
        });
        using (var mmap = connection.CreateCommand())
        {
            mmap.CommandText = "PRAGMA mmap_size = 4294967296;";
            await mmap.ExecuteNonQueryAsync();
        }

        await TimeAsync("SQLite", "hits only (prepared, mmap)", () => command.ExecuteScalarAsync());
        await TimeAsync("SQLite", "open + close connection", async () => { await using var c = await database.OpenConnectionAsync(); });
    }

    /// <summary>The round trips of a PostgreSQL look-up without the directory's reading of rows: the
    /// floor of one statement, and the exact look-up statement alone (rows read, not parsed).</summary>
    private static async Task PostgresStepsAsync(Infrastructure.Storage.Postgres.PostgresDatabase database, List<string> external, List<AddressKeys> keys)
    {
        var addresses = external.ToArray();
        // How many of the near-miss seeks find anything at all (the rest only cost their index descent).
        await using (var counting = await database.OpenConnectionAsync())
        {
            int seeks = 0, seeksWithHits = 0, hits = 0;
            async Task Count(string sql, params object[] values)
            {
#pragma warning disable CA2100 // Fixed texts of this method.
                await using var command = new Npgsql.NpgsqlCommand(sql, counting);
#pragma warning restore CA2100
                foreach (var value in values)
                {
                    command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = value });
                }

                var found = Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
                seeks++;
                seeksWithHits += found > 0 ? 1 : 0;
                hits += found;
            }

            foreach (var key in keys)
            {
                await Count("SELECT count(*) FROM patient_addresses WHERE skeleton = $1", key.Skeleton);
                foreach (var probe in key.Probes())
                {
                    foreach (var (column, affix) in new[] { ("local_prefix", probe.Prefix), ("local_suffix", probe.Suffix), ("local_outer", probe.Outer) })
                    {
                        if (affix is not null)
                        {
                            await Count($"SELECT count(*) FROM patient_addresses WHERE domain = $1 AND local_length = $2 AND {column} = $3", key.Domain, probe.Length, affix);
                        }
                    }
                }
            }

            Console.WriteLine(FormattableString.Invariant($"    seeks {seeks}, with hits {seeksWithHits}, index hits {hits}"));
        }

        await TimeAsync("PostgreSQL", "SELECT 1 (open, run, close)", async () =>
        {
            await using var connection = await database.OpenConnectionAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync();
        });
        await using var open = await database.OpenConnectionAsync();
        await TimeAsync("PostgreSQL", "SELECT 1 (open connection)", async () =>
        {
            await using var command = new Npgsql.NpgsqlCommand("SELECT 1", open);
            await command.ExecuteScalarAsync();
        });
        await TimeAsync("PostgreSQL", "exact statement, rows skipped", async () =>
        {
#pragma warning disable CA2100 // The product's own statement (built once from constants), no user input.
            await using var command = new Npgsql.NpgsqlCommand(Infrastructure.Storage.Postgres.PostgresDirectorySql.ByAddressSql, open);
#pragma warning restore CA2100
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = addresses });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
            }
        });
    }

    private static async Task TimeAsync(string name, string step, Func<Task> run)
    {
        var (median, p95, cpu) = await RegistryScale.MeasureAsync(run, warmup: 100, iterations: 1000);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {name,-10} {step,-30} median {median,8:F1} µs   p95 {p95,8:F1} µs   CPU {cpu,8:F1} µs/run"));
    }
}
