// CTAC in Azure: one Linux App Service (Node 22 LTS) running the bot, the tab, the HTTP API and the
// jobs; an Azure Bot (single tenant) with the Teams channel; a storage account whose Table service
// holds all state. The web app reaches the tables with its system-assigned managed identity through
// the Storage Table Data Contributor role: no account key or connection string exists anywhere in
// its settings (shared key access is switched off on the account).
//
// Deployed by `m365agents.yml` (arm/deploy) with infra/azure.parameters.json; the outputs are
// written back to env/.env.<environment> and fill the Teams app manifest.

@minLength(3)
@maxLength(20)
@description('Lower-case letters, digits and hyphens; used to name every resource.')
param resourceBaseName string

@description('Azure region for the web app and storage; UK South keeps NHS data in the UK.')
param location string = resourceGroup().location

@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'S2'
  'S3'
  'P0v3'
  'P1v3'
  'P2v3'
  'P3v3'
])
@description('App Service plan size. Basic and up keep the app always on, which the jobs need.')
param webAppSku string = 'B1'

@allowed([
  '1'
  '2'
  '3'
  '4'
  '5'
  '6'
  '7'
  '8'
  '9'
  '10'
])
@description('Number of web app instances. All share the same tables; the jobs are safe across instances.')
param instanceCount string = '1'

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_ZRS'

@maxLength(42)
param botDisplayName string = 'CTAC'

@allowed([
  'F0'
  'S1'
])
@description('Azure Bot pricing tier; Teams is a standard channel, free on both.')
param botSku string = 'F0'

@description('Client id of the single-tenant Entra app registration used by the bot and for tab SSO (BOT_ID).')
param botAadAppClientId string

@description('Tenant of that app registration (BOT_TENANT_ID).')
param botTenantId string = tenant().tenantId

@secure()
@description('Client secret of the bot app registration. Empty or \'-\' when botPasswordKeyVaultSecretUri is set.')
param botPassword string = ''

@description('Optional Key Vault secret URI for the bot client secret; the app setting becomes a Key Vault reference. Empty or \'-\': not used.')
param botPasswordKeyVaultSecretUri string = ''

@secure()
@description('HMAC key for POST /api/alerts. Empty or \'-\' when webhookSecretKeyVaultSecretUri is set.')
param webhookSecret string = ''

@description('Optional Key Vault secret URI for the webhook secret; the app setting becomes a Key Vault reference. Empty or \'-\': not used.')
param webhookSecretKeyVaultSecretUri string = ''

@description('Comma-separated UPNs of the first CTAC admins (CTAC_ADMINS); empty or \'-\' for none.')
param ctacAdmins string = ''

@description('Base URL of the NHS cyber alerts API (NHS_CYBER_ALERTS_URL); empty or \'-\' turns the poller off.')
param nhsCyberAlertsUrl string = ''

@allowed([
  'true'
  'false'
])
@description('Look people up and install CTAC for members through Microsoft Graph (GRAPH_ENABLED); needs the application permissions in docs/configuration.md, with admin consent.')
param graphEnabled string = 'false'

@description('The Teams app manifest id (TEAMS_APP_ID), written by provision; with Graph, CTAC installs itself for members by it.')
param teamsAppId string = ''

@description('Optional: CTAC\'s id in the organisation\'s app catalogue (TEAMS_APP_CATALOG_ID), for when Graph cannot look it up; empty or \'-\' when not given.')
param teamsAppCatalogId string = ''

@secure()
@description('GOV.UK Notify API key (NOTIFY_API_KEY). Empty or \'-\' (and no Key Vault URI) leaves text and email off.')
param notifyApiKey string = ''

@description('Optional Key Vault secret URI for the Notify API key; the app setting becomes a Key Vault reference. Empty or \'-\': not used.')
param notifyApiKeyKeyVaultSecretUri string = ''

@description('Where Notify requests go (NOTIFY_BASE_URL); Notify\'s own API unless changed.')
param notifyBaseUrl string = 'https://api.notifications.service.gov.uk'

@description('The Notify text message template id for pages (NOTIFY_SMS_TEMPLATE_ID); empty or \'-\' when not used.')
param notifySmsTemplateId string = ''

@description('The Notify email template id for email copies of pages (NOTIFY_EMAIL_TEMPLATE_ID); empty or \'-\' when not used.')
param notifyEmailTemplateId string = ''

@description('Hours after a risk\'s escalation before each lead is reminded of it while undecided (RISK_DECISION_REMINDER_HOURS, 1 to 720).')
param riskDecisionReminderHours string = '24'

@description('Years resolved alerts, closed risks, decisions and audit events are kept before the daily retention job deletes them (RETENTION_YEARS, 1 to 20).')
param retentionYears string = '6'

@description('Prefix for table names (CTAC_TABLE_PREFIX), so several deployments can share one account; empty or \'-\' for none.')
param tablePrefix string = ''

@allowed([
  'fatal'
  'error'
  'warn'
  'info'
  'debug'
  'trace'
  'silent'
])
param logLevel string = 'info'

