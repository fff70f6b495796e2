// Loaded with `node --require` before the M365 Agents Playground, which has no host option and calls
// `server.listen(port)`, so it would listen on every interface. Its UI and API take anyone's messages
// as any user, so it must be reachable from this computer only: a listen without a host gets 127.0.0.1.
'use strict';
// A preload runs as CommonJS before anything else, so it cannot be an ES module.
// eslint-disable-next-line @typescript-eslint/no-require-imports, no-undef
const net = require('net');

const LOOPBACK = '127.0.0.1';
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first, second] = args;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof second !== 'string') args.splice(1, 0, LOOPBACK);
  } else if (
    first &&
    typeof first === 'object' &&
    first.path === undefined &&
    first.host === undefined
  )
    args[0] = { ...first, host: LOOPBACK };
  return listen.apply(this, args);
};
