/**
 * http.*: the request line, URL, headers and cookies of the request.
 * @module
 */
import type { HeaderField } from '../host.ts'
import type { FunctionSpec, LibraryModule } from '../registry.ts'
import type { RunState } from '../run-state.ts'
import type { Value } from '../value.ts'
import { toStr } from '../value.ts'
import { asStr, b, fixed0, fixed1, fixed2, str } from './args.ts'
import {
  decodePath, encodeControls, encodePath, encodeUnsafe, equalsLowerName, headerValue, isToken, normalizePath,
  hostName, parseCookieHeader, targetPath, targetQuery,
} from './http-url.ts'

/** Headers every request keeps through http.scrubRequestHeaders. */
const MANDATORY = ['host', 'connection', 'content-length', 'transfer-encoding', 'content-type']

/** Every URL a rule writes goes through here: spaces and controls would break the request line. */
function writeUrl(s: RunState, url: string): void {
  s.view.setRawUrl(encodeUnsafe(url))
}

function setTarget(s: RunState, path: string, query: string | null): void {
  writeUrl(s, query === null ? path : `${path}?${query}`)
}

/** Header writes check the name (a token) and strip CR/LF/NUL from the value. */
export function headerWrite(fnName: string, write: (s: RunState, name: string, value: string) => void): FunctionSpec {
  return fixed2((s, n, v) => {
    const name = asStr(n)
    if (!isToken(name)) return s.fail(`${fnName}: invalid header name ${JSON.stringify(name)}`)
    write(s, name, headerValue(asStr(v)))
    return ''
  })
}

function headersHash(fields: readonly HeaderField[]): Map<string, Value> {
  const h = new Map<string, Value>()
  for (const [n, v] of fields) {
    const prev = h.get(n)
    h.set(n, prev === undefined ? v : `${toStr(prev)}, ${v}`)
  }
  return h
}

function uniqueNames(fields: readonly HeaderField[]): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const [n] of fields) {
    const k = n.toLowerCase()
    if (!seen.has(k)) {
      seen.add(k)
      out.push(n)
    }
  }
  return out
}

/** Names to keep from scrub arguments: several arguments, or one space-separated list. */
export function scrubList(a: readonly Value[]): Set<string> {
  const keep = new Set<string>()
  for (const v of a) for (const n of toStr(v).split(/[\s,]+/)) if (n !== '') keep.add(n.toLowerCase())
  return keep
}

function cookies(s: RunState): [string, string][] {
  const out: [string, string][] = []
  for (const [n, v] of s.view.listHeaders()) if (equalsLowerName(n, 'cookie')) out.push(...parseCookieHeader(v))
  return out
}

function writeCookies(s: RunState, list: readonly [string, string][]): void {
  if (list.length === 0) s.view.removeHeader('Cookie')
  else s.view.setHeader('Cookie', headerValue(list.map(([n, v]) => `${n}=${v}`).join('; ')))
}

/** The value of cookie `name` in one Cookie header, or null when it has none of that name. */
function cookieIn(v: string, name: string): string | null {
  let from = 0
  while (from < v.length) {
    const i = v.indexOf(name, from)
    if (i < 0) break
    const before = i === 0 ? ';' : v.charAt(i - 1)
    let j = i + name.length
    while (v.charAt(j) === ' ') j++
    if ((before === ';' || before === ' ') && v.charAt(j) === '=') {
      const end = v.indexOf(';', j)
      return v.slice(j + 1, end < 0 ? v.length : end).trim().replace(/^"(.*)"$/, '$1')
    }
    from = i + 1
  }
  return null
}

/** One cookie's value without building the whole list (the common, hot case). */
function findCookie(s: RunState, name: string): string {
  if (name === '') return ''
  const view = s.view
  if (view.getHeaderAt !== undefined) {
    for (let k = 0; ; k++) {
      const v = view.getHeaderAt('Cookie', k)
      if (v === undefined) return ''
      const found = cookieIn(v, name)
      if (found !== null) return found
    }
  }
  for (const [n, v] of view.listHeaders()) {
    if (!equalsLowerName(n, 'cookie')) continue
    const found = cookieIn(v, name)
    if (found !== null) return found
  }
  return ''
}

/** Host header, lower-cased, without port or trailing dot. */
export function hostHeader(s: RunState): string {
  return hostName(s.view.getHeader('Host') ?? '')
}

