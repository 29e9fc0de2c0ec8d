/**
 * TrafficScript values and the coercion rules between them.
 *
 * Representation (chosen for speed on the common path, where nearly every value is a string):
 * - string  → JS string
 * - integer → JS number holding an integer (exact up to 2^53; see docs/rules/differences.md)
 * - double  → {@link TsDouble} (boxed, so `2.0` stays a double and `5.0 / 2` is 2.5)
 * - array   → JS array of values
 * - hash    → Map from string key to value (keys are always converted to strings)
 * @module
 */

/** A double-precision number; boxed to tell it apart from an integer. */
export class TsDouble {
  readonly d: number
  constructor(d: number) {
    this.d = d
  }
}

export type TsArray = Value[]
export type TsHash = Map<string, Value>
export type Value = string | number | TsDouble | TsArray | TsHash

/** Leading numeric prefix, as C's strtod reads it (whitespace, sign, digits, fraction, exponent). */
const NUMERIC_PREFIX = /^[ \t\n\r\f\v]*([+-]?)(\d+)?(\.\d*)?([eE][+-]?\d+)?/

export function isCompound(v: Value): v is TsArray | TsHash {
  return typeof v === 'object' && !(v instanceof TsDouble)
}

/** Truncates to an integer value, keeping NaN and infinities out of the integer space. */
export function int(n: number): number {
  if (!Number.isFinite(n)) return 0
  return Math.trunc(n) + 0
}

/**
 * Parses the numeric prefix of a string: `"10xxx"` → 10, `"1.5e2px"` → 150.0 (double), `"!!!"` → 0.
 * Returns an int unless the prefix has a fraction or exponent.
 */
export function parseNumber(s: string): number | TsDouble {
  // Fast path for plain decimal integers, the common case (header values, counters).
  const len = s.length
  if (len > 0 && len < 16) {
    let allDigits = true
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i)
      if (c < 48 || c > 57) {
        allDigits = false
        break
      }
    }
    if (allDigits) return Number(s)
  }
  const m = NUMERIC_PREFIX.exec(s)
  if (m === null) return 0
  const intPart = m[2]
  const frac = m[3]
  if (intPart === undefined && (frac === undefined || frac.length < 2)) return 0
  const text = m[0].trim()
  if (frac === undefined && m[4] === undefined) return int(Number(text))
  const d = Number(text.endsWith('.') ? text.slice(0, -1) : text)
  return new TsDouble(Number.isNaN(d) ? 0 : d)
}

/** Numeric view of any value: an int (JS number) or a TsDouble. Compound values count their items. */
export function toNumeric(v: Value): number | TsDouble {
  if (typeof v === 'number') return v
  if (typeof v === 'string') return parseNumber(v)
  if (v instanceof TsDouble) return v
  return Array.isArray(v) ? v.length : v.size
}

/** `lang.toInt` semantics: doubles truncate toward zero, strings read their numeric prefix. */
export function toInt(v: Value): number {
  if (typeof v === 'number') return v
  const n = toNumeric(v)
  return typeof n === 'number' ? n : int(n.d)
}

/** `lang.toDouble` semantics, as a JS number. */
export function toJsNumber(v: Value): number {
  if (typeof v === 'number') return v
  const n = toNumeric(v)
  return typeof n === 'number' ? n : n.d
}

/** Formats a double: integral values print without a fraction; others use the shortest form. */
export function formatDouble(d: number): string {
  if (Number.isNaN(d)) return 'nan'
  if (!Number.isFinite(d)) return d > 0 ? 'inf' : '-inf'
  return String(d)
}

/** String view of any value. Arrays join their items with a space; hashes are `""`. */
export function toStr(v: Value): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number') return String(v)
  if (v instanceof TsDouble) return formatDouble(v.d)
  if (Array.isArray(v)) return v.map(toStr).join(' ')
  return ''
}

/** Truthiness: non-zero numbers, non-empty strings (even `"0"`), non-empty arrays and hashes. */
export function truthy(v: Value): boolean {
  if (typeof v === 'string') return v.length > 0
  if (typeof v === 'number') return v !== 0
  if (v instanceof TsDouble) return v.d !== 0 && !Number.isNaN(v.d)
  return Array.isArray(v) ? v.length > 0 : v.size > 0
}

/** Copy-on-assignment: a deep copy of arrays and hashes; scalars are immutable and returned as is. */
export function copyValue(v: Value): Value {
  if (typeof v !== 'object' || v instanceof TsDouble) return v
  if (Array.isArray(v)) {
    const out: Value[] = new Array<Value>(v.length)
    for (let i = 0; i < v.length; i++) out[i] = copyValue(v[i] ?? '')
    return out
  }
  const out: TsHash = new Map()
  for (const [k, x] of v) out.set(k, copyValue(x))
  return out
}

/**
 * Three-way comparison used by `== != < <= > >=`, `lang.max/min` and `switch`: two strings compare
 * as strings (UTF-16 code unit order, which is byte order for ASCII); anything else compares numerically.
 */
