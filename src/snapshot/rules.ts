/**
 * Compiles a configuration's TrafficScript rules once per snapshot and binds each virtual
 * server's rule lists to the compiled rules.
 * @module
 */
import type { Diagnostic, RuleEntry, ValidConfig, VirtualServerProperties } from '../config/index.ts'
import { RULE_OBJECT_TYPES, checkRules, formatRuleDiagnostic, type CompiledRuleSet, type RuleDiagnostic } from '../rules/index.ts'

import { NO_RULES, type PhaseRules as HttpRules, type RuleBinding } from '../rules/index.ts'

/** Compiles every rule; errors and warnings become diagnostics in the `rule NAME: line L, column C` form. */
export function compileRules(config: ValidConfig, problems: Diagnostic[], warnings: Diagnostic[]): CompiledRuleSet | null {
  if (config.rules.size === 0) return { rules: new Map(), warnings: [] }
  const result = checkRules(config.rules, {
    variablePoolUse: config.globalSettings.trafficscript.variable_pool_use,
    knownObjects: new Map([
      ...RULE_OBJECT_TYPES.map((uri): [string, Set<string>] => [uri, new Set(config.objects.get(uri)?.keys() ?? [])]),
      // xml.* functions name stylesheets and schemas among the extra files.
      ['extra_files', new Set(config.extraFiles.keys())],
    ]),
  })
  const source = (rule: string) => config.rules.get(rule) ?? ''
  const diagnostic = (d: RuleDiagnostic): Diagnostic => ({
    objectType: 'rules',
    objectName: d.rule,
    reason: formatRuleDiagnostic(d, source(d.rule)),
    ...(d.severity === 'warning' ? { severity: 'warning' as const } : {}),
  })
  if (!result.ok) {
    for (const d of result.error) (d.severity === 'error' ? problems : warnings).push(diagnostic(d))
    return null
  }
  for (const d of result.value.warnings) warnings.push(diagnostic(d))
  return result.value
}

/**
 * `rules/NAME` of every rule whose source names `uri/name` literally (`pool.use("web")`,
 * `rate.use("slow")`, ...), sorted: rules that would break if that object were deleted.
 */
export function ruleReferrers(config: ValidConfig, uri: string, name: string): string[] {
  if (config.rules.size === 0 || !(RULE_OBJECT_TYPES as readonly string[]).includes(uri)) return []
  const result = checkRules(config.rules, { variablePoolUse: true })
  if (!result.ok) return []
  const found: string[] = []
  for (const [rule, compiled] of result.value.rules) if (compiled.objectsUsed.get(uri)?.has(name) === true) found.push(`rules/${rule}`)
  return found.sort()
}

/** The enabled rules of a virtual server's list, in order. */
export function bindRuleList(entries: readonly RuleEntry[], set: CompiledRuleSet | null): RuleBinding[] {
  const out: RuleBinding[] = []
  for (const entry of entries) {
    if (!entry.enabled) continue
    const rule = set?.rules.get(entry.name)
    if (rule !== undefined) out.push(Object.freeze({ rule, isOnlyFirst: entry.run_frequency === 'only_first' }))
  }
  return out
}

/**
 * The virtual server's rule lists; `protectionRule` (a protection class's `basic.rule`, '' for
 * none) runs first, every time, before the virtual server's own request rules.
 */
export function bindRules(vs: VirtualServerProperties, set: CompiledRuleSet | null, protectionRule = ''): HttpRules {
  const b = vs.basic
  if (b.request_rules.length === 0 && b.response_rules.length === 0 && b.completion_rules.length === 0 && protectionRule === '') return NO_RULES
  const first = protectionRule === '' ? [] : bindRuleList([{ name: protectionRule, enabled: true, run_frequency: 'run_every' }], set)
  return Object.freeze({
    request: [...first, ...bindRuleList(b.request_rules, set)],
    response: bindRuleList(b.response_rules, set),
    completion: bindRuleList(b.completion_rules, set),
  })
}
