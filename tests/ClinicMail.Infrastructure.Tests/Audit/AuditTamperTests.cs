using ClinicMail.Core.Audit;
using ClinicMail.Infrastructure.Audit;
using ClinicMail.Infrastructure.Keys;

namespace ClinicMail.Infrastructure.Tests.Audit;

/// <summary>Someone with write access to the database, but without the signing key, edits the audit
/// log; each kind of tampering must be detected and located. Abstract over the store so the same
/// scripts run on every store (one fixture per provider, <see cref="Storage.StorageProviders"/>).</summary>
/// <remarks>The chain built for each test: records 1–20, checkpoint at 20 (its event is 21), records
/// 22–30, checkpoint at 30 (event 31), records 32–35. The policy allows 10 unsigned records.</remarks>
[TestFixtureSource(typeof(Storage.StorageProviders), nameof(Storage.StorageProviders.All))]
public class AuditTamperTests(Storage.StorageProvider provider)
{
    private const long MaxUnsigned = 10;

    private string _keyDirectory = "";
    private ProviderAuditSigningKey _key = null!;
    private IAuditTestDatabase _db = null!;
    private AuditCheckpointer _checkpointer = null!;
    private IAuditCheckpointCopy _copy = null!;
    private AuditHeadWitness _witness = null!;
    private RecordingAlert _alert = null!;

    private Task<IAuditTestDatabase> CreateDatabaseAsync() => AuditTestDatabases.CreateAsync(provider);

    /// <summary>The copy outside the database: a file (embedded default) unless a subclass says otherwise.</summary>
    protected virtual Task<IAuditCheckpointCopy> CreateCopyAsync(string folder) =>
        Task.FromResult<IAuditCheckpointCopy>(new FileAuditCheckpointCopy(Path.Combine(folder, "copies", Guid.NewGuid().ToString("N") + ".jsonl")));

    [OneTimeSetUp]
    public void CreateKey()
    {
        // One RSA key per fixture: generating one per test would dominate the run time.
        _keyDirectory = Directory.CreateTempSubdirectory("clinicmail-audit-key-").FullName;
        _key = new ProviderAuditSigningKey(LocalKeyFileKek.OpenOrCreate(Path.Combine(_keyDirectory, "audit-signing.pem"), allowDevelopmentKeys: true));
    }

    [OneTimeTearDown]
    public void DeleteKey()
    {
        _key.Dispose();
        Directory.Delete(_keyDirectory, recursive: true);
    }

