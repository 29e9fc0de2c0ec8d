/**
 * lang.*: conversions, type tests, and assertions (plus the bare chr/ord/max/min aliases).
 * @module
 */
import type { LibraryModule } from '../registry.ts'
import type { Value } from '../value.ts'
import { TsDouble, compare, copyValue, dump, isCompound, toInt, toJsNumber, toNumeric, toStr, truthy } from '../value.ts'
import { arg, b, intArg, str } from './args.ts'

export const langModule: LibraryModule = {
  functions: {
    'lang.toInt': { min: 1, max: 1, fn: (_s, a) => toInt(arg(a, 0)) },
    'lang.toDouble': { min: 1, max: 1, fn: (_s, a) => new TsDouble(toJsNumber(arg(a, 0))) },
    'lang.toString': { min: 1, max: 1, fn: (_s, a) => toStr(arg(a, 0)) },
    'lang.toArray': { min: 0, max: Infinity, fn: (_s, a) => a.map((v) => (isCompound(v) ? copyValue(v) : v)) },
    'lang.toHash': {
      min: 0, max: Infinity,
      fn: (_s, a) => {
        const h = new Map<string, Value>()
        for (let i = 0; i < a.length; i += 2) {
          const v = a[i + 1] ?? ''
          h.set(toStr(a[i] ?? ''), isCompound(v) ? copyValue(v) : v)
        }
        return h
      },
    },
    'lang.isArray': { min: 1, max: 1, fn: (_s, a) => b(Array.isArray(a[0])) },
    'lang.isHash': { min: 1, max: 1, fn: (_s, a) => b(a[0] instanceof Map) },
    'lang.dump': { min: 1, max: 1, fn: (_s, a) => dump(arg(a, 0)) },
    'lang.chr': { min: 1, max: 1, fn: (_s, a) => String.fromCharCode(intArg(a, 0) & 0xff) },
    'lang.ord': { min: 1, max: 1, fn: (_s, a) => { const t = str(a, 0); return t === '' ? 0 : t.charCodeAt(0) & 0xff } },
    'lang.max': { min: 2, max: 2, fn: (_s, a) => pick(arg(a, 0), arg(a, 1), 1) },
    'lang.min': { min: 2, max: 2, fn: (_s, a) => pick(arg(a, 0), arg(a, 1), -1) },
    'lang.assert': {
      min: 1, max: 2,
      fn: (s, a) => {
        if (truthy(arg(a, 0))) return 1
        const msg = a.length > 1 ? str(a, 1) : 'assertion failed'
        s.services.log('warn', s.ruleName, `line ${s.line}: ${msg}`)
        return s.fail(`assertion failed: ${msg}`, 'assert')
      },
    },
    'lang.warn': {
      min: 1, max: 1,
      fn: (s, a) => {
        s.services.log('warn', s.ruleName, `line ${s.line}: ${str(a, 0)}`)
        return ''
      },
    },
  },
  aliases: {
    'lang.tochar': { target: 'lang.chr', deprecated: false },
    chr: { target: 'lang.chr', deprecated: false },
    ord: { target: 'lang.ord', deprecated: false },
    max: { target: 'lang.max', deprecated: false },
    min: { target: 'lang.min', deprecated: false },
  },
}

/**
 * lang.max/min: two strings compare as strings, otherwise both are promoted to numbers and the
 * numeric result is returned (`max(2, "4.8")` is 4.8).
 */
function pick(x: Value, y: Value, sign: number): Value {
  if (typeof x === 'string' && typeof y === 'string') return compare(x, y) * sign >= 0 ? x : y
  const nx = toNumeric(x)
  const ny = toNumeric(y)
  return compare(nx, ny) * sign >= 0 ? nx : ny
}
