import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { JWTVerifyGetKey } from 'jose';
import type { Directory } from '../app/directory';
import type { Member, Role } from '../domain/people/member';

// jose is published as ES modules only. Node 20 (20.19 on) loads such a module with require; Node's own
// require is taken from the built-in module directly, so a test runner's module system (which cannot load ES
// modules without transforming them) is not in the way. The app stays CommonJS.
type Jose = typeof import('jose');
let loaded: Jose | undefined;
export const jose = (): Jose =>
  (loaded ??= process.getBuiltinModule('module').createRequire(__filename)('jose') as Jose);

/** Who a verified bearer token says the caller is. */
export interface TokenIdentity {
  /** The Entra object id (`oid` claim), lower case. */
  oid: string;
  name?: string;
}

export interface TokenVerifier {
  /** Resolves the identity, or rejects for a missing, expired, forged or mis-addressed token. */
  verify(token: string): Promise<TokenIdentity>;
}

export interface JwtVerifierOptions {
  issuer: string;
  audience: string | string[];
  /** Where the signing keys come from: a local key set (development) or the issuer's JWKS URL (Entra). */
  keys: JWTVerifyGetKey;
}

/** Checks signature (RS256 only), issuer, audience, expiry and not-before, allowing a minute of clock skew. */
export function createJwtVerifier(options: JwtVerifierOptions): TokenVerifier {
  const { jwtVerify } = jose();
  return {
    async verify(token) {
      const { payload } = await jwtVerify(token, options.keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ['RS256'],
        clockTolerance: 60,
        requiredClaims: ['exp', 'oid'],
      });
      const oid = typeof payload['oid'] === 'string' ? payload['oid'].toLowerCase() : '';
      if (!/^[0-9a-f-]{36}$/.test(oid)) throw new Error('the token has no valid oid claim');
      return { oid, name: typeof payload['name'] === 'string' ? payload['name'] : undefined };
    },
  };
}

/**
 * The tenant's Entra ID v2 issuer, for production: tokens the tab gets with Teams SSO for
 * `api://<host>/<bot id>`, signed with the keys Entra publishes.
 */
export function entraVerifier(tenantId: string, audiences: string[]): TokenVerifier {
  const { createRemoteJWKSet } = jose();
  return createJwtVerifier({
    issuer: `https://login.microsoftonline.com/${tenantId}/v2.0`,
    audience: audiences,
    keys: createRemoteJWKSet(
      new URL(`https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`),
    ),
  });
}

const unauthorised = (res: Response, message: string) =>
  res
    .status(401)
    .setHeader('WWW-Authenticate', 'Bearer')
    .json({ error: { code: 'unauthorised', message } });

/**
 * Express middleware: requires `Authorization: Bearer <token>` (401 when missing or invalid) and puts the
 * CTAC member the token's oid belongs to in `res.locals.member` (undefined for someone who is not a member).
 */
export function authenticate(verifier: TokenVerifier, directory: Directory): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(header.trim());
    if (!match) return void unauthorised(res, 'Sign in first: this address needs a bearer token.');
    let identity: TokenIdentity;
    try {
      identity = await verifier.verify(match[1]!);
    } catch {
      return void unauthorised(res, 'The bearer token is not valid or has expired. Sign in again.');
    }
    res.locals['member'] = await directory.identify({
      aadObjectId: identity.oid,
      name: identity.name ?? '',
    });
    next();
  };
}

/** The member `authenticate` found, for a route handler. */
export const authenticatedMember = (res: Response): Member | undefined =>
  res.locals['member'] as Member | undefined;

/** Express middleware after `authenticate`: 403 unless the member has the role. */
export function requireRole(directory: Directory, role: Role, doing: string): RequestHandler {
  return (_req, res, next) => {
    directory.require(authenticatedMember(res), role, doing);
    next();
  };
}
