// Storage account used by the Functions host (AzureWebJobsStorage) and as the Flex Consumption
// deployment container. Flex Consumption supports identity-based access for both, so shared-key
// access is switched off: no account key or SAS can be used against this account at all.

@description('Azure region for the storage account.')
param location string

@description('Storage account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param storageAccountName string

@description('Blob container that receives the deployment package (Flex Consumption functionAppConfig.deployment).')
param deploymentContainerName string

@description('Blob container that keeps the copy of the audit checkpoints outside the database (AuditCopy__BlobContainerUri).')
param auditContainerName string = 'audit-checkpoints'

@description('Days each audit checkpoint blob stays immutable (time-based retention; CMQ audit retention).')
@minValue(1)
param auditImmutabilityDays int = 3650

@description('Blob container that holds every exchange filed in a patient\'s record (RecordFiling__Blob__Container).')
param filingContainerName string = 'record-filing'

@description('Days each filed document (every blob version) stays immutable. The Collège keeps a record at least five years after the last service; 10 years by default.')
@minValue(1825)
param filingImmutabilityDays int = 3650

@description('Storage queue of incoming patient mail (IncomingMail__QueueName): the Graph webhook enqueues, the IncomingMailQueue function drains it; the Functions runtime moves a message that fails five times to "{name}-poison".')
param incomingQueueName string = 'incoming-mail'

param tags object = {}

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      // Flex Consumption without VNet integration reaches storage over public endpoints; access is
      // still gated by Entra RBAC because shared keys are disabled. See docs/deploy.md "Network".
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
    encryption: {
      keySource: 'Microsoft.Storage'
      requireInfrastructureEncryption: true
      services: {
        blob: {
          enabled: true
        }
        file: {
          enabled: true
        }
      }
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    // Blob versioning: required by the record-filing container's version-level immutability, and every
    // earlier state of a blob stays readable.
    isVersioningEnabled: true
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// The audit checkpoint copy (docs/audit.md, docs/security.md): append blobs under a time-based
// immutability (WORM) policy that allows protected appends. New lines can be appended; no block can be
// rewritten and no blob deleted during the retention, by the app or by an account owner, so whoever
// can write the database cannot also erase the signed checkpoints that expose the rewrite. Lock the
// policy once verified (az storage container immutability-policy lock): a locked policy cannot be
// shortened or removed.
resource auditContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: auditContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource auditImmutability 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2025-01-01' = {
  parent: auditContainer
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: auditImmutabilityDays
    allowProtectedAppendWrites: true
  }
}

// The patient record copy (docs/record-filing.md): every exchange filed as a PDF rendition, its FHIR
// DocumentReference and its attachments, written once (If-None-Match: *) by the app's managed identity.
// Version-level immutability (set at creation; needs the account's versioning above) with a time-based
// default policy: each blob version is WORM for the retention, so no one — app or account owner — can
// rewrite or delete a filed document. Lock the policy once verified (it can then only be lengthened).
resource filingContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: filingContainerName
  properties: {
    publicAccess: 'None'
    immutableStorageWithVersioning: {
      enabled: true
    }
  }
}

resource filingImmutability 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2025-01-01' = {
  parent: filingContainer
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: filingImmutabilityDays
    // A filed document is complete when written: nothing is ever appended.
    allowProtectedAppendWrites: false
  }
}

// Incoming patient mail (docs/incoming-mail.md): the webhook answers Graph within 3 s by enqueuing
// the notification's ids (never mail content) here; the queue-triggered function does the work. The
// poison queue is declared too, so the role below can be granted on it before the first failure.
resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource incomingQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-01-01' = {
  parent: queueService
  name: incomingQueueName
}

resource incomingPoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-01-01' = {
  parent: queueService
  name: '${incomingQueueName}-poison'
}

output storageAccountName string = storage.name
output incomingQueueName string = incomingQueue.name
output incomingPoisonQueueName string = incomingPoisonQueue.name
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output filingContainerName string = filingContainer.name
output auditContainerName string = auditContainer.name
output auditContainerUri string = '${storage.properties.primaryEndpoints.blob}${auditContainer.name}'

output storageAccountId string = storage.id
output blobEndpoint string = storage.properties.primaryEndpoints.blob
