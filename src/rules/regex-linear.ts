/**
 * A linear-time regular expression engine: a Pike VM (Thompson NFA simulation with captures)
 * over the tree of regex-syntax.ts. It gives JavaScript's leftmost-first answer (captures,
 * greedy and lazy quantifiers, captures cleared at each round, empty rounds refused) in time
 * proportional to subject length × pattern size, so no pattern can make it backtrack. It runs
 * the patterns the backtracking engine cannot be trusted with, under a wall-time limit.
 * @module
 */
import { LINE_TERMINATORS, canBeEmpty } from './regex-syntax.ts'
import type { CharSet, ParsedRegex, RegexNode } from './regex-syntax.ts'

const CHAR = 0
const SPLIT = 1
const JMP = 2
const SAVE = 3
const CLEAR = 4
const MARK = 5
const CHECK = 6
const ASSERT = 7
const MATCH = 8

const A_START = 0
const A_END = 1
const A_WORD = 2
const A_NOT_WORD = 3

/** Most instructions in one program (counted repetitions are expanded). */
export const MAX_PROGRAM = 20_000

/** One compiled pattern. Immutable; shared by every match. */
export interface LinearProgram {
  readonly op: Int32Array
  readonly a: Int32Array
  readonly b: Int32Array
  /** Per CHAR instruction: which code units 0..255 match; higher ones go through `wide`. */
  readonly sets: readonly Uint8Array[]
  readonly wide: readonly ((c: number) => boolean)[]
  readonly slots: number
  readonly captures: number
  readonly isMultiline: boolean
  /** Code units 0..255 a match can start with, when it must start with one of them; else null. */
  readonly first: Uint8Array | null
}

/** A match: the whole match and each capture (undefined when it did not take part), and where. */
export interface LinearMatch extends ArrayLike<string | undefined> {
  readonly index: number
}

/** JavaScript's non-Unicode case folding (ES Canonicalize). */
function canonicalize(c: number): number {
  const u = String.fromCharCode(c).toUpperCase()
  if (u.length !== 1) return c
  const cu = u.charCodeAt(0)
  return c >= 128 && cu < 128 ? c : cu
}

function inRanges(r: readonly number[], c: number): boolean {
  for (let i = 0; i < r.length; i += 2) if (c >= (r[i] ?? 0) && c <= (r[i + 1] ?? 0)) return true
  return false
}

function matcher(set: CharSet, caseless: boolean): (c: number) => boolean {
  const { ranges, negate } = set
  if (!caseless) return (c) => inRanges(ranges, c) !== negate
  return (c) => {
    const k = canonicalize(c)
    const found = [c, k, String.fromCharCode(c).toLowerCase().charCodeAt(0), String.fromCharCode(k).toLowerCase().charCodeAt(0)]
      .some((d) => canonicalize(d) === k && inRanges(ranges, d))
    return found !== negate
  }
}

class Builder {
  readonly op: number[] = []
  readonly a: number[] = []
  readonly b: number[] = []
  readonly sets: Uint8Array[] = []
  readonly wide: ((c: number) => boolean)[] = []
  readonly setIndex = new Map<string, number>()
  readonly caseless: boolean
  slots: number
  /** Why the pattern cannot run here, once something has been found. */
  why: string | null = null

  constructor(captures: number, caseless: boolean) {
    this.slots = 2 * (captures + 1)
    this.caseless = caseless
  }

  emit(op: number, a = 0, b = 0): number {
    if (this.op.length >= MAX_PROGRAM) this.why ??= `it needs more than ${String(MAX_PROGRAM)} instructions`
    this.op.push(op)
    this.a.push(a)
    this.b.push(b)
    return this.op.length - 1
  }