    [SetUp]
    public async Task SetUpAsync()
    {
        _db = await CreateDatabaseAsync();
        var writer = new DirectAuditWriter(_db.Store, TimeProvider.System);
        _copy = await CreateCopyAsync(_keyDirectory);
        _witness = new AuditHeadWitness();
        _alert = new RecordingAlert();
        _checkpointer = new AuditCheckpointer(_db.Review, writer, _key, TimeProvider.System, Verifier(), _copy, _alert, _witness);

        await AppendAsync(1, 20);
        await _checkpointer.CheckpointAsync("test");
        await AppendAsync(22, 30);
        await _checkpointer.CheckpointAsync("test");
        await AppendAsync(32, 35);
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        // Null when SetUp stopped early (no Azurite: the blob subclass is ignored).
        _checkpointer?.Dispose();
        (_copy as IDisposable)?.Dispose();
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    [Test]
    public async Task Verify_UntouchedChain_IsIntactWithBothCheckpoints()
    {
        var result = await VerifyAsync();

        Assert.That(result.Ok, Is.True, $"{result.Problem} at {result.BrokenAt} ({result.Detail})");
        Assert.That(result.RecordsVerified, Is.EqualTo(35));
        Assert.That(result.HeadSequence, Is.EqualTo(35));
        Assert.That(result.CheckpointsVerified, Is.EqualTo(2));
        Assert.That(result.LastCheckpointSequence, Is.EqualTo(30));
        Assert.That(result.UnsignedRecords, Is.EqualTo(5));
    }

    [Test]
    public async Task Verify_RecordsAppendedWhileItWalks_IsIntact()
    {
        // A live log: checks are recorded while a reviewer verifies. The head row moves past what the walk
        // read; that is not a truncated tail.
        var verifier = LiveVerifier(() => AppendAsync(36, 39));

        var result = await verifier.VerifyAsync();

        Assert.That(result.Ok, Is.True, $"{result.Problem} at {result.BrokenAt} ({result.Detail})");
        Assert.That(result.RecordsVerified, Is.GreaterThanOrEqualTo(35));
    }

    [Test]
    public async Task Verify_CheckpointSignedWhileItWalks_IsIntact()
    {
        // Another instance signs a checkpoint (row, copy outside the database, chain event) mid-walk.
        var verifier = LiveVerifier(async () =>
        {
            await AppendAsync(36, 39);
            await _checkpointer.CheckpointAsync("test");
        });

        var result = await verifier.VerifyAsync();

        Assert.That(result.Ok, Is.True, $"{result.Problem} at {result.BrokenAt} ({result.Detail})");
        Assert.That(await VerifyAsync() is { Ok: true, CheckpointsVerified: 3 }, "the next verification sees the new checkpoint");
    }

    [Test]
    public async Task Verify_TailTruncatedWhileRecordsAreAppended_StillDetected()
    {
        // A live log does not hide a cut: the head read before the walk names records the walk must reach.
        await _db.ExecuteAsync("DELETE FROM audit_records WHERE seq >= 34");
        var verifier = LiveVerifier(() => Task.CompletedTask);

        var result = await verifier.VerifyAsync();

        Assert.That((result.Ok, result.Problem, result.BrokenAt, result.Detail), Is.EqualTo((false, (AuditBreak?)AuditBreak.HeadMismatch, (long?)34, "tail_truncated")));
    }

    [Test]
    public async Task Verify_FieldEdited_AlteredAtThatRecord()
    {
        await _db.ExecuteAsync("UPDATE audit_records SET decision = 'allow' WHERE seq = @seq", ("seq", 7L));

        await AssertBrokenAsync(7, AuditBreak.Altered);
    }

    [Test]
    public async Task Verify_DataJsonEdited_AlteredAtThatRecord()
    {
        await _db.ExecuteAsync("UPDATE audit_records SET data = REPLACE(data, 'P-0013', 'P-9999') WHERE seq = @seq", ("seq", 13L));

        await AssertBrokenAsync(13, AuditBreak.Altered);
    }

    [Test]
    public async Task Verify_RowDeleted_MissingAtThatSequence()
    {
        await _db.ExecuteAsync("DELETE FROM audit_records WHERE seq = @seq", ("seq", 24L));

        await AssertBrokenAsync(24, AuditBreak.Missing);
    }

    [Test]
    public async Task Verify_RowInsertedAndLaterOnesRenumbered_BrokenRightAfterTheInsertion()
    {
        // A forged record, correctly linked to record 10 and correctly hashed, slipped in at 11; the
        // attacker shifted every later record up by one so the numbers stay gapless.
        var before = (await _db.Review.FindAsync(10))!;
        await _db.ExecuteAsync("UPDATE audit_records SET seq = seq + 1000000 WHERE seq > @seq", ("seq", 10L));
        await _db.ExecuteAsync("UPDATE audit_records SET seq = seq - 999999 WHERE seq > @seq", ("seq", 1000000L));
        var forged = AuditChain.Link(Entry(999), 11, before.At, before.Hash);
        await InsertAsync(forged);

        // Record 12 (the old 11) still points to record 10's hash: the insertion is located there.
        await AssertBrokenAsync(12, AuditBreak.PreviousHashMismatch);
    }

    [Test]
    public async Task Verify_RowAppendedWithoutMovingTheHead_HeadMismatchAtTheExtraRecord()
    {
        var last = (await _db.Review.FindAsync(35))!;
        await InsertAsync(AuditChain.Link(Entry(36), 36, last.At, last.Hash));

        var result = await AssertBrokenAsync(36, AuditBreak.HeadMismatch);
        Assert.That(result.Detail, Is.EqualTo("records_after_head"));
    }

    [Test]
    public async Task Verify_TailTruncated_HeadMismatchAtFirstMissingRecord()
    {
        await _db.ExecuteAsync("DELETE FROM audit_records WHERE seq > @seq", ("seq", 32L));

        var result = await AssertBrokenAsync(33, AuditBreak.HeadMismatch);
        Assert.That(result.Detail, Is.EqualTo("tail_truncated"));
    }

    [Test]
    public async Task Verify_TailTruncatedAndHeadRowRewritten_SignedCheckpointLocatesIt()
    {
        // Everything from 26 on is removed and the head row made to agree: the chain alone looks fine,
        // but the signed checkpoint at 30 vouches for records that are gone.
        await _db.ExecuteAsync("DELETE FROM audit_records WHERE seq > @seq", ("seq", 25L));
        var last = (await _db.Review.FindAsync(25))!;
        await _db.ExecuteAsync("UPDATE audit_chain_head SET seq = @seq, hash = @hash WHERE id = 1", ("seq", 25L), ("hash", last.Hash));

        var result = await AssertBrokenAsync(26, AuditBreak.Missing);
        Assert.That(result.Detail, Is.EqualTo("tail_truncated_before_checkpoint"));
    }

    [Test]
    public async Task Verify_WholeChainRewrittenConsistentlyWithoutKey_CheckpointMismatchAtFirstSignedRecord()
    {
        // Record 5's decision changed, then every hash from 5 to the head recomputed and the head row
        // updated: the chain verifies on its own. Only the signature at 20 can tell.
        Assert.That((await AuditChain.VerifyAsync(_db.Review)).Ok, Is.True, "sanity: the rewrite helper keeps the chain consistent");
        await RewriteAsync(r => r.Sequence == 5 ? r with { Decision = "allow" } : r);
        Assert.That((await AuditChain.VerifyAsync(_db.Review)).Ok, Is.True, "the rewritten chain links on its own");

        var result = await AssertBrokenAsync(20, AuditBreak.CheckpointMismatch);
        Assert.That(result.Detail, Is.EqualTo("hash_mismatch"));
    }

    [Test]
    public async Task Verify_RewrittenAndCheckpointsResignedWithAnotherKey_SignatureInvalid()
    {
        await RewriteAsync(r => r.Sequence == 5 ? r with { Decision = "allow" } : r);
        var path = Path.Combine(_keyDirectory, "attacker-" + Guid.NewGuid().ToString("N") + ".pem");
        using (var attacker = new ProviderAuditSigningKey(LocalKeyFileKek.OpenOrCreate(path, allowDevelopmentKeys: true)))
        {
            AuditCheckpoint? previous = null;
            foreach (var seq in new[] { 20L, 30L })
            {
                var record = (await _db.Review.FindAsync(seq))!;
                var forged = await AuditCheckpoints.SignAsync(attacker, seq, record.Hash, DateTimeOffset.UtcNow, previous);
                previous = forged;
                await _db.ExecuteAsync("UPDATE audit_checkpoints SET hash = @hash, at = @at, key_id = @key, signature = @sig, previous = @prev WHERE seq = @seq",
                    ("prev", forged.Previous),
                    ("hash", forged.Hash), ("at", forged.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture)),
                    ("key", forged.KeyId), ("sig", forged.Signature), ("seq", seq));
            }
        }

        var result = await AssertBrokenAsync(20, AuditBreak.CheckpointMismatch);
        Assert.That(result.Detail, Is.EqualTo("signature_invalid"));
    }

