/**
 * Parses a JavaScript regular expression (the non-Unicode syntax that regex.ts translates PCRE
 * into) into a small tree, for the cost model and the linear-time engine.
 * @module
 */

/** Inclusive code ranges `[lo0, hi0, lo1, hi1, ...]`, possibly negated. */
export interface CharSet {
  readonly ranges: readonly number[]
  readonly negate: boolean
}

/** One node of a parsed pattern. Captures are numbered from 1 in the order their `(` appear. */
export type RegexNode =
  | { readonly k: 'empty' }
  | { readonly k: 'set'; readonly set: CharSet }
  | { readonly k: 'seq'; readonly items: readonly RegexNode[] }
  | { readonly k: 'alt'; readonly alts: readonly RegexNode[] }
  | { readonly k: 'group'; readonly body: RegexNode; readonly capture: number }
  | {
      readonly k: 'repeat'; readonly body: RegexNode; readonly min: number; readonly max: number; readonly greedy: boolean
      /** Captures inside the body, `[first, last)`: JavaScript clears them at each round. */
      readonly capFrom: number; readonly capTo: number
    }
  | { readonly k: 'assert'; readonly what: '^' | '$' | 'b' | 'B' }
  | { readonly k: 'look'; readonly body: RegexNode }

/** A parsed pattern; `unsupported` says what it uses that the linear engine lacks. */
export interface ParsedRegex {
  readonly root: RegexNode
  readonly captures: number
  readonly unsupported: string | null
}

const DIGIT = [0x30, 0x39]
const WORD = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]
const SPACE = [
  0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f,
  0x3000, 0x3000, 0xfeff, 0xfeff,
]
/** Line terminators: what `.` does not match without the `s` flag, and where `^`/`$` stop with `m`. */
export const LINE_TERMINATORS = [0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029]

/** The complement of sorted, non-overlapping ranges over 0..0xffff. */
function complement(r: readonly number[]): number[] {
  const out: number[] = []
  let next = 0
  for (let i = 0; i < r.length; i += 2) {
    if ((r[i] ?? 0) > next) out.push(next, (r[i] ?? 0) - 1)
    next = (r[i + 1] ?? 0) + 1
  }
  if (next <= 0xffff) out.push(next, 0xffff)
  return out
}

const CLASS_ESCAPES: Readonly<Record<string, readonly number[]>> = {
  d: DIGIT, D: complement(DIGIT), w: WORD, W: complement(WORD), s: SPACE, S: complement(SPACE),
}
const CONTROL_ESCAPES: Readonly<Record<string, number>> = { t: 9, n: 10, v: 11, f: 12, r: 13 }

/** Whether `n` can match without reading a character. */
export function canBeEmpty(n: RegexNode): boolean {
  switch (n.k) {
    case 'set':
      return false
    case 'seq':
      return n.items.every(canBeEmpty)
    case 'alt':
      return n.alts.some(canBeEmpty)
    case 'group':
      return canBeEmpty(n.body)
    case 'repeat':
      return n.min === 0 || canBeEmpty(n.body)
    case 'empty':
    case 'assert':
    case 'look':
      return true
  }
}

class Parser {
  readonly src: string
  readonly dotAll: boolean
  pos = 0
  captures = 0
  unsupported: string | null = null

  constructor(src: string, dotAll: boolean) {
    this.src = src
    this.dotAll = dotAll
  }

  peek(): string {
    return this.src.charAt(this.pos)
  }

  disjunction(): RegexNode {
    const alts = [this.alternative()]
    while (this.peek() === '|') {
      this.pos++
      alts.push(this.alternative())
    }
    return alts.length === 1 ? (alts[0] as RegexNode) : { k: 'alt', alts }
  }

  alternative(): RegexNode {
    const items: RegexNode[] = []
    while (this.pos < this.src.length && this.peek() !== '|' && this.peek() !== ')') {
      const capFrom = this.captures + 1
      const atom = this.atom()
      const q = this.quantifier()
      // Such a body would loop back to itself without reading, and which round JavaScript then
      // prefers depends on backtracking order.
      if (q?.max === Infinity && canBeEmpty(atom)) this.unsupported ??= 'a group that can match the empty string repeats without a bound, such as (a*)*'
      if (q === null) items.push(atom)
      else items.push({ k: 'repeat', body: atom, min: q.min, max: q.max, greedy: q.greedy, capFrom, capTo: this.captures + 1 })
    }
    return items.length === 1 ? (items[0] as RegexNode) : items.length === 0 ? { k: 'empty' } : { k: 'seq', items }
  }

