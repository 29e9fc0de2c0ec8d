/**
 * Compiles assignments: to local variables (the commonest statement, also compiled in place by
 * compile-stmt.ts), to captures, to elements of arrays and hashes, compound and `++`/`--`.
 * @module
 */
import type { AssignOp, BinaryOp, Expr } from './ast.ts'
import type { CExpr, Ev, Frame } from './closures.ts'
import { then } from './closures.ts'
import type { CompileContext } from './compile-context.ts'
import { binaryOp, compileExpr } from './compile-expr.ts'
import type { RunState } from './run-state.ts'
import type { Value } from './value.ts'
import { arith, copyValue, indexGet, indexSet, isCompound, toNumeric } from './value.ts'

const EMPTY: CExpr = { fn: () => '', isAsync: false }

function sync(fn: Ev): CExpr {
  return { fn, isAsync: false }
}

/** A place that can be assigned: a variable or an element of one. */
export interface Lvalue {
  readonly get: Ev
  readonly set: (s: RunState, f: Frame, v: Value) => void
}

export function compileLvalue(c: CompileContext, target: Expr): Lvalue | null {
  if (target.kind === 'var') {
    if (/^[0-9]$/.test(target.name)) {
      const i = Number(target.name)
      return { get: (s) => s.captures[i] ?? '', set: (s, _f, v) => { s.setCapture(i, v) } }
    }
    c.noteAssigned(target.name)
    const slot = c.slot(target.name)
    return { get: (_s, f) => f[slot] ?? '', set: (_s, f, v) => { f[slot] = v } }
  }
  if (target.kind === 'index') {
    const parent = compileLvalue(c, target.target)
    if (parent === null) return null
    const k = compileExpr(c, target.index)
    if (k.isAsync) {
      c.error(target.index.span, 'a function that may suspend cannot be used in the index of an assignment target')
      return null
    }
    const kf = k.fn as Ev
    return {
      get: (s, f) => indexGet(parent.get(s, f), kf(s, f)),
      set: (s, f, v) => {
        const cont = parent.get(s, f)
        const r = indexSet(cont, kf(s, f), v)
        if (!Array.isArray(r) && !(r instanceof Map)) {
          s.fail(r.error)
          return
        }
        if (r !== cont) parent.set(s, f, r)
      },
    }
  }
  c.error(target.span, 'only a variable or an element of one can be assigned')
  return null
}

const COMPOUND: Readonly<Record<Exclude<AssignOp, '='>, BinaryOp>> = {
  '+=': '+', '-=': '-', '*=': '*', '/=': '/', '%=': '%', '.=': '.', '&=': '&', '|=': '|', '^=': '^',
  '<<=': '<<', '>>=': '>>',
}

/** `$name = value` for a local variable, taken apart so a statement can store it in place. */
export interface VarAssign {
  readonly slot: number
  readonly value: CExpr
  /** The value is an array or hash literal: a fresh object, stored without a copy. */
  readonly fresh: boolean
}

/** Whether `target = ...` assigns a local variable (not `$1`..`$9`, which live in the run state). */
export function isVarTarget(target: Expr): target is Extract<Expr, { kind: 'var' }> {
  return target.kind === 'var' && !/^[0-9]$/.test(target.name)
}

/** Compiles the parts of `$name = value`, doing the same bookkeeping as compileAssign. */
export function compileVarAssign(c: CompileContext, target: Extract<Expr, { kind: 'var' }>, valueExpr: Expr): VarAssign {
  c.noteAssigned(target.name)
  const slot = c.slot(target.name)
  const value = compileExpr(c, valueExpr)
  return { slot, value, fresh: valueExpr.kind === 'array' || valueExpr.kind === 'hash' }
}

/** `$name = value` as an expression: stores the value (copied when it is a compound one) and yields it. */
export function varAssignExpr(p: VarAssign): CExpr {
  const { slot, fresh } = p
  if (!p.value.isAsync) {
    const vf = p.value.fn as Ev
    return sync((s, f) => {
      const v = vf(s, f)
      const stored = !fresh && isCompound(v) ? copyValue(v) : v
      f[slot] = stored
      return stored
    })
  }
  const af = p.value.fn
  return {
    fn: (s, f) => then(af(s, f), (v) => {
      const stored = !fresh && isCompound(v) ? copyValue(v) : v
      f[slot] = stored
      return stored
    }),
    isAsync: true,
  }
}

export function compileAssign(c: CompileContext, op: AssignOp, target: Expr, valueExpr: Expr): CExpr {
  if (op === '=' && isVarTarget(target)) return varAssignExpr(compileVarAssign(c, target, valueExpr))
  const lv = compileLvalue(c, target)
  const val = compileExpr(c, valueExpr)
  if (lv === null) return EMPTY
  // Literals are fresh objects already; anything else may alias a variable and is copied.
  const fresh = valueExpr.kind === 'array' || valueExpr.kind === 'hash'
  let store: (s: RunState, f: Frame, v: Value) => Value
  if (op === '=') {
    store = (s, f, v) => {
      const stored = !fresh && isCompound(v) ? copyValue(v) : v
      lv.set(s, f, stored)
      return stored
    }
  } else {
    const apply = binaryOp(COMPOUND[op])
    store = (s, f, v) => {
      const nv = apply(s, lv.get(s, f), v)
      lv.set(s, f, nv)
      return nv
    }
  }
  if (!val.isAsync) {
    const vf = val.fn as Ev
    return sync((s, f) => store(s, f, vf(s, f)))
  }
  return { fn: (s, f) => then(val.fn(s, f), (v) => store(s, f, v)), isAsync: true }
}

export function compileUpdate(c: CompileContext, e: Extract<Expr, { kind: 'update' }>): CExpr {
  const lv = compileLvalue(c, e.target)
  if (lv === null) return EMPTY
  const delta = e.op === '++' ? '+' : '-'
  const prefix = e.prefix
  return sync((s, f) => {
    const old = toNumeric(lv.get(s, f))
    const nv = arith(delta, old, 1) as Value
    lv.set(s, f, nv)
    return prefix ? nv : old
  })
}
