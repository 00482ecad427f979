// Every Azure role the Function App's managed identity holds, in one place, each at the narrowest
// scope that works. Reviewers: this file is the least-privilege contract (summary in docs/deploy.md).

@description('Object (principal) id of the Function App\'s user-assigned identity (identity.bicep).')
param principalId string

param storageAccountName string
@description('The audit checkpoint container (storage.bicep), where the app appends its checkpoint copy.')
param auditContainerName string
@description('The record-filing container (storage.bicep), where the app files each exchange.')
param filingContainerName string
@description('The incoming-mail queue and its poison queue (storage.bicep): the webhook sends, the queue trigger receives and deletes, the runtime moves failures to the poison queue.')
param incomingQueueName string
param incomingPoisonQueueName string
param appInsightsName string
param keyVaultName string
param keyName string
@description('The audit checkpoint signing key (keyvault.bicep): the identity may read and sign with it, nothing else.')
param auditSigningKeyName string
@description('The Key Vault secrets of the app\'s HMAC keys (infra/app-secrets.sh creates them): Graph clientState key, one-time-code key.')
param clientStateKeyName string
param codeKeyName string
@description('The secrets exist (false only on the first deployment, before infra/app-secrets.sh made them): grant reading them.')
param grantVaultKeyReaders bool = true

// Built-in role ids (stable across all Azure clouds).
// Storage Blob Data Owner: the Functions host needs it for identity-based AzureWebJobsStorage
// (blob leases, host keys container) and Flex Consumption reads the deployment package with it.
var storageBlobDataOwnerRoleId = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
// Storage Blob Data Contributor on the audit checkpoint container only: the app appends its checkpoint
// copy there. Stated at the container so the grant survives if the account-wide role above is narrowed;
// the container's immutability policy, not the role, is what stops a rewrite or a delete.
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
// Storage Queue Data Contributor on the two incoming-mail queues only: send (webhook), peek, receive and
// delete (queue trigger), and the poison move. Nothing grants other queues of the account.
var storageQueueDataContributorRoleId = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
// Key Vault Secrets User (get a secret's value and metadata), on each of the app's two secrets only, not on
// the vault: the platform reads them to resolve the Key Vault references of IncomingMail__Graph__ClientStateKey
// and Secure__CodeKey. No list, no write; no other secret of the vault.
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'
// Monitoring Metrics Publisher: lets the host send telemetry to a component whose local auth is off.
var monitoringMetricsPublisherRoleId = '3913510d-42f4-4e42-8a64-420c390055eb'

// Key Vault: a custom role rather than the built-in "Key Vault Crypto User"
// (12338af0-0e69-4776-bea7-57ae8d297424). Crypto User also grants keys/update/action (a compromised
// app could re-enable encrypt/decrypt on the key, change its expiry or disable it), keys/backup/action
// (export an HSM-protected blob of the key) and encrypt/decrypt. ClinicMail needs only: read the key
// (kid and public part) and wrap and unwrap data keys with the key-encryption key; read and sign with
// the audit signing key (checkpoints are verified in the app with the public key). One role per key,
// each assigned on its key only.
var keyWrapperDataActions = [
  'Microsoft.KeyVault/vaults/keys/read'
  'Microsoft.KeyVault/vaults/keys/wrap/action'
  'Microsoft.KeyVault/vaults/keys/unwrap/action'
]
var auditSignerDataActions = [
  'Microsoft.KeyVault/vaults/keys/read'
  'Microsoft.KeyVault/vaults/keys/sign/action'
]

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' existing = {
  parent: storage
  name: 'default'
}

resource auditContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = {
  parent: blobService
  name: auditContainerName
}

resource auditCopyWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: auditContainer
  name: guid(auditContainer.id, principalId, storageBlobDataContributorRoleId)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
  }
}

resource filingContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = {
  parent: blobService
  name: filingContainerName
}

// Storage Blob Data Contributor on the record-filing container only: the app writes each filing once
// and reads a blob's metadata back on a repeated delivery. Its immutability policy stops a rewrite or a delete.
resource recordFilingWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: filingContainer
  name: guid(filingContainer.id, principalId, storageBlobDataContributorRoleId)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-01-01' existing = {
  parent: storage
  name: 'default'
}

resource incomingQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-01-01' existing = {
  parent: queueService
  name: incomingQueueName
}

resource incomingPoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-01-01' existing = {
  parent: queueService
  name: incomingPoisonQueueName
}

resource incomingQueueWorker 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: incomingQueue
  name: guid(incomingQueue.id, principalId, storageQueueDataContributorRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributorRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource incomingPoisonQueueWorker 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: incomingPoisonQueue
  name: guid(incomingPoisonQueue.id, principalId, storageQueueDataContributorRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributorRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: keyVaultName
}

resource key 'Microsoft.KeyVault/vaults/keys@2025-05-01' existing = {
  parent: vault
  name: keyName
}

resource auditSigningKey 'Microsoft.KeyVault/vaults/keys@2025-05-01' existing = {
  parent: vault
  name: auditSigningKeyName
}

resource clientStateKey 'Microsoft.KeyVault/vaults/secrets@2025-05-01' existing = {
  parent: vault
  name: clientStateKeyName
}

resource codeKey 'Microsoft.KeyVault/vaults/secrets@2025-05-01' existing = {
  parent: vault
  name: codeKeyName
}

resource clientStateKeyReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (grantVaultKeyReaders) {
  scope: clientStateKey
  name: guid(clientStateKey.id, principalId, keyVaultSecretsUserRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource codeKeyReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (grantVaultKeyReaders) {
  scope: codeKey
  name: guid(codeKey.id, principalId, keyVaultSecretsUserRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource keyWrapperRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, resourceGroup().id, 'clinicmail-key-wrapper')
  properties: {
    roleName: 'ClinicMail Key Wrapper (${resourceGroup().name})'
    description: 'Read a Key Vault key and use it to wrap/unwrap data keys. Nothing else.'
    type: 'CustomRole'
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: keyWrapperDataActions
        notDataActions: []
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

// Scoped to the single key, not the vault: the identity cannot see or use any other key or secret.
resource keyWrapperAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(key.id, principalId, keyWrapperRole.id)
  scope: key
  properties: {
    roleDefinitionId: keyWrapperRole.id
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource auditSignerRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, resourceGroup().id, 'clinicmail-audit-signer')
  properties: {
    roleName: 'ClinicMail Audit Signer (${resourceGroup().name})'
    description: 'Read a Key Vault key and sign with it (audit checkpoints). Nothing else.'
    type: 'CustomRole'
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: auditSignerDataActions
        notDataActions: []
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

// Scoped to the signing key only.
resource auditSignerAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(auditSigningKey.id, principalId, auditSignerRole.id)
  scope: auditSigningKey
  properties: {
    roleDefinitionId: auditSignerRole.id
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource storageAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, storageBlobDataOwnerRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwnerRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource telemetryAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, principalId, monitoringMetricsPublisherRoleId)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisherRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output keyWrapperRoleDefinitionId string = keyWrapperRole.id
