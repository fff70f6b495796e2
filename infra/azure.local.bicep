// Local debugging in Teams: only the Azure Bot (single tenant, Teams channel) pointing at your
// dev tunnel. The app itself runs on your machine (`npm run serve`) and stores data in the
// embedded Azurite. Deployed by `m365agents.local.yml` with infra/azure.local.parameters.json.

@minLength(3)
@maxLength(20)
param resourceBaseName string

@maxLength(42)
param botDisplayName string = 'CTAC (local)'

@description('Public HTTPS base URL of your dev tunnel (BOT_ENDPOINT), without a trailing slash.')
param botEndpoint string

@description('Client id of the single-tenant Entra app registration (BOT_ID).')
param botAadAppClientId string

param botTenantId string = tenant().tenantId

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${resourceBaseName}-${uniqueString(resourceGroup().id, resourceBaseName)}'
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: 'F0'
  }
  properties: {
    displayName: botDisplayName
    endpoint: '${botEndpoint}/api/messages'
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

output AZURE_BOT_RESOURCE_ID string = bot.id
