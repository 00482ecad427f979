using System.Diagnostics;
using System.Text.Json;
using ClinicMail.Core.Text;
using ClinicMail.Core.Topics;

namespace ClinicMail.Core.Tests.Topics;

internal sealed class CpuWatch
{
    private TimeSpan _start = Process.GetCurrentProcess().TotalProcessorTime;

    public TimeSpan Elapsed => Process.GetCurrentProcess().TotalProcessorTime - _start;

    public void Restart() => _start = Process.GetCurrentProcess().TotalProcessorTime;
}

[TestFixture]
[Explicit]
public sealed class DebugPerf
{
    [Test]
    public void Phases()
    {
        var path = Path.Combine(SensitiveTopicCorpusTests.FindRepositoryRoot(), "..", "shared", "corpus", "sensitive-topics.dev.jsonl");
        var sb = new System.Text.StringBuilder();
        foreach (var line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            sb.Append(doc.RootElement.GetProperty("subject").GetString()).Append('\n').Append(doc.RootElement.GetProperty("body").GetString()).Append("\n\n");
        }

        var text = CheckedText.FromParts("", sb.ToString());
        var msgs = new List<CheckedText>();
        foreach (var line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            msgs.Add(CheckedText.FromParts(doc.RootElement.GetProperty("subject").GetString()!, doc.RootElement.GetProperty("body").GetString()!));
        }

        var lex = Lexicon.Build(LexiconSources.All);
        var bytes = System.Text.Encoding.UTF8.GetByteCount(sb.ToString());
        for (var round = 0; round < 3; round++)
        {
            var sw = new CpuWatch();
            for (var i = 0; i < 200; i++) { using var s = TokenStream.Read(text, null); }
            var tRead0 = sw.Elapsed.TotalMilliseconds / 200;
            sw.Restart();
            for (var i = 0; i < 200; i++) { using var s = TokenStream.Read(text, lex); }
            var tRead = sw.Elapsed.TotalMilliseconds / 200;
            sw.Restart();
            int hitsCount = 0, tokens = 0, vocab = 0, fuzzy = 0;
            for (var i = 0; i < 200; i++) { using var s = TokenStream.Read(text, lex); var hits = new List<Hit>(); TopicRules.Match(lex, s, hits); hitsCount = hits.Count; tokens = s.Count; vocab = s.Tokens.Take(s.Count).Count(t => t.Word >= 0); fuzzy = s.Tokens.Take(s.Count).Count(t => (t.Flags & TokenFlags.Fuzzy) != 0); }
            var tMatch = sw.Elapsed.TotalMilliseconds / 200;
            sw.Restart();
            for (var i = 0; i < 200; i++) { TopicDetector.Default.Analyze(text); }
            var tAll = sw.Elapsed.TotalMilliseconds / 200;
            sw.Restart();
            for (var i = 0; i < 200; i++) { foreach (var m in msgs) { using var s = TokenStream.Read(m, lex); } }
            var mRead = sw.Elapsed.TotalMilliseconds / 200;
            sw.Restart();
            for (var i = 0; i < 200; i++) { foreach (var m in msgs) { using var s = TokenStream.Read(m, lex); var hits = new List<Hit>(); TopicRules.Match(lex, s, hits); } }
            var mMatch = sw.Elapsed.TotalMilliseconds / 200;
            sw.Restart();
            for (var i = 0; i < 200; i++) { foreach (var m in msgs) { using var s = TokenStream.Read(m, lex); var hits = new List<Hit>(); TopicRules.Match(lex, s, hits); TopicRules.Evaluate(lex, s, hits); } }
            var mAll = sw.Elapsed.TotalMilliseconds / 200;
            TestContext.Out.WriteLine($"per-message: read {mRead:0.000} match {mMatch:0.000} all {mAll:0.000}");
            TestContext.Out.WriteLine($"bytes {bytes} tokens {tokens} vocab {vocab} fuzzy {fuzzy} hits {hitsCount}; read-nolex {tRead0:0.000} read {tRead:0.000} match {tMatch:0.000} all {tAll:0.000} ms => {bytes / 1e6 / (tAll / 1000):0.0} MB/s");
        }
    }
}
