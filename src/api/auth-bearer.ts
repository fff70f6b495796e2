import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
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
  /** Further checks on a signed token's claims: the reason to refuse it, or undefined to accept it. */
  refuse?: (payload: JWTPayload) => string | undefined;
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
      const refused = options.refuse?.(payload);
      if (refused) throw new Error(refused);
      const oid = typeof payload['oid'] === 'string' ? payload['oid'].toLowerCase() : '';
      if (!/^[0-9a-f-]{36}$/.test(oid)) throw new Error('the token has no valid oid claim');
      return { oid, name: typeof payload['name'] === 'string' ? payload['name'] : undefined };
    },
  };
}

/** The scope the tab asks Teams for (`api://<host>/<bot id>/access_as_user`), declared in infra/aad.manifest.json. */
export const TAB_SCOPE = 'access_as_user';

/**
 * The Teams clients pre-authorised in infra/aad.manifest.json to get tab tokens (desktop and mobile, and web);
 * a test keeps this list and the manifest the same.
 */
export const TEAMS_CLIENT_IDS: readonly string[] = [
  '1fec8e78-bce4-4aaf-ab1b-5451cc387264',
  '5e3ce6c0-2b1f-4285-8d4b-75ee78787346',
];

export interface EntraVerifierOptions {
  tenantId: string;
  /** `api://<host of CTAC_PUBLIC_URL>/<BOT_ID>`; undefined (no public URL) refuses every token. */
  audience: string | undefined;
  /** Tests only: a local key set in place of the keys Entra publishes. */
  keys?: JWTVerifyGetKey;
}

/**
 * The tenant's Entra ID v2 issuer, for production: only a delegated user token that Teams got with SSO
 * for the tab's own API. Any app in the tenant can get a token signed by the same keys, so the audience
 * must be the tab's URI (not the bare bot id, which app-only tokens carry), the token must carry the
 * `access_as_user` scope, must not be app-only, and must have been asked for by a Teams client.
 */
export function entraVerifier(options: EntraVerifierOptions): TokenVerifier {
  const { audience, tenantId } = options;
  if (!audience)
    return {
      verify: () =>
        Promise.reject(new Error('CTAC_PUBLIC_URL is not set, so no tab token can be checked')),
    };
  const { createRemoteJWKSet } = jose();
  return createJwtVerifier({
    issuer: `https://login.microsoftonline.com/${tenantId}/v2.0`,
    audience,
    keys:
      options.keys ??
      createRemoteJWKSet(
        new URL(`https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`),
      ),
    refuse: (payload) => refuseEntraClaims(payload, tenantId),
  });
}

/** Why a signed Entra token is not a tab user's token, or undefined when it is one. */
function refuseEntraClaims(payload: JWTPayload, tenantId: string): string | undefined {
  if (payload['tid'] !== tenantId) return 'the token is for another tenant';
  if (payload['idtyp'] === 'app') return 'the token is an app-only token';
  const scopes = typeof payload['scp'] === 'string' ? payload['scp'].split(' ') : [];
  if (!scopes.includes(TAB_SCOPE)) return `the token does not carry the ${TAB_SCOPE} scope`;
  // v2 tokens name the client in azp, v1 tokens in appid.
  const client = payload['azp'] ?? payload['appid'];
  if (typeof client !== 'string' || !TEAMS_CLIENT_IDS.includes(client.toLowerCase()))
    return 'the token was not asked for by a Teams client';
  return undefined;
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
