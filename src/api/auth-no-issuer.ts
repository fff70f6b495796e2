import type { TokenVerifier } from './auth-bearer';

/**
 * The tab API's verifier when there is neither an Entra app (BOT_ID and BOT_TENANT_ID) nor the development
 * issuer (CTAC_DEV_HOST): no token can be valid, so every one is refused here, without asking Entra ID for
 * keys over the network.
 */
export const noIssuerVerifier: TokenVerifier = {
  verify: () =>
    Promise.reject(new Error('no token issuer is configured (no BOT_ID and no development host)')),
};
