using BenchmarkDotNet.Running;

// "audit ..." runs the full-scale timed runs (AuditTimedRuns explains why they are not BenchmarkDotNet).
if (args.Length > 0 && args[0] == "audit")
{
    return await ClinicMail.Benchmarks.AuditTimedRuns.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
