/**
 * Syntax and call checks for a rule stored through the API, by the TrafficScript checker in
 * `src/rules` (loaded lazily, so the API still works while that module is absent).
 * @module
 */
import type { Diagnostic, ValidConfig } from '../config/index.ts'

interface RuleProblem {
  readonly rule: string
  readonly severity: string
  readonly line: number
  readonly col: number
  readonly message: string
}

type CheckRules = (
  rules: ReadonlyMap<string, string>,
  options: { knownPools?: ReadonlySet<string> },
) => { ok: true } | { ok: false; error: readonly RuleProblem[] }

let checker: Promise<CheckRules | undefined> | undefined

function loadChecker(): Promise<CheckRules | undefined> {
  const path = '../rules/index.ts'
  checker ??= import(path).then(
    (mod: unknown) => {
      const fn = typeof mod === 'object' && mod !== null && 'checkRules' in mod ? mod.checkRules : undefined
      return typeof fn === 'function' ? (fn as CheckRules) : undefined
    },
    () => undefined,
  )
  return checker
}

/** The errors in rule `name` when checked together with every rule of `config`. */
export async function checkRuleText(config: ValidConfig, name: string): Promise<Diagnostic[]> {
  const check = await loadChecker()
  if (check === undefined) return []
  const result = check(config.rules, { knownPools: new Set(config.pools.keys()) })
  if (result.ok) return []
  return result.error
    .filter((d) => d.severity === 'error' && d.rule === name)
    .map((d) => ({ objectType: 'rules', objectName: name, reason: `line ${String(d.line)}, column ${String(d.col)}: ${d.message}` }))
}
