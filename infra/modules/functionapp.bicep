// The ClinicMail backend: the Azure Functions isolated worker (dotnet-isolated 10.0, one [Function]
// per route, timers for purge and audit checkpoints) on the Flex Consumption plan, Linux. It also serves the add-in's
// static files (task pane, launch-event bundle), so the add-in and the API share one origin.

@description('Azure region for the plan and the app.')
param location string

@description('Function App name.')
param functionAppName string

@description('Name of the app\'s user-assigned managed identity (identity.bicep); also the PostgreSQL role name.')
param identityName string

@description('Flex Consumption plan name.')
param planName string

@description('Storage account used for AzureWebJobsStorage and the deployment container (identity-based).')
param storageAccountName string

@description('Deployment container inside that account.')
param deploymentContainerName string

@description('Application Insights component the app reports to.')
param appInsightsName string

@description('URL of the audit checkpoint container (storage.bicep): the copy of the checkpoints outside the database.')
param auditContainerUri string

@description('Blob endpoint of the storage account (https://<account>.blob.core.windows.net/).')
param blobEndpoint string

@description('The record-filing container (storage.bicep).')
param filingContainerName string

@description('Mailboxes whose Sent Items are filed in the record through Graph (RecordFiling__Graph__Mailboxes__i). Empty: Sent Items are not read.')
param sentItemsMailboxes array = []

@description('Queue service endpoint of the storage account (storage.bicep), with its trailing slash.')
param queueEndpoint string

@description('The incoming-mail queue (storage.bicep).')
param incomingQueueName string

@description('Key Vault URI (https://<vault>.vault.azure.net/).')
param keyVaultUri string

@description('Name of the Key Vault secret holding the Graph clientState HMAC key (IncomingMail:Graph:ClientStateKey); infra/app-secrets.sh creates it, never the template.')
param clientStateKeyName string

@description('Name of the Key Vault secret holding the one-time-code HMAC key shared by every instance (Secure:CodeKey); infra/app-secrets.sh creates it.')
param codeKeyName string

@description('Mailboxes the incoming-mail watcher follows through Graph change notifications (docs/incoming-mail.md), each { address, mode: correspondence | not_for_patients, responseDelayBusinessDays?, ownerObjectId? }. Empty: the watcher is off.')
param watchedMailboxes array = []

@description('The number patients call when the response delay passes (IncomingMail:ClinicPhone); required with watched mailboxes.')
param clinicPhone string = ''

@description('The clinic\'s name in the acknowledgement (IncomingMail:ClinicName). Empty: « la clinique » / "the clinic".')
param clinicName string = ''

@description('Name of the key-encryption key in that vault.')
param keyName string

@description('Name of the audit checkpoint signing key in that vault (its own key, sign only).')
param auditSigningKeyName string

@description('PostgreSQL server FQDN.')
param postgresFqdn string

@description('PostgreSQL database name.')
param postgresDatabase string

@description('Application (client) id of the ClinicMail Entra app registration (infra/entra/register-app.sh).')
param entraClientId string

@description('The organisation\'s verified domains (e.g. the clinic\'s .med domain); recipients there are internal.')
param internalDomains array

@description('Mailbox that one-time codes and notifications are sent from (the only mailbox the identity\'s Exchange RBAC for Applications scope reaches: infra/exchange/grant-mail-send.ps1).')
param senderAddress string

@description('Public host name patients open (custom domain bound to this app). Empty: the app\'s default *.azurewebsites.net host.')
param publicHostName string = ''

@description('Maximum instances Flex Consumption may scale out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Instances of the HTTP functions kept warm (Flex Consumption "always ready"): the on-send check must answer within Outlook\'s 5-second budget, which a cold start can exceed. 0 scales to zero (cheaper, slow first check). Cost: docs/deploy.md.')
@minValue(0)
@maxValue(10)
param alwaysReadyHttpInstances int = 1

