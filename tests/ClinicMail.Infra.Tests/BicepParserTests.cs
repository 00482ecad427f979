using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

// The structural tests are only as good as the parser, so it is tested on the constructs the
// templates use, including the ones a naive regex would get wrong.
public sealed class BicepParserTests
{
    private const string Sample = """
        // comment with { a brace
        @description('It\'s a name: {not structure}')
        @minLength(3)
        param baseName string
        param tags object = {
          app: 'x'
        }
        var host = '${baseName}.example.${toLower('A}B')}'
        var items = [for (d, i) in domains: {
          name: 'D__${i}'
        }]
        /* block
           comment */
        resource site 'Microsoft.Web/sites@2024-11-01' = {
          name: host
          properties: {
            httpsOnly: true
            siteConfig: {
              minTlsVersion: '1.2'
            }
            list: [
              'a'
              'b'
            ]
            call: union(tags, {
              extra: 1
            })
          }
        }
        resource kv 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
          name: 'kv'
        }
        resource rule 'Microsoft.Sql/x@2024-01-01' = if (enabled) {
          name: 'r'
        }
        output hostName string = site.properties.defaultHostName
        """;

    [Test]
    public void Parse_Sample_ReadsEveryDeclaration()
    {
        var file = BicepParser.Parse(Sample);

        Assert.Multiple(() =>
        {
            Assert.That(file.Params.Select(p => p.Name), Is.EqualTo(new[] { "baseName", "tags" }));
            Assert.That(file.Variables.Select(v => v.Name), Is.EqualTo(new[] { "host", "items" }));
            Assert.That(file.Resources.Select(r => r.Symbol), Is.EqualTo(new[] { "site", "kv", "rule" }));
            Assert.That(file.Outputs.Single().Name, Is.EqualTo("hostName"));
        });
    }

    [Test]
    public void Parse_DecoratorWithEscapedQuoteAndBraces_KeepsArguments()
    {
        var param = BicepParser.Parse(Sample).Param("baseName")!;

        Assert.That(param.Decorators.Select(d => d.Name), Is.EqualTo(new[] { "description", "minLength" }));
        Assert.That(param.Decorators[0].Arguments, Is.EqualTo("'It\\'s a name: {not structure}'"));
    }

    [Test]
    public void Parse_InterpolationHoldingBraces_IsOneStringExpression()
    {
        var host = (BicepExpression)BicepParser.Parse(Sample).Variable("host")!.Value;

        Assert.That(host.Text, Is.EqualTo("'${baseName}.example.${toLower('A}B')}'"));
        Assert.That(host.StringLiteral, Is.Null, "an interpolated string is not a literal");
    }

    [Test]
    public void Parse_NestedObjectsAndArrays_ResolveByPath()
    {
        var site = BicepParser.Parse(Sample).Resource("site")!;

        Assert.Multiple(() =>
        {
            Assert.That(site.Type, Is.EqualTo("Microsoft.Web/sites"));
            Assert.That(site.ApiVersion, Is.EqualTo("2024-11-01"));
            Assert.That(((BicepExpression)site.At("properties.httpsOnly")!).Boolean, Is.True);
            Assert.That(((BicepExpression)site.At("properties.siteConfig.minTlsVersion")!).StringLiteral, Is.EqualTo("1.2"));
            Assert.That(((BicepArray)site.At("properties.list")!).Items, Has.Count.EqualTo(2));
            Assert.That(((BicepExpression)site.At("properties.call")!).Text, Does.StartWith("union(tags, {").And.EndWith("})"));
        });
    }

    [Test]
    public void Parse_ForExpressionExistingAndCondition_AreRecognised()
    {
        var file = BicepParser.Parse(Sample);

        var items = (BicepFor)file.Variable("items")!.Value;
        Assert.Multiple(() =>
        {
            Assert.That(items.Header, Is.EqualTo("for (d, i) in domains"));
            Assert.That(((BicepObject)items.Body).Keys, Is.EqualTo(new[] { "name" }));
            Assert.That(file.Resource("kv")!.IsExisting, Is.True);
            Assert.That(file.Resource("site")!.IsExisting, Is.False);
            Assert.That(file.Resource("rule")!.Condition, Is.EqualTo("enabled"));
        });
    }

    [TestCase("resource x 'Microsoft.Web/sites' = {\n}\n", "no API version")]
    [TestCase("param p string = 'unterminated\n", "newline inside a single-line string")]
    [TestCase("resource x 'A/b@1' = {\n  a: 1\n  a: 2\n}\n", "duplicate property")]
    [TestCase("frobnicate x = 1\n", "unexpected top-level keyword")]
    public void Parse_MalformedOrUnsupported_ThrowsWithReason(string source, string reason)
    {
        var ex = Assert.Throws<FormatException>(() => BicepParser.Parse(source));

        Assert.That(ex!.Message, Does.Contain(reason));
    }

    [Test]
    public void ParseFile_EveryInfraTemplate_Parses()
    {
        Assert.That(InfraTemplates.All.Select(f => Path.GetFileName(f.Path)),
            Is.SupersetOf(new[] { "main.bicep", "functionapp.bicep", "keyvault.bicep", "postgres.bicep", "monitoring.bicep", "storage.bicep", "access.bicep" }));
    }
}
