// Key Vault Premium holding the ClinicMail key-encryption key and the audit checkpoint signing key (two
// keys, each with its own operations and role assignment). DESIGN rule 6: AES-256-GCM data keys
// wrapped by an RSA-HSM key). Premium is required for HSM-protected keys; RBAC authorization means
// no access policies exist, so every permission is an auditable Azure role assignment (access.bicep).

@description('Azure region for the vault.')
param location string

@description('Key Vault name (3-24 characters, globally unique).')
@minLength(3)
@maxLength(24)
param keyVaultName string

@description('Name of the RSA-HSM key-encryption key.')
param keyName string

@description('Name of the RSA-HSM key that signs audit checkpoints (Audit:SigningKey:KeyName): a key of its own, never the key-encryption key.')
param auditSigningKeyName string

@description('Public network access to the vault data plane. "Enabled" is required when the Function App has no VNet integration (Flex Consumption without a VNet has no fixed outbound addresses); every request still needs an Entra token and an RBAC role. Set "Disabled" only with VNet integration and a private endpoint.')
@allowed([
  'Enabled'
  'Disabled'
])
param publicNetworkAccess string = 'Enabled'

@description('Days after which Key Vault creates a new version of the key (rotation). The app wraps new data keys with the newest version at once; `clinicmail keys rewrap` then moves older data keys to it (docs/deploy.md, "Key rotation").')
@minValue(28)
param keyRotationDays int = 365

@description('Days a key version stays valid for wrapping and signing. An expired version still unwraps and verifies, so older messages stay readable until rewrapped.')
@minValue(60)
param keyExpiryDays int = 730

param tags object = {}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'premium'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    // Maximum retention: a deleted key can be recovered for 90 days, and purge protection forbids
    // anyone (including a compromised admin) from purging it earlier, so wrapped data keys stay
    // recoverable for the whole window.
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      defaultAction: publicNetworkAccess == 'Enabled' ? 'Allow' : 'Deny'
      bypass: 'None'
    }
  }
}

// The key-encryption key is allowed only what ClinicMail does with it: wrapKey/unwrapKey for envelope
// data keys. encrypt/decrypt/sign are deliberately absent, so even a principal holding a broad role
// cannot use this key to encrypt arbitrary payloads or sign anything. Reading the public key ("get")
// is a data-plane permission, not a key operation, and is granted by the role.
resource key 'Microsoft.KeyVault/vaults/keys@2025-05-01' = {
  parent: vault
  name: keyName
  properties: {
    kty: 'RSA-HSM'
    keySize: 3072
    keyOps: [
      'wrapKey'
      'unwrapKey'
    ]
    attributes: {
      enabled: true
      exportable: false
    }
    // Rotation by the vault itself: a new version every keyRotationDays, a notification (Event
    // Grid "KeyNearExpiry") 30 days before a version expires.
    rotationPolicy: {
      attributes: {
        expiryTime: 'P${keyExpiryDays}D'
      }
      lifetimeActions: [
        {
          trigger: {
            timeAfterCreate: 'P${keyRotationDays}D'
          }
          action: {
            type: 'rotate'
          }
        }
        {
          trigger: {
            timeBeforeExpiry: 'P30D'
          }
          action: {
            type: 'notify'
          }
        }
      ]
    }
  }
}

// The audit checkpoint signing key: a separate key, so a leak of the wrapping permission cannot forge
// checkpoints and the signer cannot unwrap data keys. sign for the checkpointer; verify is listed for
// completeness of RS256 (the app verifies locally with the public key, which "get" returns). Rotated by
// the vault like the KEK: old versions keep verifying the checkpoints they signed.
resource auditSigningKey 'Microsoft.KeyVault/vaults/keys@2025-05-01' = {
  parent: vault
  name: auditSigningKeyName
  properties: {
    kty: 'RSA-HSM'
    keySize: 3072
    keyOps: [
      'sign'
      'verify'
    ]
    attributes: {
      enabled: true
      exportable: false
    }
    rotationPolicy: {
      attributes: {
        expiryTime: 'P${keyExpiryDays}D'
      }
      lifetimeActions: [
        {
          trigger: {
            timeAfterCreate: 'P${keyRotationDays}D'
          }
          action: {
            type: 'rotate'
          }
        }
        {
          trigger: {
            timeBeforeExpiry: 'P30D'
          }
          action: {
            type: 'notify'
          }
        }
      ]
    }
  }
}

output keyVaultName string = vault.name
output keyVaultUri string = vault.properties.vaultUri
output keyName string = key.name
output auditSigningKeyName string = auditSigningKey.name
