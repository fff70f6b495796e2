import { signWebhook } from '../../src/api/alerts-webhook';

/*
 * The alert webhook as a sender calls it: the body signed with the shared secret and the time, posted
 * to /api/alerts. Tests that post alerts share this rather than each building the headers.
 */

/** One signed webhook call, as the alert source would send it (the same bytes may be sent twice). */
export interface SignedAlert {
  raw: string;
  timestamp: string;
  signature: string;
}

/** Signs `alert` with `secret` as sent at `at`. */
export function signedAlert(secret: string, at: Date, alert: Record<string, unknown>): SignedAlert {
  const raw = JSON.stringify(alert);
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return { raw, timestamp, signature: signWebhook(secret, timestamp, raw) };
}

/** Posts a signed call to the alert webhook of the app at `appUrl`. */
export function postSignedAlert(
  appUrl: string,
  req: SignedAlert,
  init: { signal?: AbortSignal } = {},
): Promise<Response> {
  return fetch(`${appUrl}/api/alerts`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-ctac-timestamp': req.timestamp,
      'x-ctac-signature': req.signature,
    },
    body: req.raw,
    ...init,
  });
}

/** Signs `alert` as sent now (or at `at`) and posts it to the app at `appUrl`. */
export function sendSignedAlert(
  appUrl: string,
  secret: string,
  alert: Record<string, unknown>,
  at: Date = new Date(),
): Promise<Response> {
  return postSignedAlert(appUrl, signedAlert(secret, at, alert));
}
