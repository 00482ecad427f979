using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

// Issue 19: every exchange is filed in a blob container with versioning and a time-based immutability
// (WORM) policy, written by the app's managed identity with a role scoped to that container, and the
// app is told to file there (settings named as SettingsCatalog and docs/configuration.md name them).
public sealed class RecordFilingTemplateTests
{
    private static ArmResource Container => InfraTemplates.Declared("Microsoft.Storage/storageAccounts/blobServices/containers")
        .Single(c => c.Name.Contains("filingContainerName", StringComparison.Ordinal));

    private static ArmResource Policy => InfraTemplates.Declared("Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies")
        .Single(p => p.Name.Contains("filingContainerName", StringComparison.Ordinal));

    [Test]
    public void FilingContainer_IsPrivateWithVersionLevelImmutability()
    {
        var blobService = InfraTemplates.Single("Microsoft.Storage/storageAccounts/blobServices");

        Assert.Multiple(() =>
        {
            Assert.That(Container.String("properties.publicAccess"), Is.EqualTo("None"));
            Assert.That((bool)Container.At("properties.immutableStorageWithVersioning.enabled")!, Is.True, "each blob version is WORM");
            Assert.That((bool)blobService.At("properties.isVersioningEnabled")!, Is.True, "version-level immutability needs account versioning");
        });
    }

    [Test]
    public void FilingContainer_ImmutabilityPolicy_IsTimeBasedWithoutAppends()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Policy.Name, Does.Contain("'default'"));
            Assert.That(Policy.String("properties.immutabilityPeriodSinceCreationInDays"), Is.EqualTo("[parameters('filingImmutabilityDays')]"));
            Assert.That((bool)Policy.At("properties.allowProtectedAppendWrites")!, Is.False, "a filed document is never appended to");
        });
    }

    [Test]
    public void FilingRetention_IsAtLeastFiveYears()
    {
        var parameter = InfraTemplates.Module("storage").Json["parameters"]!["filingImmutabilityDays"]!;

        Assert.Multiple(() =>
        {
            Assert.That(parameter["defaultValue"]!.GetValue<int>(), Is.GreaterThanOrEqualTo(5 * 365));
            Assert.That(parameter["minValue"]!.GetValue<int>(), Is.GreaterThanOrEqualTo(5 * 365), "a deployment cannot shorten it below the Collège's five years");
        });
    }

    [Test]
    public void FilingWriter_IsBlobDataContributorOnTheFilingContainerOnly()
    {
        var assignment = InfraTemplates.Declared("Microsoft.Authorization/roleAssignments")
            .Single(a => a.String("scope").Contains("filingContainerName", StringComparison.Ordinal));

        Assert.Multiple(() =>
        {
            Assert.That(assignment.String("scope"), Does.StartWith("[resourceId('Microsoft.Storage/storageAccounts/blobServices/containers',"));
            Assert.That(assignment.String("properties.roleDefinitionId"), Does.Contain("storageBlobDataContributorRoleId").Or.Contain("ba92f5b4-2d11-453d-a403-e96b0029c9fe"));
            Assert.That(assignment.String("properties.principalId"), Is.EqualTo("[parameters('principalId')]"));
        });
    }

    [Test]
    public void AppSettings_RecordFiling_IsTheBlobContainerAsTheManagedIdentity()
    {
        var settings = AppSettingsTests.CoreSettings;

        Assert.Multiple(() =>
        {
            Assert.That(settings["RecordFiling__Destinations"].ToString(), Does.Contain("blob"));
            Assert.That(settings["RecordFiling__Blob__ServiceUri"].ToString(), Is.EqualTo("parameters(\"blobEndpoint\")"));
            Assert.That(settings["RecordFiling__Blob__Container"].ToString(), Is.EqualTo("parameters(\"filingContainerName\")"));
            Assert.That(settings["RecordFiling__Blob__ManagedIdentityClientId"].ToString(), Does.Contain("userAssignedIdentities").And.EndWith(".clientId"));
            Assert.That(settings["RecordFiling__Graph__Enabled"].ToString(), Does.Contain("sentItemsMailboxes"), "Sent Items are read only when mailboxes are named");
        });
    }
}
