using BenchmarkDotNet.Running;
using ClinicMail.Benchmarks;

// "rewrap N": the one-shot rewrap measurement; anything else: BenchmarkDotNet.
if (args.Length > 0 && args[0] == "rewrap")
{
    return await RewrapRun.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
