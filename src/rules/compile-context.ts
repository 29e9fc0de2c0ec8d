/**
 * State shared while compiling one rule: variable slots, call resolution, diagnostics.
 * @module
 */
import type { Program, Span, Stmt } from './ast.ts'
import type { AEx } from './closures.ts'
import type { RawDiagnostic } from './diagnostic.ts'
import type { FunctionDef, FunctionRegistry } from './registry.ts'

/** A subroutine; `body` is filled in after every signature is known (forward calls, recursion). */
export interface SubInfo {
  readonly name: string
  readonly rule: string
  readonly params: readonly string[]
  readonly span: Span
  readonly decl: Extract<Stmt, { kind: 'sub' }>
  slotCount: number
  body: AEx | null
  isAsync: boolean
}

/** One parsed rule, seen as a compilation unit (its subs and imports). */
export interface UnitInfo {
  readonly rule: string
  readonly program: Program
  /** Lower-cased sub name → sub. */
  readonly subs: Map<string, SubInfo>
  /** Lower-cased import alias → imported rule name. */
  readonly imports: Map<string, string>
}

/** Options that change what is accepted. */
export interface CompileOptions {
  /** `trafficscript!variable_pool_use`: allow non-literal pool names in pool.use/select. */
  readonly variablePoolUse: boolean
  /**
   * Objects that exist, by type URI (`pools`, `rate`, `bandwidth`, `persistence`,
   * `service_level_monitors`); a literal name of a listed type outside its set is an error.
   */
  readonly knownObjects?: ReadonlyMap<string, ReadonlySet<string>> | undefined
}

export type Resolved =
  | { readonly kind: 'builtin'; readonly def: FunctionDef; readonly deprecatedFor: string | null }
  | { readonly kind: 'sub'; readonly info: SubInfo }
  | { readonly kind: 'unknown'; readonly message: string }

/** Most nested sub calls in one run (a guard against runaway recursion and stack overflow). */
export const MAX_SUB_DEPTH = 200

export class CompileContext {
  readonly unit: UnitInfo
  readonly units: ReadonlyMap<string, UnitInfo>
  readonly registry: FunctionRegistry
  readonly options: CompileOptions
  readonly diags: RawDiagnostic[]
  slots = new Map<string, number>()
  /** Literal pool names this rule passes to pool functions (shared by the rule and its subs). */
  readonly poolsUsed: Set<string>
  /** Literal object names this rule passes to functions, by type URI (see object-refs.ts). */
  readonly objectsUsed: Map<string, Set<string>>
  loopDepth = 0
  switchDepth = 0
  inSub = false

  constructor(
    unit: UnitInfo,
    units: ReadonlyMap<string, UnitInfo>,
    registry: FunctionRegistry,
    options: CompileOptions,
    diags: RawDiagnostic[],
    poolsUsed: Set<string> = new Set(),
    objectsUsed: Map<string, Set<string>> = new Map(),
  ) {
    this.poolsUsed = poolsUsed
    this.objectsUsed = objectsUsed
    this.unit = unit
    this.units = units
    this.registry = registry
    this.options = options
    this.diags = diags
  }

  readonly #assigned = new Set<string>()
  readonly #firstRead = new Map<string, Span>()

  noteAssigned(name: string): void {
    this.#assigned.add(name)
  }

  noteRead(name: string, span: Span): void {
    if (!this.#firstRead.has(name) && !/^[0-9]$/.test(name) && !name.startsWith(' ')) this.#firstRead.set(name, span)
  }

  /** Warns about variables this scope reads but never assigns: usually a typo, always `""`. */
  reportUnassigned(): void {
    for (const [name, span] of this.#firstRead) {
      if (!this.#assigned.has(name)) this.warn(span, `variable $${name} is never assigned, so it is always ""`)
    }
  }

  /** The frame slot of a local variable, allocated on first sight. */
  slot(name: string): number {
    let s = this.slots.get(name)
    if (s === undefined) {
      s = this.slots.size
      this.slots.set(name, s)
    }
    return s
  }

  error(span: Span, message: string): void {
    this.diags.push({ severity: 'error', line: span.line, col: span.col, length: span.length, message })
  }

  warn(span: Span, message: string): void {
    this.diags.push({ severity: 'warning', line: span.line, col: span.col, length: span.length, message })
  }

  resolveCall(name: string): Resolved {
    return resolveCall(this.unit, this.units, this.registry, name)
  }
}

/** Finds what a call refers to: a sub of this rule, a sub of an imported rule, or a built-in. */
export function resolveCall(
  unit: UnitInfo,
  units: ReadonlyMap<string, UnitInfo>,
  registry: FunctionRegistry,
  name: string,
): Resolved {
  const lower = name.toLowerCase()
  const local = unit.subs.get(lower)
  if (local !== undefined) return { kind: 'sub', info: local }
  const dot = lower.indexOf('.')
  if (dot > 0) {
    const alias = lower.slice(0, dot)
    const imported = unit.imports.get(alias)
    if (imported !== undefined && !lower.slice(dot + 1).includes('.')) {
      const lib = units.get(imported)
      const sub = lib?.subs.get(lower.slice(dot + 1))
      if (sub !== undefined) return { kind: 'sub', info: sub }
      if (registry.lookup(name) === undefined) {
        return { kind: 'unknown', message: `rule "${imported}" (imported as ${name.slice(0, dot)}) has no sub named ${name.slice(dot + 1)}` }
      }
    }
  }
  const b = registry.lookup(name)
  if (b !== undefined) return { kind: 'builtin', def: b.def, deprecatedFor: b.deprecatedFor }
  const suggestion = registry.suggest(name)
  const hint = suggestion === null ? '' : ` (did you mean ${suggestion}?)`
  return { kind: 'unknown', message: `unknown function ${name}${hint}` }
}
