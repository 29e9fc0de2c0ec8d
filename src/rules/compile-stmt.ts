/**
 * Compiles statements into closures returning completion codes (NORMAL, BREAK, CONTINUE, RETURN,
 * HALTED), so control flow never uses exceptions on the hot path.
 * @module
 */
import type { Expr, Span, Stmt } from './ast.ts'
import type { AEv, AEx, CStmt, Ev, Ex, Frame, MaybePromise } from './closures.ts'
import { afterExpr, isPromise, runStatements, then, tick } from './closures.ts'
import type { CompileContext } from './compile-context.ts'
import { compileExpr } from './compile-expr.ts'
import type { RunState } from './run-state.ts'
import { BREAK, CONTINUE, HALTED, HALT_NONE, NORMAL, RETURN } from './run-state.ts'
import type { Value } from './value.ts'
import { copyValue, equals, isCompound, truthy } from './value.ts'

const NOOP: CStmt = { fn: () => NORMAL, isAsync: false }

function syncStmt(fn: Ex): CStmt {
  return { fn, isAsync: false }
}

/** Compiles a list of statements as one block (subs and imports are skipped: handled per rule). */
export function compileBlock(c: CompileContext, body: readonly Stmt[]): CStmt {
  const parts = body.filter((s) => s.kind !== 'sub' && s.kind !== 'import' && s.kind !== 'empty').map((s) => compileStmt(c, s))
  if (parts.length === 0) return NOOP
  if (parts.length === 1 && parts[0] !== undefined) return parts[0]
  const fns = parts.map((p) => p.fn)
  if (!parts.some((p) => p.isAsync)) {
    const sf = fns as Ex[]
    const n = sf.length
    return syncStmt((s, f) => {
      for (let i = 0; i < n; i++) {
        const code = (sf[i] as Ex)(s, f)
        if (code !== NORMAL) return code
      }
      return NORMAL
    })
  }
  return { fn: (s, f) => runStatements(s, f, fns, 0), isAsync: true }
}

export function compileStmt(c: CompileContext, st: Stmt): CStmt {
  const line = st.span.line
  switch (st.kind) {
    case 'empty':
    case 'sub':
    case 'import':
      // Subs and imports are handled per rule (check.ts); the parser only allows them at the top.
      return NOOP
    case 'expr': {
      const e = compileExpr(c, st.expr)
      if (!e.isAsync) {
        const ef = e.fn as Ev
        return syncStmt((s, f) => {
          s.line = line
          if (!tick(s)) return HALTED
          ef(s, f)
          return s.halt !== HALT_NONE ? HALTED : NORMAL
        })
      }
      const af = e.fn
      return {
        fn: (s, f) => {
          s.line = line
          if (!tick(s)) return HALTED
          return then(af(s, f), () => afterExpr(s))
        },
        isAsync: true,
      }
    }
    case 'block':
      return compileBlock(c, st.body)
    case 'if': {
      const t = compileExpr(c, st.test)
      const a = compileStmt(c, st.then)
      const b = st.else === null ? NOOP : compileStmt(c, st.else)
      if (!t.isAsync && !a.isAsync && !b.isAsync) {
        const tf = t.fn as Ev
        const af = a.fn as Ex
        const bf = b.fn as Ex
        return syncStmt((s, f) => {
          s.line = line
          if (!tick(s)) return HALTED
          const v = truthy(tf(s, f))
          if (s.halt !== HALT_NONE) return HALTED
          return v ? af(s, f) : bf(s, f)
        })
      }
      return {
        fn: (s, f) => {
          s.line = line
          if (!tick(s)) return HALTED
          return then(t.fn(s, f), (v) => (s.halt !== HALT_NONE ? HALTED : truthy(v) ? a.fn(s, f) : b.fn(s, f)))
        },
        isAsync: true,
      }
    }
    case 'while':
      return compileLoop(c, line, null, st.test, null, st.body, true)
    case 'do':
      return compileLoop(c, line, null, st.test, null, st.body, false)
    case 'for':
      return compileLoop(c, line, st.init, st.test, st.step, st.body, true)
    case 'foreach':
      return compileForeach(c, st)
    case 'switch':
      return compileSwitch(c, st)
    case 'break':
      if (c.loopDepth === 0 && c.switchDepth === 0 && c.inSub) c.error(st.span, '"break" outside a loop or switch')
      return syncStmt(() => BREAK)
    case 'continue':
      if (c.loopDepth === 0) c.error(st.span, '"continue" outside a loop')
      return syncStmt(() => CONTINUE)
    case 'return': {
      if (st.value === null) {
        return syncStmt((s) => {
          s.returnValue = ''
          return RETURN
        })
      }
      const e = compileExpr(c, st.value)
      if (!e.isAsync) {
        const ef = e.fn as Ev
        return syncStmt((s, f) => {
          s.line = line
          const v = ef(s, f)
          if (s.halt !== HALT_NONE) return HALTED
          s.returnValue = v
          return RETURN
        })
      }
      return {
        fn: (s, f) => {
          s.line = line
          return then(e.fn(s, f), (v) => {
            if (s.halt !== HALT_NONE) return HALTED
            s.returnValue = v
            return RETURN
          })
        },
        isAsync: true,
      }
    }
  }
}

