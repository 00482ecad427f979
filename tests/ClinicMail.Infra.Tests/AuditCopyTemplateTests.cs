using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

// Issue 22: the copy of the audit checkpoints outside the database lives in a container under a
// time-based immutability (WORM) policy that allows only appends, and the app is told to use it.
public sealed class AuditCopyTemplateTests
{
    private static ArmResource Policy => InfraTemplates.Declared("Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies")
        .Single(p => p.Name.Contains("auditContainerName", StringComparison.Ordinal));

    [Test]
    public void AuditContainer_ImmutabilityPolicy_IsTimeBasedWithProtectedAppendsOnly()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Policy.Name, Does.Contain("parameters('auditContainerName')").And.Contain("'default'"));
            Assert.That(Policy.String("properties.immutabilityPeriodSinceCreationInDays"), Is.EqualTo("[parameters('auditImmutabilityDays')]"));
            Assert.That((bool)Policy.At("properties.allowProtectedAppendWrites")!, Is.True);
        });
    }

    [Test]
    public void AuditContainer_Retention_IsAtLeastSevenYearsByDefault()
    {
        var storage = InfraTemplates.Module("storage");
        var days = storage.Json["parameters"]!["auditImmutabilityDays"]!["defaultValue"]!.GetValue<int>();

        Assert.That(days, Is.GreaterThanOrEqualTo(7 * 365));
    }

    [Test]
    public void AppSettings_AuditCopy_IsTheBlobContainerAsTheManagedIdentity()
    {
        var settings = AppSettingsTests.CoreSettings;

        Assert.Multiple(() =>
        {
            Assert.That(settings["AuditCopy__Provider"].ToString(), Is.EqualTo("'Blob'").Or.EqualTo("Blob").Or.Contain("Blob"));
            Assert.That(settings["AuditCopy__BlobContainerUri"].ToString(), Is.EqualTo("parameters(\"auditContainerUri\")"));
            Assert.That(settings["AuditCopy__ManagedIdentityClientId"].ToString(), Does.Contain("userAssignedIdentities").And.EndWith(".clientId"));
        });
    }
}
