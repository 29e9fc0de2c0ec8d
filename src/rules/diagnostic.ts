/**
 * Diagnostics for rules: every problem found in a rule, with its position, as a value.
 * @module
 */

/** One problem in one rule. Lines and columns are 1-based; `length` is at least 1. */
export interface RuleDiagnostic {
  readonly rule: string
  readonly severity: 'error' | 'warning'
  readonly line: number
  readonly col: number
  readonly length: number
  readonly message: string
}

/** A diagnostic before it knows which rule it belongs to (lexer, parser, compiler). */
export interface RawDiagnostic {
  readonly severity: 'error' | 'warning'
  readonly line: number
  readonly col: number
  readonly length: number
  readonly message: string
}

/**
 * Formats a diagnostic as `rule NAME: line L, column C: MESSAGE` (warnings add `warning: ` before
 * the message), then the offending source line and a caret line under the span.
 */
export function formatRuleDiagnostic(d: RuleDiagnostic, source: string): string {
  const lines = source.split(/\r?\n/)
  const text = lines[d.line - 1] ?? ''
  const prefix = d.severity === 'warning' ? 'warning: ' : ''
  const head = `rule ${d.rule}: line ${d.line}, column ${d.col}: ${prefix}${d.message}`
  // Tabs are kept in the caret line so the caret lines up in a terminal.
  let pad = ''
  for (let i = 0; i < d.col - 1 && i < text.length; i++) pad += text[i] === '\t' ? '\t' : ' '
  const width = Math.max(1, Math.min(d.length, Math.max(1, text.length - (d.col - 1))))
  return `${head}\n${text}\n${pad}${'^'.repeat(width)}`
}
