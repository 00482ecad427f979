using System.Text.Json;
using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

[TestFixture]
[Explicit]
public sealed class DebugDump
{
    [Test]
    public void Dump()
    {
        var ids = (Environment.GetEnvironmentVariable("DUMP_IDS") ?? "").Split(',');
        var path = Path.Combine(SensitiveTopicCorpusTests.FindRepositoryRoot(), "..", "shared", "corpus", "sensitive-topics.dev.jsonl");
        foreach (var line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            var id = doc.RootElement.GetProperty("id").GetString()!;
            if (!ids.Contains(id))
            {
                continue;
            }

            var a = TopicDetector.Default.Analyze(CheckedText.FromParts(doc.RootElement.GetProperty("subject").GetString()!, doc.RootElement.GetProperty("body").GetString()!));
            TestContext.Out.WriteLine($"== {id}");
            foreach (var t in a.Topics)
            {
                TestContext.Out.WriteLine($"  {t.Category} {t.Confidence}: " + string.Join(" | ", t.Evidence.Select(e => $"{e.Text}({e.Confidence})")));
            }
        }
    }
}
