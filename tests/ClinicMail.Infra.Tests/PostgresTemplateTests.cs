using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

public sealed class PostgresTemplateTests
{
    private static ArmResource Server => InfraTemplates.Single("Microsoft.DBforPostgreSQL/flexibleServers");

    [Test]
    public void Server_Authentication_IsEntraOnly()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Server.String("properties.authConfig.activeDirectoryAuth"), Is.EqualTo("Enabled"));
            Assert.That(Server.String("properties.authConfig.passwordAuth"), Is.EqualTo("Disabled"));
            Assert.That(Server.At("properties.administratorLogin"), Is.Null, "no password administrator");
            Assert.That(Server.At("properties.administratorLoginPassword"), Is.Null, "no password anywhere");
        });
    }

    [TestCase("require_secure_transport", "ON")]
    [TestCase("ssl_min_protocol_version", "TLSv1.2")]
    public void Server_TlsConfiguration_IsEnforced(string name, string value)
    {
        var setting = InfraTemplates.Declared("Microsoft.DBforPostgreSQL/flexibleServers/configurations")
            .SingleOrDefault(c => c.Name.EndsWith($"'{name}')]", StringComparison.Ordinal));

        Assert.That(setting, Is.Not.Null, $"{name} must be set explicitly");
        Assert.That(setting!.String("properties.value"), Is.EqualTo(value));
    }

    [Test]
    public void EntraAdmin_Principal_IsAGroupOrUserNeverTheAppIdentity()
    {
        var admin = InfraTemplates.Single("Microsoft.DBforPostgreSQL/flexibleServers/administrators");
        var allowed = InfraTemplates.Main.Parameters["postgresEntraAdminType"]!["allowedValues"]!.AsArray().Select(v => v!.ToString());

        Assert.Multiple(() =>
        {
            Assert.That(admin.Name, Is.EqualTo("[format('{0}/{1}', parameters('serverName'), parameters('entraAdminObjectId'))]"));
            Assert.That(admin.String("properties.principalType"), Is.EqualTo("[parameters('entraAdminType')]"));
            // The app's managed identity gets an ordinary role (infra/postgres/create-app-role.sql), so
            // main.bicep does not even allow a service principal as administrator.
            Assert.That(allowed, Is.EquivalentTo(new[] { "Group", "User" }));
            Assert.That(InfraTemplates.Module("postgres").PassedParameter("entraAdminObjectId")!.ToString(), Is.EqualTo("[parameters('postgresEntraAdminObjectId')]"));
        });
    }

    [Test]
    public void AppRoleScript_CreatesEntraRoleWithoutAdminRights()
    {
        var sql = InfraTemplates.ReadText("infra", "postgres", "create-app-role.sql");

        Assert.Multiple(() =>
        {
            Assert.That(sql, Does.Contain("pgaadauth_create_principal_with_oid(:'app_role', :'app_oid', 'service', false, false)"));
            Assert.That(sql, Does.Contain("GRANT CONNECT"));
            Assert.That(sql, Does.Not.Contain("azure_pg_admin").IgnoreCase.Or.Contain("NOT a member of azure_pg_admin"));
            Assert.That(sql, Does.Not.Match(@"(?im)^\s*(ALTER|CREATE)\s+ROLE.*(SUPERUSER|CREATEROLE|CREATEDB)"));
        });
    }
}
