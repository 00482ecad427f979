using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

// Issue 18: the Graph webhook answers within 3 s by putting the notification's ids on a Storage queue,
// and the IncomingMailQueue function drains it. The template declares that queue and its poison queue,
// grants the app's identity Storage Queue Data Contributor on those two queues only, and tells the
// worker (settings as SettingsCatalog and docs/configuration.md name them) and the Functions host's
// queue trigger (identity-based connection) where they are.
public sealed class IncomingMailQueueTemplateTests
{
    private const string QueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";

    private static IReadOnlyList<ArmResource> Queues => InfraTemplates.Declared("Microsoft.Storage/storageAccounts/queueServices/queues");

    [Test]
    public void Storage_DeclaresTheIncomingQueueAndItsPoisonQueue()
    {
        var names = Queues.Select(q => q.Name).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(names, Has.Count.EqualTo(2));
            Assert.That(names, Has.Some.Contains("parameters('incomingQueueName')").And.Not.Contains("-poison"));
            Assert.That(names, Has.Some.Contains("-poison"), "the runtime's poison queue is {name}-poison; declared so the role can be granted on it");
            Assert.That(InfraTemplates.Module("storage").Json["parameters"]!["incomingQueueName"]!["defaultValue"]!.GetValue<string>(), Is.EqualTo("incoming-mail"),
                "the default the worker's IncomingMail:QueueName also has");
        });
    }

    [Test]
    public void QueueRole_IsQueueDataContributorOnEachIncomingQueueOnly()
    {
        var assignments = InfraTemplates.Declared("Microsoft.Authorization/roleAssignments")
            .Where(a => a.String("properties.roleDefinitionId").Contains("storageQueueDataContributorRoleId", StringComparison.Ordinal)
                || a.String("properties.roleDefinitionId").Contains(QueueDataContributor, StringComparison.Ordinal))
            .ToList();

        Assert.That(assignments, Has.Count.EqualTo(2));
        foreach (var assignment in assignments)
        {
            Assert.Multiple(() =>
            {
                Assert.That(assignment.String("scope"), Does.StartWith("[resourceId('Microsoft.Storage/storageAccounts/queueServices/queues',"), "on the queue, not the account");
                Assert.That(assignment.String("properties.principalId"), Is.EqualTo("[parameters('principalId')]"));
                Assert.That(assignment.String("properties.principalType"), Is.EqualTo("ServicePrincipal"));
            });
        }

        Assert.That(assignments.Select(a => a.String("scope")), Has.Some.Contains("incomingPoisonQueueName"));
    }

    [Test]
    public void AppSettings_TheWorkerEnqueuesAndTheTriggerDrains_AsTheManagedIdentity()
    {
        var settings = AppSettingsTests.CoreSettings;

        Assert.Multiple(() =>
        {
            Assert.That(settings["IncomingMail__Queue"].ToString(), Does.Contain("StorageQueue"));
            Assert.That(settings["IncomingMail__QueueServiceUri"].ToString(), Is.EqualTo("parameters(\"queueEndpoint\")"));
            Assert.That(settings["IncomingMail__QueueName"].ToString(), Is.EqualTo("parameters(\"incomingQueueName\")"));
            Assert.That(settings["IncomingMail__RunBackground"].ToString(), Does.Contain("false"), "the worker's timers and queue trigger do the work");
            Assert.That(settings["IncomingMail__QueueConnection__queueServiceUri"].ToString(), Is.EqualTo("parameters(\"queueEndpoint\")"));
            Assert.That(settings["IncomingMail__QueueConnection__credential"].ToString(), Does.Contain("managedidentity"));
            Assert.That(settings["IncomingMail__QueueConnection__clientId"].ToString(), Does.Contain("userAssignedIdentities").And.EndWith(".clientId"));
            Assert.That(settings.Keys, Has.None.Contains("QueueConnectionString"), "no connection string: shared keys are off on the account");
        });
    }
}