export const httpModule: LibraryModule = {
  functions: {
    'http.getMethod': fixed0((s) => s.view.getMethod()),
    'http.setMethod': {
      min: 1, max: 1,
      fn: (s, a) => {
        const m = str(a, 0)
        if (!isToken(m)) return s.fail(`http.setMethod: invalid method ${JSON.stringify(m)}`)
        s.view.setMethod(m)
        return ''
      },
    },
    'http.getVersion': fixed0((s) => s.view.getVersion()),
    'http.getRawURL': fixed0((s) => s.view.getRawUrl()),
    'http.getPath': fixed0((s) => decodePath(targetPath(s.view.getRawUrl()))),
    'http.getRawPath': fixed0((s) => targetPath(s.view.getRawUrl())),
    'http.getQueryString': fixed0((s) => decodePath(targetQuery(s.view.getRawUrl()) ?? '')),
    'http.getRawQueryString': fixed0((s) => targetQuery(s.view.getRawUrl()) ?? ''),
    'http.setQueryString': {
      min: 1, max: 1,
      fn: (s, a) => { const q = str(a, 0); setTarget(s, targetPath(s.view.getRawUrl()), q === '' ? null : encodeControls(q)); return '' },
    },
    'http.setRawQueryString': {
      min: 1, max: 1,
      fn: (s, a) => { const q = str(a, 0); setTarget(s, targetPath(s.view.getRawUrl()), q === '' ? null : q); return '' },
    },
    'http.setPath': {
      min: 1, max: 1,
      fn: (s, a) => {
        const p = str(a, 0)
        const q = p.indexOf('?')
        if (q >= 0) setTarget(s, encodePath(p.slice(0, q)), encodePath(p.slice(q + 1)))
        else setTarget(s, encodePath(p), targetQuery(s.view.getRawUrl()))
        return ''
      },
    },
    'http.setRawPath': {
      min: 1, max: 1,
      fn: (s, a) => { const p = str(a, 0); if (p.includes('?')) writeUrl(s, p); else setTarget(s, p, targetQuery(s.view.getRawUrl())); return '' },
    },
    'http.setEscapedPath': {
      min: 1, max: 1,
      fn: (s, a) => { setTarget(s, encodeControls(str(a, 0)), targetQuery(s.view.getRawUrl())); return '' },
    },
    'http.normalizePath': { min: 1, max: 1, fn: (_s, a) => normalizePath(str(a, 0)) },
    'http.getHeader': fixed1((s, name) => s.view.getHeader(asStr(name)) ?? ''),
    'http.headerExists': fixed1((s, name) => b(s.view.getHeader(asStr(name)) !== undefined)),
    'http.setHeader': headerWrite('http.setHeader', (s, n, v) => { s.view.setHeader(n, v) }),
    'http.addHeader': headerWrite('http.addHeader', (s, n, v) => { s.view.addHeader(n, v) }),
    'http.removeHeader': fixed1((s, name) => { s.view.removeHeader(asStr(name)); return '' }),
    'http.getHeaders': { min: 0, max: 0, fn: (s) => headersHash(s.view.listHeaders()) },
    'http.listHeaderNames': { min: 0, max: 0, fn: (s) => uniqueNames(s.view.listHeaders()) },
    'http.getHeaderNames': { min: 0, max: 0, deprecatedFor: 'http.listHeaderNames', fn: (s) => uniqueNames(s.view.listHeaders()).join(' ') },
    'http.getHostHeader': fixed0((s) => hostHeader(s)),
    'http.scrubRequestHeaders': {
      min: 1, max: Infinity,
      fn: (s, a) => {
        const keep = scrubList(a)
        for (const n of uniqueNames(s.view.listHeaders())) {
          const k = n.toLowerCase()
          if (!keep.has(k) && !MANDATORY.includes(k)) s.view.removeHeader(n)
        }
        return ''
      },
    },
    'http.getRequest': {
      min: 0, max: 0,
      fn: (s) => {
        let out = `${s.view.getMethod()} ${s.view.getRawUrl()} ${s.view.getVersion()}\r\n`
        for (const [n, v] of s.view.listHeaders()) out += `${n}: ${v}\r\n`
        return out + '\r\n'
      },
    },
    'http.getCookie': fixed1((s, name) => findCookie(s, asStr(name))),
    'http.getCookies': { min: 0, max: 0, fn: (s) => { const h = new Map<string, Value>(); for (const [k, v] of cookies(s)) if (!h.has(k)) h.set(k, v); return h } },
    'http.setCookie': {
      min: 2, max: 2,
      fn: (s, a) => {
        const n = str(a, 0)
        const list = cookies(s).filter(([k]) => k !== n)
        list.push([n, str(a, 1)])
        writeCookies(s, list)
        return ''
      },
    },
    'http.removeCookie': {
      min: 1, max: 1,
      fn: (s, a) => {
        const n = str(a, 0)
        const before = cookies(s)
        const list = before.filter(([k]) => k !== n)
        if (list.length !== before.length) writeCookies(s, list)
        return ''
      },
    },
  },
  aliases: {
    'http.cookie': { target: 'http.getCookie', deprecated: true },
  },
}
