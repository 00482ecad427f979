using System.Net.Http.Json;
using System.Text;

namespace ClinicMail.Functions.Tests;

/// <summary>Rule 10 and the logging standard: no message text, subject, address or name reaches the
/// audit store, the database file or the logs. Drafts carry unique marker strings; afterwards every
/// byte of the data folder (database, WAL, keys) and every captured log line is scanned for them.</summary>
public sealed class NoLeakTests
{
    [Test]
    public async Task Check_MarkedDrafts_NoMarkerInDatabaseFilesOrLogsAsync()
    {
        using var factory = new ClinicMailFactory();
        using var client = factory.ClientWithRoles("Physician");
        var marker = "zq" + Guid.NewGuid().ToString("N")[..12];
        var markers = new[]
        {
            $"{marker}subject", $"{marker}body", $"{marker}to@gmail.com", $"{marker}cc@example.org", $"{marker}bcc@clinique.med",
            $"{marker}Name", $"{marker}attachment.pdf", $"{marker}from@clinique.med",
        };
        var drafts = new object[]
        {
            new
            {
                from = markers[7], subject = $"Résultats {markers[0]}",
                body = $"Bonjour {markers[5]}, votre biopsie montre un carcinome. {markers[1]} Né le 12 mars 1961, RAMQ TREM 6103 1212.",
                to = new object[] { new { address = markers[2], name = markers[5] } }, cc = new[] { markers[3] }, bcc = new[] { markers[4] },
                attachments = new[] { new { name = markers[6], size = 1200, contentType = "application/pdf" } },
            },
            new { from = markers[7], subject = markers[0], body = $"<p>{markers[1]}</p>", bodyFormat = "html", to = new[] { "marie.tremblay@videotron.ca", markers[2] } },
            new { from = markers[7], subject = markers[0], body = markers[1], to = new[] { markers[2] }, isReply = true },
        };

        foreach (var draft in drafts)
        {
            var response = await client.PostAsJsonAsync("/api/v1/check", draft);
            Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.EnumerateFiles(factory.DataDirectory, "*", SearchOption.AllDirectories))
        {
            var content = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file));
            Assert.That(content, Does.Not.Contain(marker), $"a marker reached {Path.GetFileName(file)}");
        }

        var logs = string.Join('\n', factory.Logs);
        Assert.That(factory.Logs, Is.Not.Empty, "logs were captured");
        Assert.That(logs, Does.Not.Contain(marker), "a marker reached the logs");
    }
}
