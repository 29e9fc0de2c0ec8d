/**
 * The shapes a synchronous built-in call compiles to, from the most general to the fastest:
 * fresh argument arrays are avoided, literal and variable arguments are read in place, and
 * fixed forms (FunctionSpec f0..f2) take their arguments as parameters.
 * @module
 */
import type { CExpr, Ev, Frame } from './closures.ts'
import { isPromise, tick } from './closures.ts'
import type { Operand } from './compile-operand.ts'
import { OP_CONST, OP_SLOT } from './compile-operand.ts'
import type { FunctionDef } from './registry.ts'
import type { RunState } from './run-state.ts'
import { HALT_NONE } from './run-state.ts'
import type { Value } from './value.ts'
import { MAX_STRING_CHARS } from './value.ts'

function sync(fn: Ev): CExpr {
  return { fn, isAsync: false }
}

/** A built-in's result, unless it is a stray Promise or a string over the length cap. */
export function checked(s: RunState, name: string, r: Value | Promise<Value>): Value {
  if (typeof r === 'string') return r.length > MAX_STRING_CHARS ? s.fail(`${name} made a string longer than ${MAX_STRING_CHARS} bytes`) : r
  return isPromise(r) ? s.fail(`${name} suspended, which it is not declared to do`) : r
}

/**
 * A call to a synchronous built-in with up to three arguments, the common case, without a fresh
 * argument array per call: arguments are evaluated into locals first (a nested call of the same
 * site, through a sub, finishes before the array is filled), the array is filled just before the
 * call and emptied after it. Safe because synchronous built-ins never keep their argument array
 * and never run rule code; suspending ones (which read arguments later) never come here.
 */
export function compileSmallSyncCall(
  fn: FunctionDef['fn'],
  name: string,
  sf: readonly Ev[],
  prepare: ((s: RunState, f: Frame) => void) | null,
): CExpr {
  const n = sf.length
  const f0 = sf[0] ?? (() => '')
  const f1 = sf[1] ?? (() => '')
  const f2 = sf[2] ?? (() => '')
  const vals = new Array<Value>(n).fill('')
  const call = (s: RunState): Value => {
    const r = fn(s, vals)
    for (let i = 0; i < n; i++) vals[i] = ''
    return checked(s, name, r)
  }
  return sync((s, f) => {
    if (s.halt !== HALT_NONE || !tick(s)) return ''
    if (prepare !== null) prepare(s, f)
    if (n === 0) return call(s)
    const v0 = f0(s, f)
    if (n === 1) {
      if (s.halted()) return ''
      vals[0] = v0
      return call(s)
    }
    const v1 = f1(s, f)
    if (n === 2) {
      if (s.halted()) return ''
      vals[0] = v0
      vals[1] = v1
      return call(s)
    }
    const v2 = f2(s, f)
    if (s.halted()) return ''
    vals[0] = v0
    vals[1] = v1
    vals[2] = v2
    return call(s)
  })
}

/**
 * A call with exactly as many arguments as a fixed form of the built-in takes (FunctionSpec
 * f0..f2): like compileDirectCall, with the arguments passed as they are, no array between.
 */
export function compileFixedCall(def: FunctionDef, ops: readonly Operand[]): CExpr | null {
  const name = def.name
  const { f0, f1, f2 } = def
  const none: Operand = { kind: OP_CONST, value: '', slot: 0, fn: () => '' }
  const { kind: k0, value: c0, slot: s0, fn: e0 } = ops[0] ?? none
  const { kind: k1, value: c1, slot: s1, fn: e1 } = ops[1] ?? none
  if (ops.length === 0 && f0 !== undefined) {
    return sync((s) => (s.halt !== HALT_NONE || !tick(s) ? '' : checked(s, name, f0(s))))
  }
  if (ops.length === 1 && f1 !== undefined) {
    return sync((s, f) => {
      if (s.halt !== HALT_NONE || !tick(s)) return ''
      const v0 = read(k0, c0, s0, e0, s, f)
      return s.halted() ? '' : checked(s, name, f1(s, v0))
    })
  }
  if (ops.length === 2 && f2 !== undefined) {
    return sync((s, f) => {
      if (s.halt !== HALT_NONE || !tick(s)) return ''
      const v0 = read(k0, c0, s0, e0, s, f)
      const v1 = read(k1, c1, s1, e1, s, f)
      return s.halted() ? '' : checked(s, name, f2(s, v0, v1))
    })
  }
  return null
}

