/**
 * Compiles `switch`: cases tried in order with `==` or a comparison function, bodies as blocks.
 * @module
 */
import type { Expr, Span, Stmt } from './ast.ts'
import type { AEv, AEx, CExpr, CStmt, Ev, Ex, Frame, MaybePromise } from './closures.ts'
import { isPromise, then, tick } from './closures.ts'
import type { CompileContext } from './compile-context.ts'
import { compileExpr } from './compile-expr.ts'
import type { Operand } from './compile-operand.ts'
import { OP_CONST, OP_EXPR, OP_SLOT, operandOf } from './compile-operand.ts'
import { compileBlock } from './compile-stmt.ts'
import type { RunState } from './run-state.ts'
import { BREAK, HALTED, HALT_NONE, NORMAL } from './run-state.ts'
import type { Value } from './value.ts'
import { equals, truthy } from './value.ts'

const NOTHING: CExpr = { fn: () => '', isAsync: false }

function syncStmt(fn: Ex): CStmt {
  return { fn, isAsync: false }
}

function hiddenVar(name: string, span: Span): Expr {
  return { kind: 'var', span, name }
}

export function compileSwitch(c: CompileContext, st: Extract<Stmt, { kind: 'switch' }>): CStmt {
  const line = st.span.line
  const subject = compileExpr(c, st.subject)
  // A comparison function is compiled as an ordinary call on two hidden variables, which gives
  // it arity checks, subs, imports and suspension for free. Spaces cannot occur in user names.
  const slotA = c.slot(' switch subject')
  const slotB = c.slot(' switch case')
  const cmp = st.compare === null
    ? null
    : compileExpr(c, {
        kind: 'call', span: st.compare.span, name: st.compare.name,
        args: [hiddenVar(' switch subject', st.compare.span), hiddenVar(' switch case', st.compare.span)],
      })
  const caseVals = st.cases.map((k) => k.values.map((v) => compileExpr(c, v)))
  c.switchDepth++
  const bodies = st.cases.map((k) => compileBlock(c, k.body))
  c.switchDepth--
  const defaultIdx = st.cases.findIndex((k) => k.isDefault)
  const anyAsync = subject.isAsync || (cmp?.isAsync ?? false) || caseVals.some((vs) => vs.some((v) => v.isAsync)) ||
    bodies.some((b) => b.isAsync)
  const finish = (code: number): number => (code === BREAK ? NORMAL : code)
  if (!anyAsync) {
    const subjf = subject.fn as Ev
    const cmpf = cmp?.fn as Ev | undefined
    const bodyfs = bodies.map((b) => b.fn as Ex)
    // Every case value in order, flat, each with the case it belongs to; literals (the usual
    // case values) are read in place.
    const caseOf: number[] = []
    const ops: Operand[] = []
    st.cases.forEach((k, i) => {
      k.values.forEach((v, j) => {
        const compiled = caseVals[i]?.[j] ?? NOTHING
        caseOf.push(i)
        ops.push(operandOf(c, v, compiled) ?? { kind: OP_EXPR, value: '', slot: 0, fn: compiled.fn as Ev })
      })
    })
    const kinds = ops.map((o) => o.kind)
    const consts = ops.map((o) => o.value)
    const slots = ops.map((o) => o.slot)
    const fns = ops.map((o) => o.fn)
    const n = ops.length
    return syncStmt((s, f) => {
      s.line = line
      if (!tick(s)) return HALTED
      const v = subjf(s, f)
      if (s.halt !== HALT_NONE) return HALTED
      for (let j = 0; j < n; j++) {
        const k = kinds[j]
        const cv = k === OP_CONST ? (consts[j] ?? '') : k === OP_SLOT ? (f[slots[j] ?? 0] ?? '') : (fns[j] as Ev)(s, f)
        let hit: boolean
        if (cmpf === undefined) hit = equals(v, cv)
        else {
          f[slotA] = v
          f[slotB] = cv
          hit = truthy(cmpf(s, f))
        }
        if (s.halted()) return HALTED
        if (hit) return finish((bodyfs[caseOf[j] ?? 0] as Ex)(s, f))
      }
      const d = bodyfs[defaultIdx]
      return d === undefined ? NORMAL : finish(d(s, f))
    })
  }
  const vals: AEv[][] = caseVals.map((vs) => vs.map((v) => v.fn))
  const bodyfs: AEx[] = bodies.map((b) => b.fn)
  const runBody = (s: RunState, f: Frame, i: number): MaybePromise<number> => {
    const b = bodyfs[i]
    return b === undefined ? NORMAL : then(b(s, f), finish)
  }
  const test = (s: RunState, f: Frame, v: Value, cv: Value): MaybePromise<boolean> => {
    if (cmp === null) return equals(v, cv)
    f[slotA] = v
    f[slotB] = cv
    return then(cmp.fn(s, f), truthy)
  }
  const search = (s: RunState, f: Frame, v: Value, ci: number, vi: number): MaybePromise<number> => {
    for (let i = ci; i < vals.length; i++) {
      const vs = vals[i] ?? []
      for (let j = i === ci ? vi : 0; j < vs.length; j++) {
        const cvf = vs[j]
        if (cvf === undefined) continue
        const hit = then(cvf(s, f), (cv) => test(s, f, v, cv))
        if (isPromise(hit)) {
          return hit.then((h) => (s.halt !== HALT_NONE ? HALTED : h ? runBody(s, f, i) : search(s, f, v, i, j + 1)))
        }
        if (s.halt !== HALT_NONE) return HALTED
        if (hit) return runBody(s, f, i)
      }
    }
    return defaultIdx < 0 ? NORMAL : runBody(s, f, defaultIdx)
  }
  return {
    fn: (s, f) => {
      s.line = line
      if (!tick(s)) return HALTED
      return then(subject.fn(s, f), (v) => (s.halt !== HALT_NONE ? HALTED : search(s, f, v, 0, 0)))
    },
    isAsync: true,
  }
}
