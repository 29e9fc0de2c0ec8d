/**
 * Compiles calls: to built-ins (arity, deprecation, literal pool names and regex checks at compile
 * time) and to subs (late-bound, so forward calls and recursion work).
 * @module
 */
import type { Expr } from './ast.ts'
import type { AEv, CExpr, Ev, Frame } from './closures.ts'
import { evalInto, isPromise, then, tick } from './closures.ts'
import type { CompileContext, SubInfo } from './compile-context.ts'
import { MAX_SUB_DEPTH } from './compile-context.ts'
import { compileLvalue } from './compile-assign.ts'
import { compileExpr } from './compile-expr.ts'
import type { Operand } from './compile-operand.ts'
import { OP_CONST, OP_SLOT, operandOf } from './compile-operand.ts'
import { compileRegex } from './regex.ts'
import type { FunctionDef } from './registry.ts'
import type { RunState } from './run-state.ts'
import { HALT_NONE, NORMAL, RETURN } from './run-state.ts'
import type { Value } from './value.ts'
import { MAX_STRING_CHARS, copyValue, isCompound } from './value.ts'

const EMPTY: CExpr = { fn: () => '', isAsync: false }

function sync(fn: Ev): CExpr {
  return { fn, isAsync: false }
}

export function compileCall(c: CompileContext, e: Extract<Expr, { kind: 'call' }>): CExpr {
  const r = c.resolveCall(e.name)
  switch (r.kind) {
    case 'unknown':
      c.error(e.span, r.message)
      for (const a of e.args) compileExpr(c, a)
      return EMPTY
    case 'sub':
      return compileSubCall(c, e, r.info)
    case 'builtin':
      return compileBuiltinCall(c, e, r.def, r.deprecatedFor)
  }
}

function arityText(min: number, max: number): string {
  if (min === max) return `${min} argument${min === 1 ? '' : 's'}`
  if (max === Infinity) return `at least ${min} argument${min === 1 ? '' : 's'}`
  return `${min} to ${max} arguments`
}

function compileBuiltinCall(
  c: CompileContext,
  e: Extract<Expr, { kind: 'call' }>,
  def: FunctionDef,
  deprecatedFor: string | null,
): CExpr {
  const n = e.args.length
  if (n < def.min || n > def.max) {
    c.error(e.span, `${def.name} takes ${arityText(def.min, def.max)}, but ${n} ${n === 1 ? 'was' : 'were'} given`)
  }
  if (deprecatedFor !== null) c.warn(e.span, `${e.name.toLowerCase()} is deprecated, please use ${deprecatedFor} instead`)
  if (def.literalArg !== undefined) {
    const a = e.args[def.literalArg]
    if (a !== undefined && a.kind !== 'str' && !c.options.variablePoolUse) {
      c.error(a.span, `${def.name} needs a literal pool name here (a variable needs trafficscript!variable_pool_use)`)
    }
    if (a?.kind === 'str') c.poolsUsed.add(a.value)
    if (a?.kind === 'str' && c.options.knownPools !== undefined && !c.options.knownPools.has(a.value) && a.value !== 'discard') {
      c.warn(a.span, `pool "${a.value}" does not exist; the virtual server's default pool will be used`)
    }
  }
  if (def.regexArg !== undefined) {
    const re = e.args[def.regexArg]
    if (re?.kind === 'str') {
      const r = compileRegex(re.value, '')
      if (!r.ok) c.error(re.span, r.error)
    }
  }
  const args = e.args.map((a) => compileExpr(c, a))
  const fns = args.map((a) => a.fn)
  const fn = def.fn
  const name = def.name
  const first = e.args[0]
  const lv = def.mutates !== undefined && first !== undefined && (first.kind === 'var' || first.kind === 'index')
    ? compileLvalue(c, first)
    : null
  const kind = def.mutates
  const prepare = lv === null
    ? null
    : (s: RunState, f: Frame) => {
        const cur = lv.get(s, f)
        if (kind === 'array' ? !Array.isArray(cur) : !(cur instanceof Map)) {
          if (!isCompound(cur)) lv.set(s, f, kind === 'array' ? [] : new Map())
        }
      }
  const argsAsync = args.some((a) => a.isAsync)
  if (!argsAsync && def.suspends !== true && n <= 3) {
    const ops = e.args.map((a, i) => operandOf(c, a, args[i] ?? EMPTY))
    if (prepare === null && ops.every((o) => o !== null)) return compileFixedCall(def, ops) ?? compileDirectCall(fn, name, ops)
    return compileSmallSyncCall(fn, name, fns as Ev[], prepare)
  }
  if (!argsAsync && def.suspends !== true) {
    const ops = e.args.map((a, i) => operandOf(c, a, args[i] ?? EMPTY))
    if (prepare === null && ops.every((o) => o?.kind === OP_CONST || o?.kind === OP_SLOT)) {
      return compileSimpleArgsCall(fn, name, ops as Operand[])
    }
    const sf = fns as Ev[]
    return sync((s, f) => {
      if (s.halt !== HALT_NONE || !tick(s)) return ''
      if (prepare !== null) prepare(s, f)
      const vals = new Array<Value>(n)
      for (let i = 0; i < n; i++) vals[i] = (sf[i] as Ev)(s, f)
      if (s.halted()) return ''
      return checked(s, name, fn(s, vals))
    })
  }
  return {
    fn: (s, f) => {
      if (s.halt !== HALT_NONE || !tick(s)) return ''
      if (prepare !== null) prepare(s, f)
      const vals = new Array<Value>(n).fill('')
      return then(evalInto(s, f, fns, vals, 0), () => {
        if (s.halt !== HALT_NONE) return ''
        const r = fn(s, vals)
        if (!isPromise(r)) return checked(s, name, r)
        return r.then(
          (v) => {
            // The budget counts instructions between suspensions, as max_instr does.
            s.resumed()
            return checked(s, name, v)
          },
          (err: unknown) => s.fail(`${name} failed: ${err instanceof Error ? err.message : String(err)}`),
        )
      })
    },
    isAsync: true,
  }
}

