using System.Diagnostics;
using System.Runtime;
using ClinicMail.Application.Hosting;

namespace ClinicMail.LocalHost.Hosting;

/// <summary>Where a cold start goes, in figures that do not depend on how loaded the machine is
/// (docs/performance.md, "API p99 and cold start"): for each phase, the methods the JIT compiled, the assemblies loaded, the bytes allocated and the process's CPU
/// time, beside the wall-clock time since the process started. JIT counts are the most load-independent
/// figure: every method compiled before the first answer is work a cold start pays. Logged once, at Debug under
/// <c>ClinicMail.Startup</c>, when the first check has been answered (numbers only, nothing of a request).</summary>
public sealed class StartupTimeline
{
    public const string LoggerCategory = "ClinicMail.Startup";

    private static readonly DateTime ProcessStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();
    private readonly Lock _gate = new();
    private readonly List<StartupMark> _marks = [];

    public IReadOnlyList<StartupMark> Marks
    {
        get
        {
            lock (_gate)
            {
                return [.. _marks];
            }
        }
    }

    /// <summary>Records the end of a phase named <paramref name="phase"/>.</summary>
    public void Mark(string phase)
    {
        var mark = new StartupMark(
            phase,
            (DateTime.UtcNow - ProcessStart).TotalMilliseconds,
            Environment.CpuUsage.TotalTime.TotalMilliseconds,
            JitInfo.GetCompiledMethodCount(),
            JitInfo.GetCompilationTime().TotalMilliseconds,
            AppDomain.CurrentDomain.GetAssemblies().Length,
            GC.GetTotalAllocatedBytes());
        lock (_gate)
        {
            _marks.Add(mark);
        }
    }

    /// <summary>Each phase as the difference from the previous mark (the first from process start).</summary>
    /// <remarks>With <c>warmUp</c>, the cold-start warm-up that ran beside the phases: how long it took, which steps failed.</remarks>
    public void Log(ILogger logger, ColdStartWarmUp? warmUp = null)
    {
        StartupMark? previous = null;
        foreach (var mark in Marks)
        {
            logger.LogDebug(
                "Startup phase {Phase}: at {AtMs:F0} ms (+{WallMs:F0} ms), CPU +{CpuMs:F0} ms, JIT +{JitMethods} methods (+{JitMs:F0} ms), assemblies {Assemblies}, allocated +{AllocatedKb} KB",
                mark.Phase, mark.AtMs, mark.AtMs - (previous?.AtMs ?? 0), mark.CpuMs - (previous?.CpuMs ?? 0),
                mark.JitAll - (previous?.JitAll ?? 0), mark.JitMs - (previous?.JitMs ?? 0),
                mark.Assemblies, (mark.AllocatedBytes - (previous?.AllocatedBytes ?? 0)) / 1024);
            previous = mark;
        }

        if (warmUp is { Completion.IsCompleted: true })
        {
            logger.LogDebug("Startup cold-start warm-up (own thread): {WarmUpMs:F0} ms, failed steps: {Failures}",
                warmUp.Elapsed.TotalMilliseconds, warmUp.Failures.Count == 0 ? "none" : string.Join(", ", warmUp.Failures));
        }
        else if (warmUp is not null)
        {
            logger.LogDebug("Startup cold-start warm-up (own thread): still running at the first answer");
        }
    }
}

/// <summary>One phase's end: cumulative counters at that moment.</summary>
public sealed record StartupMark(string Phase, double AtMs, double CpuMs, long JitAll, double JitMs, int Assemblies, long AllocatedBytes);
