using System.Security.Cryptography;
using ClinicMail.Core.InformedConsent;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Secure;
using ClinicMail.Core.Tests.Builders;
using ClinicMail.Core.Topics;
using ClinicMail.Infrastructure.Keys;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.InformedConsent;

namespace ClinicMail.Infrastructure.Tests.Storage;

/// <summary>What <see cref="InformedConsentStore"/> must do, on SQLite and on a real PostgreSQL
/// server (one class, one fixture per provider). Each test uses its own ids.</summary>
[TestFixtureSource(nameof(Providers))]
public sealed class InformedConsentStoreContractTests(string provider)
{
    public static readonly string[] Providers = ["Sqlite", "Postgres"];

    private static readonly DateTimeOffset Now = new(2026, 12, 7, 15, 0, 0, TimeSpan.Zero);
    private TempSqliteDatabase? _sqlite;
    private TempPostgresDatabase? _postgres;
    private StorageBackend _backend = null!;
    private InformedConsentStore _store = null!;
    private DirectoryInfo _keyFolder = null!;
    private LocalKeyFileKek _kek = null!;
    private string _p = null!;

    [OneTimeSetUp]
    public async Task CreateAsync()
    {
        if (provider == "Postgres")
        {
            _postgres = await TempPostgresDatabase.CreateAsync();
            _backend = StorageBackend.ForPostgres(_postgres.Database);
        }
        else
        {
            _sqlite = await TempSqliteDatabase.CreateMigratedAsync();
            _backend = StorageBackend.ForSqlite(_sqlite.Database);
        }

        // Invitation addresses are stored hashed and sealed (migration 0013): a real local key-encryption key.
        _keyFolder = Directory.CreateTempSubdirectory("clinicmail-consent-kek-");
        _kek = LocalKeyFileKek.OpenOrCreate(Path.Combine(_keyFolder.FullName, "kek.pem"), allowDevelopmentKeys: true);
        _store = InformedConsentStore.For(_backend.Database, new PatientAddressProtector(new OneTimeCodeKey(RandomNumberGenerator.GetBytes(32)), _kek, new AddressKeyStore(_backend.Database)));
    }

