using System.Reflection;
using Mono.Cecil;
using NetArchTest.Rules;

namespace ClinicMail.Functions.Tests;

/// <summary>The layering of docs/architecture.md ("What may reference what"), checked on the built
/// assemblies: Core references no ASP.NET, Azure, database or HTTP package; adapters do not reach up into
/// the application layer; hosts do not reference each other; no namespace of ours depends on one that
/// depends back on it.</summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly Core = typeof(Core.Drafts.Draft).Assembly;
    private static readonly Assembly Infrastructure = typeof(Infrastructure.Storage.StorageBackend).Assembly;
    private static readonly Assembly Application = typeof(Application.Hosting.ClinicMailComposition).Assembly;
    private static readonly Assembly LocalHost = typeof(LocalHost.Hosting.ClinicMailHost).Assembly;
    private static readonly Assembly Worker = typeof(WorkerProgram).Assembly;
    private static readonly Assembly Cli = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "clinicmail.dll"));

    [TestCase("Microsoft.AspNetCore")]
    [TestCase("Azure")]
    [TestCase("Npgsql")]
    [TestCase("Microsoft.Data.Sqlite")]
    [TestCase("System.Net.Http")]
    [TestCase("Microsoft.Extensions.Http")]
    [TestCase("ClinicMail.Infrastructure")]
    [TestCase("ClinicMail.Application")]
    public void Core_DependsOnNoFrameworkOrAdapter(string forbidden)
    {
        var result = Types.InAssembly(Core).ShouldNot().HaveDependencyOn(forbidden).GetResult();

        Assert.That(result.FailingTypeNames ?? [], Is.Empty, $"Core types that use {forbidden}");
        Assert.That(Core.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith(forbidden, StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public void Infrastructure_DoesNotReachUpIntoTheApplicationOrAHost()
    {
        var result = Types.InAssembly(Infrastructure).ShouldNot()
            .HaveDependencyOnAny("ClinicMail.Application", "ClinicMail.LocalHost", "ClinicMail.Functions", "ClinicMail.Cli").GetResult();

        Assert.That(result.FailingTypeNames ?? [], Is.Empty);
    }

    [Test]
    public void Application_ReferencesNoHost()
    {
        Assert.That(References(Application), Is.EquivalentTo(new[] { "ClinicMail.Core", "ClinicMail.Infrastructure" }));
    }

    [Test]
    public void Hosts_DoNotReferenceEachOther()
    {
        Assert.That(References(LocalHost), Is.EquivalentTo(new[] { "ClinicMail.Application", "ClinicMail.Core", "ClinicMail.Infrastructure" }).Or.EquivalentTo(new[] { "ClinicMail.Application", "ClinicMail.Core" }).Or.EquivalentTo(new[] { "ClinicMail.Application" }));
        foreach (var (host, others) in new[]
        {
            (LocalHost, new[] { "ClinicMail.Functions", "clinicmail" }),
            (Worker, new[] { "ClinicMail.LocalHost", "clinicmail" }),
            (Cli, new[] { "ClinicMail.LocalHost", "ClinicMail.Functions" }),
        })
        {
            Assert.That(References(host).Intersect(others), Is.Empty, $"{host.GetName().Name} references another host");
        }
    }

    [Test]
    public void Namespaces_HaveNoCycles()
    {
        var cycles = new List<string>();
        foreach (var assembly in new[] { Core, Infrastructure, Application, LocalHost, Worker, Cli })
        {
            cycles.AddRange(Cycles(NamespaceGraph(assembly.Location)));
        }

        Assert.That(cycles, Is.Empty, "namespaces that depend on each other (move the shared type down a layer)");
    }

    private static List<string> References(Assembly assembly) =>
        [.. assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("ClinicMail", StringComparison.Ordinal) || n == "clinicmail")];

    /// <summary>Namespace → the namespaces of this assembly its types use (signatures and method bodies).</summary>
    private static Dictionary<string, HashSet<string>> NamespaceGraph(string path)
    {
        using var module = ModuleDefinition.ReadModule(path);
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in module.GetTypes().Where(t => t.Name != "<Module>"))
        {
            var from = NamespaceOf(type);
            if (from.Length == 0 || !from.StartsWith("ClinicMail", StringComparison.Ordinal))
            {
                continue;
            }

            var edges = graph.TryGetValue(from, out var set) ? set : graph[from] = new HashSet<string>(StringComparer.Ordinal);
            foreach (var used in UsedTypes(type).Where(t => t.Scope == module || t.Module == module).Select(t => t.Resolve()).OfType<TypeDefinition>())
            {
                var to = NamespaceOf(used);
                if (to != from && to.StartsWith("ClinicMail", StringComparison.Ordinal))
                {
                    edges.Add(to);
                }
            }
        }

        return graph;
    }

    private static IEnumerable<TypeReference> UsedTypes(TypeDefinition type)
    {
        if (type.BaseType is not null)
        {
            yield return type.BaseType;
        }

        foreach (var i in type.Interfaces)
        {
            yield return i.InterfaceType;
        }

        foreach (var f in type.Fields)
        {
            yield return f.FieldType;
        }

        foreach (var m in type.Methods)
        {
            yield return m.ReturnType;
            foreach (var p in m.Parameters)
            {
                yield return p.ParameterType;
            }

            if (!m.HasBody)
            {
                continue;
            }

            foreach (var v in m.Body.Variables)
            {
                yield return v.VariableType;
            }

            foreach (var operand in m.Body.Instructions.Select(i => i.Operand))
            {
                switch (operand)
                {
                    case TypeReference t:
                        yield return t;
                        break;
                    case MemberReference member when member.DeclaringType is not null:
                        yield return member.DeclaringType;
                        break;
                }
            }
        }
    }

    /// <summary>Compiler-generated nested types (lambdas, async state machines) count for their outer type.</summary>
    private static string NamespaceOf(TypeReference type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type.GetElementType().Namespace;
    }

    /// <summary>Strongly connected components of more than one namespace (Tarjan).</summary>
    private static IEnumerable<string> Cycles(Dictionary<string, HashSet<string>> graph)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        var counter = 0;

        void Visit(string node)
        {
            index[node] = low[node] = counter++;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], index[next]);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                if (component.Count > 1)
                {
                    result.Add(string.Join(" <-> ", component.Order(StringComparer.Ordinal)));
                }
            }
        }

        foreach (var node in graph.Keys.ToList().Where(n => !index.ContainsKey(n)))
        {
            Visit(node);
        }

        return result;
    }
}
