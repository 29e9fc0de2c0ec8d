/**
 * Checks and compiles a set of rules at configuration time: parse every rule, resolve imports,
 * check every call, compile to closures. Reports every problem of every rule at once.
 * @module
 */
import type { Result } from '../core/index.ts'
import { err, ok } from '../core/index.ts'
import { markAsyncSubs } from './analyze.ts'
import type { AEx } from './closures.ts'
import type { CompileOptions, SubInfo, UnitInfo } from './compile-context.ts'
import { CompileContext } from './compile-context.ts'
import { compileBlock } from './compile-stmt.ts'
import type { RawDiagnostic, RuleDiagnostic } from './diagnostic.ts'
import { defaultRegistry } from './lib/index.ts'
import type { ParseLimits } from './parser.ts'
import { DEFAULT_PARSE_LIMITS, parse } from './parser.ts'
import type { FunctionRegistry } from './registry.ts'

/** One compiled rule. Immutable; shared by every transaction of a snapshot. */
export interface CompiledRule {
  readonly name: string
  /** Whether a run may suspend (the rule calls a function that can wait). */
  readonly maySuspend: boolean
  /** Frame size of the top-level code. */
  readonly slotCount: number
  /** @internal The compiled top-level statements. */
  readonly body: AEx
  /** Deprecation and other warnings for this rule. */
  readonly warnings: readonly RuleDiagnostic[]
  /** Literal pool names passed to pool.use / pool.select (for showing which pools a rule uses). */
  readonly poolsUsed: ReadonlySet<string>
  /** Literal object names the rule passes to functions, by type URI: what it references. */
  readonly objectsUsed: ReadonlyMap<string, ReadonlySet<string>>
  /** @internal Preallocated outcomes of a run, shared by every run of this rule. */
  readonly outcomes: {
    readonly completed: { readonly kind: 'completed'; readonly rule: string }
    readonly break: { readonly kind: 'break'; readonly rule: string }
    readonly stopped: { readonly kind: 'stopped'; readonly rule: string }
  }
}

/** Every rule of a configuration, compiled. */
export interface CompiledRuleSet {
  readonly rules: ReadonlyMap<string, CompiledRule>
  readonly warnings: readonly RuleDiagnostic[]
}

export interface CheckOptions {
  readonly variablePoolUse?: boolean
  /** Pools that exist; a literal pool name outside it is an error. */
  readonly knownPools?: ReadonlySet<string>
  /** Objects that exist by type URI (see object-refs.ts); a literal name outside them is an error. */
  readonly knownObjects?: ReadonlyMap<string, ReadonlySet<string>>
  readonly registry?: FunctionRegistry
  readonly limits?: ParseLimits
}

function attach(rule: string, d: RawDiagnostic): RuleDiagnostic {
  return { rule, ...d }
}

function sortDiags(ds: RuleDiagnostic[]): RuleDiagnostic[] {
  return ds.sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : a.line - b.line || a.col - b.col))
}

/**
 * Parses, checks and compiles every rule. Rule sources are Unicode text (as read from UTF-8 files
 * or a JSON API body); string literals become UTF-8 byte strings. Returns the compiled set, or every error and warning
 * (errors make the whole set invalid; a configuration is applied whole or not at all).
 */