param tags object = {}

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    // Linux: Flex Consumption runs on Linux only.
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: functionAppName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    // The identity the platform resolves @Microsoft.KeyVault(...) app settings with: the user-assigned one
    // (the default would be a system-assigned identity, which this app does not have).
    keyVaultReferenceIdentity: identity.id
    httpsOnly: true
    clientAffinityEnabled: false
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            // No connection string: the platform pulls the package with the app's own identity
            // (Storage Blob Data Owner, access.bicep).
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        // "http" is the group of every HTTP-triggered function (the check, the pane, the reader).
        alwaysReady: alwaysReadyHttpInstances > 0
          ? [
              {
                name: 'http'
                instanceCount: alwaysReadyHttpInstances
              }
            ]
          : []
      }
      // On Flex Consumption the worker runtime is declared here, not by the FUNCTIONS_WORKER_RUNTIME
      // app setting (which the plan rejects): the .NET isolated worker on .NET 10.
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Publishing with basic (user/password) credentials is disabled for both FTP and the SCM site:
// deployments authenticate with Entra (az functionapp deploy), so there is no publish profile secret.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

var publicHost = empty(publicHostName) ? site.properties.defaultHostName : publicHostName

// Every setting the production mode of ClinicMail reads (env-var form: "__" separates sections).
// No value here is a secret: Postgres, Key Vault, Graph, storage and App Insights are all reached
// with the managed identity's Entra tokens; the two HMAC keys are Key Vault references, resolved by
// the platform, so their values are in no template, deployment or setting listing.
var coreSettings = {
  AzureWebJobsStorage__accountName: storage.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.properties.clientId
  // The user-assigned identity every Azure SDK credential in the app uses (ManagedIdentityCredential).
  AZURE_CLIENT_ID: identity.properties.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  // Local auth is disabled on the component: the host authenticates its telemetry with Entra.
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  ClinicMail__Mode: 'Production'
  Storage__Provider: 'Postgres'
  // Username is the managed identity's name; no password: the app presents an
  // Entra token for https://ossrdbms-aad.database.windows.net/.default.
  Storage__ConnectionString: 'Host=${postgresFqdn};Database=${postgresDatabase};Username=${identity.name};Ssl Mode=Require'
  Keys__Provider: 'KeyVault'
  Keys__VaultUri: keyVaultUri
  Keys__KeyName: keyName
  Keys__ManagedIdentityClientId: identity.properties.clientId
  // The checkpoint signing key: same vault (Audit:SigningKey:VaultUri defaults to Keys:VaultUri), a key of
  // its own; production startup refuses a missing one or the key-encryption key.
  Audit__SigningKey__KeyName: auditSigningKeyName
  Identity__Mode: 'Entra'
  Identity__ClientId: entraClientId
  // The application ID URI (infra/deploy.sh derives it the same way): v2 tokens carry the client id
  // as aud, v1 tokens this URI; the API accepts both.
  Identity__Audience: 'api://${publicHost}/${entraClientId}'
  Identity__AllowedTenants__0: tenant().tenantId
  Mail__Provider: 'Graph'
  Mail__SenderAddress: senderAddress
  Mail__ManagedIdentityClientId: identity.properties.clientId
  ClinicMail__PublicBaseUrl: 'https://${publicHost}'
  // The audit checkpoints are also appended to an immutable (WORM) container, as the managed identity.
  AuditCopy__Provider: 'Blob'
  AuditCopy__BlobContainerUri: auditContainerUri
  AuditCopy__ManagedIdentityClientId: identity.properties.clientId
  // Every exchange with a patient is filed in the WORM record container, as the managed identity.
  RecordFiling__Destinations: 'blob'
  RecordFiling__Blob__ServiceUri: blobEndpoint
  RecordFiling__Blob__Container: filingContainerName
  RecordFiling__Blob__ManagedIdentityClientId: identity.properties.clientId
  RecordFiling__Graph__Enabled: empty(sentItemsMailboxes) ? 'false' : 'true'
  // Incoming patient mail: the webhook enqueues on the Storage queue as the managed identity, and the
  // IncomingMailQueue function (its trigger connection below) drains it; no background loops in the
  // worker (timers and the queue trigger do that work).
  IncomingMail__Queue: 'StorageQueue'
  IncomingMail__QueueServiceUri: queueEndpoint
  IncomingMail__QueueName: incomingQueueName
  IncomingMail__RunBackground: 'false'
  IncomingMail__QueueConnection__queueServiceUri: queueEndpoint
  IncomingMail__QueueConnection__credential: 'managedidentity'
  IncomingMail__QueueConnection__clientId: identity.properties.clientId
  // Graph mode of incoming mail (docs/incoming-mail.md): the watcher is on when mailboxes are given (then
  // production start-up requires IncomingMail:ClinicPhone); NotificationUrl set is what turns Graph change
  // notifications on instead of the embedded drop folder. The routes are the worker's MailNotifications and
  // MailLifecycle functions (routePrefix "" in host.json).
  IncomingMail__Enabled: empty(watchedMailboxes) ? 'false' : 'true'
  IncomingMail__Graph__NotificationUrl: 'https://${publicHost}/api/v1/mail/notifications'
  IncomingMail__Graph__LifecycleNotificationUrl: 'https://${publicHost}/api/v1/mail/lifecycle'
  // The two HMAC keys: Key Vault references to the newest version of each secret, resolved by the platform
  // with keyVaultReferenceIdentity. The clientState key hashes each Graph subscription's secret; the code
  // key is one for every instance (a code sent by one is checked by another).
  IncomingMail__Graph__ClientStateKey: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${clientStateKeyName})'
  Secure__CodeKey: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${codeKeyName})'
}

