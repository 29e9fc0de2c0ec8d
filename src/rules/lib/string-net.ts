/**
 * string.*: binary integers, BER integers, IP addresses and host:port handling.
 * @module
 */
import { isIP } from 'node:net'
import type { LibraryModule } from '../registry.ts'
import { b, intArg, str } from './args.ts'

/** An address as a number plus its family, or null when it is not an IP address. */
function parseIp(text: string): { family: 4 | 6; value: bigint } | null {
  const fam = isIP(text)
  if (fam === 4) {
    let v = 0n
    for (const part of text.split('.')) v = (v << 8n) | BigInt(Number(part))
    return { family: 4, value: v }
  }
  if (fam === 6) {
    let t = text
    // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
    const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(t)
    if (v4 !== null) {
      const p = parseIp(v4[1] ?? '')
      if (p === null) return null
      t = t.slice(0, -(v4[1] ?? '').length) + ((p.value >> 16n) & 0xffffn).toString(16) + ':' + (p.value & 0xffffn).toString(16)
    }
    const [head = '', tail] = t.split('::')
    const h = head === '' ? [] : head.split(':')
    const tl = tail === undefined || tail === '' ? [] : tail.split(':')
    const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - tl.length).fill('0'), ...tl]
    let v = 0n
    for (const g of groups) v = (v << 16n) | BigInt(Number.parseInt(g, 16))
    return { family: 6, value: v }
  }
  return null
}

function maskBits(family: 4 | 6, prefix: number): bigint {
  const width = family === 4 ? 32 : 128
  if (prefix <= 0) return 0n
  if (prefix >= width) return (1n << BigInt(width)) - 1n
  return ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix)
}

/**
 * The IPv4 address in dotted-quad form at `text[start..end)` as an unsigned 32-bit number, or
 * -1 for anything else: exactly what isIP accepts as version 4 (four decimal parts of 0-255,
 * no leading zeros). Read in place, so a mask's parts need no substrings.
 */
function parseIpv4(text: string, start = 0, end = text.length): number {
  let value = 0
  let i = start
  for (let parts = 0; parts < 4; parts++) {
    if (parts > 0) {
      if (i >= end || text.charCodeAt(i) !== 0x2e) return -1
      i++
    }
    const first = i
    let part = 0
    while (i < end && i - first < 3) {
      const c = text.charCodeAt(i)
      if (c < 0x30 || c > 0x39) break
      part = part * 10 + (c - 0x30)
      i++
    }
    const digits = i - first
    if (digits === 0 || part > 255 || (digits > 1 && text.charCodeAt(first) === 0x30)) return -1
    value = value * 256 + part
  }
  return i === end ? value : -1
}

/** The mask of a `/prefix` made of digits only at `text[start..)`, or -1 when it is not that. */
function prefixMask4(text: string, start: number): number {
  if (start >= text.length) return -1
  let prefix = 0
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x30 || c > 0x39) return -1
    // Anything from 32 up is the whole address; stop counting before the number overflows.
    if (prefix < 32) prefix = prefix * 10 + (c - 0x30)
  }
  if (prefix <= 0) return 0
  if (prefix >= 32) return 0xffffffff
  return (0xffffffff << (32 - prefix)) >>> 0
}

/**
 * ipMaskMatch for an IPv4 address (`ip`, parsed) in 32-bit arithmetic: rules test client
 * addresses against masks on every request, and the general path works in BigInt.
 */
function ipv4MaskMatch(ipText: string, ip: number, m: string): boolean {
  if (m.endsWith('.') && /^(\d{1,3}\.){1,3}$/.test(m)) return ipText.startsWith(m)
  const slash = m.indexOf('/')
  const net = parseIpv4(m, 0, slash < 0 ? m.length : slash)
  // Not an IPv4 network (an IPv6 one, or nothing): no match, as in the general path.
  if (net < 0) return false
  let bits = 0xffffffff
  if (slash >= 0) {
    const dotted = parseIpv4(m, slash + 1)
    bits = dotted >= 0 ? dotted : prefixMask4(m, slash + 1)
    if (bits < 0) return false
  }
  return ((ip & bits) >>> 0) === ((net & bits) >>> 0)
}

/** string.ipmaskmatch: CIDR, dotted netmask, a trailing-dot prefix (`10.0.1.`), or an exact address. */
export function ipMaskMatch(ipText: string, mask: string): boolean {
  const text = ipText.trim()
  const ip4 = parseIpv4(text)
  if (ip4 >= 0) return ipv4MaskMatch(text, ip4, mask.trim())
  const ip = parseIp(text)
  if (ip === null) return false
  const m = mask.trim()
  if (ip.family === 4 && /^(\d{1,3}\.){1,3}$/.test(m)) return ipText.trim().startsWith(m)
  const slash = m.indexOf('/')
  const net = parseIp(slash < 0 ? m : m.slice(0, slash))
  if (net === null || net.family !== ip.family) return false
  let bits: bigint
  if (slash < 0) bits = maskBits(ip.family, 128)
  else {
    const rest = m.slice(slash + 1)
    const dotted = parseIp(rest)
    if (dotted !== null && dotted.family === 4 && ip.family === 4) bits = dotted.value
    else if (/^\d+$/.test(rest)) bits = maskBits(ip.family, Number(rest))
    else return false
  }
  return (ip.value & bits) === (net.value & bits)
}

