/**
 * One rule, checked and compiled as a snapshot compiles it, for the micro-benchmarks; throws on
 * any check error (a benchmark's rule must be good).
 * @module
 */
import { checkRules, type CompiledRule } from '../../src/rules/index.ts'

export function compileRule(name: string, source: string): CompiledRule {
  const checked = checkRules(new Map([[name, source]]))
  if (!checked.ok) throw new Error(JSON.stringify(checked.error))
  const rule = checked.value.rules.get(name)
  if (rule === undefined) throw new Error('rule missing')
  return rule
}
