// ClinicMail production infrastructure (resource-group scope).
//   az deployment group create -g <rg> -f infra/main.bicep -p @infra/main.parameters.json
// See docs/deploy.md for the full procedure. Nothing here takes or returns a secret: every service
// is reached with the Function App's managed identity and Entra tokens, and the app's two HMAC keys are
// Key Vault secrets that infra/app-secrets.sh creates (random, outside any deployment) and the app
// settings only reference.
targetScope = 'resourceGroup'

@description('Short lowercase name used to derive resource names (letters and digits only).')
@minLength(3)
@maxLength(11)
param baseName string

@description('Azure region; defaults to the resource group\'s (e.g. canadacentral to keep data in Canada).')
param location string = resourceGroup().location

@description('Application (client) id of the ClinicMail Entra app registration (output of infra/entra/register-app.sh).')
param entraClientId string

@description('The organisation\'s verified Microsoft 365 domains, e.g. [ "clinique-exemple.med" ].')
@minLength(1)
param internalDomains array

@description('Mailbox that sends one-time codes and notifications (must belong to the mail-enabled security group used by infra/exchange/grant-mail-send.ps1).')
param senderAddress string

@description('Custom host name patients and Outlook use, e.g. clinicmail.clinique-exemple.med: a domain the clinic owns, bound to the Function App (Office SSO refuses *.azurewebsites.net as the add-in\'s resource). The API\'s application ID URI is api://<publicHostName>/<entraClientId>.')
@minLength(4)
param publicHostName string

@description('Object id of the Entra group (or user) that administers PostgreSQL.')
param postgresEntraAdminObjectId string

@description('Display name of that group or user, exactly as in Entra ID.')
param postgresEntraAdminName string

@allowed([
  'Group'
  'User'
])
param postgresEntraAdminType string = 'Group'

param postgresSkuName string = 'Standard_B1ms'

@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param postgresSkuTier string = 'Burstable'

@description('See modules/keyvault.bicep: "Enabled" unless the app is VNet-integrated with a private endpoint to the vault.')
@allowed([
  'Enabled'
  'Disabled'
])
param keyVaultPublicNetworkAccess string = 'Enabled'

@description('Name of the RSA-HSM key-encryption key.')
param keyName string = 'clinicmail-kek'

@description('Name of the RSA-HSM audit checkpoint signing key (sign only; never the key-encryption key).')
param auditSigningKeyName string = 'clinicmail-audit-signing'

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Always-ready instances for the HTTP functions (0 = scale to zero; see the cost in docs/deploy.md).')
@minValue(0)
@maxValue(10)
param alwaysReadyHttpInstances int = 1

@description('Days between automatic versions of the key-encryption key.')
@minValue(28)
param keyRotationDays int = 365

@description('Mailboxes whose Sent Items are filed in the patients\' records (Graph; Mail.ReadWrite scoped to them, docs/deploy.md). Empty: sent mail is not filed from Sent Items.')
param sentItemsMailboxes array = []

@description('Mailboxes the incoming-mail watcher follows with Graph change notifications (docs/incoming-mail.md), e.g. [ { "address": "dre.tremblay@clinique-exemple.med", "mode": "correspondence" }, { "address": "clinique@clinique-exemple.med", "mode": "not_for_patients" } ]; optional per box: responseDelayBusinessDays (0-30, default 2), ownerObjectId (the physician\'s Entra object id). Exchange grants on them: infra/exchange/grant-mail-send.ps1 -WatchedMailboxes. Empty: the watcher is off.')
param watchedMailboxes array = []

@description('The number patients call when the response delay passes (acknowledgements); required with watchedMailboxes.')
param clinicPhone string = ''

@description('The clinic\'s name in the acknowledgements. Empty: « la clinique » / "the clinic".')
param clinicName string = ''

@description('The app\'s two Key Vault secrets (below) exist: grant the identity Key Vault Secrets User on each. infra/deploy.sh passes false only on the very first deployment, when the vault is new; it then creates the secrets with infra/app-secrets.sh and deploys again with true.')
param grantVaultKeyReaders bool = true

param tags object = {
  application: 'ClinicMail'
}

var suffix = take(uniqueString(subscription().id, resourceGroup().id), 6)
var functionAppName = '${baseName}-func-${suffix}'
var deploymentContainerName = 'app-package'
// Key Vault secrets holding the app's HMAC keys (base64, 32 random bytes). Created only by
// infra/app-secrets.sh when absent (the same names are written there; a test compares them), never by a
// template: a value in a deployment would sit in its inputs, and a redeployment would replace the key.
var clientStateKeyName = 'clinicmail-graph-client-state-key'
var codeKeyName = 'clinicmail-code-key'