    [Test]
    public async Task Verify_CheckpointHashEdited_SignatureInvalid()
    {
        await _db.ExecuteAsync("UPDATE audit_checkpoints SET hash = @hash WHERE seq = @seq", ("hash", new string('a', 64)), ("seq", 30L));

        var result = await AssertBrokenAsync(30, AuditBreak.CheckpointMismatch);
        Assert.That(result.Detail, Is.EqualTo("signature_invalid"));
    }

    [Test]
    public async Task Verify_CheckpointRowDeleted_TheChainStillNamesIt()
    {
        await _db.ExecuteAsync("DELETE FROM audit_checkpoints WHERE seq = @seq", ("seq", 30L));

        var result = await AssertBrokenAsync(30, AuditBreak.CheckpointMismatch);
        Assert.That(result.Detail, Is.EqualTo("checkpoint_deleted"));
    }

    [Test]
    public async Task Verify_ChainRebuiltWithoutAnyCheckpoint_UnsignedTailDetected()
    {
        // The thorough attacker: every checkpoint row and checkpoint event gone, the rest renumbered,
        // rehashed and the head row updated. Nothing links wrongly; what is missing is the signatures
        // the checkpoint policy promises.
        var kept = await RebuildWithoutCheckpointsAsync();

        var result = await Verifier(withCopy: false, withWitness: false).VerifyAsync();
        Assert.That((result.Problem, result.BrokenAt), Is.EqualTo(((AuditBreak?)AuditBreak.Unsigned, (long?)1)));
        Assert.That(result.UnsignedRecords, Is.EqualTo(kept));
    }

