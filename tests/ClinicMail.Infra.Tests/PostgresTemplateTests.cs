using ClinicMail.Infra.Tests.Bicep;

namespace ClinicMail.Infra.Tests;

public sealed class PostgresTemplateTests
{
    private static BicepResource Server => InfraTemplates.Single("Microsoft.DBforPostgreSQL/flexibleServers");

    [Test]
    public void Server_Authentication_IsEntraOnly()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BicepAssert.Literal(Server.At("properties.authConfig.activeDirectoryAuth"), "activeDirectoryAuth"), Is.EqualTo("Enabled"));
            Assert.That(BicepAssert.Literal(Server.At("properties.authConfig.passwordAuth"), "passwordAuth"), Is.EqualTo("Disabled"));
            Assert.That(Server.At("properties.administratorLogin"), Is.Null, "no password administrator");
            Assert.That(Server.At("properties.administratorLoginPassword"), Is.Null, "no password anywhere");
        });
    }

    [TestCase("require_secure_transport", "ON")]
    [TestCase("ssl_min_protocol_version", "TLSv1.2")]
    public void Server_TlsConfiguration_IsEnforced(string name, string value)
    {
        var setting = InfraTemplates.Declared("Microsoft.DBforPostgreSQL/flexibleServers/configurations")
            .SingleOrDefault(c => BicepAssert.Literal(c.At("name"), "configuration name") == name);

        Assert.That(setting, Is.Not.Null, $"{name} must be set explicitly");
        Assert.That(BicepAssert.Literal(setting!.At("properties.value"), name), Is.EqualTo(value));
    }

    [Test]
    public void EntraAdmin_Principal_IsAGroupOrUserNeverTheAppIdentity()
    {
        var admin = InfraTemplates.Single("Microsoft.DBforPostgreSQL/flexibleServers/administrators");
        var mainType = InfraTemplates.Main.Param("postgresEntraAdminType")!;

        Assert.Multiple(() =>
        {
            Assert.That(BicepAssert.Expression(admin.At("name"), "admin name"), Is.EqualTo("entraAdminObjectId"));
            Assert.That(BicepAssert.Expression(admin.At("properties.principalType"), "principalType"), Is.EqualTo("entraAdminType"));
            // The app's managed identity gets an ordinary role (infra/postgres/create-app-role.sql), so
            // main.bicep does not even allow a service principal as administrator.
            Assert.That(mainType.Decorators.Single(d => d.Name == "allowed").Arguments, Does.Not.Contain("ServicePrincipal"));
            Assert.That(InfraTemplates.Main.Text, Does.Not.Contain("entraAdminObjectId: functionApp"));
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