  quantifier(): { min: number; max: number; greedy: boolean } | null {
    const c = this.peek()
    let min: number
    let max: number
    if (c === '*' || c === '+' || c === '?') {
      this.pos++
      min = c === '+' ? 1 : 0
      max = c === '?' ? 1 : Infinity
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos))
      if (m === null) return null
      this.pos += m[0].length
      min = Number(m[1])
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3])
    } else return null
    const greedy = this.peek() !== '?'
    if (!greedy) this.pos++
    return { min, max, greedy }
  }

  atom(): RegexNode {
    const c = this.peek()
    this.pos++
    switch (c) {
      case '^':
      case '$':
        return { k: 'assert', what: c }
      case '.':
        return { k: 'set', set: { ranges: this.dotAll ? [0, 0xffff] : LINE_TERMINATORS, negate: !this.dotAll } }
      case '[':
        return { k: 'set', set: this.charClass() }
      case '(':
        return this.group()
      case '\\':
        return this.atomEscape()
      default:
        return single(c.charCodeAt(0))
    }
  }

  group(): RegexNode {
    const rest = this.src.slice(this.pos)
    let capture = 0
    let isLook = false
    if (rest.startsWith('?:')) this.pos += 2
    else if (/^\?<?[=!]/.test(rest)) {
      isLook = true
      this.unsupported ??= 'lookaround needs backtracking'
      this.pos += rest.charAt(1) === '<' ? 3 : 2
    } else if (rest.startsWith('?<')) {
      this.pos = this.src.indexOf('>', this.pos) + 1
      capture = ++this.captures
    } else if (rest.startsWith('?')) {
      // Scoped options such as (?i:...): the linear engine has one set of flags per pattern.
      this.unsupported ??= 'scoped options such as (?i:...) are not supported by the linear engine'
      this.pos = this.src.indexOf(':', this.pos) + 1
    } else capture = ++this.captures
    const body = this.disjunction()
    this.pos++
    if (isLook) return { k: 'look', body }
    return { k: 'group', body, capture }
  }

  atomEscape(): RegexNode {
    const c = this.peek()
    this.pos++
    if (c === 'b' || c === 'B') return { k: 'assert', what: c }
    const cls = Object.hasOwn(CLASS_ESCAPES, c) ? CLASS_ESCAPES[c] : undefined
    if (cls !== undefined) return { k: 'set', set: { ranges: cls, negate: false } }
    // Backreferences (\k<name>; regex.ts refuses numbered ones) are not regular.
    if (c === 'k' || (c >= '1' && c <= '9')) this.unsupported ??= 'backreferences need backtracking'
    return single(this.escapedChar(c))
  }

  /** The character of an escape other than a class or an assertion. */
  escapedChar(c: string): number {
    const ctl = Object.hasOwn(CONTROL_ESCAPES, c) ? CONTROL_ESCAPES[c] : undefined
    if (ctl !== undefined) return ctl
    const hex = c === 'x' ? /^[0-9a-fA-F]{2}/.exec(this.src.slice(this.pos)) : c === 'u' ? /^[0-9a-fA-F]{4}/.exec(this.src.slice(this.pos)) : null
    if (hex !== null) {
      this.pos += hex[0].length
      return Number.parseInt(hex[0], 16)
    }
    const ctrl = c === 'c' ? /^[a-zA-Z]/.exec(this.src.slice(this.pos)) : null
    if (ctrl !== null) {
      this.pos++
      return ctrl[0].charCodeAt(0) % 32
    }
    // Legacy octal and other oddities: left to the backtracking engine, which knows them.
    if (c === 'c' || (c >= '0' && c <= '9' && (c !== '0' || /^[0-9]/.test(this.src.slice(this.pos))))) {
      this.unsupported ??= `the escape \\${c} is not supported by the linear engine`
    }
    return c === '0' ? 0 : c.charCodeAt(0)
  }

  charClass(): CharSet {
    let negate = false
    if (this.peek() === '^') {
      negate = true
      this.pos++
    }
    const ranges: number[] = []
    while (this.pos < this.src.length && this.peek() !== ']') {
      const lo = this.classAtom()
      if (this.peek() === '-' && this.src.charAt(this.pos + 1) !== ']' && this.pos + 1 < this.src.length) {
        const save = this.pos
        this.pos++
        const hi = this.classAtom()
        if (typeof lo === 'number' && typeof hi === 'number') {
          ranges.push(lo, hi)
          continue
        }
        // A class escape at either end makes the '-' literal (Annex B).
        this.pos = save
      }
      if (typeof lo === 'number') ranges.push(lo, lo)
      else ranges.push(...lo)
    }
    this.pos++
    return { ranges: normalize(ranges), negate }
  }

  classAtom(): number | readonly number[] {
    const c = this.peek()
    this.pos++
    if (c !== '\\') return c.charCodeAt(0)
    const e = this.peek()
    this.pos++
    const cls = Object.hasOwn(CLASS_ESCAPES, e) ? CLASS_ESCAPES[e] : undefined
    if (cls !== undefined) return cls
    if (e === 'b') return 8
    if (e === '-') return 0x2d
    return this.escapedChar(e)
  }
}

function single(code: number): RegexNode {
  return { k: 'set', set: { ranges: [code, code], negate: false } }
}

/** Sorts and merges ranges. */
function normalize(r: readonly number[]): number[] {
  const pairs: [number, number][] = []
  for (let i = 0; i + 1 < r.length; i += 2) pairs.push([r[i] ?? 0, r[i + 1] ?? 0])
  pairs.sort((a, b) => a[0] - b[0])
  const out: number[] = []
  for (const [lo, hi] of pairs) {
    const last = out.length - 1
    if (last > 0 && lo <= (out[last] ?? 0) + 1) out[last] = Math.max(out[last] ?? 0, hi)
    else out.push(lo, hi)
  }
  return out
}

/**
 * Parses a pattern the JavaScript engine has already accepted (so it is well formed); `dotAll`
 * is the `s` flag.
 */
export function parseRegex(src: string, dotAll: boolean): ParsedRegex {
  const p = new Parser(src, dotAll)
  const root = p.disjunction()
  const unsupported = p.unsupported ?? (p.pos < src.length ? 'the pattern could not be read' : null)
  return { root, captures: p.captures, unsupported }
}