var suffix = uniqueString(resourceGroup().id, resourceBaseName)
var webAppName = '${resourceBaseName}-${suffix}'
var storageAccountName = toLower('${take(replace(resourceBaseName, '-', ''), 9)}${suffix}')
// Built-in role "Storage Table Data Contributor": read, write and delete tables and entities.
var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
// '-' means "not set". The Toolkit fills azure.parameters.json only with non-empty values and stops
// on any placeholder left, so env/.env.dev (and .user) give '-' for an optional setting not used.
// Each optional value is read through the vars below: '-' and empty both become an empty app
// setting, which the app reads as unset.
var notSet = '-'
var botPasswordValue = botPassword == notSet ? '' : botPassword
var botPasswordKeyVaultUri = botPasswordKeyVaultSecretUri == notSet ? '' : botPasswordKeyVaultSecretUri
var webhookSecretValue = webhookSecret == notSet ? '' : webhookSecret
var webhookSecretKeyVaultUri = webhookSecretKeyVaultSecretUri == notSet ? '' : webhookSecretKeyVaultSecretUri
var notifyApiKeyValue = notifyApiKey == notSet ? '' : notifyApiKey
var notifyApiKeyKeyVaultUri = notifyApiKeyKeyVaultSecretUri == notSet ? '' : notifyApiKeyKeyVaultSecretUri
var botPasswordSetting = empty(botPasswordKeyVaultUri) ? botPasswordValue : '@Microsoft.KeyVault(SecretUri=${botPasswordKeyVaultUri})'
var webhookSecretSetting = empty(webhookSecretKeyVaultUri) ? webhookSecretValue : '@Microsoft.KeyVault(SecretUri=${webhookSecretKeyVaultUri})'
// Empty when neither is given: the app reads an empty setting as unset, so text and email stay off.
var notifyApiKeySetting = empty(notifyApiKeyKeyVaultUri) ? notifyApiKeyValue : '@Microsoft.KeyVault(SecretUri=${notifyApiKeyKeyVaultUri})'
var ctacAdminsSetting = ctacAdmins == notSet ? '' : ctacAdmins
var nhsCyberAlertsUrlSetting = nhsCyberAlertsUrl == notSet ? '' : nhsCyberAlertsUrl
var teamsAppCatalogIdSetting = teamsAppCatalogId == notSet ? '' : teamsAppCatalogId
var notifySmsTemplateIdSetting = notifySmsTemplateId == notSet ? '' : notifySmsTemplateId
var notifyEmailTemplateIdSetting = notifyEmailTemplateId == notSet ? '' : notifyEmailTemplateId
var tablePrefixSetting = tablePrefix == notSet ? '' : tablePrefix

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: storageSku
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    accessTier: 'Hot'
  }
}

// Operations telemetry (docs/operations.md): the app sends traces, metrics and logs to Application
// Insights, which keeps them in this Log Analytics workspace.
resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${resourceBaseName}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${resourceBaseName}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    IngestionMode: 'LogAnalytics'
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${resourceBaseName}-plan'
  location: location
  kind: 'linux'
  sku: {
    name: webAppSku
    capacity: int(instanceCount)
  }
  properties: {
    reserved: true
  }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: webAppName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      // The package's `npm start` runs the local stack; in Azure only the server runs.
      appCommandLine: 'node --max-old-space-size=1024 dist/src/server.js'
      alwaysOn: true
      healthCheckPath: '/api/health'
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
  }
}

resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: webApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource appSettings 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: webApp
  name: 'appsettings'
  properties: {
    NODE_ENV: 'production'
    HOST: '0.0.0.0'
    PORT: '8080'
    WEBSITES_PORT: '8080'
    WEBSITE_RUN_FROM_PACKAGE: '1'
    SCM_DO_BUILD_DURING_DEPLOYMENT: 'false'
    BOT_ID: botAadAppClientId
    BOT_PASSWORD: botPasswordSetting
    BOT_TENANT_ID: botTenantId
    // Managed identity: the endpoint only, never a key or connection string.
    TABLES_ENDPOINT: storage.properties.primaryEndpoints.table
    CTAC_TABLE_PREFIX: tablePrefixSetting
    CTAC_WEBHOOK_SECRET: webhookSecretSetting
    CTAC_ADMINS: ctacAdminsSetting
    NHS_CYBER_ALERTS_URL: nhsCyberAlertsUrlSetting
    GRAPH_ENABLED: graphEnabled
    TEAMS_APP_ID: teamsAppId
    TEAMS_APP_CATALOG_ID: teamsAppCatalogIdSetting
    NOTIFY_API_KEY: notifyApiKeySetting
    NOTIFY_BASE_URL: notifyBaseUrl
    NOTIFY_SMS_TEMPLATE_ID: notifySmsTemplateIdSetting
    NOTIFY_EMAIL_TEMPLATE_ID: notifyEmailTemplateIdSetting
    RISK_DECISION_REMINDER_HOURS: riskDecisionReminderHours
    RETENTION_YEARS: retentionYears
    CTAC_PUBLIC_URL: 'https://${webApp.properties.defaultHostName}'
    LOG_LEVEL: logLevel
    // Not a credential: it says where telemetry goes (src/telemetry).
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  }
}

resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, webApp.id, storageTableDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributorRoleId)
    principalId: webApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: webAppName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: botAadAppClientId
    msaAppType: 'SingleTenant'
    msaAppTenantId: botTenantId
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

// Written to env/.env.<environment> by the Toolkit; they fill the manifest and the deploy step.
output AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output AZURE_BOT_RESOURCE_ID string = bot.id
output AZURE_STORAGE_ACCOUNT_NAME string = storage.name
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output TAB_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output TABLES_ENDPOINT string = storage.properties.primaryEndpoints.table
output WEB_APP_PRINCIPAL_ID string = webApp.identity.principalId