/** Loop body completion → -1 to keep looping, or the code the loop statement returns. */
function afterBody(code: number): number {
  if (code === BREAK) return NORMAL
  if (code === NORMAL || code === CONTINUE) return -1
  return code
}

function compileLoop(
  c: CompileContext,
  line: number,
  initE: Expr | null,
  testE: Expr | null,
  stepE: Expr | null,
  bodyS: Stmt,
  testFirst: boolean,
): CStmt {
  const init = initE === null ? null : compileExpr(c, initE)
  const test = testE === null ? null : compileExpr(c, testE)
  const step = stepE === null ? null : compileExpr(c, stepE)
  c.loopDepth++
  const body = compileStmt(c, bodyS)
  c.loopDepth--
  const anyAsync = (init?.isAsync ?? false) || (test?.isAsync ?? false) || (step?.isAsync ?? false) || body.isAsync
  if (!anyAsync) {
    const initf = init?.fn as Ev | undefined
    const testf = test?.fn as Ev | undefined
    const stepf = step?.fn as Ev | undefined
    const bodyf = body.fn as Ex
    return syncStmt((s, f) => {
      s.line = line
      if (initf !== undefined) {
        initf(s, f)
        if (s.halt !== HALT_NONE) return HALTED
      }
      let first = !testFirst
      for (;;) {
        if (!tick(s)) return HALTED
        if (!first && testf !== undefined) {
          const t = testf(s, f)
          if (s.halt !== HALT_NONE) return HALTED
          if (!truthy(t)) return NORMAL
        }
        first = false
        const r = afterBody(bodyf(s, f))
        if (r !== -1) return r
        if (stepf !== undefined) {
          stepf(s, f)
          if (s.halt !== HALT_NONE) return HALTED
        }
      }
    })
  }
  const testf = test?.fn
  const stepf = step?.fn
  const bodyf = body.fn
  const checkTest = (s: RunState, t: Value): number => (s.halt !== HALT_NONE ? HALTED : truthy(t) ? -1 : NORMAL)
  const loop = (s: RunState, f: Frame, startPhase: number): MaybePromise<number> => {
    let phase = startPhase
    for (;;) {
      if (phase === 0) {
        if (!tick(s)) return HALTED
        if (testf !== undefined) {
          const t = testf(s, f)
          if (isPromise(t)) {
            return t.then((tv) => {
              const r = checkTest(s, tv)
              return r !== -1 ? r : loop(s, f, 1)
            })
          }
          const r = checkTest(s, t)
          if (r !== -1) return r
        }
        phase = 1
      }
      if (phase === 1) {
        const code = bodyf(s, f)
        if (isPromise(code)) {
          return code.then((k) => {
            const r = afterBody(k)
            return r !== -1 ? r : loop(s, f, 2)
          })
        }
        const r = afterBody(code)
        if (r !== -1) return r
        phase = 2
      }
      if (stepf !== undefined) {
        const v = stepf(s, f)
        if (isPromise(v)) return v.then(() => (s.halt !== HALT_NONE ? HALTED : loop(s, f, 0)))
        if (s.halt !== HALT_NONE) return HALTED
      }
      phase = 0
    }
  }
  const start = testFirst ? 0 : 1
  return {
    fn: (s, f) => {
      s.line = line
      if (init === null) return loop(s, f, start)
      return then(init.fn(s, f), () => (s.halt !== HALT_NONE ? HALTED : loop(s, f, start)))
    },
    isAsync: true,
  }
}

