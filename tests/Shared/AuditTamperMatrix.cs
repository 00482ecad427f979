using System.Globalization;
using ClinicMail.Core.Audit;

namespace ClinicMail.Tests.Shared;

/// <summary>Issue 22's tamper matrix, shared (linked source) by the CLI and API tests: what someone who
/// can write the database, but has neither the signing key nor the checkpoint copy, can do to the log.
/// The chain: records 1–20, checkpoint at 20 (event 21), 22–30, checkpoint at 30 (event 31), 32–35.
/// Parameters are written <c>@name</c>, which SQLite and Npgsql both accept.</summary>
public sealed class AuditTamperMatrix(IAuditReviewStore review, Func<string, (string Name, object? Value)[], Task> execute)
{
    public static readonly string[] Kinds =
    [
        "edit", "delete", "insert", "reorder", "truncate_tail", "rewrite_unsigned_tail",
        "full_rewrite_checkpoints_deleted", "full_rewrite_checkpoints_kept",
    ];

    /// <summary>Builds the chain above through the real writer and checkpointer.</summary>
    public static async Task BuildAsync(IAuditWriter writer, AuditCheckpointer checkpointer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(checkpointer);
        foreach (var (from, to) in new[] { (1, 20), (22, 30), (32, 35) })
        {
            for (var i = from; i <= to; i++)
            {
                await writer.AppendAsync(Entry(i)).ConfigureAwait(false);
            }

            if (to < 35)
            {
                await checkpointer.CheckpointAsync("test").ConfigureAwait(false);
            }
        }
    }

    public Task ApplyAsync(string kind) => kind switch
    {
        "edit" => Exec("UPDATE audit_records SET decision = 'block' WHERE seq = 7"),
        "delete" => Exec("DELETE FROM audit_records WHERE seq = 24"),
        "insert" => InsertAsync(),
        "reorder" => ReorderAsync(),
        "truncate_tail" => TruncateAsync(),
        "rewrite_unsigned_tail" => RewriteAsync(33, keepCheckpointEvents: true, from: 32),
        "full_rewrite_checkpoints_deleted" => RebuildWithoutCheckpointsAsync(),
        "full_rewrite_checkpoints_kept" => RewriteAsync(5, keepCheckpointEvents: true, from: 1),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private Task Exec(string sql, params (string Name, object? Value)[] parameters) => execute(sql, parameters);

    private async Task InsertAsync()
    {
        // A forged record slipped in at 11, correctly hashed and linked to 10; later ones renumbered.
        var before = (await review.FindAsync(10).ConfigureAwait(false))!;
        await Exec("UPDATE audit_records SET seq = seq + 1000000 WHERE seq > 10").ConfigureAwait(false);
        await Exec("UPDATE audit_records SET seq = seq - 999999 WHERE seq > 1000000").ConfigureAwait(false);
        await InsertAsync(AuditChain.Link(Entry(999), 11, before.At, before.Hash)).ConfigureAwait(false);
    }

    private async Task ReorderAsync()
    {
        await Exec("UPDATE audit_records SET seq = 1000008 WHERE seq = 8").ConfigureAwait(false);
        await Exec("UPDATE audit_records SET seq = 8 WHERE seq = 9").ConfigureAwait(false);
        await Exec("UPDATE audit_records SET seq = 9 WHERE seq = 1000008").ConfigureAwait(false);
    }

    private async Task TruncateAsync()
    {
        // The unsigned tail cut off and the head row made to agree.
        await Exec("DELETE FROM audit_records WHERE seq > 32").ConfigureAwait(false);
        var last = (await review.FindAsync(32).ConfigureAwait(false))!;
        await Exec("UPDATE audit_chain_head SET seq = @seq, hash = @hash WHERE id = 1", ("seq", 32L), ("hash", last.Hash)).ConfigureAwait(false);
    }

    /// <summary>Changes record <paramref name="edited"/>, then relinks and rehashes from <paramref name="from"/>
    /// to the end and moves the head row: a consistent rewrite without the key.</summary>
    private async Task RewriteAsync(long edited, bool keepCheckpointEvents, long from)
    {
        _ = keepCheckpointEvents;
        var records = new List<AuditRecord>();
        await foreach (var record in review.ReadAllAsync(from - 1).ConfigureAwait(false))
        {
            records.Add(record);
        }

        var previous = records[0].PreviousHash;
        foreach (var original in records)
        {
            var changed = (original.Sequence == edited ? Flip(original) : original) with { PreviousHash = previous, Hash = "" };
            changed = changed with { Hash = AuditChain.ComputeHash(changed) };
            await Exec("UPDATE audit_records SET decision = @decision, prev_hash = @prev, hash = @hash WHERE seq = @seq",
                ("decision", changed.Decision), ("prev", changed.PreviousHash), ("hash", changed.Hash), ("seq", changed.Sequence)).ConfigureAwait(false);
            previous = changed.Hash;
        }

        await Exec("UPDATE audit_chain_head SET seq = @seq, hash = @hash WHERE id = 1", ("seq", records[^1].Sequence), ("hash", previous)).ConfigureAwait(false);
    }

    private async Task RebuildWithoutCheckpointsAsync()
    {
        await Exec("DELETE FROM audit_checkpoints").ConfigureAwait(false);
        var kept = new List<AuditRecord>();
        await foreach (var record in review.ReadAllAsync().ConfigureAwait(false))
        {
            if (record.Event != AuditEventType.AuditCheckpointSigned)
            {
                kept.Add(record.Sequence == 5 ? Flip(record) : record);
            }
        }

        await Exec("DELETE FROM audit_records").ConfigureAwait(false);
        var previous = AuditChain.GenesisHash;
        for (var i = 0; i < kept.Count; i++)
        {
            var relinked = kept[i] with { Sequence = i + 1, PreviousHash = previous, Hash = "" };
            relinked = relinked with { Hash = AuditChain.ComputeHash(relinked) };
            await InsertAsync(relinked).ConfigureAwait(false);
            previous = relinked.Hash;
        }

        await Exec("UPDATE audit_chain_head SET seq = @seq, hash = @hash WHERE id = 1", ("seq", (long)kept.Count), ("hash", previous)).ConfigureAwait(false);
    }

    private static AuditRecord Flip(AuditRecord record) => record with { Decision = record.Decision == "allow" ? "block" : "allow" };

    private Task InsertAsync(AuditRecord r) => Exec(
        "INSERT INTO audit_records (seq, at, event, actor_tid, actor_oid, check_id, subject_id, decision, data, prev_hash, hash) " +
        "VALUES (@seq, @at, @event, @tid, @oid, @check, @subject, @decision, @data, @prev, @hash)",
        ("seq", r.Sequence), ("at", r.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
        ("event", (int)r.Event), ("tid", r.ActorTenantId), ("oid", r.ActorObjectId), ("check", r.CheckId), ("subject", r.SubjectId),
        ("decision", r.Decision), ("data", r.DataJson), ("prev", r.PreviousHash), ("hash", r.Hash));

    private static AuditEntry Entry(int i) => new()
    {
        Event = AuditEventType.CheckPerformed,
        ActorTenantId = "tenant-1",
        ActorObjectId = "oid-" + (i % 3).ToString(CultureInfo.InvariantCulture),
        CheckId = "chk_" + i.ToString(CultureInfo.InvariantCulture),
        Decision = (i % 3) switch { 0 => "allow", 1 => "warn", _ => "block" },
        Data = new Dictionary<string, object?> { ["patientIds"] = new[] { "P-" + i.ToString("0000", CultureInfo.InvariantCulture) } },
    };
}
