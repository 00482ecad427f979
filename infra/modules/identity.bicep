// The Function App's user-assigned managed identity (the shape Microsoft's Flex Consumption samples
// use). A user-assigned identity exists before the app, so its roles (access.bicep), its PostgreSQL
// role (infra/postgres/create-app-role.sql) and its Graph app role (infra/entra/register-app.sh) can be
// granted before the first start, and survive re-creating the app.

@description('Azure region for the identity.')
param location string

@description('Identity name. It is also the PostgreSQL role the app logs in as.')
param identityName string

param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
  tags: tags
}

output identityName string = identity.name
output identityId string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
