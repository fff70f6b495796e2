import net from 'node:net';
import { isLoopbackHost } from '../../src/config';

/**
 * Refuses every TCP connection this process opens to anything but loopback, and remembers where it
 * was going: a test then asserts that nothing tried to leave the machine.
 */
export function guardLoopback(): { attempts: string[]; restore: () => void } {
  const attempts: string[] = [];
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    const options =
      typeof first === 'object' && first !== null
        ? (first as { host?: string; path?: string })
        : { host: typeof args[1] === 'string' ? args[1] : 'localhost' };
    const host = options.host ?? (options.path ? undefined : 'localhost');
    if (host !== undefined && !isLoopbackHost(host)) {
      attempts.push(host);
      process.nextTick(() => this.destroy(new Error(`blocked: ${host} is not loopback`)));
      return this;
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  return { attempts, restore: () => void (net.Socket.prototype.connect = original) };
}