export function checkRules(
  rules: ReadonlyMap<string, string>,
  options: CheckOptions = {},
): Result<CompiledRuleSet, RuleDiagnostic[]> {
  const registry = options.registry ?? defaultRegistry()
  const compileOptions: CompileOptions = {
    variablePoolUse: options.variablePoolUse ?? false,
    knownObjects: knownObjects(options),
  }
  const diags: RuleDiagnostic[] = []
  const units = new Map<string, UnitInfo>()
  const unitDiags = new Map<string, RawDiagnostic[]>()

  for (const [name, source] of rules) {
    const raw: RawDiagnostic[] = []
    let program
    try {
      const r = parse(source, options.limits ?? DEFAULT_PARSE_LIMITS)
      program = r.program
      raw.push(...r.diagnostics)
    } catch (e: unknown) {
      // The parser does not throw; this keeps a defect from taking the control plane down.
      raw.push({ severity: 'error', line: 1, col: 1, length: 1, message: `internal parser error: ${String(e)}` })
      program = { body: [], nodeCount: 0 }
    }
    const unit: UnitInfo = { rule: name, program, subs: new Map(), imports: new Map() }
    for (const st of program.body) {
      if (st.kind === 'sub') {
        const lower = st.name.toLowerCase()
        if (unit.subs.has(lower)) raw.push({ severity: 'error', ...pos(st.span), message: `sub ${st.name} is declared twice` })
        else if (registry.lookup(st.name) !== undefined) {
          raw.push({ severity: 'error', ...pos(st.span), message: `sub ${st.name} has the name of a built-in function` })
        } else {
          const info: SubInfo = { name: st.name, rule: name, params: st.params, span: st.span, decl: st, slotCount: 0, body: null, isAsync: false }
          unit.subs.set(lower, info)
        }
      } else if (st.kind === 'import') {
        if (!rules.has(st.rule)) raw.push({ severity: 'error', ...pos(st.span), message: `cannot import "${st.rule}": there is no rule of that name` })
        else if (st.rule === name) raw.push({ severity: 'error', ...pos(st.span), message: 'a rule cannot import itself' })
        else unit.imports.set(st.alias.toLowerCase(), st.rule)
      }
    }
    units.set(name, unit)
    unitDiags.set(name, raw)
  }

  markAsyncSubs(units, registry)

  const compiled = new Map<string, CompiledRule>()
  for (const unit of units.values()) {
    const raw = unitDiags.get(unit.rule) ?? []
    const poolsUsed = new Set<string>()
    const objectsUsed = new Map<string, Set<string>>()
    for (const sub of unit.subs.values()) {
      const c = new CompileContext(unit, units, registry, compileOptions, raw, poolsUsed, objectsUsed)
      c.inSub = true
      for (const p of sub.params) {
        c.slot(p)
        c.noteAssigned(p)
      }
      const body = compileBlock(c, sub.decl.body)
      c.reportUnassigned()
      sub.body = body.fn
      sub.slotCount = c.slots.size
    }
    const c = new CompileContext(unit, units, registry, compileOptions, raw, poolsUsed, objectsUsed)
    const body = compileBlock(c, unit.program.body)
    c.reportUnassigned()
    const ruleDiags = raw.map((d) => attach(unit.rule, d))
    diags.push(...ruleDiags)
    compiled.set(unit.rule, {
      name: unit.rule,
      maySuspend: body.isAsync,
      slotCount: c.slots.size,
      body: body.fn,
      warnings: ruleDiags.filter((d) => d.severity === 'warning'),
      poolsUsed: c.poolsUsed,
      objectsUsed: c.objectsUsed,
      outcomes: Object.freeze({
        completed: Object.freeze({ kind: 'completed' as const, rule: unit.rule }),
        break: Object.freeze({ kind: 'break' as const, rule: unit.rule }),
        stopped: Object.freeze({ kind: 'stopped' as const, rule: unit.rule }),
      }),
    })
  }
  sortDiags(diags)
  if (diags.some((d) => d.severity === 'error')) return err(diags)
  return ok({ rules: compiled, warnings: diags })
}

function knownObjects(options: CheckOptions): ReadonlyMap<string, ReadonlySet<string>> | undefined {
  if (options.knownPools === undefined) return options.knownObjects
  return new Map([...(options.knownObjects ?? []), ['pools', options.knownPools]])
}

function pos(span: { line: number; col: number; length: number }): { line: number; col: number; length: number } {
  return { line: span.line, col: span.col, length: span.length }
}
