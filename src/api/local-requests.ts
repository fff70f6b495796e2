import type { NextFunction, Request, Response } from 'express';

/** Host names a browser uses for this computer; any other name, even one that resolves here, is refused. */
const LOCAL_NAMES = new Set(['127.0.0.1', 'localhost']);

/** Headers a proxy or tunnel adds: a request carrying one was relayed from elsewhere. */
const RELAY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-original-host'];

const isLoopbackPeer = (address: string | undefined): boolean =>
  !!address &&
  /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.test(address);

/**
 * Whether a request was made on this computer, to 127.0.0.1 or localhost (with any port). The Host header
 * stops DNS rebinding (a web page whose own name now resolves to 127.0.0.1 still sends that name); the socket
 * peer stops other machines; the relay headers stop tunnels and proxies on this computer, which connect from
 * loopback and may rewrite Host to localhost (dev tunnels do by default).
 */
export function isLocalRequest(req: Request): boolean {
  const host = (req.headers.host ?? '').toLowerCase();
  const name = /^([^:]+)(:\d{1,5})?$/.exec(host)?.[1];
  return (
    !!name &&
    LOCAL_NAMES.has(name) &&
    isLoopbackPeer(req.socket.remoteAddress) &&
    RELAY_HEADERS.every((h) => req.headers[h] === undefined)
  );
}

/** Express middleware: 403 with a plain message for a request not made on this computer. */
export function localRequestsOnly(req: Request, res: Response, next: NextFunction): void {
  if (isLocalRequest(req)) return next();
  res.status(403).json({
    error: {
      code: 'forbidden',
      message:
        'This is a development copy of CTAC: it answers only on the computer it runs on, at http://127.0.0.1 or http://localhost.',
    },
  });
}
