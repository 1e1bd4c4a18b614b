import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { parseCidr } from '../config/cidr';

/** Addresses no outbound call may reach unless OUTBOUND_ALLOW_CIDRS lets them through. */
const BLOCKED_CIDRS = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/128',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
];

export class OutboundBlockedError extends Error {
  readonly code = 'OUTBOUND_BLOCKED';
}

/** Parses "a.b.c.d/n" or "x::/n"; throws a clear error on anything else. */
function blockList(cidrs: string[]): net.BlockList {
  const list = new net.BlockList();
  for (const cidr of cidrs) {
    const { address, prefix, family } = parseCidr(cidr);
    list.addSubnet(address, prefix, family);
  }
  return list;
}

/**
 * axios sets TCP keep-alive to 60 s on every request's socket, and the agent sets its own `keepAliveMsecs` back each
 * time the socket returns to the pool: with different values that is two setsockopt calls per request (~2 % of a
 * ledger sync's CPU). With the same value Node skips both.
 */
const AXIOS_TCP_KEEPALIVE_MS = 60_000;

/**
 * Server-side request forgery guard for webhook URLs and vendor base URLs. It checks the address a
 * connection actually goes to, after DNS resolution (a hostname that resolves to 169.254.169.254 is
 * refused like the literal), through the agents' `lookup`.
 */
export class OutboundGuard {
  private readonly blocked = blockList(BLOCKED_CIDRS);
  private readonly allowed: net.BlockList;
  readonly httpAgent: http.Agent;
  readonly httpsAgent: https.Agent;

  constructor(allowCidrs: string[]) {
    this.allowed = blockList(allowCidrs);
    const lookup = this.lookup.bind(this) as unknown as net.LookupFunction;
    const options = { keepAlive: true, keepAliveMsecs: AXIOS_TCP_KEEPALIVE_MS, maxSockets: 256, lookup };
    this.httpAgent = new http.Agent(options);
    this.httpsAgent = new https.Agent(options);
  }

  isAllowedAddress(address: string): boolean {
    const unmapped =
      address.toLowerCase().startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
    const family = net.isIPv4(unmapped) ? 'ipv4' : 'ipv6';
    return this.allowed.check(unmapped, family) || !this.blocked.check(unmapped, family);
  }

  /** Rejects URLs that are not http(s) or whose host is a blocked IP literal (literals skip `lookup`). */
  assertUrlAllowed(rawUrl: string): URL {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      throw new OutboundBlockedError(`"${rawUrl}" is not a valid URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new OutboundBlockedError('Only http and https URLs are allowed');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(host) && !this.isAllowedAddress(host)) {
      throw new OutboundBlockedError(
        `Outbound requests to ${host} are blocked (private, loopback, link-local or metadata address); allow it with OUTBOUND_ALLOW_CIDRS`,
      );
    }
    return url;
  }

  private lookup(hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void): void {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error);
      const list = addresses;
      const refused = list.find((a) => !this.isAllowedAddress(a.address));
      if (refused) {
        return callback(
          new OutboundBlockedError(
            `Outbound requests to ${hostname} (${refused.address}) are blocked (private, loopback, link-local or metadata address); allow it with OUTBOUND_ALLOW_CIDRS`,
          ),
        );
      }
      if (options.all) return callback(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  }
}
