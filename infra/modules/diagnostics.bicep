// Diagnostic settings: every resource that sees ClinicMail's data sends its platform logs to the
// Log Analytics workspace of monitoring.bicep. None of these categories carries message content:
// Key Vault AuditEvent holds caller, operation and key id; PostgreSQLLogs holds server messages
// (log_statement stays at its default 'none', so no SQL text or parameter); FunctionAppLogs holds
// what the app logs, which never includes tokens, addresses or names (tests scan for them).

@description('Log Analytics workspace resource id.')
param workspaceId string

param keyVaultName string
param postgresServerName string
param functionAppName string

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: keyVaultName
}

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: postgresServerName
}

resource site 'Microsoft.Web/sites@2024-11-01' existing = {
  name: functionAppName
}

// Every wrap, unwrap, sign and key read: who, when, which key version, allowed or denied.
resource vaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'clinicmail-audit'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'AuditEvent'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

resource postgresDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'clinicmail-logs'
  scope: server
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'PostgreSQLLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

resource functionAppDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'clinicmail-logs'
  scope: site
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'FunctionAppLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}
