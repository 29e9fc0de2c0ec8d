/**
 * Compiles expressions into closures. Sync closures for everything that cannot suspend; the
 * `then`/`evalInto` forms only where a suspending call sits underneath.
 * @module
 */
import type { BinaryOp, Expr } from './ast.ts'
import type { CExpr, Ev } from './closures.ts'
import { evalInto, then } from './closures.ts'
import { compileAssign, compileUpdate } from './compile-assign.ts'
import { compileCall } from './compile-call.ts'
import type { CompileContext } from './compile-context.ts'
import type { Operand } from './compile-operand.ts'
import { OP_CONST, OP_SLOT, operandOf } from './compile-operand.ts'
import type { RunState } from './run-state.ts'
import type { Value } from './value.ts'
import {
  MAX_STRING_CHARS, TsDouble, arith, bitwise, compare, copyValue, equals, indexGet, isCompound, toNumeric,
  toInt, toStr, truthy,
} from './value.ts'

function sync(fn: Ev): CExpr {
  return { fn, isAsync: false }
}

/** Compiles an expression. Errors go to the context's diagnostics; the result is then a stub. */
export function compileExpr(c: CompileContext, e: Expr): CExpr {
  switch (e.kind) {
    case 'str':
    case 'int': {
      const v = e.value
      return sync(() => v)
    }
    case 'dbl': {
      const v = new TsDouble(e.value)
      return sync(() => v)
    }
    case 'var':
      c.noteRead(e.name, e.span)
      return sync(compileVarRead(c, e.name))
    case 'array':
      return compileList(c, e.items, (vals) => vals.map((v) => (isCompound(v) ? copyValue(v) : v)))
    case 'hash': {
      const flat: Expr[] = []
      for (const en of e.entries) flat.push(en.key, en.value)
      return compileList(c, flat, (vals) => {
        const h = new Map<string, Value>()
        for (let i = 0; i + 1 < vals.length; i += 2) {
          const v = vals[i + 1] ?? ''
          h.set(toStr(vals[i] ?? ''), isCompound(v) ? copyValue(v) : v)
        }
        return h
      })
    }
    case 'index': {
      const t = compileExpr(c, e.target)
      const k = compileExpr(c, e.index)
      if (!t.isAsync && !k.isAsync) {
        const tf = t.fn as Ev
        const kf = k.fn as Ev
        return sync((s, f) => indexGet(tf(s, f), kf(s, f)))
      }
      return compileList(c, [e.target, e.index], (v) => indexGet(v[0] ?? '', v[1] ?? ''))
    }
    case 'unary':
      return mapOne(compileExpr(c, e.operand), unaryOp(e.op))
    case 'update':
      return compileUpdate(c, e)
    case 'binary':
      return compileBinary(c, e.op, e.left, e.right)
    case 'logical':
      return compileLogical(c, e.op, e.left, e.right)
    case 'cond': {
      const t = compileExpr(c, e.test)
      const a = compileExpr(c, e.then)
      const b = compileExpr(c, e.else)
      if (!t.isAsync && !a.isAsync && !b.isAsync) {
        const tf = t.fn as Ev
        const af = a.fn as Ev
        const bf = b.fn as Ev
        return sync((s, f) => (truthy(tf(s, f)) ? af(s, f) : bf(s, f)))
      }
      return { fn: (s, f) => then(t.fn(s, f), (v) => (truthy(v) ? a.fn(s, f) : b.fn(s, f))), isAsync: true }
    }
    case 'assign':
      return compileAssign(c, e.op, e.target, e.value)
    case 'call':
      return compileCall(c, e)
    case 'seq':
      return compileList(c, e.items, (vals) => vals[vals.length - 1] ?? '')
  }
}

function compileVarRead(c: CompileContext, name: string): Ev {
  if (/^[0-9]$/.test(name)) {
    const i = Number(name)
    return (s) => s.captures[i] ?? ''
  }
  const slot = c.slot(name)
  return (_s, f) => f[slot] ?? ''
}

/** Evaluates sub-expressions in order, then combines them; sync when all are sync. */
function compileList(c: CompileContext, exprs: readonly Expr[], combine: (vals: Value[]) => Value): CExpr {
  const parts = exprs.map((x) => compileExpr(c, x))
  const fns = parts.map((p) => p.fn)
  if (!parts.some((p) => p.isAsync)) {
    const sf = fns as Ev[]
    const n = sf.length
    return sync((s, f) => {
      const vals = new Array<Value>(n)
      for (let i = 0; i < n; i++) vals[i] = (sf[i] as Ev)(s, f)
      return combine(vals)
    })
  }
  return {
    fn: (s, f) => {
      const vals = new Array<Value>(fns.length).fill('')
      return then(evalInto(s, f, fns, vals, 0), () => combine(vals))
    },
    isAsync: true,
  }
}

function mapOne(x: CExpr, op: (s: RunState, v: Value) => Value): CExpr {
  if (!x.isAsync) {
    const xf = x.fn as Ev
    return sync((s, f) => op(s, xf(s, f)))
  }
  return { fn: (s, f) => then(x.fn(s, f), (v) => op(s, v)), isAsync: true }
}

function unaryOp(op: '!' | '~' | '-' | '+'): (s: RunState, v: Value) => Value {
  switch (op) {
    case '!':
      return (_s, v) => (truthy(v) ? 0 : 1)
    case '~':
      return (_s, v) => -toInt(v) - 1
    case '+':
      return (_s, v) => toNumeric(v)
    case '-':
      return (_s, v) => {
        const n = toNumeric(v)
        return typeof n === 'number' ? 0 - n : new TsDouble(-n.d)
      }
  }
}