/** One operand's value: a literal, a frame slot, or a closure call (the only kind that can halt the run). */
function read(k: number, value: Value, slot: number, ev: Ev, s: RunState, f: Frame): Value {
  return k === OP_CONST ? value : k === OP_SLOT ? (f[slot] ?? '') : ev(s, f)
}

/**
 * A call to a synchronous built-in with up to three arguments and no argument to prepare: the
 * common case, compiled like compileSmallSyncCall (same order of evaluation, the same argument
 * array filled just before the call), but literal and variable arguments are read in place
 * instead of through a closure each, and each arity has its own closure.
 */
export function compileDirectCall(fn: FunctionDef['fn'], name: string, ops: readonly Operand[]): CExpr {
  const n = ops.length
  const vals = new Array<Value>(n).fill('')
  const none: Operand = { kind: OP_CONST, value: '', slot: 0, fn: () => '' }
  const { kind: k0, value: c0, slot: s0, fn: e0 } = ops[0] ?? none
  const { kind: k1, value: c1, slot: s1, fn: e1 } = ops[1] ?? none
  const { kind: k2, value: c2, slot: s2, fn: e2 } = ops[2] ?? none
  const call = (s: RunState): Value => {
    const r = fn(s, vals)
    for (let i = 0; i < n; i++) vals[i] = ''
    return checked(s, name, r)
  }
  switch (n) {
    case 0:
      return sync((s) => (s.halt !== HALT_NONE || !tick(s) ? '' : checked(s, name, fn(s, vals))))
    case 1:
      return sync((s, f) => {
        if (s.halt !== HALT_NONE || !tick(s)) return ''
        const v0 = read(k0, c0, s0, e0, s, f)
        if (s.halted()) return ''
        vals[0] = v0
        return call(s)
      })
    case 2:
      return sync((s, f) => {
        if (s.halt !== HALT_NONE || !tick(s)) return ''
        const v0 = read(k0, c0, s0, e0, s, f)
        const v1 = read(k1, c1, s1, e1, s, f)
        if (s.halted()) return ''
        vals[0] = v0
        vals[1] = v1
        return call(s)
      })
    default:
      return sync((s, f) => {
        if (s.halt !== HALT_NONE || !tick(s)) return ''
        const v0 = read(k0, c0, s0, e0, s, f)
        const v1 = read(k1, c1, s1, e1, s, f)
        const v2 = read(k2, c2, s2, e2, s, f)
        if (s.halted()) return ''
        vals[0] = v0
        vals[1] = v1
        vals[2] = v2
        return call(s)
      })
  }
}

/**
 * A call with more than three arguments, all literals or variables (`http.sendResponse("403
 * Forbidden", "text/plain", $body, "")`): reading them cannot run rule code or halt the run,
 * so they go straight into one argument array kept with the call site, emptied after the call.
 */
export function compileSimpleArgsCall(fn: FunctionDef['fn'], name: string, ops: readonly Operand[]): CExpr {
  const n = ops.length
  const vals = new Array<Value>(n).fill('')
  const isConst = ops.map((o) => o.kind === OP_CONST)
  const consts = ops.map((o) => o.value)
  const slots = ops.map((o) => o.slot)
  return sync((s, f) => {
    if (s.halt !== HALT_NONE || !tick(s)) return ''
    for (let i = 0; i < n; i++) vals[i] = isConst[i] === true ? (consts[i] ?? '') : (f[slots[i] ?? 0] ?? '')
    const r = fn(s, vals)
    for (let i = 0; i < n; i++) vals[i] = ''
    return checked(s, name, r)
  })
}