/** A built-in's result, unless it is a stray Promise or a string over the length cap. */
function checked(s: RunState, name: string, r: Value | Promise<Value>): Value {
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
function compileSmallSyncCall(
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
function compileFixedCall(def: FunctionDef, ops: readonly Operand[]): CExpr | null {
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
function compileDirectCall(fn: FunctionDef['fn'], name: string, ops: readonly Operand[]): CExpr {
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
function compileSimpleArgsCall(fn: FunctionDef['fn'], name: string, ops: readonly Operand[]): CExpr {
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

function compileSubCall(c: CompileContext, e: Extract<Expr, { kind: 'call' }>, info: SubInfo): CExpr {
  const n = e.args.length
  if (n !== info.params.length) {
    c.error(e.span, `sub ${info.name} takes ${arityText(info.params.length, info.params.length)}, but ${n} ${n === 1 ? 'was' : 'were'} given`)
  }
  const args = e.args.slice(0, info.params.length).map((a) => compileExpr(c, a))
  const fns = args.map((a) => a.fn)
  const enter = (s: RunState, vals: readonly Value[]): Frame | null => {
    if (s.subDepth >= MAX_SUB_DEPTH) {
      s.fail(`sub ${info.name}: calls nested more than ${MAX_SUB_DEPTH} deep`)
      return null
    }
    const frame = new Array<Value>(info.slotCount).fill('')
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i] ?? ''
      frame[i] = isCompound(v) ? copyValue(v) : v
    }
    s.subDepth++
    return frame
  }
  const leave = (s: RunState, code: number): Value => {
    s.subDepth--
    if (code === RETURN) {
      const r = s.returnValue
      s.returnValue = ''
      return r
    }
    return code === NORMAL ? '' : ''
  }
  const run = (s: RunState, vals: readonly Value[]): Value | Promise<Value> => {
    if (s.halt !== HALT_NONE || !tick(s)) return ''
    const frame = enter(s, vals)
    const body = info.body
    if (frame === null || body === null) return ''
    const code = body(s, frame)
    return isPromise(code) ? code.then((k) => leave(s, k)) : leave(s, code)
  }
  if (!args.some((a) => a.isAsync) && !info.isAsync) {
    const sf = fns as Ev[]
    const m = sf.length
    // Frames of finished calls from this site, cleared, for the next call: a synchronous sub's
    // frame is of no use once it returns. A few at most, so deep recursion keeps none of its.
    const spare: Frame[] = []
    const recycle = (frame: Frame): void => {
      for (let i = 0; i < frame.length; i++) frame[i] = ''
      if (spare.length < 4) spare.push(frame)
    }
    // The steps of run(), with the arguments evaluated straight into the sub's frame.
    return sync((s, f) => {
      const frame = spare.pop() ?? new Array<Value>(info.slotCount).fill('')
      for (let i = 0; i < m; i++) frame[i] = (sf[i] as Ev)(s, f)
      if (s.halt !== HALT_NONE || !tick(s)) {
        recycle(frame)
        return ''
      }
      if (s.subDepth >= MAX_SUB_DEPTH) {
        s.fail(`sub ${info.name}: calls nested more than ${MAX_SUB_DEPTH} deep`)
        recycle(frame)
        return ''
      }
      for (let i = 0; i < m; i++) {
        const v = frame[i] ?? ''
        if (isCompound(v)) frame[i] = copyValue(v)
      }
      s.subDepth++
      const body = info.body
      if (body === null) return ''
      const r = leave(s, body(s, frame) as number)
      recycle(frame)
      return r
    })
  }
  const fn: AEv = (s, f) => {
    const vals = new Array<Value>(fns.length).fill('')
    return then(evalInto(s, f, fns, vals, 0), () => run(s, vals))
  }
  return { fn, isAsync: true }
}