  node(n: RegexNode): void {
    if (this.why !== null) return
    switch (n.k) {
      case 'empty':
        return
      case 'set': {
        // Expanded repetition visits a set many times: its bitmap is made once.
        const key = `${String(n.set.negate)}:${n.set.ranges.join(',')}`
        let k = this.setIndex.get(key)
        if (k === undefined) {
          const test = matcher(n.set, this.caseless)
          const bits = new Uint8Array(256)
          for (let c = 0; c < 256; c++) bits[c] = test(c) ? 1 : 0
          k = this.sets.push(bits) - 1
          this.wide.push(test)
          this.setIndex.set(key, k)
        }
        this.emit(CHAR, k)
        return
      }
      case 'seq':
        for (const item of n.items) this.node(item)
        return
      case 'alt': {
        const jumps: number[] = []
        const last = n.alts.length - 1
        for (let i = 0; i < last; i++) {
          const split = this.emit(SPLIT, this.op.length + 1)
          this.node(n.alts[i] ?? { k: 'empty' })
          jumps.push(this.emit(JMP))
          this.b[split] = this.op.length
        }
        this.node(n.alts[last] ?? { k: 'empty' })
        for (const j of jumps) this.a[j] = this.op.length
        return
      }
      case 'group':
        if (n.capture > 0) this.emit(SAVE, 2 * n.capture)
        this.node(n.body)
        if (n.capture > 0) this.emit(SAVE, 2 * n.capture + 1)
        return
      case 'assert':
        this.emit(ASSERT, n.what === '^' ? A_START : n.what === '$' ? A_END : n.what === 'b' ? A_WORD : A_NOT_WORD)
        return
      case 'look':
        this.why ??= 'lookaround needs backtracking'
        return
      case 'repeat':
        this.repeat(n)
    }
  }

  repeat(n: Extract<RegexNode, { k: 'repeat' }>): void {
    // Past the minimum, a round that matches nothing fails (ES RepeatMatcher); a body that
    // always reads a character needs no check.
    const reg = canBeEmpty(n.body) ? this.slots++ : -1
    // parseRegex refuses unbounded ones: they would loop back to themselves without reading.
    if (reg >= 0 && n.max === Infinity) this.why ??= 'a group that can match the empty string repeats without a bound'
    const round = (isOptional: boolean): void => {
      if (n.capTo > n.capFrom) this.emit(CLEAR, 2 * n.capFrom, 2 * n.capTo)
      if (isOptional && reg >= 0) this.emit(MARK, reg)
      this.node(n.body)
      if (isOptional && reg >= 0) this.emit(CHECK, reg)
    }
    for (let i = 0; i < n.min && this.why === null; i++) round(false)
    const branch = (split: number, body: number, out: number): void => {
      this.a[split] = n.greedy ? body : out
      this.b[split] = n.greedy ? out : body
    }
    if (n.max === Infinity) {
      const split = this.emit(SPLIT)
      round(true)
      this.emit(JMP, split)
      branch(split, split + 1, this.op.length)
      return
    }
    const splits: number[] = []
    for (let i = n.min; i < n.max && this.why === null; i++) {
      splits.push(this.emit(SPLIT))
      round(true)
    }
    for (const s of splits) branch(s, s + 1, this.op.length)
  }
}

/** About how many instructions `n` compiles to (counted repetition expanded), without building it. */
export function programSize(n: RegexNode): number {
  switch (n.k) {
    case 'empty':
      return 0
    case 'set':
    case 'assert':
    case 'look':
      return 1
    case 'seq':
      return n.items.reduce((acc, item) => acc + programSize(item), 0)
    case 'alt':
      return n.alts.reduce((acc, alt) => acc + programSize(alt) + 2, 0)
    case 'group':
      return programSize(n.body) + 2
    case 'repeat': {
      const round = programSize(n.body) + 3
      return n.max === Infinity ? (n.min + 1) * round + 2 : n.max * (round + 1)
    }
  }
}

/** Why the linear engine cannot run a parsed pattern, or null when it can. */
export function linearUnsupported(parsed: ParsedRegex): string | null {
  if (parsed.unsupported !== null) return parsed.unsupported
  return programSize(parsed.root) > MAX_PROGRAM ? `it needs more than ${String(MAX_PROGRAM)} instructions` : null
}

/** Compiles a parsed pattern, or says why this engine cannot run it. */
export function compileLinear(parsed: ParsedRegex, flags: string): LinearProgram | string {
  const why = linearUnsupported(parsed)
  if (why !== null) return why
  const bld = new Builder(parsed.captures, flags.includes('i'))
  bld.emit(SAVE, 0)
  bld.node(parsed.root)
  bld.emit(SAVE, 1)
  bld.emit(MATCH)
  if (bld.why !== null) return bld.why
  const first = firstChars(bld)
  return { first,
    op: Int32Array.from(bld.op), a: Int32Array.from(bld.a), b: Int32Array.from(bld.b), sets: bld.sets, wide: bld.wide,
    slots: bld.slots, captures: parsed.captures, isMultiline: flags.includes('m'),
  }
}

