/**
 * URL and header helpers shared by the http.* modules (pure functions on byte strings).
 * @module
 */
import type { HeaderField } from '../host.ts'

const ABSOLUTE_PREFIX = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/

/** Splits a request-target into path and query (null when there is no `?`), dropping `scheme://host`. */
export function splitTarget(raw: string): { path: string; query: string | null } {
  let t = raw
  const abs = ABSOLUTE_PREFIX.exec(t)
  if (abs !== null) t = t.slice(abs[0].length) || '/'
  const hash = t.indexOf('#')
  if (hash >= 0) t = t.slice(0, hash)
  const q = t.indexOf('?')
  return q < 0 ? { path: t, query: null } : { path: t.slice(0, q), query: t.slice(q + 1) }
}

/**
 * Where the path of an origin-form target (`/...`, what nearly every request has) ends: at the
 * first `?` before any `#`, or at the `#`. The getters below take it without building the
 * object splitTarget returns; other forms go through splitTarget.
 */
function originPathEnd(raw: string): number {
  const hash = raw.indexOf('#')
  const limit = hash < 0 ? raw.length : hash
  const q = raw.indexOf('?')
  return q >= 0 && q < limit ? q : limit
}

/** The path of a request-target, as `splitTarget(raw).path`. */
export function targetPath(raw: string): string {
  if (raw.charCodeAt(0) !== 0x2f) return splitTarget(raw).path
  const end = originPathEnd(raw)
  return end === raw.length ? raw : raw.slice(0, end)
}

/** The query of a request-target, as `splitTarget(raw).query`. */
export function targetQuery(raw: string): string | null {
  if (raw.charCodeAt(0) !== 0x2f) return splitTarget(raw).query
  const end = originPathEnd(raw)
  if (end === raw.length || raw.charCodeAt(end) !== 0x3f) return null
  const hash = raw.indexOf('#', end)
  return raw.slice(end + 1, hash < 0 ? raw.length : hash)
}

/** A Host header value lower-cased, without surrounding white space, port or trailing dot. */
export function hostName(raw: string): string {
  // The usual Host is already a lower-case name or address, perhaps with a port: nothing to
  // trim or fold, so it is returned as it is, or cut at the colon.
  let i = 0
  for (; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d)) break
  }
  if (i > 0 && raw.charCodeAt(i - 1) !== 0x2e && (i === raw.length || raw.charCodeAt(i) === 0x3a)) {
    return i === raw.length ? raw : raw.slice(0, i)
  }
  let h = raw.trim().toLowerCase()
  if (h.startsWith('[')) {
    const end = h.indexOf(']')
    return end < 0 ? h : h.slice(0, end + 1)
  }
  const c = h.indexOf(':')
  if (c >= 0) h = h.slice(0, c)
  return h.endsWith('.') ? h.slice(0, -1) : h
}

/** %-decodes; an invalid escape has its `%` replaced by `_` (so `%zz` cannot smuggle anything). */
export function decodePath(p: string): string {
  if (!p.includes('%')) return p
  return p.replace(/%([0-9a-fA-F]{2})?/g, (_m, hex: string | undefined) => (hex === undefined ? '_' : String.fromCharCode(Number.parseInt(hex, 16))))
}

/** Decodes a form/query component: `+` is a space, then %XX. */
export function decodeForm(s: string): string {
  return decodePath(s.replace(/\+/g, ' '))
}

