import { isIPv4, isIPv6 } from 'node:net';

/**
 * True for hosts that never leave this machine: localhost, 127.0.0.0/8 and ::1 (also written
 * as an IPv4-mapped ::ffff:127.x.y.z). Only there may mail credentials travel without TLS,
 * which is what a local test server or an SSH tunnel needs.
 */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (name === 'localhost') return true;
  if (isIPv4(name)) return name.split('.')[0] === '127';
  if (isIPv6(name)) {
    // The URL parser writes IPv6 addresses in their one canonical form, zeros compressed.
    const canonical = new URL(`http://[${name}]/`).hostname.slice(1, -1);
    if (canonical === '::1') return true;
    const mapped = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(canonical);
    return mapped !== null && (parseInt(mapped[1] as string, 16) >> 8) === 127;
  }
  return false;
}
