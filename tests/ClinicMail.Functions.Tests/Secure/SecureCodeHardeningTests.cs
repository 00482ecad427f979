using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using static ClinicMail.Functions.Tests.Secure.SecureTestKit;

namespace ClinicMail.Functions.Tests.Secure;

/// <summary>Issue 22 items 5 and 7: one-time code attempts under concurrency, and code hashes that a
/// copy of the database cannot brute-force.</summary>
[TestFixture]
public sealed class SecureCodeHardeningTests
{
    [Test]
    public async Task Verify_TenConcurrentWrongCodes_NeverMoreThanFiveAttemptsThenLockedAndTheRightCodeRefused()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var (_, token) = await CreateForAsync(factory, physician, Marie);
        using var browser = new PatientBrowser(factory, token);
        var code = await browser.RequestCodeAsync(Marie);
        var wrong = code == "000000" ? "111111" : "000000";

        var burst = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => browser.PostAsync("/verify", ("lang", "fr"), ("code", wrong)))));
        var right = await browser.PostAsync("/verify", ("lang", "fr"), ("code", code));

        var (attempts, locked) = await AccessRowAsync(factory);
        Assert.Multiple(() =>
        {
            Assert.That(attempts, Is.EqualTo(5), "no more attempts than the limit, whatever the concurrency");
            Assert.That(locked, Is.True);
            Assert.That(burst.Select(r => r.StatusCode), Has.All.AnyOf(HttpStatusCode.BadRequest, HttpStatusCode.Forbidden));
            Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "the right code after the burst opens nothing");
        });
    }

    [Test]
    public async Task Verify_RightCodeSentTwiceAtOnce_OpensOnce()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var (_, token) = await CreateForAsync(factory, physician, Marie);
        using var browser = new PatientBrowser(factory, token);
        var code = await browser.RequestCodeAsync(Marie);

        var both = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => browser.PostAsync("/verify", ("lang", "fr"), ("code", code)))));

        Assert.That(both.Count(r => r.StatusCode == HttpStatusCode.SeeOther), Is.EqualTo(1), "the code is consumed once (compare-and-swap)");
    }

    [Test]
    public async Task SendCode_StoredHash_CannotBeRecomputedFromTheDatabaseRowAlone()
    {
        using var factory = Factory();
        using var physician = Physician(factory);
        var (_, token) = await CreateForAsync(factory, physician, Marie);
        using var browser = new PatientBrowser(factory, token);
        var code = await browser.RequestCodeAsync(Marie);

        await using var connection = new SqliteConnection($"Data Source={factory.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, code_hash, code_salt FROM secure_access WHERE code_hash IS NOT NULL";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.That(await reader.ReadAsync(), Is.True);
        var (id, hash, salt) = (reader.GetString(0), (byte[])reader.GetValue(1), (byte[])reader.GetValue(2));

        // What a database copy allowed (issue 22: all codes in 2 s): the HMAC keyed with the row's own salt.
        var fromRowAlone = HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(id + ":" + code));
        Assert.That(hash, Is.Not.EqualTo(fromRowAlone));
        Assert.That(File.Exists(Path.Combine(factory.DataDirectory, "secure-code-hmac.key")), Is.True, "the key lives outside the database");
    }

    private static async Task<(long Attempts, bool Locked)> AccessRowAsync(ClinicMailFactory factory)
    {
        await using var connection = new SqliteConnection($"Data Source={factory.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT failed_attempts, locked_at IS NOT NULL FROM secure_access ORDER BY failed_attempts DESC LIMIT 1";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1) == 1);
    }
}
