using ClinicMail.Application.Hosting;

namespace ClinicMail.Functions.Tests;

/// <summary>The warm-up started first thing in Main (ColdStartWarmUp) runs the real check path's code on built-in
/// input, writes nothing, and never stops a start: a failing step is recorded by type and the rest still runs.</summary>
public sealed class ColdStartWarmUpTests
{
    [Test]
    public async Task CheckPathSteps_RunWithoutFailureAndLeaveNoFileBehind()
    {
        var folders = new[] { Environment.CurrentDirectory, AppContext.BaseDirectory, Path.GetTempPath() };
        var before = folders.ToDictionary(f => f, Listing);
        var warmUp = new ColdStartWarmUp(ColdStartWarmUp.CheckPathSteps());

        await warmUp.RunAsync();

        Assert.That(warmUp.Completion.IsCompletedSuccessfully, Is.True);
        Assert.That(warmUp.Failures, Is.Empty, "each step is the real path's code on valid input");
        foreach (var folder in folders)
        {
            // Other tests may add files to the temp folder meanwhile; nothing of SQLite's (":memory:", -wal, -shm) may appear.
            Assert.That(Listing(folder).Except(before[folder]), Has.None.Contains("memory").And.None.EndsWith(".db").And.None.EndsWith("-wal"), folder);
        }
    }

    [Test]
    public async Task AStepFails_ItsTypeIsRecordedWithoutItsMessageAndTheNextStepsRun()
    {
        var ran = false;
        var warmUp = new ColdStartWarmUp(
        [
            new("json-draft", () => throw new InvalidOperationException("Le patient Tremblay")),
            new("engine", () => Task.FromException(new FormatException("5501 0112"))),
            new("sqlite", () =>
            {
                ran = true;
                return Task.CompletedTask;
            }),
        ]);

        await warmUp.RunAsync();

        Assert.Multiple(() =>
        {
            Assert.That(warmUp.Completion.IsCompletedSuccessfully, Is.True, "a failed warm-up never faults: the start goes on");
            Assert.That(ran, Is.True);
            Assert.That(warmUp.Failures, Is.EqualTo(new[] { "json-draft: InvalidOperationException", "engine: FormatException" }));
        });
    }

    [Test]
    public async Task Start_TwiceInOneProcess_ReturnsTheOneWarmUp()
    {
        var first = ColdStartWarmUp.Start();
        var second = ColdStartWarmUp.Start();

        Assert.That(second, Is.SameAs(first));
        await first.Completion.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.That(first.Failures, Is.Empty);
    }

    private static HashSet<string> Listing(string folder) =>
        Directory.Exists(folder) ? [.. Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).OfType<string>()] : [];
}
