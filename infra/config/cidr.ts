/** IPv4 addresses and CIDR blocks as the RocketMQ allowlist takes them (`10.0.0.1` or `10.0.0.0/16`). */

/** An IPv4 address or CIDR block: four octets 0-255 and an optional prefix length 0-32. */
export const IPV4_CIDR =
  /^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\/(3[0-2]|[12]?[0-9]))?$/;

interface Block {
  readonly base: number;
  readonly prefix: number;
}

/** The block of an address or CIDR (an address is a /32); the host bits are cleared. */
export function parseCidr(text: string): Block {
  if (!IPV4_CIDR.test(text)) throw new Error(`"${text}" is not an IPv4 address or CIDR block`);
  const [address, prefixText] = text.split('/');
  const prefix = prefixText === undefined ? 32 : Number(prefixText);
  const value = address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - prefix);
  return { base: value - (value % size), prefix };
}

/** Whether every address of `inner` is inside `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  if (i.prefix < o.prefix) return false;
  const size = 2 ** (32 - o.prefix);
  return i.base - (i.base % size) === o.base;
}