export function compare(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return a === b ? 0 : a < b ? -1 : 1
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1
  const x = toJsNumber(a)
  const y = toJsNumber(b)
  return x === y ? 0 : x < y ? -1 : x > y ? 1 : 0
}

/** Equality as `==` sees it; the fast paths avoid the numeric parse. */
export function equals(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b
  if (typeof a === 'number' && typeof b === 'number') return a === b
  return toJsNumber(a) === toJsNumber(b)
}

/** Result of an arithmetic operation, or a message when it is a runtime error. */
export type ArithResult = Value | { readonly error: string }

/** `+ - * / %` with int/double promotion: int op int → int (division truncates), otherwise double. */
export function arith(op: '+' | '-' | '*' | '/' | '%', a: Value, b: Value): ArithResult {
  const x = typeof a === 'number' ? a : toNumeric(a)
  const y = typeof b === 'number' ? b : toNumeric(b)
  if (typeof x === 'number' && typeof y === 'number') {
    switch (op) {
      case '+':
        return x + y
      case '-':
        return x - y
      case '*':
        return int(x * y)
      case '/':
        if (y === 0) return { error: 'division by zero' }
        return int(x / y)
      case '%':
        if (y === 0) return { error: 'modulo by zero' }
        return int(x % y)
    }
  }
  const dx = typeof x === 'number' ? x : x.d
  const dy = typeof y === 'number' ? y : y.d
  switch (op) {
    case '+':
      return new TsDouble(dx + dy)
    case '-':
      return new TsDouble(dx - dy)
    case '*':
      return new TsDouble(dx * dy)
    case '/':
      if (dy === 0) return { error: 'division by zero' }
      return new TsDouble(dx / dy)
    case '%':
      if (dy === 0) return { error: 'modulo by zero' }
      return new TsDouble(dx % dy)
  }
}

/** Bitwise and shift operators on 64-bit signed integers. */
export function bitwise(op: '&' | '|' | '^' | '<<' | '>>', a: Value, b: Value): number {
  const x = toInt(a)
  const y = toInt(b)
  const small = (x | 0) === x && (y | 0) === y
  if (small && op !== '<<' && op !== '>>') {
    if (op === '&') return x & y
    if (op === '|') return x | y
    return x ^ y
  }
  const bx = BigInt(x)
  const by = BigInt(y)
  let r: bigint
  switch (op) {
    case '&':
      r = bx & by
      break
    case '|':
      r = bx | by
      break
    case '^':
      r = bx ^ by
      break
    case '<<':
      r = y < 0 || y > 63 ? 0n : bx << by
      break
    case '>>':
      r = y < 0 || y > 63 ? (bx < 0n ? -1n : 0n) : bx >> by
      break
  }
  return Number(BigInt.asIntN(64, r))
}

/** Reads `container[key]`: arrays by integer index (negative counts from the end), hashes by string key. */
export function indexGet(container: Value, key: Value): Value {
  if (Array.isArray(container)) {
    let i = toInt(key)
    if (i < 0) i += container.length
    return container[i] ?? ''
  }
  if (container instanceof Map) return container.get(toStr(key)) ?? ''
  if (typeof container === 'string') {
    // Strings index to a one-character string (UNVERIFIED; see docs/rules/differences.md).
    let i = toInt(key)
    if (i < 0) i += container.length
    return container.charAt(i)
  }
  return ''
}

/** Longest string concatenation may build, so a doubling loop cannot exhaust memory. */
export const MAX_STRING_CHARS = 16 * 1024 * 1024

/** Largest array index a rule may create by assignment, so `$a[1e9] = 1` cannot eat memory. */
export const MAX_ARRAY_INDEX = 1_000_000

/**
 * Writes `container[key] = value` in place and returns the (possibly new) container. A value that is
 * not an array or hash becomes a hash, or an array when the key is an integer.
 */
export function indexSet(container: Value, key: Value, value: Value): TsArray | TsHash | { readonly error: string } {
  let c: TsArray | TsHash
  if (Array.isArray(container) || container instanceof Map) c = container
  else c = typeof key === 'number' ? [] : new Map<string, Value>()
  if (Array.isArray(c)) {
    let i = toInt(key)
    if (i < 0) i += c.length
    if (i < 0) return { error: `array index ${toInt(key)} is out of range` }
    if (i > MAX_ARRAY_INDEX) return { error: `array index ${i} is too large` }
    while (c.length < i) c.push('')
    c[i] = value
    return c
  }
  c.set(toStr(key), value)
  return c
}

/** A short description for debugging (`lang.dump`). */
export function dump(v: Value): string {
  if (typeof v === 'string') return JSON.stringify(v)
  if (typeof v === 'number') return String(v)
  if (v instanceof TsDouble) return formatDouble(v.d)
  if (Array.isArray(v)) return v.length === 0 ? '[ ]' : '[ ' + v.map(dump).join(', ') + ' ]'
  const parts: string[] = []
  for (const [k, x] of v) parts.push(`${JSON.stringify(k)} => ${dump(x)}`)
  return parts.length === 0 ? '[ ]' : '[ ' + parts.join(', ') + ' ]'
}
