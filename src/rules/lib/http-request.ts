/**
 * http.request.*: outbound HTTP from a rule. The rule suspends until the answer arrives; other
 * traffic keeps flowing. Afterwards `$1` is the status (0 on error), `$2` the Content-Type or the
 * error text, `$3` the response headers as `Name: value\r\n` lines, `$4` the status line.
 * @module
 */
import type { HeaderField, OutboundRequest } from '../host.ts'
import type { FunctionSpec, LibraryModule } from '../registry.ts'
import type { RunState } from '../run-state.ts'
import type { Value } from '../value.ts'
import { toJsNumber, toStr } from '../value.ts'
import { str } from './args.ts'
import { parseHeaderText } from './http-url.ts'

/** Used when the rule gives no timeout (UNVERIFIED: the original's default is not documented here). */
export const DEFAULT_OUTBOUND_TIMEOUT_MS = 30_000

function headersOf(v: Value | undefined): HeaderField[] {
  if (v === undefined) return []
  if (v instanceof Map) return [...v].map(([k, x]): HeaderField => [k, toStr(x).replace(/[\r\n]/g, '')])
  return parseHeaderText(toStr(v))
}

function call(s: RunState, req: OutboundRequest): Promise<Value> {
  if (!/^https?:\/\//i.test(req.url)) {
    s.setCaptures(['', 0, 'unsupported URL scheme', '', ''])
    return Promise.resolve('')
  }
  return s.services.httpRequest(req).then((r) => {
    const ct = r.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? ''
    s.setCaptures(['', r.status, r.status === 0 ? r.error : ct, r.headers.map(([n, v]) => `${n}: ${v}\r\n`).join(''), r.statusLine])
    return r.body
  })
}

function outbound(method: OutboundRequest['method'], hasBody: boolean): FunctionSpec {
  const first = hasBody ? 2 : 1
  return {
    min: first, max: first + 2, suspends: true,
    fn: (s, a) => {
      const timeout = a[first + 1]
      const timeoutMs = timeout === undefined ? DEFAULT_OUTBOUND_TIMEOUT_MS : Math.max(1, Math.round(toJsNumber(timeout) * 1000))
      return call(s, {
        method, url: str(a, 0), body: hasBody ? str(a, 1) : '', headers: headersOf(a[first]), timeoutMs,
      })
    },
  }
}

export const httpRequestModule: LibraryModule = {
  functions: {
    'http.request.get': outbound('GET', false),
    'http.request.post': outbound('POST', true),
    'http.request.put': outbound('PUT', true),
    'http.request.delete': outbound('DELETE', false),
    'http.request.head': outbound('HEAD', false),
  },
}
