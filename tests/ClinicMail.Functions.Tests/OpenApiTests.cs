using System.Text.Json;

namespace ClinicMail.Functions.Tests;

public sealed class OpenApiTests
{
    [Test]
    public async Task OpenApi_IsServedAnonymouslyAndDescribesTheCheckAsync()
    {
        using var factory = new ClinicMailFactory();
        using var client = factory.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync("/api/openapi.json"));
        var paths = document.RootElement.GetProperty("paths");

        Assert.That(document.RootElement.GetProperty("info").GetProperty("title").GetString(), Is.EqualTo("ClinicMail API"));
        Assert.That(paths.TryGetProperty("/api/v1/check", out var check), Is.True);
        Assert.That(check.TryGetProperty("post", out _), Is.True);
        Assert.That(paths.TryGetProperty("/api/v1/checks/{checkId}/override", out _), Is.True);
        Assert.That(paths.EnumerateObject().Select(p => p.Name), Has.None.Contains("dev-issuer"), "development-only routes are not described");
    }
}
