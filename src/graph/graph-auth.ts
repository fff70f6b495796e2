import { ClientSecretCredential } from '@azure/identity';
import type { Config } from '../config';
import { GRAPH_SCOPE } from './graph-client';

/**
 * App-only tokens for Microsoft Graph with the bot's own app registration. Without credentials
 * (local runs and tests against a fake Graph, never production, which requires them) the token is
 * a fixed placeholder, so no sign-in service is ever contacted.
 */
export function graphTokenSource(bot: Config['bot']): () => Promise<string> {
  if (!bot.appId || !bot.password || !bot.tenantId) return async () => 'local-development-token';
  const credential = new ClientSecretCredential(bot.tenantId, bot.appId, bot.password);
  return async () => {
    const token = await credential.getToken(GRAPH_SCOPE);
    return token.token;
  };
}