/** Splits `host:port` / `[v6]:port` / `v6` into its parts. */
function splitHostPort(s: string): { host: string; port: string } {
  const t = s.trim()
  if (t.startsWith('[')) {
    const end = t.indexOf(']')
    if (end < 0) return { host: t, port: '' }
    const rest = t.slice(end + 1)
    return { host: t.slice(1, end), port: rest.startsWith(':') ? rest.slice(1) : '' }
  }
  const first = t.indexOf(':')
  // More than one colon and no brackets: a bare IPv6 address, with no port.
  if (first < 0 || first !== t.lastIndexOf(':')) return { host: t, port: '' }
  return { host: t.slice(0, first), port: t.slice(first + 1) }
}

export const stringNetModule: LibraryModule = {
  functions: {
    'string.bytesToInt': {
      min: 1, max: 1,
      fn: (_s, a) => {
        const t = str(a, 0).slice(0, 4)
        let v = 0
        for (let i = 0; i < t.length; i++) v = v * 256 + (t.charCodeAt(i) & 0xff)
        return v
      },
    },
    'string.intToBytes': {
      min: 1, max: 2,
      fn: (_s, a) => {
        const n = intArg(a, 0)
        const width = a.length > 1 ? intArg(a, 1) : 4
        let out = ''
        for (let i = Math.min(8, Math.max(1, width)) - 1; i >= 0; i--) out += String.fromCharCode(Number((BigInt(n) >> BigInt(i * 8)) & 0xffn))
        return out
      },
    },
    'string.BERToInt': {
      min: 1, max: 1,
      fn: (_s, a) => {
        const t = str(a, 0)
        let v = 0
        for (let i = 0; i < t.length && i < 8; i++) {
          const c = t.charCodeAt(i) & 0xff
          v = v * 128 + (c & 0x7f)
          if ((c & 0x80) === 0) break
        }
        return v
      },
    },
    'string.intToBER': {
      min: 1, max: 1,
      fn: (_s, a) => {
        let n = Math.max(0, intArg(a, 0))
        let out = String.fromCharCode(n & 0x7f)
        n = Math.floor(n / 128)
        while (n > 0) {
          out = String.fromCharCode(0x80 | (n & 0x7f)) + out
          n = Math.floor(n / 128)
        }
        return out
      },
    },
    'string.dottedToBytes': {
      min: 1, max: 1,
      fn: (_s, a) => {
        const ip = parseIp(str(a, 0).trim())
        if (ip?.family !== 4) return ''
        return [24n, 16n, 8n, 0n].map((sh) => String.fromCharCode(Number((ip.value >> sh) & 0xffn))).join('')
      },
    },
    'string.bytesToDotted': {
      min: 1, max: 1,
      fn: (_s, a) => {
        const t = str(a, 0)
        if (t.length < 4) return ''
        return [0, 1, 2, 3].map((i) => String(t.charCodeAt(i) & 0xff)).join('.')
      },
    },
    'string.ipmaskmatch': { min: 2, max: 2, fn: (_s, a) => b(ipMaskMatch(str(a, 0), str(a, 1))) },
    'string.validIPAddress': { min: 1, max: 1, fn: (_s, a) => isIP(str(a, 0)) },
    'string.normalizeIPAddress': {
      min: 1, max: 1,
      fn: (_s, a) => {
        const t = str(a, 0).trim()
        const fam = isIP(t)
        if (fam === 4) return t.split('.').map((p) => String(Number(p))).join('.')
        if (fam === 6) {
          const n = new URL(`http://[${t}]/`).hostname.slice(1, -1)
          // RFC 5952 §5: an IPv4-mapped address keeps its dotted tail.
          const m = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(n)
          if (m === null) return n
          const hi = Number.parseInt(m[1] ?? '0', 16)
          const lo = Number.parseInt(m[2] ?? '0', 16)
          return `::ffff:${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`
        }
        return ''
      },
    },
    'string.extractHost': { min: 1, max: 1, fn: (_s, a) => splitHostPort(str(a, 0)).host },
    'string.extractPort': {
      min: 1, max: 1,
      fn: (_s, a) => {
        const p = splitHostPort(str(a, 0)).port
        return /^\d{1,5}$/.test(p) && Number(p) <= 65535 ? p : ''
      },
    },
  },
}
