using BenchmarkDotNet.Attributes;
using ClinicMail.Core.Topics;

namespace ClinicMail.Benchmarks;

/// <summary>Building the topic detector's lexicon (hash tables, phrase trie, typo variants) from its sources: done once
/// per process, in every cold start of the local host and the worker (the first check waits for it).
/// Run: <c>dotnet run -c Release --project tests/ClinicMail.Benchmarks -- --filter '*LexiconBuild*' --job short</c>.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class LexiconBuildBenchmarks
{
    [Benchmark]
    public int BuildLexicon() => Lexicon.Build(LexiconSources.All).WordCount;
}
