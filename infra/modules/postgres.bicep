// Azure Database for PostgreSQL flexible server, Microsoft Entra authentication only: no
// administrator login, no password anywhere. The Entra administrator is a group of database
// administrators (not the app): the app's managed identity gets an ordinary role created by
// infra/postgres/create-app-role.sql, limited to the clinicmail database (least privilege).

@description('Azure region for the server.')
param location string

@description('Server name (becomes <name>.postgres.database.azure.com).')
param serverName string

@description('Database the application uses.')
param databaseName string = 'clinicmail'

@description('PostgreSQL major version.')
@allowed([
  '16'
  '17'
])
param version string = '16'

@description('Compute SKU name, e.g. Standard_B1ms (Burstable) for a single clinic, Standard_D2ds_v5 (GeneralPurpose) for larger ones.')
param skuName string = 'Standard_B1ms'

@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param skuTier string = 'Burstable'

@description('Storage size in GiB.')
param storageSizeGB int = 32

@description('Object id of the Entra principal (preferably a group of DB administrators) made server administrator.')
param entraAdminObjectId string

@description('Display name of that principal, exactly as in Entra ID (used as the PostgreSQL role name).')
param entraAdminName string

@allowed([
  'Group'
  'User'
  'ServicePrincipal'
])
param entraAdminType string = 'Group'

@description('Allow connections from Azure services. Required when the Function App has no VNet integration, because Flex Consumption outbound addresses are not fixed. Authentication is still Entra-only with TLS.')
param allowAzureServices bool = true

param tags object = {}

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: serverName
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: version
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: tenant().tenantId
    }
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 35
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

// Flexible server rejects concurrent control-plane operations ("ServerIsBusy"), so the child
// resources below are chained with dependsOn instead of deploying in parallel.
resource entraAdmin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = {
  parent: server
  name: entraAdminObjectId
  properties: {
    principalName: entraAdminName
    principalType: entraAdminType
    tenantId: tenant().tenantId
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
  dependsOn: [
    entraAdmin
  ]
}

// TLS is enforced by the server (require_secure_transport is on by default; set explicitly so a
// later portal change shows up as drift) and old protocol versions are refused.
resource requireTls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'require_secure_transport'
  properties: {
    value: 'ON'
    source: 'user-override'
  }
  dependsOn: [
    database
  ]
}

resource minTls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'ssl_min_protocol_version'
  properties: {
    value: 'TLSv1.2'
    source: 'user-override'
  }
  dependsOn: [
    requireTls
  ]
}

resource azureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (allowAzureServices) {
  parent: server
  // 0.0.0.0-0.0.0.0 is the documented "allow Azure services" rule.
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
  dependsOn: [
    minTls
  ]
}

output serverName string = server.name
output serverFqdn string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
