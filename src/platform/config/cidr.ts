import net from 'node:net';

export function parseCidr(cidr: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } {
  const [address, prefixText] = cidr.split('/');
  const version = net.isIP(address ?? '');
  const prefix = Number(prefixText);
  if (
    !version ||
    prefixText === undefined ||
    !Number.isInteger(prefix) ||
    prefix < 0 ||
    prefix > (version === 4 ? 32 : 128)
  ) {
    throw new Error(`"${cidr}" is not a CIDR (e.g. 10.0.0.0/8 or fd00::/8)`);
  }
  return { address: address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}