// The acknowledgement's phone number and clinic name, when given.
var clinicSettings = union(empty(clinicPhone) ? {} : { IncomingMail__ClinicPhone: clinicPhone }, empty(clinicName) ? {} : { IncomingMail__ClinicName: clinicName })

// The binder reads MailboxMode by its .NET name; the issue's words map to it, and an unknown mode fails the
// deployment (no such property) rather than watching a box in the wrong mode.
var mailboxModes = {
  correspondence: 'Correspondence'
  not_for_patients: 'NotForPatients'
}

// IncomingMail__Mailboxes__<i>__Address / __Mode, and __ResponseDelayBusinessDays / __OwnerObjectId when given.
var mailboxSettings = toObject(
  filter(
    flatten(map(range(0, length(watchedMailboxes)), i => [
      { name: 'IncomingMail__Mailboxes__${i}__Address', value: string(watchedMailboxes[i].address) }
      { name: 'IncomingMail__Mailboxes__${i}__Mode', value: mailboxModes[watchedMailboxes[i].mode] }
      {
        name: 'IncomingMail__Mailboxes__${i}__ResponseDelayBusinessDays'
        value: watchedMailboxes[i].?responseDelayBusinessDays == null ? null : string(watchedMailboxes[i].?responseDelayBusinessDays)
      }
      { name: 'IncomingMail__Mailboxes__${i}__OwnerObjectId', value: watchedMailboxes[i].?ownerObjectId }
    ])),
    setting => setting.value != null
  ),
  setting => setting.name,
  setting => setting.value
)

// RecordFiling__Graph__Mailboxes__0..n: the Sent Items swept into the record.
var sentItemsSettings = toObject(range(0, length(sentItemsMailboxes)), i => 'RecordFiling__Graph__Mailboxes__${i}', i => string(sentItemsMailboxes[i]))

// ClinicMail__InternalDomains__0..n, one setting per verified domain.
var internalDomainSettings = toObject(range(0, length(internalDomains)), i => 'ClinicMail__InternalDomains__${i}', i => string(internalDomains[i]))

resource appSettings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: site
  name: 'appsettings'
  properties: union(coreSettings, internalDomainSettings, sentItemsSettings, clinicSettings, mailboxSettings)
}

output functionAppName string = site.name
output defaultHostName string = site.properties.defaultHostName