/**
 * What a match must start with, read off the program: the union of the CHAR instructions
 * reachable from the start without reading (code units above 255 are never skipped). Null when
 * a match may start another way (an empty match, an assertion).
 */
function firstChars(bld: Builder): Uint8Array | null {
  const out = new Uint8Array(256)
  const seen = new Set<number>()
  const todo = [0]
  while (todo.length > 0) {
    const pc = todo.pop() as number
    if (seen.has(pc)) continue
    seen.add(pc)
    const o = bld.op[pc]
    if (o === CHAR) {
      const k = bld.a[pc] ?? 0
      const bits = bld.sets[k] as Uint8Array
      for (let c = 0; c < 256; c++) if (bits[c] === 1) out[c] = 1
    } else if (o === SPLIT) todo.push(bld.a[pc] ?? 0, bld.b[pc] ?? 0)
    else if (o === JMP) todo.push(bld.a[pc] ?? 0)
    else if (o === SAVE || o === CLEAR || o === MARK || o === CHECK) todo.push(pc + 1)
    else return null
  }
  return out
}

function isWordAt(s: string, i: number): boolean {
  if (i < 0 || i >= s.length) return false
  const c = s.charCodeAt(i)
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f
}

function holds(p: LinearProgram, what: number, s: string, pos: number): boolean {
  switch (what) {
    case A_START:
      return pos === 0 || (p.isMultiline && inRanges(LINE_TERMINATORS, s.charCodeAt(pos - 1)))
    case A_END:
      return pos === s.length || (p.isMultiline && inRanges(LINE_TERMINATORS, s.charCodeAt(pos)))
    case A_WORD:
      return isWordAt(s, pos - 1) !== isWordAt(s, pos)
    default:
      return isWordAt(s, pos - 1) === isWordAt(s, pos)
  }
}

/** Capture and round-start positions of one thread (-1: unset). Small arrays copy fastest. */
type Slots = number[]

/** Threads waiting at one position, highest priority first. */
interface Threads {
  readonly pc: Int32Array
  readonly slots: Slots[]
  size: number
}

/** Returned when a match ran past its deadline. */
export const OUT_OF_TIME: unique symbol = Symbol('linear regex out of time')

/** Work between two looks at the clock. */
const CLOCK_EVERY = 0x3fff

class Run {
  readonly p: LinearProgram
  readonly s: string
  readonly deadline: number
  readonly seen: Int32Array
  readonly pcStack: number[] = []
  readonly slotStack: Slots[] = []
  gen = 0
  steps = 0
  isLate = false

  constructor(p: LinearProgram, s: string, deadline: number) {
    this.p = p
    this.s = s
    this.deadline = deadline
    this.seen = new Int32Array(p.op.length).fill(-1)
  }

  /** Adds the thread at `pc0` and everything it reaches without reading, in priority order. */
  add(list: Threads, pc0: number, slots0: Slots, pos: number): void {
    const { op, a, b } = this.p
    const pcs = this.pcStack
    const slotStack = this.slotStack
    const seen = this.seen
    const gen = this.gen
    pcs.push(pc0)
    slotStack.push(slots0)
    while (pcs.length > 0) {
      const pc = pcs.pop() as number
      const slots = slotStack.pop() as Slots
      if ((++this.steps & CLOCK_EVERY) === 0 && performance.now() > this.deadline) this.isLate = true
      // An empty round dies before it marks the instruction, so a longer round may still pass.
      if (op[pc] === CHECK && slots[a[pc] ?? 0] === pos) continue
      if (seen[pc] === gen) continue
      seen[pc] = gen
      switch (op[pc] ?? MATCH) {
        case JMP:
          pcs.push(a[pc] ?? 0)
          slotStack.push(slots)
          break
        case SPLIT:
          pcs.push(b[pc] ?? 0, a[pc] ?? 0)
          slotStack.push(slots, slots)
          break
        case SAVE:
        case MARK: {
          const next = slots.slice()
          next[a[pc] ?? 0] = pos
          pcs.push(pc + 1)
          slotStack.push(next)
          break
        }
        case CLEAR: {
          const next = slots.slice()
          next.fill(-1, a[pc], b[pc])
          pcs.push(pc + 1)
          slotStack.push(next)
          break
        }
        case CHECK:
          pcs.push(pc + 1)
          slotStack.push(slots)
          break
        case ASSERT:
          if (holds(this.p, a[pc] ?? 0, this.s, pos)) {
            pcs.push(pc + 1)
            slotStack.push(slots)
          }
          break
        default:
          list.pc[list.size] = pc
          list.slots[list.size++] = slots
      }
    }
  }

