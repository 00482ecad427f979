using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "registry-scale")
{
    return await ClinicMail.Benchmarks.RegistryScale.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
