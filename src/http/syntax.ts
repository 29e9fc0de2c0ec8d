/**
 * Character classes of RFC 9110 §5.6.2 and §5.5, as lookup tables for the strict parsers.
 * @module
 */
import { isIP } from 'node:net'

/** tchar: the characters allowed in tokens (methods, field names). */
export const IS_TCHAR: Uint8Array = (() => {
  const table = new Uint8Array(256)
  for (let c = 0x30; c <= 0x39; c++) table[c] = 1
  for (let c = 0x41; c <= 0x5a; c++) table[c] = 1
  for (let c = 0x61; c <= 0x7a; c++) table[c] = 1
  for (const ch of "!#$%&'*+-.^_`|~") table[ch.charCodeAt(0)] = 1
  return table
})()

/**
 * field-vchar plus SP and HTAB (RFC 9110 §5.5). obs-text (0x80-0xFF) is accepted because real
 * clients send UTF-8 in values; control characters, DEL, bare CR and LF are not.
 */
export const IS_FIELD_CHAR: Uint8Array = (() => {
  const table = new Uint8Array(256)
  table[0x09] = 1
  for (let c = 0x20; c <= 0x7e; c++) table[c] = 1
  for (let c = 0x80; c <= 0xff; c++) table[c] = 1
  return table
})()

/** Request-target characters: visible ASCII only (RFC 9112 §3.2; no spaces, no controls). */
export const IS_TARGET_CHAR: Uint8Array = (() => {
  const table = new Uint8Array(256)
  for (let c = 0x21; c <= 0x7e; c++) table[c] = 1
  return table
})()

/** Value of a hex digit, or -1. */
export function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30
  if (code >= 0x61 && code <= 0x66) return code - 0x57
  if (code >= 0x41 && code <= 0x46) return code - 0x37
  return -1
}

/** ASCII case-insensitive equality of `s` with an already lower-case `lower`. */
export function equalsLower(s: string, lower: string): boolean {
  if (s.length !== lower.length) return false
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i)
    if (c >= 0x41 && c <= 0x5a) c |= 0x20
    if (c !== lower.charCodeAt(i)) return false
  }
  return true
}

/** equalsLower for the bytes `buf[start..end)` read as latin1. */
export function bytesEqualLower(buf: Buffer, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false
  for (let i = start; i < end; i++) {
    let c = buf[i] ?? 0
    if (c >= 0x41 && c <= 0x5a) c |= 0x20
    if (c !== lower.charCodeAt(i - start)) return false
  }
  return true
}

/**
 * equalsLower, with `_` in `s` matching `-` in `lower`: some servers fold the two alike in field
 * names, so a client's `X_Forwarded_For` would reach them as `X-Forwarded-For`.
 */
export function equalsLowerDashed(s: string, lower: string): boolean {
  if (s.length !== lower.length) return false
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i)
    if (c >= 0x41 && c <= 0x5a) c |= 0x20
    else if (c === 0x5f) c = 0x2d
    if (c !== lower.charCodeAt(i)) return false
  }
  return true
}

/** equalsLowerDashed for the bytes `buf[start..end)` read as latin1. */
export function bytesEqualLowerDashed(buf: Buffer, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false
  for (let i = start; i < end; i++) {
    let c = buf[i] ?? 0
    if (c >= 0x41 && c <= 0x5a) c |= 0x20
    else if (c === 0x5f) c = 0x2d
    if (c !== lower.charCodeAt(i - start)) return false
  }
  return true
}

/** Trims optional whitespace (SP / HTAB) from both ends (RFC 9110 §5.6.3 OWS). */
export function trimOws(s: string): string {
  let start = 0
  let end = s.length
  while (start < end && (s.charCodeAt(start) === 0x20 || s.charCodeAt(start) === 0x09)) start++
  while (end > start && (s.charCodeAt(end - 1) === 0x20 || s.charCodeAt(end - 1) === 0x09)) end--
  return start === 0 && end === s.length ? s : s.slice(start, end)
}

/** Splits a comma-separated list field into trimmed, lower-cased, non-empty elements. */
export function listTokensLower(value: string): string[] {
  const out: string[] = []
  for (const part of value.split(',')) {
    const t = trimOws(part)
    if (t.length > 0) out.push(t.toLowerCase())
  }
  return out
}

/** RFC 3986 unreserved and sub-delims: what a reg-name holds besides pct-encoded bytes. */
const IS_REG_NAME_CHAR: Uint8Array = (() => {
  const table = new Uint8Array(256)
  for (let c = 0x30; c <= 0x39; c++) table[c] = 1
  for (let c = 0x41; c <= 0x5a; c++) table[c] = 1
  for (let c = 0x61; c <= 0x7a; c++) table[c] = 1
  for (const ch of "-._~!$&'()*+,;=") table[ch.charCodeAt(0)] = 1
  return table
})()

/** RFC 3986 IPvFuture: `v` 1*HEXDIG `.` 1*( unreserved / sub-delims / `:` ). */
const IPV_FUTURE = /^v[0-9a-f]+\.[-a-z0-9._~!$&'()*+,;=:]+$/i

/** What an IP literal holds between its brackets: an IPv6 address or an IPvFuture. */
function isIpLiteral(inside: string): boolean {
  return isIP(inside) === 6 || IPV_FUTURE.test(inside)
}

/** Longest port accepted in a Host (digits). */
const MAX_PORT_DIGITS = 5

/**
 * Whether `buf[start..end)` is a Host (RFC 9110 §7.2): uri-host [ ":" port ], where uri-host is
 * an IP literal in brackets (an IPv6 address or an IPvFuture), an IPv4 address or a reg-name (which
 * covers IPv4). Empty is valid (RFC 9112 §3.2: a target without an authority).
 */
export function isValidHost(buf: Buffer, start: number, end: number): boolean {
  let i = start
  if (i < end && buf[i] === 0x5b) {
    i++
    while (i < end && buf[i] !== 0x5d) {
      const c = buf[i] ?? 0
      if (c !== 0x3a && IS_REG_NAME_CHAR[c] !== 1) return false
      i++
    }
    if (i === end || !isIpLiteral(buf.toString('latin1', start + 1, i))) return false
    i++
  } else {
    while (i < end) {
      const c = buf[i] ?? 0
      if (IS_REG_NAME_CHAR[c] === 1) {
        i++
      } else if (c === 0x25 && i + 2 < end && hexValue(buf[i + 1] ?? 0) >= 0 && hexValue(buf[i + 2] ?? 0) >= 0) {
        i += 3
      } else {
        break
      }
    }
  }
  if (i === end) return true
  if (buf[i] !== 0x3a || end - i - 1 > MAX_PORT_DIGITS) return false
  for (let j = i + 1; j < end; j++) {
    const c = buf[j] ?? 0
    if (c < 0x30 || c > 0x39) return false
  }
  return true
}
