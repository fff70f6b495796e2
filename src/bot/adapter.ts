import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import type { Logger } from 'pino';
import type { Config } from '../config';

/**
 * The Bot Framework adapter. In production the bot authenticates single tenant with its app id and secret;
 * anonymous access (no app id) exists only outside production, where config refuses to start without them.
 */
export function createAdapter(config: Config, logger: Logger): CloudAdapter {
  const options: Partial<ConfigurationBotFrameworkAuthenticationOptions> = config.bot.appId
    ? {
        MicrosoftAppId: config.bot.appId,
        MicrosoftAppPassword: config.bot.password,
        MicrosoftAppTenantId: config.bot.tenantId,
        MicrosoftAppType: 'SingleTenant',
        ...(config.bot.tokenIssuer && localTokenIssuer(config.bot.tokenIssuer)),
      }
    : {};
  const adapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication(
      options as ConfigurationBotFrameworkAuthenticationOptions,
    ),
  );
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error(
      { err: error, activityType: context.activity?.type },
      'unhandled error in a bot turn',
    );
    if (context.activity?.type === 'message')
      await context
        .sendActivity(
          'Sorry, something went wrong on our side. Nothing was changed; please try again.',
        )
        .catch(() => undefined);
  };
  return adapter;
}

/**
 * Tests only (BOT_OPENID_METADATA_URL, loopback): tokens on /api/messages are checked against a local OpenID
 * metadata document and issuer instead of the Bot Framework's; every other setting keeps the public cloud's
 * value (botbuilder takes all of them as given once one is set), and validation stays on.
 */
function localTokenIssuer(
  local: NonNullable<Config['bot']['tokenIssuer']>,
): Partial<ConfigurationBotFrameworkAuthenticationOptions> {
  return {
    ValidateAuthority: true,
    ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    OAuthUrl: 'https://api.botframework.com',
    ToBotFromEmulatorOpenIdMetadataUrl:
      'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
    CallerId: 'urn:botframework:azure',
    ToBotFromChannelOpenIdMetadataUrl: local.openIdMetadataUrl,
    ToBotFromChannelTokenIssuer: local.issuer,
  };
}
