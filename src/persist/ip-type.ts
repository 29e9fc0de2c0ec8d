/**
 * `ip` persistence: the client address is the key, optionally reduced to its subnet so that
 * clients behind a pool of proxies keep one node.
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net'
import type { PersistenceType } from './persistence-type.ts'

/** The first `prefix` bits of an IPv4 address, as text (`10.1.2.0/24`); the address itself when 0. */
export function ipv4Subnet(ip: string, prefix: number): string {
  if (prefix <= 0) return ip
  const parts = ip.split('.').map(Number)
  let n = 0
  for (const p of parts) n = n * 256 + p
  const mask = prefix >= 32 ? 0xffffffff : (0xffffffff << (32 - prefix)) >>> 0
  const masked = (n & mask) >>> 0
  return `${String(masked >>> 24)}.${String((masked >>> 16) & 255)}.${String((masked >>> 8) & 255)}.${String(masked & 255)}/${String(prefix)}`
}

/** Expands an IPv6 address to its eight 16-bit groups (an embedded IPv4 tail included). */
function ipv6Groups(ip: string): number[] {
  let text = ip.toLowerCase()
  const zone = text.indexOf('%')
  if (zone >= 0) text = text.slice(0, zone)
  const lastColon = text.lastIndexOf(':')
  const v4 = text.slice(lastColon + 1)
  if (isIPv4(v4)) {
    const b = v4.split('.').map(Number)
    const hi = (((b[0] ?? 0) << 8) | (b[1] ?? 0)).toString(16)
    const lo = (((b[2] ?? 0) << 8) | (b[3] ?? 0)).toString(16)
    text = `${text.slice(0, lastColon + 1)}${hi}:${lo}`
  }
  const [head = '', rest] = text.split('::')
  const headGroups = head === '' ? [] : head.split(':').map((g) => parseInt(g, 16))
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':').map((g) => parseInt(g, 16))
  const zeros = rest === undefined ? [] : new Array<number>(Math.max(0, 8 - headGroups.length - restGroups.length)).fill(0)
  return [...headGroups, ...zeros, ...restGroups].slice(0, 8)
}

/** The first `prefix` bits of an IPv6 address, as text; the address itself when 0. */
export function ipv6Subnet(ip: string, prefix: number): string {
  if (prefix <= 0) return ip
  const groups = ipv6Groups(ip)
  const out: string[] = []
  for (let i = 0; i < 8; i++) {
    const bits = Math.min(16, Math.max(0, prefix - i * 16))
    const mask = bits === 0 ? 0 : (0xffff << (16 - bits)) & 0xffff
    out.push(((groups[i] ?? 0) & mask).toString(16))
  }
  return `${out.join(':')}/${String(prefix)}`
}

export const ipType: PersistenceType = {
  name: 'ip',
  usesTable: true,
  cacheSizeKey: 'ip_cache_size',
  cacheExpiryKey: 'ip_cache_expiry',
  keyOf(input, settings) {
    const ip = input.clientIp
    if (isIPv4(ip)) return ipv4Subnet(ip, settings.subnetPrefixLengthV4)
    if (isIPv6(ip)) return ipv6Subnet(ip, settings.subnetPrefixLengthV6)
    return ip === '' ? null : ip
  },
}