    [Test]
    public async Task Verify_ChainRebuiltWithoutAnyCheckpointUnderTheCountLimit_TheCopyOutsideTheDatabaseNamesTheFirstDeleted()
    {
        // Issue 22: a short log (under MaxUnsignedRecords) rewritten with every checkpoint deleted passed.
        await RebuildWithoutCheckpointsAsync();

        var result = await Verifier(maxUnsigned: 100_000).VerifyAsync();

        Assert.That((result.Ok, result.Problem, result.BrokenAt, result.Detail),
            Is.EqualTo((false, (AuditBreak?)AuditBreak.CheckpointMismatch, (long?)20, "checkpoint_deleted")));
    }

    [Test]
    public async Task Checkpoint_AfterChainRebuiltWithoutCheckpoints_RefusesToSignAndRaisesTheAlert()
    {
        // Issue 22: the checkpointer used to sign the forged head within seconds.
        await RebuildWithoutCheckpointsAsync();

        var refused = Assert.ThrowsAsync<AuditIntegrityException>(() => _checkpointer.CheckpointAsync("test"));

        Assert.That(refused!.Verification.Detail, Is.EqualTo("checkpoint_deleted"));
        Assert.That(_alert.Raised, Has.Count.EqualTo(1));
        Assert.That(await _db.Review.ReadCheckpointsAsync(), Is.Empty, "nothing may be signed over a forgery");
    }

    [Test]
    public async Task Checkpoint_AfterRecordEditedSinceTheLastCheckpoint_RefusesToSign()
    {
        await _db.ExecuteAsync("UPDATE audit_records SET decision = 'block' WHERE seq = @seq", ("seq", 33L));

        var refused = Assert.ThrowsAsync<AuditIntegrityException>(() => _checkpointer.CheckpointAsync("test"));

        Assert.That((refused!.Verification.Problem, refused.Verification.BrokenAt), Is.EqualTo(((AuditBreak?)AuditBreak.Altered, (long?)33)));
        Assert.That(_alert.Raised, Has.Count.EqualTo(1));
        Assert.That((await _db.Review.ReadCheckpointsAsync()).Select(c => c.Sequence), Is.EqualTo(new[] { 20L, 30L }));
    }

    [Test]
    public async Task Checkpoint_Signed_LinksToThePreviousCheckpointAndIsCopiedOutsideTheDatabase()
    {
        var stored = await _db.Review.ReadCheckpointsAsync();
        var copied = await _copy.ReadAllAsync();

        Assert.That(stored[0].Previous, Is.EqualTo(AuditCheckpoints.FirstLink));
        Assert.That(stored[1].Previous, Is.EqualTo(AuditCheckpoints.Link(stored[0])));
        Assert.That(copied.Select(c => c.Sequence), Is.EqualTo(new[] { 20L, 30L }));
        Assert.That(AuditCheckpoints.SameAs(copied[1], stored[1]), Is.True);
    }

    [Test]
    public async Task Verify_MiddleCheckpointRowDeleted_TheNextCheckpointsLinkBreaks()
    {
        await _db.ExecuteAsync("DELETE FROM audit_checkpoints WHERE seq = @seq", ("seq", 20L));

        var withoutCopy = await Verifier(withCopy: false).VerifyAsync();
        var withCopy = await VerifyAsync();

        Assert.That((withoutCopy.Problem, withoutCopy.BrokenAt, withoutCopy.Detail),
            Is.EqualTo(((AuditBreak?)AuditBreak.CheckpointMismatch, (long?)30, "checkpoint_chain_broken")));
        Assert.That((withCopy.Problem, withCopy.BrokenAt, withCopy.Detail),
            Is.EqualTo(((AuditBreak?)AuditBreak.CheckpointMismatch, (long?)20, "checkpoint_deleted")));
    }

