/** IPv4 blocks of the allowlist rules (infra/config/cidr.ts), with the arithmetic written out. */
import { cidrContains, parseCidr } from '../../infra/config/cidr';

describe('parseCidr', () => {
  test.each<[string, number, number]>([
    // 10.1.2.3 = 10×2^24 + 1×2^16 + 2×2^8 + 3 = 167838211; an address is a /32.
    ['10.1.2.3', 167838211, 32],
    // /16 clears the low 16 bits: 10×2^24 + 1×2^16 = 167837696.
    ['10.1.2.3/16', 167837696, 16],
    ['192.168.0.0/24', 3232235520, 24],
    ['0.0.0.0/0', 0, 0],
    ['255.255.255.255', 4294967295, 32],
  ])('%s → base %i, prefix %i', (text, base, prefix) => {
    expect(parseCidr(text)).toEqual({ base, prefix });
  });

  test('refuses what is not an address or block, quoting it', () => {
    expect(() => parseCidr('10.0.0.256/8')).toThrow('"10.0.0.256/8" is not an IPv4 address or CIDR block');
    expect(() => parseCidr('10.0.0.0/33')).toThrow('"10.0.0.0/33" is not an IPv4 address or CIDR block');
  });
});

describe('cidrContains(outer, inner)', () => {
  test.each<[string, string, boolean]>([
    ['10.0.0.0/16', '10.0.3.0/24', true],
    ['10.0.0.0/16', '10.0.0.0/16', true],
    ['10.0.0.0/16', '10.1.0.0/24', false],
    // A wider inner block is never inside, even when it starts at the same address.
    ['10.0.0.0/24', '10.0.0.0/16', false],
    ['10.0.0.0/16', '10.0.255.255', true],
    ['10.0.0.1', '10.0.0.1', true],
    ['10.0.0.1', '10.0.0.2', false],
    ['0.0.0.0/0', '172.16.5.4', true],
  ])('%s contains %s: %s', (outer, inner, contained) => {
    expect(cidrContains(outer, inner)).toBe(contained);
  });
});
