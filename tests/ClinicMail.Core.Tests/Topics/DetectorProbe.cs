using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

/// <summary>A tuning aid: prints the findings and evidence for each line of the file named by CLINICMAIL_PROBE.</summary>
[TestFixture]
[Explicit("a tuning aid run by hand")]
public sealed class DetectorProbe
{
    [Test]
    public void Print_Findings()
    {
        var path = Environment.GetEnvironmentVariable("CLINICMAIL_PROBE");
        Assume.That(path, Is.Not.Null.And.Not.Empty, "set CLINICMAIL_PROBE to a file of sentences, one a line (subject // body)");
        foreach (var line in File.ReadLines(path!).Where(l => l.Trim().Length > 0))
        {
            var parts = line.Split(" // ", 2);
            var analysis = TopicDetector.Default.Analyze(parts.Length == 2 ? CheckedText.FromParts(parts[0], parts[1]) : CheckedText.FromParts("", line));
            TestContext.Out.WriteLine(line);
            foreach (var t in analysis.Topics)
            {
                TestContext.Out.WriteLine($"   {t.Category} {t.Confidence}: {string.Join(" | ", t.Evidence.Select(e => $"{e.Text}@{e.Offset}"))}");
            }
        }
    }
}
