// Log Analytics workspace + workspace-based Application Insights.
// Local (instrumentation-key) ingestion is disabled: telemetry is accepted only from callers holding
// an Entra token with "Monitoring Metrics Publisher" on the component (granted to the Function App's
// identity in access.bicep). The connection string therefore carries no usable credential and is
// never emitted as an output anyway.

@description('Azure region for the monitoring resources.')
param location string

@description('Log Analytics workspace name.')
param workspaceName string

@description('Application Insights component name.')
param appInsightsName string

@description('Days Log Analytics keeps data. Audit records live in PostgreSQL, not here; telemetry holds ids and timings only.')
@minValue(30)
@maxValue(730)
param retentionInDays int = 90

param tags object = {}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      // Queries must be authorised by Azure RBAC on the workspace or resource, not by shared keys.
      enableLogAccessUsingOnlyResourcePermissions: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
    RetentionInDays: retentionInDays
  }
}

output appInsightsName string = appInsights.name
output appInsightsId string = appInsights.id
output workspaceId string = workspace.id
