/**
 * The validator's view of one rule: `{ valid, warnings, errors }` as text, the shape of the
 * original's `Catalog.Rule.checkSyntax` result, for the API and the CLI.
 * @module
 */
import type { CheckOptions } from './check.ts'
import { checkRules } from './check.ts'
import { formatRuleDiagnostic } from './diagnostic.ts'
import type { RuleDiagnostic } from './diagnostic.ts'

export interface SyntaxCheck {
  readonly valid: boolean
  /** Formatted warnings, one block per warning, separated by blank lines ("" when none). */
  readonly warnings: string
  /** Formatted errors, likewise ("" when valid). */
  readonly errors: string
  readonly diagnostics: readonly RuleDiagnostic[]
}

/**
 * Checks one rule's text in the context of the other rules of the catalog (so its imports
 * resolve). Only this rule's diagnostics are reported; problems elsewhere in the catalog are not.
 */
export function syntaxCheck(
  name: string,
  source: string,
  catalog: ReadonlyMap<string, string> = new Map(),
  options: CheckOptions = {},
): SyntaxCheck {
  const rules = new Map(catalog)
  rules.set(name, source)
  const r = checkRules(rules, options)
  const all = r.ok ? r.value.warnings : r.error
  const mine = all.filter((d) => d.rule === name)
  const text = (sev: 'error' | 'warning'): string =>
    mine.filter((d) => d.severity === sev).map((d) => formatRuleDiagnostic(d, source)).join('\n\n')
  return {
    valid: !mine.some((d) => d.severity === 'error'),
    warnings: text('warning'),
    errors: text('error'),
    diagnostics: mine,
  }
}