    [Test]
    public async Task Verify_TwoRecordsSwapped_PreviousHashMismatchAtTheFirst()
    {
        await _db.ExecuteAsync("UPDATE audit_records SET seq = 1000008 WHERE seq = 8");
        await _db.ExecuteAsync("UPDATE audit_records SET seq = 8 WHERE seq = 9");
        await _db.ExecuteAsync("UPDATE audit_records SET seq = 9 WHERE seq = 1000008");

        await AssertBrokenAsync(8, AuditBreak.PreviousHashMismatch);
    }

    [Test]
    public async Task Verify_UnsignedTailRewrittenAfterTheAppSawIt_WitnessedHeadMismatch()
    {
        // The app's poll saw the head at 35; then records 32–35 (after the newest checkpoint) are edited,
        // relinked and the head row moved: only the process that saw the old head can tell.
        await _checkpointer.PendingAsync();
        await RewriteAsync(r => r.Sequence == 33 ? r with { Decision = "block" } : r, from: 32);

        var result = await AssertBrokenAsync(35, AuditBreak.Altered);
        Assert.That(result.Detail, Is.EqualTo("witnessed_head_mismatch"));
        Assert.ThrowsAsync<AuditIntegrityException>(() => _checkpointer.CheckpointAsync("test"));
    }

    [Test]
    public async Task Verify_UnsignedTailRewrittenAndLeftUnsignedPastTheTimeLimit_UnsignedTooLong()
    {
        // A verifier that never saw the head (the CLI on a copy): the time rule reports a tail that
        // stayed unsigned longer than the checkpoint policy allows.
        await RewriteAsync(r => r.Sequence == 33 ? r with { Decision = "block" } : r, from: 32);
        var later = new FixedTime(DateTimeOffset.UtcNow.AddHours(1));

        var result = await Verifier(time: later, withWitness: false).VerifyAsync();

        Assert.That((result.Problem, result.BrokenAt, result.Detail),
            Is.EqualTo(((AuditBreak?)AuditBreak.Unsigned, (long?)31, "unsigned_too_long")));
    }

    [Test]
    public async Task Purge_ThroughSignedCheckpoint_VerificationStartsThereAndStillHolds()
    {
        var purge = await _db.Review.PurgeThroughAsync((await _db.Review.ReadCheckpointsAsync())[0], DateTimeOffset.UtcNow.AddDays(-1));

        Assert.That(purge.RecordsRemoved, Is.EqualTo(20));
        var result = await VerifyAsync();
        Assert.That(result.Ok, Is.True, $"{result.Problem} at {result.BrokenAt} ({result.Detail})");
        Assert.That(result.AnchorSequence, Is.EqualTo(20));
        Assert.That(result.RecordsVerified, Is.EqualTo(15));
    }

    [Test]
    public async Task Purge_AnchorRowEdited_AnchorNotSigned()
    {
        await _db.Review.PurgeThroughAsync((await _db.Review.ReadCheckpointsAsync())[0], DateTimeOffset.UtcNow.AddDays(-1));
        await _db.ExecuteAsync("UPDATE audit_anchor SET seq = 22 WHERE id = 1");

        var result = await AssertBrokenAsync(22, AuditBreak.CheckpointMismatch);
        Assert.That(result.Detail, Is.EqualTo("anchor_not_signed"));
    }

    [Test]
    public async Task Purge_FirstKeptRecordDeletedAfterwards_MissingRightAfterTheAnchor()
    {
        await _db.Review.PurgeThroughAsync((await _db.Review.ReadCheckpointsAsync())[0], DateTimeOffset.UtcNow.AddDays(-1));
        await _db.ExecuteAsync("DELETE FROM audit_records WHERE seq = 21");

        await AssertBrokenAsync(21, AuditBreak.Missing);
    }

