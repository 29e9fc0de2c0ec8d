/**
 * http.*: request bodies, form parameters (query string, then a urlencoded POST body) and
 * multipart attachments. These may read more of the body, so they may suspend the rule.
 * @module
 */
import type { LibraryModule } from '../registry.ts'
import type { RunState } from '../run-state.ts'
import type { Value } from '../value.ts'
import { b, boolArg, intArg, str } from './args.ts'
import { parseForm, targetQuery } from './http-url.ts'

type MaybeP<T> = T | Promise<T>

function map<T, R>(x: MaybeP<T>, f: (v: T) => R): MaybeP<R> {
  return x instanceof Promise ? x.then(f) : f(x)
}

function isFormBody(s: RunState): boolean {
  const ct = (s.view.getHeader('Content-Type') ?? '').toLowerCase()
  return ct.startsWith('application/x-www-form-urlencoded')
}

/** All form parameters in order; only reads the body when it is a urlencoded form. */
function formParams(s: RunState): MaybeP<[string, string][]> {
  const fromQuery = parseForm(targetQuery(s.view.getRawUrl()) ?? '')
  if (!isFormBody(s)) return fromQuery
  return map(s.view.getBody(0), (body) => [...fromQuery, ...parseForm(body)])
}

/** Lines without their terminators; a final line break does not make an empty last line. */
export function lines(body: string): string[] {
  if (body === '') return []
  const out = body.split(/\r?\n/)
  if (out[out.length - 1] === '') out.pop()
  return out
}

/** Part `n` (0-based) of a multipart body: data, its Content-Type and its header block. */
function multipartPart(s: RunState, body: string, n: number): Value {
  const ct = s.view.getHeader('Content-Type') ?? ''
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(ct)
  const boundary = m?.[1] ?? m?.[2]
  if (boundary === undefined || n < 0) return ''
  const parts = body.split('--' + boundary)
  // parts[0] is the preamble; the last one starts with "--" (the closing delimiter).
  const part = parts[n + 1]
  if (part === undefined || part.startsWith('--')) return ''
  const p = part.replace(/^\r?\n/, '')
  const sep = /\r?\n\r?\n/.exec(p)
  if (sep === null) return ''
  const headers = p.slice(0, sep.index)
  const data = p.slice(sep.index + sep[0].length).replace(/\r?\n$/, '')
  const type = /^content-type:\s*(.*)$/im.exec(headers)?.[1]?.trim() ?? ''
  s.setCaptures(['', type, headers])
  return data
}

export const httpBodyModule: LibraryModule = {
  functions: {
    'http.getFormParam': {
      min: 1, max: 2, suspends: true,
      fn: (s, a) => {
        const name = str(a, 0)
        const joined = a.length > 1
        const sep = str(a, 1)
        return map(formParams(s), (ps) => {
          const vals = ps.filter(([k]) => k === name).map(([, v]) => v)
          return joined ? vals.join(sep) : (vals[0] ?? '')
        })
      },
    },
    'http.doesFormParamExist': {
      min: 1, max: 1, suspends: true,
      fn: (s, a) => map(formParams(s), (ps) => b(ps.some(([k]) => k === str(a, 0)))),
    },
    'http.getFormParams': {
      min: 0, max: 0, suspends: true,
      fn: (s) => map(formParams(s), (ps) => {
        const h = new Map<string, Value>()
        for (const [k, v] of ps) {
          const prev = h.get(k)
          if (prev === undefined) h.set(k, v)
          else if (Array.isArray(prev)) prev.push(v)
          else h.set(k, [prev, v])
        }
        return h
      }),
    },
    'http.listFormParamNames': {
      min: 0, max: 0, suspends: true,
      fn: (s) => map(formParams(s), (ps) => [...new Set(ps.map(([k]) => k))]),
    },
    'http.getFormParamNames': {
      min: 0, max: 1, suspends: true, deprecatedFor: 'http.listFormParamNames',
      fn: (s, a) => map(formParams(s), (ps) => [...new Set(ps.map(([k]) => k))].join(a.length > 0 ? str(a, 0) : ' ')),
    },
    'http.getBody': { min: 0, max: 1, suspends: true, fn: (s, a) => s.view.getBody(Math.max(0, intArg(a, 0))) },
    'http.getBodyLines': {
      min: 0, max: 1, suspends: true,
      fn: (s, a) => map(s.view.getBody(Math.max(0, intArg(a, 0))), lines),
    },
    'http.setBody': {
      min: 1, max: 1,
      fn: (s, a) => { s.view.setBody(str(a, 0)); return '' },
    },
    'http.getMultipartAttachment': {
      min: 1, max: 1, suspends: true,
      fn: (s, a) => map(s.view.getBody(0), (body) => multipartPart(s, body, intArg(a, 0))),
    },
    'http.setIdempotent': { min: 1, max: 1, unsupported: 'only request.isResendable sees it', fn: (s, a) => { s.decision.idempotent = boolArg(a, 0); return '' } },
  },
}
