using System.Diagnostics;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ClinicMail.Application.Checking;
using ClinicMail.Application.Configuration;
using ClinicMail.Application.Handlers;
using ClinicMail.Application.Validation;
using ClinicMail.Core.Checking;
using ClinicMail.Core.Drafts;
using ClinicMail.Core.Policy;
using ClinicMail.Infrastructure.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace ClinicMail.Application.Hosting;

/// <summary>Started first thing in <c>Main</c>, on a thread of its own: compiles the check path — the draft's
/// and the response's JSON with the hosts' contract, the draft validator, the engine (whose tables it builds,
/// see <see cref="EnginePrebuild"/>) on a built-in draft, and SQLite — while the start-up thread builds the
/// host. On a two-core machine that is the second core's work during the ≈ 1 s before the first check
/// (docs/performance.md, "Cold start, round 3").</summary>
/// <remarks>
/// <para>Nothing here depends on the configuration or the container, and nothing is written: the draft goes to a
/// reserved <c>.invalid</c> address, no registry is consulted, SQLite is a private in-memory database, the JSON goes
/// nowhere. Each step's failure is kept (step name and exception type, never a message) and swallowed: every step
/// is work the real path does again, where the same failure is reported (an engine whose tables cannot be built
/// throws its <see cref="TypeInitializationException"/> to every later reader).</para>
/// <para>The host's own warm-up (<see cref="StartupWarmUp"/>) still runs once the services exist: it reaches what this
/// one cannot (the configured registry, the identity provider's keys).</para>
/// </remarks>
public sealed class ColdStartWarmUp
{
    private static ColdStartWarmUp? _started;

    private readonly IReadOnlyList<Step> _steps;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _failures = [];
    private readonly Stopwatch _watch = new();

    internal ColdStartWarmUp(IReadOnlyList<Step> steps) => _steps = steps;

    /// <summary>A named part of the warm-up.</summary>
    internal sealed record Step(string Name, Func<Task> Run);

    /// <summary>Completes when every step has run (failed or not); never faults.</summary>
    public Task Completion => _done.Task;

    /// <summary>How long the steps took, once <see cref="Completion"/> has completed.</summary>
    public TimeSpan Elapsed => _watch.Elapsed;

    /// <summary>The steps that failed, as <c>step: ExceptionType</c> (no message: it could quote input).</summary>
    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_failures)
            {
                return [.. _failures];
            }
        }
    }

    /// <summary>Starts the warm-up once per process (later calls return the same one).</summary>
    public static ColdStartWarmUp Start()
    {
        var warmUp = new ColdStartWarmUp(CheckPathSteps());
        if (Interlocked.CompareExchange(ref _started, warmUp, null) is { } already)
        {
            return already;
        }

        // A thread of its own, not the pool's: the host's start-up uses the pool, and this runs for hundreds of milliseconds.
        new Thread(() => warmUp.RunAsync().GetAwaiter().GetResult()) { IsBackground = true, Name = "ClinicMail cold-start warm-up" }.Start();
        return warmUp;
    }

    /// <summary>Runs every step in order; a step's failure is recorded and the next step runs.</summary>
    internal async Task RunAsync()
    {
        _watch.Start();
        foreach (var step in _steps)
        {
            try
            {
                await step.Run().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Recorded, not lost: the real path does this work again and reports its own failure.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                lock (_failures)
                {
                    _failures.Add(step.Name + ": " + ex.GetType().Name);
                }
            }
        }

        _watch.Stop();
        _done.TrySetResult();
    }

    internal static List<Step> CheckPathSteps()
    {
        // The hosts' JSON contract on options of its own: the JIT-compiled code is shared by every options
        // instance, the cached metadata is not (the host's options build theirs, now without compiling).
        var json = ClinicMailJsonContext.CreateHttpOptions();
        const string Domain = "clinique.med";
        var draft = StartupWarmUp.Sample(Domain);
        return
        [
            new("json-draft", async () => draft = await RoundTripDraftAsync(json, draft).ConfigureAwait(false)),
            new("validation", async () => await new DraftValidator(Options.Create(new LimitsOptions())).ValidateAsync(draft).ConfigureAwait(false)),
            new("sqlite", () => SqliteWarmUp.RunAsync()),
            new("engine", async () =>
            {
                var decisions = new DecisionService(DraftChecker.Default, Options.Create(new ClinicMailOptions { InternalDomains = [Domain] }),
                    Options.Create(PolicyOptions.Default), TimeProvider.System);
                var result = await decisions.DecideAsync(draft, directory: null, today: null, CancellationToken.None).ConfigureAwait(false);
                await WriteResponseAsync(json, CheckResponse.From("chk_warm_up", result)).ConfigureAwait(false);
            }),
        ];
    }

    /// <summary>As the hosts read a body: ASP.NET Core's binder reads a pipe, the worker a stream.</summary>
    private static async Task<Draft> RoundTripDraftAsync(JsonSerializerOptions json, Draft sample)
    {
        var info = (JsonTypeInfo<Draft>)json.GetTypeInfo(typeof(Draft));
        var bytes = JsonSerializer.SerializeToUtf8Bytes(sample, info);
        using var stream = new MemoryStream(bytes);
        _ = await JsonSerializer.DeserializeAsync(stream, info).ConfigureAwait(false);
        var reader = PipeReader.Create(new MemoryStream(bytes));
        var draft = await JsonSerializer.DeserializeAsync(reader, info).ConfigureAwait(false);
        await reader.CompleteAsync().ConfigureAwait(false);
        return draft!;
    }

    /// <summary>As the hosts write a result: to the response's pipe.</summary>
    private static async Task WriteResponseAsync(JsonSerializerOptions json, CheckResponse response)
    {
        var info = (JsonTypeInfo<CheckResponse>)json.GetTypeInfo(typeof(CheckResponse));
        var writer = PipeWriter.Create(Stream.Null);
        await JsonSerializer.SerializeAsync(writer, response, info).ConfigureAwait(false);
        await writer.CompleteAsync().ConfigureAwait(false);
    }
}
