import { randomUUID } from 'crypto';
import { createJwtVerifier, jose, type TokenVerifier } from './auth-bearer';

/** Issuer and audience of the development tokens; they mean nothing outside this process. */
export const DEV_ISSUER = 'urn:ctac:local-dev-issuer';
export const DEV_AUDIENCE = 'urn:ctac:local';

/**
 * A token issuer for local runs and tests, never production: an RSA key pair made when the app starts (so
 * tokens die with the process), a verifier that trusts only it, and `sign` to make a token for a person.
 */
export interface DevIssuer {
  verifier: TokenVerifier;
  sign(
    claims: { oid: string; name?: string },
    opts?: { expiresInSeconds?: number },
  ): Promise<string>;
}

export async function createDevIssuer(): Promise<DevIssuer> {
  const { generateKeyPair, exportJWK, createLocalJWKSet, SignJWT } = jose();
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return {
    verifier: createJwtVerifier({
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      keys: createLocalJWKSet({ keys: [jwk] }),
    }),
    async sign(claims, opts = {}) {
      return new SignJWT({ oid: claims.oid, ...(claims.name && { name: claims.name }) })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${opts.expiresInSeconds ?? 3600}s`)
        .sign(privateKey);
    },
  };
}