/** What foreach walks: array items, hash keys, a non-empty scalar once, nothing for `""`. */
function iterationItems(v: Value): readonly Value[] {
  if (Array.isArray(v)) return v.slice()
  if (v instanceof Map) return [...v.keys()]
  if (v === '') return []
  return [v]
}

function compileForeach(c: CompileContext, st: Extract<Stmt, { kind: 'foreach' }>): CStmt {
  const line = st.span.line
  if (/^[0-9]$/.test(st.variable)) c.error(st.span, `$${st.variable} cannot be a loop variable`)
  c.noteAssigned(st.variable)
  const slot = c.slot(st.variable)
  const it = compileExpr(c, st.iterable)
  c.loopDepth++
  const body = compileStmt(c, st.body)
  c.loopDepth--
  if (!it.isAsync && !body.isAsync) {
    const itf = it.fn as Ev
    const bodyf = body.fn as Ex
    return syncStmt((s, f) => {
      s.line = line
      const items = iterationItems(itf(s, f))
      if (s.halt !== HALT_NONE) return HALTED
      for (const v of items) {
        if (!tick(s)) return HALTED
        f[slot] = isCompound(v) ? copyValue(v) : v
        const r = afterBody(bodyf(s, f))
        if (r !== -1) return r
      }
      return NORMAL
    })
  }
  const bodyf = body.fn
  const loop = (s: RunState, f: Frame, items: readonly Value[], from: number): MaybePromise<number> => {
    for (let i = from; i < items.length; i++) {
      if (!tick(s)) return HALTED
      const v = items[i] ?? ''
      f[slot] = isCompound(v) ? copyValue(v) : v
      const code = bodyf(s, f)
      if (isPromise(code)) {
        return code.then((k) => {
          const r = afterBody(k)
          return r !== -1 ? r : loop(s, f, items, i + 1)
        })
      }
      const r = afterBody(code)
      if (r !== -1) return r
    }
    return NORMAL
  }
  return {
    fn: (s, f) => {
      s.line = line
      return then(it.fn(s, f), (v) => (s.halt !== HALT_NONE ? HALTED : loop(s, f, iterationItems(v), 0)))
    },
    isAsync: true,
  }
}

function hiddenVar(name: string, span: Span): Expr {
  return { kind: 'var', span, name }
}

function compileSwitch(c: CompileContext, st: Extract<Stmt, { kind: 'switch' }>): CStmt {
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
    const vals = caseVals.map((vs) => vs.map((v) => v.fn as Ev))
    const bodyfs = bodies.map((b) => b.fn as Ex)
    return syncStmt((s, f) => {
      s.line = line
      if (!tick(s)) return HALTED
      const v = subjf(s, f)
      if (s.halt !== HALT_NONE) return HALTED
      for (let i = 0; i < vals.length; i++) {
        const vs = vals[i] ?? []
        for (const cvf of vs) {
          const cv = cvf(s, f)
          let hit: boolean
          if (cmpf === undefined) hit = equals(v, cv)
          else {
            f[slotA] = v
            f[slotB] = cv
            hit = truthy(cmpf(s, f))
          }
          if (s.halted()) return HALTED
          if (hit) return finish((bodyfs[i] as Ex)(s, f))
        }
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
