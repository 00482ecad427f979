using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

// Least privilege for the Function App's managed identity.
public sealed class AccessTemplateTests
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    // The custom role's data actions: read the key, wrap/unwrap data keys, sign/verify. The built-in
    // "Key Vault Crypto User" would add keys/update (change keyOps, disable), keys/backup,
    // encrypt and decrypt.
    private static readonly string[] KeyWrapperDataActions =
    [
        "Microsoft.KeyVault/vaults/keys/read",
        "Microsoft.KeyVault/vaults/keys/wrap/action",
        "Microsoft.KeyVault/vaults/keys/unwrap/action",
        "Microsoft.KeyVault/vaults/keys/sign/action",
        "Microsoft.KeyVault/vaults/keys/verify/action",
    ];

    // Roles that must never be handed to the app: Owner, Contributor, User Access Administrator,
    // Key Vault Administrator, Key Vault Crypto Officer, Key Vault Secrets Officer/User.
    private static readonly string[] ForbiddenRoleIds =
    [
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        "b24988ac-6180-42a0-ab88-20f7382dd24c",
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
        "00482a5a-887f-4fb3-b363-3b7fe8e74483",
        "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
        "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
        "4633458b-17de-408a-b874-0445c86b69e6",
    ];

    private static BicepFile Access => InfraTemplates.Module("access");

    private static BicepResource CustomRole => InfraTemplates.Single("Microsoft.Authorization/roleDefinitions");

    [Test]
    public void CustomRole_Permissions_AreOnlyKeyReadWrapUnwrapSignVerify()
    {
        var permissions = (BicepArray)CustomRole.At("properties.permissions")!;
        var only = (BicepObject)permissions.Items.Single();
        var dataActions = only["dataActions"] is BicepExpression reference
            ? Access.Variable(reference.Text)!.Value
            : only["dataActions"];

        Assert.Multiple(() =>
        {
            Assert.That(BicepAssert.LiteralArray(dataActions, "dataActions"), Is.EquivalentTo(KeyWrapperDataActions));
            Assert.That(((BicepArray)only["actions"]!).Items, Is.Empty, "no control-plane action");
            Assert.That(BicepAssert.Literal(CustomRole.At("properties.type"), "role type"), Is.EqualTo("CustomRole"));
            Assert.That(BicepAssert.Expression(((BicepArray)CustomRole.At("properties.assignableScopes")!).Items.Single(), "assignable scope"),
                Is.EqualTo("resourceGroup().id"));
        });
    }

    [Test]
    public void KeyAssignment_UsesCustomRoleScopedToTheKey()
    {
        var assignment = InfraTemplates.Declared("Microsoft.Authorization/roleAssignments")
            .Single(a => BicepAssert.Expression(a.At("properties.roleDefinitionId"), "roleDefinitionId") == $"{CustomRole.Symbol}.id");
        var scope = BicepAssert.Expression(assignment.At("scope"), "scope");

        Assert.That(Access.Resource(scope)!.Type, Is.EqualTo("Microsoft.KeyVault/vaults/keys"), "assigned on the key, not the vault");
    }

    [Test]
    public void RoleAssignments_Each_TargetsTheAppIdentityAsServicePrincipal()
    {
        var assignments = InfraTemplates.Declared("Microsoft.Authorization/roleAssignments");

        Assert.That(assignments, Has.Count.EqualTo(3));
        foreach (var assignment in assignments)
        {
            Assert.That(BicepAssert.Literal(assignment.At("properties.principalType"), "principalType"), Is.EqualTo("ServicePrincipal"));
            Assert.That(BicepAssert.Expression(assignment.At("properties.principalId"), "principalId"), Is.EqualTo("principalId"));
            Assert.That(assignment.At("scope"), Is.Not.Null, $"{assignment.Symbol} must be scoped to one resource, not the resource group");
        }
    }

    [Test]
    public void RoleAssignments_BuiltInRoles_AreOnlyBlobOwnerAndMetricsPublisher()
    {
        var builtIn = InfraTemplates.Declared("Microsoft.Authorization/roleAssignments")
            .Select(a => BicepAssert.Expression(a.At("properties.roleDefinitionId"), "roleDefinitionId"))
            .Where(id => id.StartsWith("subscriptionResourceId(", StringComparison.Ordinal))
            .Select(id => id.Split(',')[1].Trim().TrimEnd(')'))
            .Select(variable => BicepAssert.Literal(Access.Variable(variable)!.Value, variable))
            .ToList();

        Assert.That(builtIn, Is.EquivalentTo(new[] { StorageBlobDataOwner, MonitoringMetricsPublisher }));
    }

    [Test]
    public void AllTemplates_ForbiddenBroadRoles_AreNeverReferenced()
    {
        foreach (var file in InfraTemplates.All)
        {
            foreach (var roleId in ForbiddenRoleIds)
            {
                Assert.That(file.Text, Does.Not.Contain(roleId).IgnoreCase, $"{Path.GetFileName(file.Path)} references a broad role {roleId}");
            }
        }
    }
}