    [OneTimeTearDown]
    public async Task ReleaseAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }

        _sqlite?.Dispose();
        _kek?.Dispose();
        _keyFolder?.Delete(recursive: true);
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    [SetUp]
    public void UniquePrefix() => _p = "t" + Guid.NewGuid().ToString("N")[..10];

    private async Task<Patient> SavedAsync(string name, Consent? consent, params string[] addresses)
    {
        var builder = PatientBuilder.Patient($"{_p}-{name}").ClinicId($"{_p}-C-{name}").Named("Éloïse", $"{_p}-{name}").WithConsent(consent);
        foreach (var address in addresses)
        {
            builder = builder.WithAddress(address);
        }

        var patient = builder.Build();
        await _backend.Patients.WriteAsync([patient], "actor-test");
        return patient;
    }

    [Test]
    public async Task PublishPolicyAsync_NewHash_NextVersion_SameHash_SameVersion()
    {
        var first = await _store.PublishPolicyAsync(new ClinicEmailPolicy { ClinicPhone = "514-555-0100" }, "h-" + _p, "tenant/actor", Now);
        var again = await _store.PublishPolicyAsync(new ClinicEmailPolicy { ClinicPhone = "514-555-0100" }, "h-" + _p, "tenant/actor", Now.AddMinutes(1));
        var policy = new ClinicEmailPolicy { TextingAllowed = true, TextingRules = [TextingRule.AppointmentsOnly], CategoriesOffered = [TopicCategory.MentalHealth] };
        var second = await _store.PublishPolicyAsync(policy, "h2-" + _p, "tenant/actor", Now.AddMinutes(2));
        var read = await _store.PolicyAsync(second.Version);

        Assert.Multiple(() =>
        {
            Assert.That(again.Version, Is.EqualTo(first.Version));
            Assert.That(second.Version, Is.EqualTo(first.Version + 1));
            Assert.That(read!.Hash, Is.EqualTo("h2-" + _p));
            Assert.That(read.Policy.TextingRules, Is.EqualTo(new[] { TextingRule.AppointmentsOnly }));
            Assert.That(read.Policy.CategoriesOffered, Is.EqualTo(new[] { TopicCategory.MentalHealth }));
            Assert.That(read.PublishedAt, Is.EqualTo(Now.AddMinutes(2)));
        });
        Assert.That((await _store.CurrentPolicyAsync())!.Version, Is.GreaterThanOrEqualTo(second.Version));
    }

    [Test]
    public async Task Invitation_CodeAttempts_AreCountedLockedAndConsumedOnce()
    {
        var patient = await SavedAsync("inv", null, $"inv.{_p}@example.com");
        var token = SecretTokens.NewLinkToken();
        var invitation = new ConsentInvitation
        {
            Id = ConsentInvitation.NewId(),
            PatientId = patient.Id,
            Address = $"inv.{_p}@example.com",
            Language = "en",
            CreatedAt = Now,
            CreatedBy = "tenant/actor",
            ExpiresAt = Now.AddDays(14),
        };
        await _store.CreateInvitationAsync(invitation, SecretTokens.Hash(token));
        Assert.That(await _store.BeginCodeAttemptAsync(invitation.Id, 3, Now), Is.Null, "no code sent yet");

        var hash = RandomNumberGenerator.GetBytes(32);
        await _store.SaveCodeAsync(invitation.Id, hash, [1, 2, 3], Now.AddMinutes(15));
        var first = await _store.BeginCodeAttemptAsync(invitation.Id, 3, Now);
        Assert.That(first!.CodeHash, Is.EqualTo(hash));
        Assert.That(await _store.BeginCodeAttemptAsync(invitation.Id, 3, Now.AddMinutes(16)), Is.Null, "expired code");
        Assert.That(await _store.ConsumeCodeAsync(invitation.Id, hash), Is.True);
        Assert.That(await _store.ConsumeCodeAsync(invitation.Id, hash), Is.False, "consumed once");

        await _store.SaveCodeAsync(invitation.Id, hash, [1], Now.AddMinutes(15));
        for (var i = 0; i < 3; i++)
        {
            Assert.That(await _store.BeginCodeAttemptAsync(invitation.Id, 3, Now), Is.Not.Null);
        }

        Assert.That(await _store.BeginCodeAttemptAsync(invitation.Id, 3, Now), Is.Null, "limit reached");
        Assert.That(await _store.LockIfExhaustedAsync(invitation.Id, 3, Now), Is.True);
        Assert.That(await _store.LockIfExhaustedAsync(invitation.Id, 3, Now), Is.False, "locked once");
        var stored = await _store.InvitationByTokenAsync(SecretTokens.Hash(token));
        Assert.Multiple(() =>
        {
            Assert.That(stored!.LockedAt, Is.EqualTo(Now));
            Assert.That(stored.CodesSent, Is.EqualTo(2));
            Assert.That(stored.Address, Is.EqualTo(invitation.Address));
            Assert.That(stored.ExpiresAt, Is.EqualTo(invitation.ExpiresAt));
        });
    }

    [Test]
    public async Task Sessions_AnswerAndWithdrawal_HappenOnce()
    {
        var patient = await SavedAsync("ses", null);
        var invitation = new ConsentInvitation
        {
            Id = ConsentInvitation.NewId(),
            PatientId = patient.Id,
            Address = $"ses.{_p}@example.com",
            Language = "fr",
            CreatedAt = Now,
            CreatedBy = "tenant/actor",
            ExpiresAt = Now.AddDays(14),
        };
        await _store.CreateInvitationAsync(invitation, SecretTokens.Hash(SecretTokens.NewLinkToken()));
        var session = RandomNumberGenerator.GetBytes(32);
        await _store.CreateSessionAsync(session, invitation.Id, Now.AddMinutes(15));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await _store.HasSessionAsync(session, invitation.Id, Now), Is.True);
            Assert.That(await _store.HasSessionAsync(session, invitation.Id, Now.AddMinutes(16)), Is.False, "expired session");
            Assert.That(await _store.HasSessionAsync(session, "cin_other", Now), Is.False, "another invitation");
            Assert.That(await _store.MarkAnsweredAsync(invitation.Id, "cev_1", Now), Is.True);
            Assert.That(await _store.MarkAnsweredAsync(invitation.Id, "cev_2", Now), Is.False, "answered once");
            Assert.That(await _store.MarkWithdrawnAsync(invitation.Id, Now), Is.True);
            Assert.That(await _store.MarkWithdrawnAsync(invitation.Id, Now), Is.False, "withdrawn once");
            Assert.That(await _store.HasSessionAsync(session, invitation.Id, Now), Is.False, "sessions end with the withdrawal");
            Assert.That((await _store.InvitationAsync(invitation.Id))!.EvidenceId, Is.EqualTo("cev_1"));
        });
    }

    [Test]
    public async Task Evidence_AndBirthDate_RoundTrip()
    {
        var patient = await SavedAsync("ev", null);
        var evidence = new ConsentEvidence
        {
            Id = ConsentEvidence.NewId(),
            PatientId = patient.Id,
            Method = ConsentMethod.ElectronicSignature,
            Status = ConsentStatus.Granted,
            PolicyVersion = 3,
            PolicyHash = new string('a', 64),
            Checklist = InformedConsentItems.All,
            Uses = [ConsentUse.Appointments],
            Categories = [TopicCategory.Oncology],
            InvitationId = "cin_x",
            AddressConfirmed = true,
            RecordedAt = Now,
            RecordedBy = "patient:cin_x",
        };
        await _store.SaveEvidenceAsync(evidence);
        await _store.SetBirthDateAsync(patient.Id, new DateOnly(1980, 2, 29));
        await _store.SetBirthDateAsync(patient.Id, new DateOnly(1981, 3, 1));

        var read = await _store.EvidenceAsync(evidence.Id);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(read! with { Checklist = [], Uses = [], Categories = [] }, Is.EqualTo(evidence with { Checklist = [], Uses = [], Categories = [] }));
            Assert.That(read.Checklist, Is.EqualTo(InformedConsentItems.All));
            Assert.That(read.Categories, Is.EqualTo(new[] { TopicCategory.Oncology }));
            Assert.That(await _store.BirthDateAsync(patient.Id), Is.EqualTo(new DateOnly(1981, 3, 1)));
            Assert.That(await _store.BirthDateAsync("pat_none"), Is.Null);
        });
    }

    [Test]
    public async Task AttentionAsync_ListsMissingExpiredAndUndocumented_NotDocumentedOrRefused()
    {
        var today = new DateOnly(2026, 12, 7);
        var evidenceId = ConsentEvidence.NewId();
        var missing = await SavedAsync("a-missing", null);
        var expired = await SavedAsync("b-expired", ConsentBuilder.Granted().Document(evidenceId).ExpiringOn(today.AddDays(-1)).Build());
        var undocumented = await SavedAsync("c-undoc", ConsentBuilder.Granted().Verbal().Document("PAPER-12").Build());
        var documented = await SavedAsync("d-doc", ConsentBuilder.Granted().Document(evidenceId).ExpiringOn(today).Build());
        var refused = await SavedAsync("e-refused", ConsentBuilder.Refused().Build());
        await _store.SaveEvidenceAsync(new ConsentEvidence
        {
            Id = evidenceId,
            PatientId = documented.Id,
            Method = ConsentMethod.VerbalNoted,
            Status = ConsentStatus.Granted,
            PolicyVersion = 1,
            PolicyHash = "h",
            Checklist = InformedConsentItems.All,
            RecordedAt = Now,
            RecordedBy = "t/a",
        });

        var rows = (await _store.AttentionAsync(today, 10_000)).Where(r => r.PatientId.StartsWith(_p, StringComparison.Ordinal)).ToList();

        Assert.That(rows.Select(r => (r.PatientId, r.Reason)), Is.EqualTo(new[]
        {
            (missing.Id, ConsentAttention.Missing),
            (expired.Id, ConsentAttention.Expired),
            (undocumented.Id, ConsentAttention.NotDocumented),
        }));
        Assert.That(rows[2].Method, Is.EqualTo(ConsentMethod.VerbalNoted));
        Assert.That(rows[1].ExpiresOn, Is.EqualTo(today.AddDays(-1)));
        Assert.That(refused.Id, Is.Not.AnyOf(rows.Select(r => r.PatientId).ToArray()));
    }

    [Test]
    public async Task LookAlikePairsAsync_FindsTyposBetweenPatients_NotOneOwnAddresses()
    {
        await SavedAsync("la1", null, $"{_p}.marie.tremblay@example.org");
        await SavedAsync("la2", null, $"{_p}.marie.tremblya@example.org", $"zzz.other{_p}@example.org");
        await SavedAsync("la3", null, $"{_p}.rnarie.trernblay@example.org");
        await SavedAsync("la4", null, $"sam{_p}@example.org", $"sam{_p}x@example.org");

        var pairs = (await _store.LookAlikePairsAsync(1000)).Where(p => p.AddressA.Contains(_p, StringComparison.Ordinal)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(pairs.Any(p => p.AddressA == $"{_p}.marie.tremblay@example.org" && p.AddressB == $"{_p}.marie.tremblya@example.org"), Is.True, "transposed letters");
            Assert.That(pairs.Any(p => p.AddressA == $"{_p}.marie.tremblay@example.org" && p.AddressB == $"{_p}.rnarie.trernblay@example.org"), Is.True, "rn for m (same skeleton)");
            Assert.That(pairs.Any(p => p.AddressA.Contains("zzz", StringComparison.Ordinal) || p.AddressB.Contains("zzz", StringComparison.Ordinal)), Is.False);
            Assert.That(pairs.Any(p => p.PatientIdA == p.PatientIdB), Is.False, "one patient's own addresses are not pairs");
        });
    }

    [Test]
    public async Task LookAlikePairsAsync_FindsAnEditInTheMiddleOfALongLocalPart_SameLengthOrNot()
    {
        // The swap ("xa" → "ax") and the doubled letter sit where both the prefix and the suffix keys
        // are cut: only the outer key (first and last characters) stays whole.
        var registered = $"{_p}.francois.xavier.lapointe@example.org";
        var swapped = $"{_p}.francois.axvier.lapointe@example.org";
        var doubled = $"{_p}.francois.xxavier.lapointe@example.org";
        var keys = AddressKeys.For(registered);
        var swappedKeys = AddressKeys.For(swapped);
        Assert.That(swappedKeys.LocalPrefix, Is.Not.EqualTo(keys.LocalPrefix), "the test pair must differ in the prefix key");
        Assert.That(swappedKeys.LocalSuffix, Is.Not.EqualTo(keys.LocalSuffix), "and in the suffix key");
        var a = await SavedAsync("mid1", null, registered);
        var b = await SavedAsync("mid2", null, swapped);
        var c = await SavedAsync("mid3", null, doubled);

        var pairs = (await _store.LookAlikePairsAsync(1000)).Where(p => p.AddressA.StartsWith(_p, StringComparison.Ordinal)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(pairs.Any(p => p.AddressA == swapped && p.AddressB == registered && p.PatientIdA == b.Id && p.PatientIdB == a.Id), Is.True, "swap in the middle, same length");
            Assert.That(pairs.Any(p => new[] { p.AddressA, p.AddressB }.Order().SequenceEqual(new[] { registered, doubled }.Order()) && p.PatientIdA != p.PatientIdB), Is.True, "doubled letter in the middle, one longer");
            Assert.That(c.Id, Is.Not.EqualTo(a.Id));
        });
    }
}
