using BenchmarkDotNet.Running;
using ClinicMail.Benchmarks;

// "rewrap N": the one-shot rewrap measurement (RewrapRun explains why it is not BenchmarkDotNet).
if (args.Length > 0 && args[0] == "rewrap")
{
    return await RewrapRun.RunAsync(args);
}

// "registry-scale …": registry import and look-ups at 100,000–1,000,000 patients on both stores (RegistryScale).
if (args.Length > 0 && args[0] == "registry-scale")
{
    return await RegistryScale.RunAsync(args);
}

// "audit ..." runs the full-scale timed runs (AuditTimedRuns explains why they are not BenchmarkDotNet).
if (args.Length > 0 && args[0] == "audit")
{
    return await AuditTimedRuns.RunAsync(args);
}

// "filing ...": record filing throughput (PDF, FHIR) and the outbox's delay under a burst (FilingTimedRun).
if (args.Length > 0 && args[0] == "filing")
{
    return await FilingTimedRun.RunAsync(args);
}

// "--profile-topics N" runs the detectors N times over the corpus, for callgrind/perf (TopicProfile).
if (args.Length > 0 && args[0] == "--profile-topics")
{
    return TopicProfile.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(TopicProfile).Assembly).Run(args);
return 0;