    [Test]
    public async Task Purge_AnchorRowDeleted_MissingAtTheGenesis()
    {
        await _db.Review.PurgeThroughAsync((await _db.Review.ReadCheckpointsAsync())[0], DateTimeOffset.UtcNow.AddDays(-1));
        await _db.ExecuteAsync("DELETE FROM audit_anchor");

        await AssertBrokenAsync(1, AuditBreak.Missing);
    }

    /// <summary>Two instances on one store: the one that did not sign must not report the other's
    /// checkpoint as its own (AuditMaintenanceService used to log any newer checkpoint as "signed").</summary>
    [Test]
    public async Task SignPending_AnotherInstanceSignedMeanwhile_NotReportedAsSignedHere()
    {
        using var other = new AuditCheckpointer(_db.Review, new DirectAuditWriter(_db.Store, TimeProvider.System), _key, TimeProvider.System, Verifier(), _copy);
        await AppendAsync(36, 40);
        var (_, before, pending) = await _checkpointer.PendingAsync();
        Assert.That(pending, Is.GreaterThan(0));

        var theirs = await other.SignPendingAsync("test");
        var ours = await _checkpointer.SignPendingAsync("test");

        Assert.That(theirs.SignedHere, Is.True, "the other instance signed");
        Assert.That(ours.SignedHere, Is.False, "this instance signed nothing");
        Assert.That(ours.Checkpoint!.Sequence, Is.EqualTo(theirs.Checkpoint!.Sequence).And.GreaterThan(before!.Sequence),
            "the checkpoint returned is the other instance's, newer than the one seen before (what the old test took for 'signed')");
        await AppendAsync(42, 44);
        var next = await _checkpointer.SignPendingAsync("test");
        Assert.That(next.SignedHere, Is.True, "with records pending again, this instance signs and says so");
    }

    private AuditVerifier Verifier(long maxUnsigned = MaxUnsigned, TimeProvider? time = null, bool withCopy = true, bool withWitness = true) =>
        new(_db.Review, _key, maxUnsigned)
        {
            Copy = withCopy ? _copy : null,
            Witness = withWitness ? _witness : null,
            MaxUnsignedAge = TimeSpan.FromMinutes(31),
            Time = time ?? TimeProvider.System,
        };

    private Task<AuditVerification> VerifyAsync() => Verifier().VerifyAsync();

    /// <summary>A verifier over a store whose record walk runs <paramref name="duringWalk"/> after its first record.</summary>
    private AuditVerifier LiveVerifier(Func<Task> duringWalk) =>
        new(new WalkInterruptingReviewStore(_db.Review, duringWalk), _key, MaxUnsigned)
        {
            Copy = _copy,
            Witness = _witness,
            MaxUnsignedAge = TimeSpan.FromMinutes(31),
        };

    private async Task<AuditVerification> AssertBrokenAsync(long at, AuditBreak problem)
    {
        var result = await VerifyAsync();
        Assert.That(result.Ok, Is.False, "tampering went undetected");
        Assert.That((result.Problem, result.BrokenAt), Is.EqualTo(((AuditBreak?)problem, (long?)at)), $"detail: {result.Detail}");
        return result;
    }

    private async Task AppendAsync(int from, int to)
    {
        // Several entries per transaction, as the group-commit writer does.
        var entries = Enumerable.Range(from, to - from + 1).Select(Entry).ToList();
        foreach (var chunk in entries.Chunk(4))
        {
            await _db.Store.AppendBatchAsync(chunk, DateTimeOffset.UtcNow);
        }
    }

    private static AuditEntry Entry(int i) => new()
    {
        Event = AuditEventType.CheckPerformed,
        ActorTenantId = "tenant-1",
        ActorObjectId = "oid-" + (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture),
        CheckId = "chk_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Decision = (i % 3) switch { 0 => "allow", 1 => "warn", _ => "block" },
        Data = new Dictionary<string, object?>
        {
            ["patientIds"] = new[] { "P-" + i.ToString("0000", System.Globalization.CultureInfo.InvariantCulture) },
            ["reasonCodes"] = i % 2 == 0 ? new[] { "CONSENT_MISSING" } : Array.Empty<string>(),
            ["categories"] = i % 5 == 0 ? new[] { "mental_health" } : Array.Empty<string>(),
        },
    };

