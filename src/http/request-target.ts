/**
 * The Host field and absolute-form request targets (RFC 9110 §7.2, RFC 9112 §3.2). A Host must
 * be a valid authority; a request to `http://authority/path` is handled as `/path` with
 * `Host: authority`, as origin servers must (RFC 9112 §3.2.2) and as nodes such as nginx route
 * it, so the Host a rule or a node sees is the one that counts.
 * @module
 */
import { HEAD_ERRORS, type HeadError } from './head-error.ts'
import type { RequestHead } from './request-head.ts'
import { equalsLower, hexValue } from './syntax.ts'

/** Longest port accepted in a Host (digits). */
const MAX_PORT_DIGITS = 5

/** RFC 3986 unreserved and sub-delims: what a reg-name holds besides pct-encoded bytes. */
const IS_REG_NAME_CHAR: Uint8Array = (() => {
  const table = new Uint8Array(256)
  for (let c = 0x30; c <= 0x39; c++) table[c] = 1
  for (let c = 0x41; c <= 0x5a; c++) table[c] = 1
  for (let c = 0x61; c <= 0x7a; c++) table[c] = 1
  for (const ch of "-._~!$&'()*+,;=") table[ch.charCodeAt(0)] = 1
  return table
})()

/**
 * `Host` syntax: uri-host [ ":" port ], where uri-host is an IP-literal in brackets (IPv6 or
 * IPvFuture characters), an IPv4 address or a reg-name (which covers IPv4). Empty is valid
 * (RFC 9112 §3.2: a target without an authority).
 */
export function isValidHost(s: string): boolean {
  const n = s.length
  let i = 0
  if (n > 0 && s.charCodeAt(0) === 0x5b) {
    const close = s.indexOf(']')
    if (close < 2) return false
    for (let j = 1; j < close; j++) {
      const c = s.charCodeAt(j)
      if (c !== 0x3a && IS_REG_NAME_CHAR[c] !== 1) return false
    }
    i = close + 1
  } else {
    while (i < n) {
      const c = s.charCodeAt(i)
      if (c === 0x3a) break
      if (c === 0x25) {
        if (hexValue(s.charCodeAt(i + 1)) < 0 || hexValue(s.charCodeAt(i + 2)) < 0) return false
        i += 3
        continue
      }
      if (IS_REG_NAME_CHAR[c] !== 1) return false
      i++
    }
  }
  if (i === n) return true
  if (s.charCodeAt(i) !== 0x3a || n - i - 1 > MAX_PORT_DIGITS) return false
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j)
    if (c < 0x30 || c > 0x39) return false
  }
  return true
}

/**
 * Checks the target of `head` (whose first character is not `/`) and turns an absolute-form
 * one into origin-form with the Host set to its authority. Returns an error, or null when the
 * head is fine (rewritten or not).
 */
export function applyRequestTarget(head: RequestHead): HeadError | null {
  const target = head.target
  if (target === '*' || head.method === 'CONNECT') return null
  const sep = target.indexOf('://')
  if (sep === -1) return HEAD_ERRORS.badTarget
  const scheme = target.slice(0, sep)
  if (!equalsLower(scheme, 'http') && !equalsLower(scheme, 'https')) return HEAD_ERRORS.badTarget
  const from = sep + 3
  let end = from
  while (end < target.length) {
    const c = target.charCodeAt(end)
    if (c === 0x2f || c === 0x3f || c === 0x23) break
    end++
  }
  const authority = target.slice(from, end)
  // No userinfo (RFC 9110 §4.2.4), and an http(s) URI has a host (§4.2.1).
  if (authority === '' || authority.charCodeAt(0) === 0x3a || authority.includes('@') || !isValidHost(authority)) return HEAD_ERRORS.badTarget
  const rest = target.slice(end)
  if (rest.includes('#')) return HEAD_ERRORS.badTarget
  head.target = rest === '' || rest.charCodeAt(0) === 0x3f ? '/' + rest : rest
  setHost(head, authority)
  return null
}

/** Replaces the Host field (or adds one, for HTTP/1.0) with `authority`. */
function setHost(head: RequestHead, authority: string): void {
  const list = head.headers
  let found = false
  for (let i = 0; i < list.length; i += 2) {
    if (equalsLower(list[i] ?? '', 'host')) {
      list[i + 1] = authority
      found = true
    }
  }
  if (!found) list.push('Host', authority)
  head.host = authority
  head.hostCount = 1
  head.needsRewrite = true
}
