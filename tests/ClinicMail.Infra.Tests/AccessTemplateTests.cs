using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

// Least privilege for the Function App's managed identity.
public sealed class AccessTemplateTests
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    // The custom roles' data actions: read the key-encryption key and wrap/unwrap data keys; read the audit
    // signing key and sign. The built-in "Key Vault Crypto User" would add keys/update (change keyOps,
    // disable), keys/backup, encrypt and decrypt.
    private static readonly string[] KeyWrapperDataActions =
    [
        "Microsoft.KeyVault/vaults/keys/read",
        "Microsoft.KeyVault/vaults/keys/wrap/action",
        "Microsoft.KeyVault/vaults/keys/unwrap/action",
    ];

    private static readonly string[] AuditSignerDataActions =
    [
        "Microsoft.KeyVault/vaults/keys/read",
        "Microsoft.KeyVault/vaults/keys/sign/action",
    ];

    // Roles that must never be handed to the app: Owner, Contributor, User Access Administrator,
    // Key Vault Administrator, Key Vault Crypto Officer, Key Vault Secrets Officer. (Key Vault Secrets User
    // is granted, on each of the app's two secrets only: asserted below.)
    private static readonly string[] ForbiddenRoleIds =
    [
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        "b24988ac-6180-42a0-ab88-20f7382dd24c",
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
        "00482a5a-887f-4fb3-b363-3b7fe8e74483",
        "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
        "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    ];

    private static ArmTemplate Access => InfraTemplates.Module("access");

    private static ArmResource Role(string seed) =>
        InfraTemplates.Declared("Microsoft.Authorization/roleDefinitions").Single(r => r.Name.Contains(seed, StringComparison.Ordinal));

    private static IReadOnlyList<ArmResource> Assignments => InfraTemplates.Declared("Microsoft.Authorization/roleAssignments");

    // Resolves variables('x') in the access module to the variable's value.
    private static string Resolve(ArmExpression value) =>
        value is ArmCall { Function: "variables" } call
            ? Access.Variable((string)((ArmLiteral)call.Arguments[0]).Value!)!.ToString()
            : value.ToString();

    [TestCase("clinicmail-key-wrapper", "keyWrapper")]
    [TestCase("clinicmail-audit-signer", "auditSigner")]
    public void CustomRoles_Permissions_AreOnlyWhatTheirKeyIsUsedFor(string seed, string variablePrefix)
    {
        var role = Role(seed);
        var only = role.At("properties.permissions")!.AsArray().Single()!;
        var variable = ((ArmLiteral)((ArmCall)ArmExpression.Of(only["dataActions"])).Arguments[0]).Value!.GetValue<string>();
        var dataActions = Access.Variable(variable)!;

        Assert.Multiple(() =>
        {
            Assert.That(variable, Does.StartWith(variablePrefix));
            Assert.That(dataActions.AsArray().Select(a => a!.ToString()), Is.EquivalentTo(seed == "clinicmail-key-wrapper" ? KeyWrapperDataActions : AuditSignerDataActions));
            Assert.That(only["actions"]!.AsArray(), Is.Empty, "no control-plane action");
            Assert.That(role.String("properties.type"), Is.EqualTo("CustomRole"));
            Assert.That(role.At("properties.assignableScopes")!.AsArray().Single()!.ToString(), Is.EqualTo("[resourceGroup().id]"));
        });
    }

    [Test]
    public void AuditSignerAssignment_IsScopedToTheSigningKeyOnly()
    {
        var assignment = Assignments.Single(a => a.String("properties.roleDefinitionId").Contains("clinicmail-audit-signer", StringComparison.Ordinal));

        Assert.That(assignment.String("scope"), Does.StartWith("[resourceId('Microsoft.KeyVault/vaults/keys',"));
        Assert.That(assignment.String("scope"), Does.Contain("parameters('auditSigningKeyName')"));
    }

    [Test]
    public void KeyAssignment_UsesCustomRoleScopedToTheKey()
    {
        var assignment = Assignments.Single(a => a.String("properties.roleDefinitionId").Contains("clinicmail-key-wrapper", StringComparison.Ordinal));

        Assert.That(assignment.String("scope"), Does.StartWith("[resourceId('Microsoft.KeyVault/vaults/keys',"), "assigned on the key, not the vault");
    }

    [Test]
    public void RoleAssignments_Each_TargetsTheUserAssignedIdentityAsServicePrincipal()
    {
        Assert.That(Assignments, Has.Count.EqualTo(10));
        foreach (var assignment in Assignments)
        {
            Assert.That(assignment.String("properties.principalType"), Is.EqualTo("ServicePrincipal"));
            Assert.That(assignment.String("properties.principalId"), Is.EqualTo("[parameters('principalId')]"));
            Assert.That(assignment.At("scope"), Is.Not.Null, $"{assignment} must be scoped to one resource, not the resource group");
        }
        Assert.That(Access.PassedParameter("principalId")!.ToString(),
            Is.EqualTo("[reference(resourceId('Microsoft.Resources/deployments', 'clinicmail-identity'), '2025-04-01').outputs.principalId.value]"));
    }

    [Test]
    public void RoleAssignments_BuiltInRoles_AreOnlyBlobOwnerMetricsPublisherContainerAndQueueContributorsAndSecretsUsers()
    {
        var builtIn = Assignments
            .Select(a => ArmExpression.Parse(a.String("properties.roleDefinitionId")))
            .OfType<ArmCall>()
            .Where(c => c.Function == "subscriptionResourceId")
            .Select(c => Resolve(c.Arguments[1]))
            .ToList();

        Assert.That(builtIn, Is.EquivalentTo(new[] { StorageBlobDataOwner, MonitoringMetricsPublisher, StorageBlobDataContributor, StorageBlobDataContributor, StorageQueueDataContributor, StorageQueueDataContributor, KeyVaultSecretsUser, KeyVaultSecretsUser }),
            "Blob Data Contributor twice (the audit container and the record-filing container), Queue Data Contributor twice (the incoming-mail queue and its poison queue) and Key Vault Secrets User twice (the two HMAC key secrets), each at its own scope");
    }

    // The platform reads the two HMAC keys (Key Vault references) as the identity: Secrets User on each secret,
    // never on the vault (which would reach every secret put there later). Conditional: the first deployment,
    // before infra/app-secrets.sh created them, cannot scope a grant to a secret that does not exist yet.
    [TestCase("clientStateKeyName")]
    [TestCase("codeKeyName")]
    public void SecretsUser_IsScopedToOneAppSecretOnly(string secret)
    {
        var assignment = Assignments.Single(a => a.String("properties.roleDefinitionId").Contains("keyVaultSecretsUserRoleId", StringComparison.Ordinal)
            && a.String("scope").Contains($"parameters('{secret}')", StringComparison.Ordinal));

        Assert.Multiple(() =>
        {
            Assert.That(Access.Variable("keyVaultSecretsUserRoleId")!.ToString(), Is.EqualTo(KeyVaultSecretsUser));
            Assert.That(assignment.String("scope"), Is.EqualTo($"[resourceId('Microsoft.KeyVault/vaults/secrets', parameters('keyVaultName'), parameters('{secret}'))]"));
            Assert.That(assignment.String("condition"), Is.EqualTo("[parameters('grantVaultKeyReaders')]"));
            Assert.That(Access.PassedParameter(secret)!.ToString(), Is.EqualTo($"[variables('{secret}')]"), "the names main.bicep gives the app settings too");
        });
    }

    [Test]
    public void SecretGrants_AreOnByDefault_AndOnlyTheFirstDeploymentSkipsThem()
    {
        Assert.That((bool)InfraTemplates.Main.Parameters["grantVaultKeyReaders"]!["defaultValue"]!, Is.True);
        Assert.That(Access.PassedParameter("grantVaultKeyReaders")!.ToString(), Is.EqualTo("[parameters('grantVaultKeyReaders')]"));
    }

    [Test]
    public void AuditCopyAssignment_BlobDataContributor_IsScopedToTheAuditContainer()
    {
        var assignment = Assignments.Single(a => (a.String("properties.roleDefinitionId").Contains("storageBlobDataContributorRoleId", StringComparison.Ordinal)
            || a.String("properties.roleDefinitionId").Contains(StorageBlobDataContributor, StringComparison.Ordinal))
            && a.String("scope").Contains("auditContainerName", StringComparison.Ordinal));

        Assert.That(assignment.String("scope"), Does.StartWith("[resourceId('Microsoft.Storage/storageAccounts/blobServices/containers',"));
        Assert.That(assignment.String("scope"), Does.Contain("parameters('auditContainerName')"));
    }

    [Test]
    public void AllTemplates_ForbiddenBroadRoles_AreNeverReferenced()
    {
        var compiled = InfraTemplates.Main.Json.ToJsonString();
        foreach (var roleId in ForbiddenRoleIds)
        {
            Assert.That(compiled, Does.Not.Contain(roleId).IgnoreCase, $"the compiled template references a broad role {roleId}");
        }
    }
}
