import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import {
  AuthenticationConstants,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type UserTokenClient,
  type ConnectorClient,
  type ConnectorFactory,
} from 'botframework-connector';
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
    new ReusingAuthentication(options as ConfigurationBotFrameworkAuthenticationOptions),
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

/** How many connector clients are kept (one per bot, service URL and audience: a handful in practice). */
const CLIENTS_KEPT = 32;

/**
 * Bot Framework authentication that makes each connector client (per bot, service URL and audience)
 * and user-token client (per bot) once and hands the same one to every later turn. The SDK makes
 * both afresh for every turn, each a whole HTTP pipeline: building them cost about 0.4 ms of CPU
 * per button press, more than some of the work the press asks for. A client holds no per-turn
 * state: its credentials keep their own tokens. A client that could not be made is not kept.
 * `prepare` adjusts each connector client once, when it is made.
 */
export class ReusingAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly connectors = new Map<string, Promise<ConnectorClient>>();
  private readonly tokenClients = new Map<string, Promise<UserTokenClient>>();

  constructor(
    options: ConfigurationBotFrameworkAuthenticationOptions,
    private readonly prepare: (client: ConnectorClient) => void = () => undefined,
  ) {
    super(options);
  }

  override async authenticateRequest(
    activity: Activity,
    authHeader: string,
  ): Promise<AuthenticateRequestResult> {
    const result = await super.authenticateRequest(activity, authHeader);
    if (!result.connectorFactory) return result;
    return {
      ...result,
      connectorFactory: this.reusing(result.claimsIdentity, result.connectorFactory),
    };
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.reusing(claimsIdentity, super.createConnectorFactory(claimsIdentity));
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return kept(this.tokenClients, appIdOf(claimsIdentity), () =>
      super.createUserTokenClient(claimsIdentity),
    );
  }

  private reusing(claimsIdentity: ClaimsIdentity, inner: ConnectorFactory): ConnectorFactory {
    const appId = appIdOf(claimsIdentity);
    return {
      create: (serviceUrl: string, audience?: string) =>
        kept(this.connectors, `${appId}\n${serviceUrl}\n${audience ?? ''}`, async () => {
          const client = await inner.create(serviceUrl, audience);
          this.prepare(client);
          return client;
        }),
    };
  }
}

/** The bot a turn is for, as botbuilder reads it: the audience claim, else the app id claim. */
const appIdOf = (claimsIdentity: ClaimsIdentity): string =>
  claimsIdentity.getClaimValue(AuthenticationConstants.AudienceClaim) ??
  claimsIdentity.getClaimValue(AuthenticationConstants.AppIdClaim) ??
  '';

/** The value kept under `key`, made once; a failed make is forgotten so the next turn tries again. */
function kept<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  const known = cache.get(key);
  if (known) return known;
  const made = make();
  made.catch(() => {
    if (cache.get(key) === made) cache.delete(key);
  });
  if (cache.size >= CLIENTS_KEPT) cache.delete(cache.keys().next().value!);
  cache.set(key, made);
  return made;
}
