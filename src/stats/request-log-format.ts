/**
 * Apache-style request-log format strings, compiled once per configuration into a line function.
 * The macro set is Sluice's own; docs/request-log.md lists it.
 * @module
 */

import { err, ok } from '../core/index.ts'
import type { Result } from '../core/index.ts'
import { escapeLogValue, formatClfTime } from './request-log-escape.ts'
import type { RequestLogRecord } from './request-log-record.ts'

/** Turns one record into one log line (without the trailing newline). */
export type LogLineFormatter = (r: RequestLogRecord) => string

type Getter = (r: RequestLogRecord) => string

/** vTM's default virtual server `log.format` (Apache combined style). */
export const DEFAULT_LOG_FORMAT = '%h %l %u %t "%r" %s %b "%{Referer}i" "%{User-agent}i"'

function orDash(value: string | null | undefined): string {
  return value === null || value === undefined || value === '' ? '-' : escapeLogValue(value)
}

// The path part of a request target: absolute-form loses its scheme and authority, and the
// query is cut off.
function targetPath(target: string): string {
  let start = 0
  if (target.charCodeAt(0) !== 0x2f && /^https?:\/\//i.test(target)) {
    const slash = target.indexOf('/', target.indexOf('//') + 2)
    if (slash < 0) return '/'
    start = slash
  }
  const q = target.indexOf('?', start)
  return q < 0 ? target.slice(start) : target.slice(start, q)
}

function nodeHost(node: string): string {
  if (node.startsWith('[')) {
    const close = node.indexOf(']')
    return close < 0 ? node : node.slice(1, close)
  }
  const colon = node.lastIndexOf(':')
  return colon < 0 ? node : node.slice(0, colon)
}

function fixed3(ms: number): string {
  return ms >= 0 ? ms.toFixed(3) : '-'
}

// Single-letter macros. Each getter escapes whatever came from the wire or the configuration.
const SIMPLE: Readonly<Record<string, Getter>> = {
  h: (r) => orDash(r.clientIp),
  l: () => '-',
  u: (r) => orDash(r.remoteUser),
  r: (r) => escapeLogValue(r.method + ' ' + r.target + ' ' + r.httpVersion),
  s: (r) => String(r.status),
  b: (r) => (r.bytesOut > 0 ? String(r.bytesOut) : '-'),
  B: (r) => String(r.bytesOut),
  I: (r) => String(r.bytesIn),
  m: (r) => escapeLogValue(r.method),
  U: (r) => escapeLogValue(targetPath(r.target)),
  q: (r) => {
    const q = r.target.indexOf('?')
    return q < 0 ? '' : escapeLogValue(r.target.slice(q))
  },
  H: (r) => escapeLogValue(r.httpVersion),
  v: (r) => orDash(r.virtualServer),
  p: (r) => orDash(r.pool),
  n: (r) => orDash(r.node),
  N: (r) => (r.node === null || r.node === '' ? '-' : escapeLogValue(nodeHost(r.node))),
  T: (r) => (r.durationMs / 1000).toFixed(3),
  D: (r) => String(Math.round(r.durationMs * 1000)),
  E: (r) => fixed3(r.nodeResponseMs),
}

// %t formats the same second for many requests in a row, so each compiled line keeps the last one.
function makeTimeGetter(): Getter {
  let lastSecond = Number.NaN
  let lastText = ''
  return (r) => {
    const second = Math.floor(r.startWallMs / 1000)
    if (second !== lastSecond) {
      lastSecond = second
      lastText = formatClfTime(r.startWallMs)
    }
    return lastText
  }
}

function makeHeaderGetter(name: string, kind: 'i' | 'o'): Getter {
  const key = name.toLowerCase()
  return kind === 'i' ? (r) => orDash(r.requestHeader(key)) : (r) => orDash(r.responseHeader(key))
}

/**
 * Compiles a format string into a line function. Parsing happens here, once: the function
 * returned only concatenates literal parts and field values.
 *
 * @param format - Literal text with `%x` macros, `%{Name}i` / `%{Name}o` headers and `%%`.
 *   Apache's `<` / `>` modifiers (`%>s`) are accepted and ignored.
 * @returns The formatter, or an error naming the 0-based position of the offending `%`.
 */
export function compileLogFormat(format: string): Result<LogLineFormatter, string> {
  const literals: string[] = []
  const getters: Getter[] = []
  let literal = ''
  let i = 0
  while (i < format.length) {
    const pct = format.indexOf('%', i)
    if (pct < 0) {
      literal += format.slice(i)
      break
    }
    literal += format.slice(i, pct)
    let j = pct + 1
    while (format[j] === '<' || format[j] === '>') j++
    const c = format[j]
    if (c === undefined) return err(`log format: '%' at position ${pct} ends the format without a macro`)
    if (c === '%' && j === pct + 1) {
      literal += '%'
      i = j + 1
      continue
    }
    let getter: Getter | undefined
    if (c === '{') {
      const close = format.indexOf('}', j + 1)
      if (close < 0) return err(`log format: unterminated '%{' at position ${pct}`)
      const name = format.slice(j + 1, close)
      const kind = format[close + 1]
      if (name === '') return err(`log format: empty name in '%{}' at position ${pct}`)
      if (kind === 'i' || kind === 'o') getter = makeHeaderGetter(name, kind)
      else if (kind === 't') getter = name === 'sec' ? (r) => String(Math.floor(r.startWallMs / 1000)) : undefined
      if (getter === undefined) {
        return err(`log format: unknown macro '%{${name}}${kind ?? ''}' at position ${pct}`)
      }
      i = close + 2
    } else {
      getter = c === 't' ? makeTimeGetter() : SIMPLE[c]
      if (getter === undefined) return err(`log format: unknown macro '%${c}' at position ${pct}`)
      i = j + 1
    }
    literals.push(literal)
    getters.push(getter)
    literal = ''
  }
  literals.push(literal)
  return ok(joinParts(literals, getters))
}

function joinParts(literals: readonly string[], getters: readonly Getter[]): LogLineFormatter {
  const first = literals[0] ?? ''
  const n = getters.length
  if (n === 0) return () => first
  return (r) => {
    let line = first
    for (let k = 0; k < n; k++) {
      const g = getters[k]
      if (g !== undefined) line += g(r)
      line += literals[k + 1] ?? ''
    }
    return line
  }
}