    /// <summary>The thorough attacker: every checkpoint row and checkpoint event gone, the rest renumbered,
    /// rehashed and the head row updated. Returns how many records are left.</summary>
    private async Task<long> RebuildWithoutCheckpointsAsync()
    {
        await _db.ExecuteAsync("DELETE FROM audit_checkpoints");
        var kept = new List<AuditRecord>();
        await foreach (var record in _db.Review.ReadAllAsync())
        {
            if (record.Event != AuditEventType.AuditCheckpointSigned)
            {
                kept.Add(record);
            }
        }

        await _db.ExecuteAsync("DELETE FROM audit_records");
        var previous = AuditChain.GenesisHash;
        for (var i = 0; i < kept.Count; i++)
        {
            var relinked = kept[i] with { Sequence = i + 1, PreviousHash = previous, Hash = "" };
            relinked = relinked with { Hash = AuditChain.ComputeHash(relinked) };
            await InsertAsync(relinked);
            previous = relinked.Hash;
        }

        await _db.ExecuteAsync("UPDATE audit_chain_head SET seq = @seq, hash = @hash WHERE id = 1", ("seq", (long)kept.Count), ("hash", previous));
        return kept.Count;
    }

    private Task InsertAsync(AuditRecord r) => _db.ExecuteAsync(
        "INSERT INTO audit_records (seq, at, event, actor_tid, actor_oid, check_id, subject_id, decision, data, prev_hash, hash) " +
        "VALUES (@seq, @at, @event, @tid, @oid, @check, @subject, @decision, @data, @prev, @hash)",
        ("seq", r.Sequence), ("at", r.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture)),
        ("event", (int)r.Event), ("tid", r.ActorTenantId), ("oid", r.ActorObjectId), ("check", r.CheckId), ("subject", r.SubjectId),
        ("decision", r.Decision), ("data", r.DataJson), ("prev", r.PreviousHash), ("hash", r.Hash));

    /// <summary>Applies <paramref name="change"/> to every record, relinks and rehashes the whole chain and
    /// moves the head row: a consistent rewrite, as someone with the algorithm but not the key would do.</summary>
    private async Task RewriteAsync(Func<AuditRecord, AuditRecord> change, long from = 1)
    {
        var records = new List<AuditRecord>();
        await foreach (var record in _db.Review.ReadAllAsync(from - 1))
        {
            records.Add(record);
        }

        var previous = from == 1 ? AuditChain.GenesisHash : records[0].PreviousHash;
        foreach (var original in records)
        {
            var changed = change(original) with { PreviousHash = previous, Hash = "" };
            changed = changed with { Hash = AuditChain.ComputeHash(changed) };
            await _db.ExecuteAsync("UPDATE audit_records SET decision = @decision, data = @data, prev_hash = @prev, hash = @hash WHERE seq = @seq",
                ("decision", changed.Decision), ("data", changed.DataJson), ("prev", changed.PreviousHash), ("hash", changed.Hash), ("seq", changed.Sequence));
            previous = changed.Hash;
        }

        await _db.ExecuteAsync("UPDATE audit_chain_head SET seq = @seq, hash = @hash WHERE id = 1", ("seq", records[^1].Sequence), ("hash", previous));
    }
}

/// <summary>A clock stopped at one instant.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>Records the alerts the checkpointer raises.</summary>
internal sealed class RecordingAlert : IAuditIntegrityAlert
{
    public List<AuditVerification> Raised { get; } = [];

    public void Raise(AuditVerification verification) => Raised.Add(verification);
}

/// <summary>The tamper scripts with production's copy outside the database: append blobs in a container
/// (Azurite; ignored only when <c>CLINICMAIL_TEST_AZURITE</c> is absent), on every provider.</summary>
public sealed class AuditTamperOnBlobCopyTests(Storage.StorageProvider provider) : AuditTamperTests(provider)
{
    protected override async Task<IAuditCheckpointCopy> CreateCopyAsync(string folder) =>
        new BlobAuditCheckpointCopy(await AzuriteContainer.CreateAsync(), TimeProvider.System);
}
