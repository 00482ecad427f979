using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClinicMail.Core.Filing;
using ClinicMail.Infrastructure.Filing;
using ClinicMail.Infrastructure.Storage;
using ClinicMail.Infrastructure.Storage.Sqlite;

namespace ClinicMail.Benchmarks;

/// <summary>Record filing (docs/record-filing.md, docs/performance.md): throughput of the rendition (PDF),
/// of the FHIR resource built and validated, and of both filed to the local folder; then the outbox's delay
/// under a burst — N exchanges recorded at once in a SQLite outbox, delivered by W workers that claim,
/// render, validate, file and mark delivered as FilingDeliveryService does (without the audit append and
/// the patient look-up), delay = delivered − recorded, p50/p99/max. One timed run per invocation.</summary>
/// <remarks>
/// dotnet run -c Release --project tests/ClinicMail.Benchmarks -- filing --documents 200 --burst 1000 --workers 2
/// </remarks>
internal static class FilingTimedRun
{
    public static async Task<int> RunAsync(string[] args)
    {
        var documents = int.Parse(Option(args, "--documents") ?? "200", CultureInfo.InvariantCulture);
        var burst = int.Parse(Option(args, "--burst") ?? "1000", CultureInfo.InvariantCulture);
        var workers = int.Parse(Option(args, "--workers") ?? "2", CultureInfo.InvariantCulture);
        var folder = Directory.CreateTempSubdirectory("clinicmail-filing-bench-");
        try
        {
            var pdf = new FilingPdfRenderer();
            var validator = new FhirResourceValidator();
            var exchange = Exchange(0);
            // Warm-up: fonts, the validator's schemas.
            validator.Errors(FhirFilingResource.Build(exchange, "warm", "MRN-1", "urn:x", pdf.Render(exchange, "warm", "MRN-1", DateTimeOffset.UtcNow), DateTimeOffset.UtcNow, false));

            var clock = Stopwatch.StartNew();
            for (var i = 0; i < documents; i++)
            {
                pdf.Render(Exchange(i), "fil-" + i, "MRN-1", DateTimeOffset.UtcNow);
            }

            Report("pdf", documents, clock.Elapsed);
            var rendition = pdf.Render(exchange, "fil-x", "MRN-1", DateTimeOffset.UtcNow);
            clock.Restart();
            for (var i = 0; i < documents; i++)
            {
                var resource = FhirFilingResource.Build(Exchange(i), "fil-" + i, "MRN-1", "urn:x", rendition, DateTimeOffset.UtcNow, false);
                if (validator.Errors(resource).Count > 0)
                {
                    throw new InvalidOperationException("invalid resource");
                }

                FhirFilingResource.ToJsonBytes(resource);
            }

            Report("fhir build+validate+serialize", documents, clock.Elapsed);

            var database = new SqliteDatabase(Path.Combine(folder.FullName, "bench.db"));
            await database.MigrateAsync();
            await using var backend = StorageBackend.ForSqlite(database);
            var outbox = backend.FilingOutbox;
            var destination = new LocalFolderDestination(Path.Combine(folder.FullName, "record"));
            var recorded = DateTimeOffset.UtcNow;
            for (var i = 0; i < burst; i++)
            {
                await outbox.TryEnqueueAsync(new FilingOutboxEntry
                {
                    Id = "fil-bench-" + i,
                    SourceKind = ExchangeSources.SentMail,
                    SourceId = i.ToString(CultureInfo.InvariantCulture),
                    Direction = ExchangeDirection.Outgoing,
                    State = FilingStates.Pending,
                    PatientId = "pat",
                    CreatedAt = recorded,
                    NextAttemptAt = recorded,
                });
            }

            var recordSeconds = (DateTimeOffset.UtcNow - recorded).TotalSeconds;
            var delays = new System.Collections.Concurrent.ConcurrentBag<double>();
            clock.Restart();
            await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
            {
                IReadOnlyList<FilingOutboxEntry> batch;
                while ((batch = await outbox.ClaimDueAsync(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(2), 20)).Count > 0)
                {
                    foreach (var entry in batch)
                    {
                        var e = Exchange(entry.Id.Length);
                        var document = pdf.Render(e, entry.Id, "MRN-1", entry.CreatedAt);
                        var resource = FhirFilingResource.Build(e, entry.Id, "MRN-1", "urn:x", document, entry.CreatedAt, false);
                        if (validator.Errors(resource).Count > 0)
                        {
                            throw new InvalidOperationException("invalid resource");
                        }

                        var receipt = await destination.FileAsync(new FilingDocument(entry.Id, "MRN-1", document, FhirFilingResource.ToJsonBytes(resource), e.Attachments));
                        var now = DateTimeOffset.UtcNow;
                        await outbox.MarkDeliveredAsync(entry.Id, new FilingDelivery("local", receipt.RenditionSha256, receipt.ResourceSha256, now));
                        delays.Add((now - recorded).TotalMilliseconds);
                    }
                }
            })));
            var sorted = delays.Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"outbox burst {burst} recorded in {recordSeconds:F2} s; delivered by {workers} workers in {clock.Elapsed.TotalSeconds:F1} s ({burst / clock.Elapsed.TotalSeconds:F1}/s); delay p50 {Pct(sorted, 0.50) / 1000:F1} s, p99 {Pct(sorted, 0.99) / 1000:F1} s, max {sorted[^1] / 1000:F1} s"));
            return sorted.Length == burst ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static FiledExchange Exchange(int i) => new()
    {
        Direction = ExchangeDirection.Outgoing,
        SourceKind = ExchangeSources.SentMail,
        From = "dre.gagnon@clinique.example.ca",
        To = ["marie.cote@example.ca"],
        Subject = "Suivi " + i.ToString(CultureInfo.InvariantCulture),
        At = DateTimeOffset.UtcNow,
        BodyText = "Bonjour Madame Côté,\n\n" + string.Concat(Enumerable.Repeat("Vos résultats sont normaux; nous en reparlerons au prochain rendez-vous. ", 20)),
        Attachments = [new FiledAttachment("resultats.pdf", "application/pdf", Encoding.UTF8.GetBytes(new string('x', 20_000)))],
        Check = new FiledCheck("chk_1", "allow", []),
    };

    private static double Pct(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static void Report(string what, int count, TimeSpan elapsed) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: {count} documents in {elapsed.TotalSeconds:F2} s = {count / elapsed.TotalSeconds:F1} documents/s"));

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