/** %-encodes bytes outside RFC 3986 unreserved and reserved characters (keeps valid %XX). */
export function encodePath(p: string): string {
  return p.replace(/%(?![0-9a-fA-F]{2})|[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/g, (c) => '%' + (c.charCodeAt(0) & 0xff).toString(16).toUpperCase().padStart(2, '0'))
}

/** %-encodes control characters, space and `%` only (setEscapedPath, setQueryString). */
export function encodeControls(p: string): string {
  return p.replace(/[\x00-\x20%\x7f]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'))
}

/** %-encodes only space and control characters, which cannot appear in a request line. */
export function encodeUnsafe(p: string): string {
  return /[\x00-\x20\x7f]/.test(p) ? p.replace(/[\x00-\x20\x7f]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')) : p
}

/** Collapses `//`, `/./` and `/x/../`; returns `""` when the path climbs above the root. */
export function normalizePath(p: string): string {
  const lead = p.startsWith('/')
  const out: string[] = []
  const segs = p.split('/')
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i] ?? ''
    if (seg === '' || seg === '.') continue
    if (seg === '..') {
      if (out.length === 0) return ''
      out.pop()
      continue
    }
    out.push(seg)
  }
  const trailing = p.endsWith('/') || p.endsWith('/.') || p.endsWith('/..')
  const body = out.join('/')
  return (lead ? '/' : '') + body + (trailing && body !== '' ? '/' : '')
}

/** RFC 9110 token characters (tchar): what a header name or a method may consist of. */
const IS_TCHAR: Uint8Array = (() => {
  const table = new Uint8Array(256)
  for (const ch of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") table[ch.charCodeAt(0)] = 1
  return table
})()

/** Whether `s` is a non-empty token. A loop, not a pattern: it runs for every header a rule writes. */
export function isToken(s: string): boolean {
  if (s.length === 0) return false
  for (let i = 0; i < s.length; i++) if (IS_TCHAR[s.charCodeAt(i)] !== 1) return false
  return true
}

/** A header value with CR, LF and NUL removed, so a rule cannot split the header block. */
export function headerValue(v: string): string {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i)
    if (c === 0x0d || c === 0x0a || c === 0) return v.replace(/[\r\n\0]/g, '')
  }
  return v
}

/** `s.toLowerCase() === lowerName` for an ASCII `lowerName` (a header name), without the copy. */
export function equalsLowerName(s: string, lowerName: string): boolean {
  if (s.length !== lowerName.length) return false
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i)
    // Outside ASCII a few letters lower-case into ASCII ones (the Kelvin sign into k).
    if (c > 0x7f) return s.toLowerCase() === lowerName
    if (c >= 0x41 && c <= 0x5a) c |= 0x20
    if (c !== lowerName.charCodeAt(i)) return false
  }
  return true
}

/** Parses `name=value; name2=value2` (a Cookie header) into ordered pairs. */
export function parseCookieHeader(h: string): [string, string][] {
  const out: [string, string][] = []
  for (const part of h.split(';')) {
    const t = part.trim()
    if (t === '') continue
    const eq = t.indexOf('=')
    if (eq < 0) out.push([t, ''])
    else out.push([t.slice(0, eq).trim(), t.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1')])
  }
  return out
}

/** Parses a Set-Cookie value into name, value and the attribute text after the first `;`. */
export function parseSetCookie(v: string): { name: string; value: string; attrs: string } {
  const semi = v.indexOf(';')
  const first = semi < 0 ? v : v.slice(0, semi)
  const eq = first.indexOf('=')
  return {
    name: (eq < 0 ? first : first.slice(0, eq)).trim(),
    value: eq < 0 ? '' : first.slice(eq + 1).trim(),
    attrs: semi < 0 ? '' : v.slice(semi + 1).trim(),
  }
}

/** Parses `Name: value\r\n...` text (sendResponse, http.request.*) into header fields. */
export function parseHeaderText(text: string): HeaderField[] {
  const out: HeaderField[] = []
  for (const line of text.split(/\r?\n/)) {
    const c = line.indexOf(':')
    if (c <= 0) continue
    const name = line.slice(0, c).trim()
    // Names are tokens; anything else would be header injection.
    if (!isToken(name)) continue
    out.push([name, line.slice(c + 1).trim()])
  }
  return out
}

/** Parses a urlencoded form into ordered (name, value) pairs. */
export function parseForm(text: string): [string, string][] {
  const out: [string, string][] = []
  for (const part of text.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    out.push(eq < 0 ? [decodeForm(part), ''] : [decodeForm(part.slice(0, eq)), decodeForm(part.slice(eq + 1))])
  }
  return out
}
