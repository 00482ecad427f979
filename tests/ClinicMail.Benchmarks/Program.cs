using BenchmarkDotNet.Running;
using ClinicMail.Benchmarks;

if (args.Length > 0 && args[0] == "--profile-topics")
{
    return TopicProfile.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(TopicProfile).Assembly).Run(args);
return 0;
