using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

// Locates the repository from the test output folder and parses every Bicep file under infra/ once.
public static class InfraTemplates
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);
    private static readonly Lazy<IReadOnlyList<BicepFile>> LazyFiles = new(LoadAll);

    public static string Root => LazyRoot.Value;

    public static string InfraDirectory => Path.Combine(Root, "infra");

    public static IReadOnlyList<BicepFile> All => LazyFiles.Value;

    public static BicepFile Main => File("main.bicep");

    public static BicepFile Module(string name) => File(Path.Combine("modules", name + ".bicep"));

    public static BicepFile File(string relativeToInfra)
    {
        var full = Path.GetFullPath(Path.Combine(InfraDirectory, relativeToInfra));
        return All.SingleOrDefault(f => string.Equals(Path.GetFullPath(f.Path), full, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No Bicep file infra/{relativeToInfra}.");
    }

    // Resources declared (not merely referenced with 'existing') anywhere under infra/.
    public static IReadOnlyList<BicepResource> Declared(string type) =>
        All.SelectMany(f => f.Resources)
            .Where(r => !r.IsExisting && string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase))
            .ToList();

    public static BicepResource Single(string type)
    {
        var found = Declared(type);
        Assert.That(found, Has.Count.EqualTo(1), $"exactly one {type} is expected");
        return found[0];
    }

    public static string ReadText(params string[] relativeToRoot) =>
        System.IO.File.ReadAllText(Path.Combine([Root, .. relativeToRoot]));

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !System.IO.File.Exists(Path.Combine(dir.FullName, "ClinicMail.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("ClinicMail.sln not found above the test directory.");
    }

    private static IReadOnlyList<BicepFile> LoadAll() =>
        Directory.EnumerateFiles(Path.Combine(Root, "infra"), "*.bicep", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(BicepParser.ParseFile)
            .ToList();
}

public static class BicepAssert
{
    public static string Literal(BicepValue? value, string what)
    {
        Assert.That(value, Is.InstanceOf<BicepExpression>(), $"{what} must be set to a literal");
        var literal = ((BicepExpression)value!).StringLiteral;
        Assert.That(literal, Is.Not.Null, $"{what} must be a plain string literal, was {((BicepExpression)value).Text}");
        return literal!;
    }

    public static bool Boolean(BicepValue? value, string what)
    {
        Assert.That(value, Is.InstanceOf<BicepExpression>(), $"{what} must be set");
        var boolean = ((BicepExpression)value!).Boolean;
        Assert.That(boolean, Is.Not.Null, $"{what} must be a boolean literal, was {((BicepExpression)value).Text}");
        return boolean!.Value;
    }

    public static string Expression(BicepValue? value, string what)
    {
        Assert.That(value, Is.InstanceOf<BicepExpression>(), $"{what} must be set to an expression");
        return ((BicepExpression)value!).Text;
    }

    public static IReadOnlyList<string> LiteralArray(BicepValue? value, string what)
    {
        Assert.That(value, Is.InstanceOf<BicepArray>(), $"{what} must be an array literal");
        return ((BicepArray)value!).Items.Select((item, i) => Literal(item, $"{what}[{i}]")).ToList();
    }
}