module identity 'modules/identity.bicep' = {
  name: 'clinicmail-identity'
  params: {
    location: location
    identityName: '${baseName}-id-${suffix}'
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'clinicmail-monitoring'
  params: {
    location: location
    workspaceName: '${baseName}-log-${suffix}'
    appInsightsName: '${baseName}-appi-${suffix}'
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'clinicmail-storage'
  params: {
    location: location
    storageAccountName: toLower('st${baseName}${suffix}')
    deploymentContainerName: deploymentContainerName
    tags: tags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'clinicmail-keyvault'
  params: {
    location: location
    keyVaultName: 'kv-${baseName}-${suffix}'
    keyName: keyName
    auditSigningKeyName: auditSigningKeyName
    publicNetworkAccess: keyVaultPublicNetworkAccess
    keyRotationDays: keyRotationDays
    tags: tags
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'clinicmail-postgres'
  params: {
    location: location
    serverName: '${baseName}-pg-${suffix}'
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    entraAdminObjectId: postgresEntraAdminObjectId
    entraAdminName: postgresEntraAdminName
    entraAdminType: postgresEntraAdminType
    tags: tags
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'clinicmail-functionapp'
  params: {
    location: location
    functionAppName: functionAppName
    identityName: identity.outputs.identityName
    planName: '${baseName}-plan-${suffix}'
    storageAccountName: storage.outputs.storageAccountName
    deploymentContainerName: deploymentContainerName
    auditContainerUri: storage.outputs.auditContainerUri
    blobEndpoint: storage.outputs.blobEndpoint
    filingContainerName: storage.outputs.filingContainerName
    sentItemsMailboxes: sentItemsMailboxes
    watchedMailboxes: watchedMailboxes
    clinicPhone: clinicPhone
    clinicName: clinicName
    clientStateKeyName: clientStateKeyName
    codeKeyName: codeKeyName
    queueEndpoint: storage.outputs.queueEndpoint
    incomingQueueName: storage.outputs.incomingQueueName
    appInsightsName: monitoring.outputs.appInsightsName
    keyVaultUri: keyVault.outputs.keyVaultUri
    keyName: keyVault.outputs.keyName
    auditSigningKeyName: keyVault.outputs.auditSigningKeyName
    postgresFqdn: postgres.outputs.serverFqdn
    postgresDatabase: postgres.outputs.databaseName
    entraClientId: entraClientId
    internalDomains: internalDomains
    senderAddress: senderAddress
    publicHostName: publicHostName
    maximumInstanceCount: maximumInstanceCount
    alwaysReadyHttpInstances: alwaysReadyHttpInstances
    tags: tags
  }
}

module access 'modules/access.bicep' = {
  name: 'clinicmail-access'
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.storageAccountName
    auditContainerName: storage.outputs.auditContainerName
    filingContainerName: storage.outputs.filingContainerName
    incomingQueueName: storage.outputs.incomingQueueName
    incomingPoisonQueueName: storage.outputs.incomingPoisonQueueName
    appInsightsName: monitoring.outputs.appInsightsName
    keyVaultName: keyVault.outputs.keyVaultName
    keyName: keyVault.outputs.keyName
    auditSigningKeyName: keyVault.outputs.auditSigningKeyName
    clientStateKeyName: clientStateKeyName
    codeKeyName: codeKeyName
    grantVaultKeyReaders: grantVaultKeyReaders
  }
}

module diagnostics 'modules/diagnostics.bicep' = {
  name: 'clinicmail-diagnostics'
  params: {
    workspaceId: monitoring.outputs.workspaceId
    keyVaultName: keyVault.outputs.keyVaultName
    postgresServerName: postgres.outputs.serverName
    functionAppName: functionApp.outputs.functionAppName
  }
}

// Identifiers only: names, host names and the identity's ids (needed for the PostgreSQL role and
// the Graph app-role grant of infra/entra/register-app.sh). No keys, connection strings or tokens.
output functionAppName string = functionApp.outputs.functionAppName
output functionAppHostName string = functionApp.outputs.defaultHostName
output identityPrincipalId string = identity.outputs.principalId
output identityClientId string = identity.outputs.clientId
output keyVaultName string = keyVault.outputs.keyVaultName
output keyVaultUri string = keyVault.outputs.keyVaultUri
output keyName string = keyVault.outputs.keyName
output postgresServerFqdn string = postgres.outputs.serverFqdn
output postgresDatabase string = postgres.outputs.databaseName
output postgresAppRoleName string = identity.outputs.identityName
output auditSigningKeyName string = keyVault.outputs.auditSigningKeyName
