/**
 * Compiles statements into closures returning completion codes (NORMAL, BREAK, CONTINUE, RETURN,
 * HALTED), so control flow never uses exceptions on the hot path.
 * @module
 */
import type { Expr, Stmt } from './ast.ts'
import type { CExpr, CStmt, Ev, Ex, Frame, MaybePromise } from './closures.ts'
import { afterExpr, isPromise, runStatements, then, tick } from './closures.ts'
import type { CompileContext } from './compile-context.ts'
import { compileVarAssign, isVarTarget, varAssignExpr } from './compile-assign.ts'
import type { EqualityTest } from './compile-expr.ts'
import { compileExpr, compileTest } from './compile-expr.ts'
import { OP_SLOT } from './compile-operand.ts'
import { compileSwitch } from './compile-switch.ts'
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
      const x = st.expr
      let e: CExpr
      if (x.kind === 'assign' && x.op === '=' && isVarTarget(x.target)) {
        // `$v = ...;`, the commonest statement: stored by the statement itself.
        const p = compileVarAssign(c, x.target, x.value)
        if (!p.value.isAsync) return assignStmt(line, p.slot, p.value.fn as Ev, p.fresh)
        e = varAssignExpr(p)
      } else {
        e = compileExpr(c, x)
      }
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
      const { expr: t, test } = compileTest(c, st.test)
      const a = compileStmt(c, st.then)
      const b = st.else === null ? NOOP : compileStmt(c, st.else)
      if (!t.isAsync && !a.isAsync && !b.isAsync) {
        if (test !== null) return ifEquality(line, test, a.fn as Ex, st.else === null ? null : b.fn as Ex)
        const tf = t.fn as Ev
        const af = a.fn as Ex
        const bf = st.else === null ? null : b.fn as Ex
        return syncStmt((s, f) => {
          s.line = line
          if (!tick(s)) return HALTED
          const v = truthy(tf(s, f))
          if (s.halt !== HALT_NONE) return HALTED
          return v ? af(s, f) : bf === null ? NORMAL : bf(s, f)
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

/**
 * `if( x == "literal" )` (or `!=`), the commonest test in rules, evaluated by the `if` itself:
 * the same steps as the general `if` around the equality, without calling a closure for the
 * equality, for a variable x, or for a missing `else` (most checks in rules have none).
 */
function ifEquality(line: number, t: EqualityTest, af: Ex, bf: Ex | null): CStmt {
  const { literal, equal } = t
  const { kind, slot, fn: of } = t.operand
  return syncStmt((s, f) => {
    s.line = line
    if (!tick(s)) return HALTED
    const x = kind === OP_SLOT ? (f[slot] ?? '') : of(s, f)
    if (s.halt !== HALT_NONE) return HALTED
    if (equals(x, literal) === equal) return af(s, f)
    return bf === null ? NORMAL : bf(s, f)
  })
}

/** `$v = value;` as one closure: the same steps as an expression statement around varAssignExpr. */
function assignStmt(line: number, slot: number, vf: Ev, fresh: boolean): CStmt {
  return syncStmt((s, f) => {
    s.line = line
    if (!tick(s)) return HALTED
    const v = vf(s, f)
    f[slot] = !fresh && isCompound(v) ? copyValue(v) : v
    return s.halt !== HALT_NONE ? HALTED : NORMAL
  })
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
