using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

public sealed class KeyVaultTemplateTests
{
    // What ClinicMail does with the key-encryption key (DESIGN rule 6): wrap and unwrap data keys, nothing else.
    private static readonly string[] NeededKeyOps = ["wrapKey", "unwrapKey"];

    // What the audit checkpointer does with its own key: sign (verify is RS256's other half; the app
    // verifies with the public key).
    private static readonly string[] SigningKeyOps = ["sign", "verify"];

    private static ArmResource Vault => InfraTemplates.Single("Microsoft.KeyVault/vaults");

    private static IReadOnlyList<ArmResource> Keys => InfraTemplates.Declared("Microsoft.KeyVault/vaults/keys");

    private static ArmResource Key => Keys.Single(k => k.Name.Contains("parameters('keyName')", StringComparison.Ordinal));

    private static ArmResource SigningKey => Keys.Single(k => k.Name.Contains("parameters('auditSigningKeyName')", StringComparison.Ordinal));

    [Test]
    public void Keys_AreExactlyTheKeyEncryptionKeyAndTheAuditSigningKey()
    {
        Assert.That(Keys, Has.Count.EqualTo(2));
        Assert.That(InfraTemplates.Main.Parameters["auditSigningKeyName"]!["defaultValue"]!.ToString(),
            Is.Not.EqualTo(InfraTemplates.Main.Parameters["keyName"]!["defaultValue"]!.ToString()), "two keys, two names");
    }

    [Test]
    public void SigningKey_TypeAndOperations_AreRsaHsmSignOnlyAndNotExportable()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SigningKey.String("properties.kty"), Is.EqualTo("RSA-HSM"));
            Assert.That((int)SigningKey.At("properties.keySize")!, Is.EqualTo(3072));
            Assert.That(SigningKey.At("properties.keyOps")!.AsArray().Select(o => o!.ToString()), Is.EquivalentTo(SigningKeyOps));
            Assert.That((bool)SigningKey.At("properties.attributes.exportable")!, Is.False);
            Assert.That(SigningKey.String("properties.rotationPolicy.attributes.expiryTime"), Is.EqualTo("[format('P{0}D', parameters('keyExpiryDays'))]"));
        });
    }

    [Test]
    public void Vault_Sku_IsPremiumForHsmKeys()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Vault.String("properties.sku.name"), Is.EqualTo("premium"));
            Assert.That(Vault.String("properties.sku.family"), Is.EqualTo("A"));
        });
    }

    [Test]
    public void Vault_Protection_IsRbacSoftDeleteAndPurgeProtected()
    {
        Assert.Multiple(() =>
        {
            Assert.That((bool)Vault.At("properties.enableRbacAuthorization")!, Is.True);
            Assert.That((bool)Vault.At("properties.enableSoftDelete")!, Is.True);
            Assert.That((bool)Vault.At("properties.enablePurgeProtection")!, Is.True);
            Assert.That((int)Vault.At("properties.softDeleteRetentionInDays")!, Is.EqualTo(90));
            Assert.That(Vault.At("properties.accessPolicies"), Is.Null, "RBAC only: no access policies");
        });
    }

    [Test]
    public void Vault_PublicNetworkAccess_IsAnExplicitDocumentedChoice()
    {
        var param = InfraTemplates.Module("keyvault").Parameters["publicNetworkAccess"]!;

        Assert.That(Vault.String("properties.publicNetworkAccess"), Is.EqualTo("[parameters('publicNetworkAccess')]"));
        Assert.That(param["allowedValues"]!.AsArray().Select(v => v!.ToString()), Does.Contain("Disabled"));
        Assert.That(param["metadata"]!["description"]!.ToString(), Does.Contain("private endpoint"));
    }

    [Test]
    public void Key_Type_IsRsaHsm3072InTheVault()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Key.String("properties.kty"), Is.EqualTo("RSA-HSM"));
            Assert.That((int)Key.At("properties.keySize")!, Is.EqualTo(3072));
            Assert.That(Key.Name, Is.EqualTo("[format('{0}/{1}', parameters('keyVaultName'), parameters('keyName'))]"));
        });
    }

    [Test]
    public void Key_Operations_AreExactlyTheOnesTheAppUses()
    {
        Assert.That(Key.At("properties.keyOps")!.AsArray().Select(o => o!.ToString()), Is.EquivalentTo(NeededKeyOps));
    }

    [Test]
    public void Key_Export_IsDisabled()
    {
        Assert.That((bool)Key.At("properties.attributes.exportable")!, Is.False);
    }

    // The vault rotates the key itself; rotation must come before expiry, and expiry is announced.
    [Test]
    public void Key_RotationPolicy_RotatesBeforeExpiryAndNotifies()
    {
        var actions = Key.At("properties.rotationPolicy.lifetimeActions")!.AsArray();
        var rotate = actions.Single(a => a!["action"]!["type"]!.ToString() == "rotate")!;
        var notify = actions.Single(a => a!["action"]!["type"]!.ToString() == "notify")!;
        var keyVault = InfraTemplates.Module("keyvault");
        var rotationDays = (int)keyVault.Parameters["keyRotationDays"]!["defaultValue"]!;
        var expiryDays = (int)keyVault.Parameters["keyExpiryDays"]!["defaultValue"]!;

        Assert.Multiple(() =>
        {
            Assert.That(rotate["trigger"]!["timeAfterCreate"]!.ToString(), Is.EqualTo("[format('P{0}D', parameters('keyRotationDays'))]"));
            Assert.That(notify["trigger"]!["timeBeforeExpiry"]!.ToString(), Is.EqualTo("P30D"));
            Assert.That(Key.String("properties.rotationPolicy.attributes.expiryTime"), Is.EqualTo("[format('P{0}D', parameters('keyExpiryDays'))]"));
            Assert.That(rotationDays, Is.LessThan(expiryDays - 30), "a new version exists before the old one stops wrapping");
            Assert.That(InfraTemplates.ReadText("docs", "deploy.md"), Does.Contain("clinicmail keys rewrap"), "the guide says how data keys follow a rotation");
        });
    }
}