/** The value of `a OP b`; arithmetic errors abort the run. */
export function binaryOp(op: BinaryOp): (s: RunState, a: Value, b: Value) => Value {
  switch (op) {
    case '.':
      return (s, a, b) => {
        const r = typeof a === 'string' && typeof b === 'string' ? a + b : toStr(a) + toStr(b)
        return r.length > MAX_STRING_CHARS ? s.fail(`string longer than ${MAX_STRING_CHARS} bytes`) : r
      }
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return (s, a, b) => {
        if (typeof a === 'number' && typeof b === 'number' && (op === '+' || op === '-')) return op === '+' ? a + b : a - b
        const r = arith(op, a, b)
        return typeof r === 'object' && 'error' in r ? s.fail(r.error) : r
      }
    case '==':
      return (_s, a, b) => (equals(a, b) ? 1 : 0)
    case '!=':
      return (_s, a, b) => (equals(a, b) ? 0 : 1)
    case '<':
      return (_s, a, b) => (compare(a, b) < 0 ? 1 : 0)
    case '<=':
      return (_s, a, b) => (compare(a, b) <= 0 ? 1 : 0)
    case '>':
      return (_s, a, b) => (compare(a, b) > 0 ? 1 : 0)
    case '>=':
      return (_s, a, b) => (compare(a, b) >= 0 ? 1 : 0)
    case '&':
    case '|':
    case '^':
    case '<<':
    case '>>':
      return (_s, a, b) => bitwise(op, a, b)
  }
}

function compileBinary(c: CompileContext, op: BinaryOp, left: Expr, right: Expr): CExpr {
  return compileBinaryTest(c, op, left, right).expr
}

/** A test `x == literal` or `x != literal` taken apart, for an `if` to evaluate in place. */
export interface EqualityTest {
  /** The side that is not the literal: a variable or a synchronous expression. */
  readonly operand: Operand
  readonly literal: Value
  /** True for `==`, false for `!=`. */
  readonly equal: boolean
}

/** Compiles an expression as compileExpr does, and takes it apart when it is an EqualityTest. */
export function compileTest(c: CompileContext, e: Expr): { readonly expr: CExpr; readonly test: EqualityTest | null } {
  if (e.kind === 'binary') return compileBinaryTest(c, e.op, e.left, e.right)
  return { expr: compileExpr(c, e), test: null }
}

function compileBinaryTest(c: CompileContext, op: BinaryOp, left: Expr, right: Expr): { expr: CExpr; test: EqualityTest | null } {
  const l = compileExpr(c, left)
  const r = compileExpr(c, right)
  const apply = binaryOp(op)
  if (!l.isAsync && !r.isAsync) {
    const lf = l.fn as Ev
    const rf = r.fn as Ev
    // Common shapes in rules: `$x == "literal"`, `f(...) != ""`. Equality is symmetric and a
    // literal has no effects, so the literal may be on either side.
    if (op === '==' || op === '!=') {
      const test = right.kind === 'str' || right.kind === 'int'
        ? equalityTest(c, op, left, l, right.value)
        : left.kind === 'str' || left.kind === 'int' ? equalityTest(c, op, right, r, left.value) : null
      if (test !== null) return { expr: literalEquality(test), test }
    }
    return { expr: sync((s, f) => apply(s, lf(s, f), rf(s, f))), test: null }
  }
  return {
    expr: { fn: (s, f) => then(l.fn(s, f), (a) => then(r.fn(s, f), (b) => apply(s, a, b))), isAsync: true },
    test: null,
  }
}

function equalityTest(c: CompileContext, op: '==' | '!=', other: Expr, compiled: CExpr, literal: Value): EqualityTest | null {
  const operand = operandOf(c, other, compiled)
  if (operand === null || operand.kind === OP_CONST) return null
  return { operand, literal, equal: op === '==' }
}

/** An EqualityTest as an expression (1 or 0), without the generic operator's extra call. */
function literalEquality(t: EqualityTest): CExpr {
  const { literal, equal } = t
  if (t.operand.kind === OP_SLOT) {
    const slot = t.operand.slot
    return sync((_s, f) => (equals(f[slot] ?? '', literal) === equal ? 1 : 0))
  }
  const of = t.operand.fn
  return sync((s, f) => (equals(of(s, f), literal) === equal ? 1 : 0))
}

function compileLogical(c: CompileContext, op: '&&' | '||', left: Expr, right: Expr): CExpr {
  const l = compileExpr(c, left)
  const r = compileExpr(c, right)
  const isAnd = op === '&&'
  if (!l.isAsync && !r.isAsync) {
    const lf = l.fn as Ev
    const rf = r.fn as Ev
    if (isAnd) return sync((s, f) => (truthy(lf(s, f)) && truthy(rf(s, f)) ? 1 : 0))
    return sync((s, f) => (truthy(lf(s, f)) || truthy(rf(s, f)) ? 1 : 0))
  }
  return {
    fn: (s, f) =>
      then(l.fn(s, f), (a) => {
        if (truthy(a) !== isAnd) return isAnd ? 0 : 1
        return then(r.fn(s, f), (b) => (truthy(b) ? 1 : 0))
      }),
    isAsync: true,
  }
}
