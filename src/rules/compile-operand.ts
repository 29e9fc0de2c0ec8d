/**
 * Operands the compiled code reads without calling a closure: literals and local variables,
 * which are most arguments of most calls and one side of most comparisons in real rules.
 * @module
 */
import type { Expr } from './ast.ts'
import type { CExpr, Ev } from './closures.ts'
import type { CompileContext } from './compile-context.ts'
import type { Value } from './value.ts'

/** A literal: the value itself. */
export const OP_CONST = 0
/** A local variable: its frame slot. */
export const OP_SLOT = 1
/** Anything else: its (synchronous) closure. */
export const OP_EXPR = 2

/**
 * How to read one operand. Every field is always set (unused ones hold placeholders), so all
 * operands share one shape and reading one is a branch, not a closure call.
 */
export interface Operand {
  readonly kind: typeof OP_CONST | typeof OP_SLOT | typeof OP_EXPR
  readonly value: Value
  readonly slot: number
  readonly fn: Ev
}

const NOTHING: Ev = () => ''

/**
 * The operand for `e`, already compiled to `compiled` (which did the variable bookkeeping and
 * diagnostics); null when it may suspend. Capture variables (`$1`) are closures: they live
 * in the run state, not in the frame.
 */
export function operandOf(c: CompileContext, e: Expr, compiled: CExpr): Operand | null {
  if (compiled.isAsync) return null
  if (e.kind === 'str' || e.kind === 'int') return { kind: OP_CONST, value: e.value, slot: 0, fn: NOTHING }
  if (e.kind === 'var' && !/^[0-9]$/.test(e.name)) return { kind: OP_SLOT, value: '', slot: c.slot(e.name), fn: NOTHING }
  return { kind: OP_EXPR, value: '', slot: 0, fn: compiled.fn as Ev }
}
