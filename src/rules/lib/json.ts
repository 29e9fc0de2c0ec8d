/**
 * json.*: serialise arrays and hashes to JSON text and back. Strings are byte strings, so text is
 * decoded as UTF-8 before parsing and string values are encoded back to UTF-8 bytes.
 * @module
 */
import type { LibraryModule } from '../registry.ts'
import type { RunState } from '../run-state.ts'
import type { Value } from '../value.ts'
import { TsDouble, formatDouble } from '../value.ts'
import { arg, str } from './args.ts'

function utf8Text(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8')
}

function utf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1')
}

/** Deepest nesting json.serialize and json.deserialize accept. */
const MAX_JSON_DEPTH = 256

function toJson(v: Value, depth: number): string {
  if (depth > MAX_JSON_DEPTH) return 'null'
  if (typeof v === 'string') return JSON.stringify(utf8Text(v))
  if (typeof v === 'number') return String(v)
  if (v instanceof TsDouble) return Number.isFinite(v.d) ? formatDouble(v.d) : 'null'
  if (Array.isArray(v)) return '[' + v.map((x) => toJson(x, depth + 1)).join(',') + ']'
  const parts: string[] = []
  for (const [k, x] of v) parts.push(JSON.stringify(utf8Text(k)) + ':' + toJson(x, depth + 1))
  return '{' + parts.join(',') + '}'
}

function fromJson(x: unknown, depth: number): Value {
  if (depth > MAX_JSON_DEPTH) return ''
  if (typeof x === 'string') return utf8Bytes(x)
  if (typeof x === 'number') return Number.isInteger(x) && Math.abs(x) <= Number.MAX_SAFE_INTEGER ? x : new TsDouble(x)
  if (typeof x === 'boolean') return x ? 1 : 0
  if (x === null || typeof x !== 'object') return ''
  if (Array.isArray(x)) return x.map((e: unknown) => fromJson(e, depth + 1))
  const h = new Map<string, Value>()
  for (const [k, e] of Object.entries(x)) h.set(utf8Bytes(k), fromJson(e, depth + 1))
  return h
}

function deserialize(s: RunState, text: string): Value {
  try {
    return fromJson(JSON.parse(utf8Text(text)) as unknown, 0)
  } catch (e: unknown) {
    s.services.log('warn', s.ruleName, `line ${s.line}: json.deserialize: ${e instanceof Error ? e.message : String(e)}`)
    return new Map()
  }
}

export const jsonModule: LibraryModule = {
  functions: {
    'json.serialize': { min: 1, max: 1, fn: (_s, a) => utf8Bytes(toJson(arg(a, 0), 0)) },
    'json.deserialize': { min: 1, max: 1, fn: (s, a) => deserialize(s, str(a, 0)) },
  },
}
