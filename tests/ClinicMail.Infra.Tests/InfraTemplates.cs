using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

// Locates the repository from the test output folder and compiles infra/main.bicep once with the real
// Bicep CLI; the tests assert on the ARM JSON the compiler produces (what Azure Resource Manager gets).
public static class InfraTemplates
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);
    private static readonly Lazy<(ArmTemplate Template, IReadOnlyList<string> Diagnostics)> LazyMain = new(Compile);

    public static string Root => LazyRoot.Value;

    public static string InfraDirectory => Path.Combine(Root, "infra");

    public static ArmTemplate Main => LazyMain.Value.Template;

    public static IReadOnlyList<string> MainBuildDiagnostics => LazyMain.Value.Diagnostics;

    public static IEnumerable<ArmTemplate> All => Main.SelfAndModules;

    public static ArmTemplate Module(string name) => Main.Module(name);

    public static IReadOnlyList<string> BicepFiles =>
        Directory.EnumerateFiles(InfraDirectory, "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

    public static IReadOnlyList<ArmResource> Declared(string type) =>
        All.SelectMany(t => t.Resources).Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase)).ToList();

    public static ArmResource Single(string type)
    {
        var found = Declared(type);
        Assert.That(found, Has.Count.EqualTo(1), $"exactly one {type} is expected");
        return found[0];
    }

    public static string ReadText(params string[] relativeToRoot) =>
        File.ReadAllText(Path.Combine([Root, .. relativeToRoot]));

    private static (ArmTemplate, IReadOnlyList<string>) Compile()
    {
        var (json, diagnostics) = BicepCli.Build(Path.Combine(InfraDirectory, "main.bicep"));
        return (new ArmTemplate("main", json), diagnostics);
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ClinicMail.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("ClinicMail.sln not found above the test directory.");
    }
}
