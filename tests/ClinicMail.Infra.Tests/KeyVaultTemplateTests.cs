using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

public sealed class KeyVaultTemplateTests
{
    // What ClinicMail does with the key-encryption key (DESIGN rule 6 and the audit chain).
    private static readonly string[] NeededKeyOps = ["wrapKey", "unwrapKey", "sign", "verify"];

    private static BicepResource Vault => InfraTemplates.Single("Microsoft.KeyVault/vaults");

    private static BicepResource Key => InfraTemplates.Single("Microsoft.KeyVault/vaults/keys");

    [Test]
    public void Vault_Sku_IsPremiumForHsmKeys()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BicepAssert.Literal(Vault.At("properties.sku.name"), "sku.name"), Is.EqualTo("premium"));
            Assert.That(BicepAssert.Literal(Vault.At("properties.sku.family"), "sku.family"), Is.EqualTo("A"));
        });
    }

    [Test]
    public void Vault_Protection_IsRbacSoftDeleteAndPurgeProtected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BicepAssert.Boolean(Vault.At("properties.enableRbacAuthorization"), "enableRbacAuthorization"), Is.True);
            Assert.That(BicepAssert.Boolean(Vault.At("properties.enableSoftDelete"), "enableSoftDelete"), Is.True);
            Assert.That(BicepAssert.Boolean(Vault.At("properties.enablePurgeProtection"), "enablePurgeProtection"), Is.True);
            Assert.That(((BicepExpression)Vault.At("properties.softDeleteRetentionInDays")!).Integer, Is.EqualTo(90));
            Assert.That(Vault.At("properties.accessPolicies"), Is.Null, "RBAC only: no access policies");
        });
    }

    [Test]
    public void Vault_PublicNetworkAccess_IsAnExplicitDocumentedChoice()
    {
        var vaultFile = InfraTemplates.Module("keyvault");

        Assert.That(BicepAssert.Expression(Vault.At("properties.publicNetworkAccess"), "publicNetworkAccess"), Is.EqualTo("publicNetworkAccess"));
        var param = vaultFile.Param("publicNetworkAccess")!;
        Assert.That(param.Decorators.Single(d => d.Name == "allowed").Arguments, Does.Contain("'Disabled'"));
        Assert.That(param.Decorators.Single(d => d.Name == "description").Arguments, Does.Contain("private endpoint"));
    }

    [Test]
    public void Key_Type_IsRsaHsm3072()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BicepAssert.Literal(Key.At("properties.kty"), "kty"), Is.EqualTo("RSA-HSM"));
            Assert.That(((BicepExpression)Key.At("properties.keySize")!).Integer, Is.EqualTo(3072));
            Assert.That(BicepAssert.Expression(Key.At("parent"), "parent"), Is.EqualTo(Vault.Symbol));
        });
    }

    [Test]
    public void Key_Operations_AreExactlyTheOnesTheAppUses()
    {
        var ops = BicepAssert.LiteralArray(Key.At("properties.keyOps"), "keyOps");

        Assert.That(ops, Is.EquivalentTo(NeededKeyOps));
    }

    [Test]
    public void Key_Export_IsDisabled()
    {
        Assert.That(BicepAssert.Boolean(Key.At("properties.attributes.exportable"), "exportable"), Is.False);
    }
}
