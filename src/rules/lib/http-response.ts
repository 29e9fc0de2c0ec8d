/**
 * http.*: the response (code, headers, cookies, body) and generated responses (sendResponse,
 * redirect, changeSite), which end rule processing.
 * @module
 */
import { STATUS_CODES } from 'node:http'
import type { HeaderField } from '../host.ts'
import type { LibraryModule } from '../registry.ts'
import type { RunState } from '../run-state.ts'
import type { Value } from '../value.ts'
import { toStr } from '../value.ts'
import { b, intArg, str } from './args.ts'
import { headerWrite, hostHeader, scrubList } from './http.ts'
import { lines } from './http-body.ts'
import { headerValue, isToken, parseHeaderText, parseSetCookie, splitTarget } from './http-url.ts'

type MaybeP<T> = T | Promise<T>

function map<T, R>(x: MaybeP<T>, f: (v: T) => R): MaybeP<R> {
  return x instanceof Promise ? x.then(f) : f(x)
}

/** Ends rule processing with a generated response. */
export function respond(s: RunState, codeText: string, contentType: string, body: string, headers: readonly HeaderField[]): Value {
  const m = /^\s*(\d{3})\s*(.*)$/.exec(codeText)
  const status = m === null ? 500 : Number(m[1])
  const reason = m === null ? 'Internal Server Error' : (m[2] ?? '') !== '' ? (m[2] ?? '') : (STATUS_CODES[status] ?? '')
  s.decision.response = { status, reason, contentType, body, headers }
  s.decision.action = 'respond'
  s.decision.final = true
  s.stop()
  return ''
}

function redirect(s: RunState, url: string, status: string): Value {
  // A CR or LF in a Location header would split the response.
  const safe = url.replace(/[\r\n]/g, '')
  return respond(s, status, 'text/html', '', [['Location', safe]])
}

/** The port a scheme uses when a URL names none. */
function defaultPort(scheme: string): string | undefined {
  return scheme === 'http' ? '80' : scheme === 'https' ? '443' : undefined
}

function changeSite(s: RunState, site: string): Value {
  const m = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):\/\/)?([^/:]+|\[[^\]]+\])(?::(\d+))?(\/.*)?$/.exec(site.trim())
  if (m === null) return ''
  const curScheme = s.view.isTls() ? 'https' : 'http'
  const scheme = m[1]?.toLowerCase() ?? curScheme
  const wantHost = (m[2] ?? '').toLowerCase()
  const curHost = hostHeader(s)
  const curPort = /:(\d+)$/.exec(s.view.getHeader('Host') ?? '')?.[1]
  // The request's port belongs to its scheme: a new scheme without a port gets its own default.
  const port = m[3] ?? (scheme === curScheme ? curPort : undefined)
  const prefix = (m[4] ?? '').replace(/\/$/, '')
  const target = splitTarget(s.view.getRawUrl())
  // Loop protection: nothing to do only when the request already is on that site, which takes the
  // same scheme, host and port (a missing port is the scheme's default) and the path prefix.
  const isSameOrigin = scheme === curScheme && wantHost === curHost && (port ?? defaultPort(scheme)) === (curPort ?? defaultPort(curScheme))
  if (isSameOrigin && (prefix === '' || target.path.startsWith(prefix + '/'))) return ''
  const url = `${scheme}://${wantHost}${port === undefined ? '' : ':' + port}${prefix}${target.path}${target.query === null ? '' : '?' + target.query}`
  return redirect(s, url, '301 Moved Permanently')
}

function responseCookies(s: RunState): { name: string; value: string; attrs: string }[] {
  return s.view.listResponseHeaders().filter(([n]) => n.toLowerCase() === 'set-cookie').map(([, v]) => parseSetCookie(v))
}

function rewriteCookies(s: RunState, list: readonly { name: string; value: string; attrs: string }[]): void {
  s.view.removeResponseHeader('Set-Cookie')
  for (const c of list) s.view.addResponseHeader('Set-Cookie', headerValue(`${c.name}=${c.value}${c.attrs === '' ? '' : '; ' + c.attrs}`))
}

function listNames(fields: readonly HeaderField[]): string[] {
  const seen = new Set<string>()
  return fields.map(([n]) => n).filter((n) => (seen.has(n.toLowerCase()) ? false : (seen.add(n.toLowerCase()), true)))
}

