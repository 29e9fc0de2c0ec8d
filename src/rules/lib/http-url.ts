/**
 * URL and header helpers shared by the http.* modules (pure functions on byte strings).
 * @module
 */
import type { HeaderField } from '../host.ts'

/** Splits a request-target into path and query (null when there is no `?`), dropping `scheme://host`. */
export function splitTarget(raw: string): { path: string; query: string | null } {
  let t = raw
  const abs = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(t)
  if (abs !== null) t = t.slice(abs[0].length) || '/'
  const hash = t.indexOf('#')
  if (hash >= 0) t = t.slice(0, hash)
  const q = t.indexOf('?')
  return q < 0 ? { path: t, query: null } : { path: t.slice(0, q), query: t.slice(q + 1) }
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

/** RFC 9110 token characters: what a header name or a method may consist of. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

export function isToken(s: string): boolean {
  return TOKEN.test(s)
}

/** A header value with CR, LF and NUL removed, so a rule cannot split the header block. */
export function headerValue(v: string): string {
  return /[\r\n\0]/.test(v) ? v.replace(/[\r\n\0]/g, '') : v
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
