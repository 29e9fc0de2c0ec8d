/**
 * The function registry: every built-in TrafficScript function, looked up case-insensitively,
 * with its arity (checked when a rule is compiled) and deprecated aliases (accepted with a warning).
 * @module
 */
import type { Expr, Span } from './ast.ts'
import type { RunState } from './run-state.ts'
import type { Value } from './value.ts'

/** A built-in. Returns a value, or a Promise when it suspends the rule (then `suspends` is true). */
export type BuiltinFn = (s: RunState, args: Value[]) => Value | Promise<Value>
/** The same built-in for calls with exactly no, one or two arguments, without an argument array. */
export type Builtin0 = (s: RunState) => Value
export type Builtin1 = (s: RunState, a: Value) => Value
export type Builtin2 = (s: RunState, a: Value, b: Value) => Value

export interface FunctionSpec {
  readonly min: number
  /** Use `Infinity` for a variable argument count. */
  readonly max: number
  readonly fn: BuiltinFn
  /** May return a Promise. Rules calling it are compiled with suspension points. */
  readonly suspends?: boolean
  /** Argument index that must be a string literal unless variable pool use is allowed (pool.use). */
  readonly literalArg?: number
  /**
   * The first argument is changed in place (array.push, hash.delete). When it is a variable that
   * does not hold an array or hash yet, an empty one of this kind is stored there first.
   */
  readonly mutates?: 'array' | 'hash'
  /** Argument index of a regular expression; a literal one is checked at compile time. */
  readonly regexArg?: number
  /** The function still works but is deprecated in favour of this one (a warning at check time). */
  readonly deprecatedFor?: string
  /**
   * Accepted but not carried out yet; the text says what a call does instead (`NO_EFFECT`). Every
   * call gets a warning when the rule is checked, and docs/rules/functions.md says so, so that no
   * function is a silent no-op.
   */
  readonly unsupported?: string
  /** One argument that is accepted but not carried out yet: a call passing it gets a warning. */
  readonly unsupportedArg?: { readonly index: number; readonly note: string }
  /**
   * Optional forms for calls with exactly 0, 1 or 2 arguments, which compiled calls use instead
   * of `fn` (the hottest functions; see lib/args.ts fixed0..fixed2). They must do exactly what
   * `fn` does with that many arguments, and never suspend.
   */
  /**
   * The function's own compile-time check of a call (literal arguments it can judge, or that it
   * cannot run here at all); problems go to the rule's diagnostics.
   */
  readonly checkCall?: (call: CallCheck) => void
  readonly f0?: Builtin0
  readonly f1?: Builtin1
  readonly f2?: Builtin2
}

/** One call as a function's own compile-time check sees it. */
export interface CallCheck {
  readonly span: Span
  readonly args: readonly Expr[]
  error(span: Span, message: string): void
  warn(span: Span, message: string): void
  /** Names of the configuration objects of a type URI, when the checker was told them. */
  known(typeUri: string): ReadonlySet<string> | undefined
}

/** A registered function; `name` is the documented spelling. */
export interface FunctionDef extends FunctionSpec {
  readonly name: string
}

/** A library module: `functions` keyed by documented full name, plus aliases. */
export interface LibraryModule {
  readonly functions: Readonly<Record<string, FunctionSpec>>
  /** Other names for functions: `alias -> target`; deprecated ones produce a warning. */
  readonly aliases?: Readonly<Record<string, { readonly target: string; readonly deprecated: boolean }>>
}

export interface LookupResult {
  readonly def: FunctionDef
  /** The replacement to suggest when the name used is deprecated. */
  readonly deprecatedFor: string | null
}

/** The set of built-ins available to rules. Immutable once built. */
export class FunctionRegistry {
  readonly #byName = new Map<string, LookupResult>()

  constructor(modules: readonly LibraryModule[]) {
    for (const m of modules) {
      for (const [name, spec] of Object.entries(m.functions)) {
        this.#byName.set(name.toLowerCase(), { def: { name, ...spec }, deprecatedFor: spec.deprecatedFor ?? null })
      }
    }
    for (const m of modules) {
      for (const [alias, a] of Object.entries(m.aliases ?? {})) {
        const target = this.#byName.get(a.target.toLowerCase())
        if (target === undefined) throw new Error(`alias ${alias} names unknown function ${a.target}`)
        this.#byName.set(alias.toLowerCase(), { def: target.def, deprecatedFor: a.deprecated ? target.def.name : null })
      }
    }
  }

  /** Finds a function by any spelling of its name. */
  lookup(name: string): LookupResult | undefined {
    return this.#byName.get(name.toLowerCase())
  }

  /** Whether some function name starts with `prefix.` (for "unknown module" messages). */
  hasModule(prefix: string): boolean {
    const p = prefix.toLowerCase() + '.'
    for (const k of this.#byName.keys()) if (k.startsWith(p)) return true
    return false
  }

  /** A registered name close to `name`, to suggest for typos, or null. */
  suggest(name: string): string | null {
    const lower = name.toLowerCase()
    let best: string | null = null
    let bestDist = Math.max(2, Math.floor(lower.length / 6))
    for (const [k, r] of this.#byName) {
      if (Math.abs(k.length - lower.length) > bestDist) continue
      const d = editDistance(k, lower, bestDist)
      if (d <= bestDist && (best === null || d < bestDist)) {
        best = r.def.name
        bestDist = d
      }
    }
    return best
  }

  /** Every documented name, sorted. */
  names(): string[] {
    const out = new Set<string>()
    for (const r of this.#byName.values()) out.add(r.def.name)
    return [...out].sort()
  }
}

function editDistance(a: string, b: string, cap: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    let rowMin = i
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1))
      cur.push(v)
      if (v < rowMin) rowMin = v
    }
    if (rowMin > cap) return cap + 1
    prev = cur
  }
  return prev[b.length] ?? cap + 1
}