export const httpResponseModule: LibraryModule = {
  functions: {
    'http.sendResponse': {
      min: 3, max: 4,
      fn: (s, a) => respond(s, str(a, 0), str(a, 1), str(a, 2), parseHeaderText(str(a, 3))),
    },
    'http.redirect': { min: 1, max: 1, fn: (s, a) => redirect(s, str(a, 0), '302 Moved Temporarily') },
    'http.changeSite': { min: 1, max: 1, fn: (s, a) => changeSite(s, str(a, 0)) },
    'http.getResponseCode': { min: 0, max: 0, fn: (s) => (s.view.hasResponse() ? s.view.getResponseStatus() : 0) },
    'http.setResponseCode': {
      min: 1, max: 2,
      fn: (s, a) => {
        const code = intArg(a, 0)
        if (code < 100 || code > 999) return s.fail(`http.setResponseCode: invalid status ${code}`)
        s.view.setResponseStatus(code, a.length > 1 ? str(a, 1).replace(/[\r\n]/g, '') : (STATUS_CODES[code] ?? ''))
        return ''
      },
    },
    'http.getResponseVersion': { min: 0, max: 0, fn: (s) => s.view.getResponseVersion() },
    'http.getResponse': {
      min: 0, max: 0,
      fn: (s) => {
        if (!s.view.hasResponse()) return ''
        let out = `${s.view.getResponseVersion()} ${s.view.getResponseStatus()} ${s.view.getResponseReason()}\r\n`
        for (const [n, v] of s.view.listResponseHeaders()) out += `${n}: ${v}\r\n`
        return out + '\r\n'
      },
    },
    'http.getResponseHeader': { min: 1, max: 1, fn: (s, a) => s.view.getResponseHeader(str(a, 0)) ?? '' },
    'http.responseHeaderExists': { min: 1, max: 1, fn: (s, a) => b(s.view.getResponseHeader(str(a, 0)) !== undefined) },
    'http.setResponseHeader': headerWrite('http.setResponseHeader', (s, n, v) => { s.view.setResponseHeader(n, v) }),
    'http.addResponseHeader': headerWrite('http.addResponseHeader', (s, n, v) => { s.view.addResponseHeader(n, v) }),
    'http.removeResponseHeader': { min: 1, max: 1, fn: (s, a) => { s.view.removeResponseHeader(str(a, 0)); return '' } },
    'http.getResponseHeaders': {
      min: 0, max: 0,
      fn: (s) => {
        const h = new Map<string, Value>()
        for (const [n, v] of s.view.listResponseHeaders()) {
          const prev = h.get(n)
          h.set(n, prev === undefined ? v : `${toStr(prev)}, ${v}`)
        }
        return h
      },
    },
    'http.listResponseHeaderNames': { min: 0, max: 0, fn: (s) => listNames(s.view.listResponseHeaders()) },
    'http.getResponseHeaderNames': {
      min: 0, max: 0, deprecatedFor: 'http.listResponseHeaderNames',
      fn: (s) => listNames(s.view.listResponseHeaders()).join(' '),
    },
    'http.scrubResponseHeaders': {
      min: 1, max: Infinity,
      fn: (s, a) => {
        const keep = scrubList(a)
        const mandatory = ['connection', 'content-length', 'transfer-encoding', 'content-type']
        for (const n of listNames(s.view.listResponseHeaders())) {
          if (!keep.has(n.toLowerCase()) && !mandatory.includes(n.toLowerCase())) s.view.removeResponseHeader(n)
        }
        return ''
      },
    },
    'http.getResponseBody': { min: 0, max: 1, suspends: true, fn: (s, a) => s.view.getResponseBody(Math.max(0, intArg(a, 0))) },
    'http.getResponseBodyLines': {
      min: 0, max: 1, suspends: true,
      fn: (s, a) => map(s.view.getResponseBody(Math.max(0, intArg(a, 0))), lines),
    },
    'http.setResponseBody': {
      min: 1, max: 2,
      fn: (s, a) => {
        s.view.setResponseBody(str(a, 0))
        s.view.removeResponseHeader('Content-Encoding')
        return ''
      },
    },
    'http.getResponseCookie': { min: 1, max: 1, fn: (s, a) => responseCookies(s).find((c) => c.name === str(a, 0))?.value ?? '' },
    'http.getResponseCookies': {
      min: 0, max: 0,
      fn: (s) => { const h = new Map<string, Value>(); for (const c of responseCookies(s)) h.set(c.name, c.value); return h },
    },
    'http.setResponseCookie': {
      min: 2, max: 3,
      fn: (s, a) => {
        const name = str(a, 0)
        if (!isToken(name)) return s.fail(`http.setResponseCookie: invalid cookie name ${JSON.stringify(name)}`)
        const value = str(a, 1).replace(/[\r\n;]/g, '')
        if (!s.view.hasResponse()) {
          s.decision.addResponseHeader('Set-Cookie', `${name}=${value}${a.length > 2 ? '; ' + str(a, 2) : ''}`)
          return ''
        }
        const list = responseCookies(s)
        const old = list.find((c) => c.name === name)
        const attrs = a.length > 2 ? str(a, 2).replace(/[\r\n]/g, '') : (old?.attrs ?? '')
        rewriteCookies(s, [...list.filter((c) => c.name !== name), { name, value, attrs }])
        return ''
      },
    },
    'http.removeResponseCookie': {
      min: 1, max: 1,
      fn: (s, a) => { const list = responseCookies(s); const rest = list.filter((c) => c.name !== str(a, 0)); if (rest.length !== list.length) rewriteCookies(s, rest); return '' },
    },
  },
}
