/**
 * Syntax and call checks for a rule stored through the API, by the TrafficScript checker.
 * @module
 */
import type { Diagnostic, ValidConfig } from '../config/index.ts'
import { checkRules } from '../rules/index.ts'

/** The errors in rule `name` when checked together with every rule of `config`. */
export function checkRuleText(config: ValidConfig, name: string): Diagnostic[] {
  const result = checkRules(config.rules, { knownPools: new Set(config.pools.keys()) })
  if (result.ok) return []
  return result.error
    .filter((d) => d.severity === 'error' && d.rule === name)
    .map((d) => ({ objectType: 'rules', objectName: name, reason: `line ${String(d.line)}, column ${String(d.col)}: ${d.message}` }))
}
