using ClinicMail.Application.Hosting;
using ClinicMail.Core.Audit;
using ClinicMail.Core.Checking;
using ClinicMail.Core.Registry;
using ClinicMail.Core.Topics;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicMail.Functions.Tests;

/// <summary>The start-up warm-up (StartupWarmUp) runs the real check path and loads the issuer's keys,
/// and leaves no trace: no audit record, no registry change, no draft text in the logs.</summary>
public sealed class WarmUpTests
{
    [Test]
    public async Task WarmCheckPath_EmbeddedDefault_RunsTheRealEngineAndWritesNothing()
    {
        using var factory = new ClinicMailFactory();
        _ = factory.Server;
        var review = factory.Services.GetRequiredService<IAuditReviewStore>();
        var patients = factory.Services.GetRequiredService<IPatientStore>();
        var headBefore = (await review.ReadHeadAsync())?.Sequence ?? 0;
        var patientsBefore = (await patients.SearchAsync(new PatientSearch())).Total;

        var check = await factory.Services.GetRequiredService<StartupWarmUp>().WarmCheckPathAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(check.DraftValid, Is.True, "the built-in draft must pass the API's validation");
            Assert.That(check.Topics, Does.Contain(TopicCategory.Oncology).And.Contain(TopicCategory.MentalHealth));
            Assert.That(check.UnknownRecipients, Is.EqualTo(1), "the .invalid address is looked up in the registry and not found");
            Assert.That(check.Decision, Is.EqualTo(Decision.Block));
        });
        Assert.That((await review.ReadHeadAsync())?.Sequence ?? 0, Is.EqualTo(headBefore), "a warm-up is not a physician's check: no audit record");
        Assert.That((await patients.SearchAsync(new PatientSearch())).Total, Is.EqualTo(patientsBefore));
        Assert.That(factory.Logs, Has.None.Contains("biopsie").And.None.Contains("clinicmail-warm-up.invalid"));
    }

    [Test]
    public async Task WarmIdentity_DevelopmentIssuer_LoadsItsSigningKeyBeforeAnyRequest()
    {
        using var factory = new ClinicMailFactory();
        _ = factory.Server;

        var keys = await factory.Services.GetRequiredService<StartupWarmUp>().WarmIdentityAsync(CancellationToken.None);

        Assert.That(keys, Is.EqualTo(1));
        using var client = factory.ClientWithRoles("Physician");
        using var response = await client.GetAsync(new Uri("/api/v1/audit/records?limit=1", UriKind.Relative));
        Assert.That((int)response.StatusCode, Is.EqualTo(200), "the token validates against the keys the warm-up loaded");
    }

    [Test]
    public async Task EnginePrebuild_ResolvedFromManyThreadsWhileBuilding_EveryCallerGetsTheOneCompleteEngine()
    {
        // The engine is built on a pool thread at registration (EnginePrebuild); requests that arrive
        // meanwhile must wait for the whole engine, never see a partial one.
        var services = new ServiceCollection();
        services.AddSingleton<DraftChecker>(EnginePrebuild.Start());
        await using var provider = services.BuildServiceProvider();

        var engines = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(provider.GetRequiredService<DraftChecker>)));

        Assert.That(engines, Has.All.SameAs(DraftChecker.Default));
        var draft = StartupWarmUp.Sample("clinique.med");
        var result = await engines[0].CheckAsync(draft, new CheckContext { InternalDomains = ["clinique.med"], Today = new DateOnly(2026, 12, 7) });
        Assert.That(result.Topics.Select(t => t.Category), Does.Contain(TopicCategory.Oncology), "the lexicons are all there");
    }
}