  /** The leftmost-first match starting at or after `start`. */
  exec(start: number): Slots | null | typeof OUT_OF_TIME {
    const { op, a, sets, wide, first } = this.p
    const s = this.s
    const n = s.length
    const len = op.length
    let cur: Threads = { pc: new Int32Array(len), slots: new Array<Slots>(len), size: 0 }
    let next: Threads = { pc: new Int32Array(len), slots: new Array<Slots>(len), size: 0 }
    const init: Slots = new Array<number>(this.p.slots).fill(-1)
    let matched: Slots | null = null
    this.gen++
    this.add(cur, 0, init, start)
    for (let pos = start; ; pos++) {
      if (this.isLate) return OUT_OF_TIME
      if (cur.size === 0 && matched === null && first !== null) {
        // Nothing is under way: skip to where a match can start.
        let p = pos + 1
        while (p < n && (s.charCodeAt(p) < 256 ? first[s.charCodeAt(p)] !== 1 : false)) p++
        if (p >= n) return null
        pos = p
        this.gen++
        this.add(cur, 0, init, pos)
      }
      this.gen++
      next.size = 0
      const c = pos < n ? s.charCodeAt(pos) : -1
      for (let i = 0; i < cur.size; i++) {
        const pc = cur.pc[i] ?? 0
        const slots = cur.slots[i] as Slots
        if (op[pc] === MATCH) {
          // Threads after this one have lower priority: the match is theirs to lose.
          matched = slots
          break
        }
        const k = a[pc] ?? 0
        if (c >= 0 && (c < 256 ? (sets[k] as Uint8Array)[c] === 1 : (wide[k] as (c: number) => boolean)(c))) this.add(next, pc + 1, slots, pos + 1)
      }
      if (pos >= n) break
      if (matched === null) this.add(next, 0, init, pos + 1)
      else if (next.size === 0) break
      const t = cur
      cur = next
      next = t
    }
    return this.isOutOfTime() ? OUT_OF_TIME : matched
  }

  /** Whether the clock ran out (a method, as `add` sets the flag behind the loop's back). */
  isOutOfTime(): boolean {
    return this.isLate
  }

  result(slots: Slots): LinearMatch {
    const out: (string | undefined)[] & { index?: number } = []
    for (let g = 0; g <= this.p.captures; g++) {
      const from = slots[2 * g] ?? -1
      const to = slots[2 * g + 1] ?? -1
      out.push(from < 0 || to < 0 ? undefined : this.s.slice(from, to))
    }
    return Object.assign(out, { index: slots[0] ?? 0 })
  }
}

/** The first match in `subject`, as RegExp.prototype.exec would find it. */
export function execLinear(p: LinearProgram, subject: string, deadline: number): LinearMatch | null | typeof OUT_OF_TIME {
  const run = new Run(p, subject, deadline)
  const m = run.exec(0)
  return m === null || m === OUT_OF_TIME ? m : run.result(m)
}

/** `subject.replace(re, fn)` with every match when `isGlobal`, else the first. */
export function replaceLinear(
  p: LinearProgram,
  subject: string,
  isGlobal: boolean,
  fn: (...m: unknown[]) => string,
  deadline: number,
): string | typeof OUT_OF_TIME {
  const run = new Run(p, subject, deadline)
  let out = ''
  let last = 0
  let from = 0
  while (from <= subject.length) {
    const m = run.exec(from)
    if (m === OUT_OF_TIME) return m
    if (m === null) break
    const found = run.result(m)
    const start = m[0] ?? 0
    const end = m[1] ?? 0
    out += subject.slice(last, start) + fn(...Array.from(found), start, subject)
    last = end
    if (!isGlobal) break
    // An empty match moves on by one, as String.prototype.replace does.
    from = end === start ? end + 1 : end
  }
  return out + subject.slice(last)
}
