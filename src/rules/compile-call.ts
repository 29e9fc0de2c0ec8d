/**
 * Compiles calls: to built-ins (arity, deprecation, literal pool names and regex checks at compile
 * time) and to subs (late-bound, so forward calls and recursion work).
 * @module
 */
import { checkObjectArg } from './object-refs.ts'
import type { Expr } from './ast.ts'
import type { AEv, CExpr, Ev, Frame } from './closures.ts'
import { evalInto, isPromise, then, tick } from './closures.ts'
import type { CompileContext, SubInfo } from './compile-context.ts'
import { MAX_SUB_DEPTH } from './compile-context.ts'
import { compileLvalue } from './compile-assign.ts'
import {
  checked, compileDirectCall, compileFixedCall, compileSimpleArgsCall, compileSmallSyncCall,
} from './compile-call-shapes.ts'
import { compileExpr } from './compile-expr.ts'
import type { Operand } from './compile-operand.ts'
import { OP_CONST, OP_SLOT, operandOf } from './compile-operand.ts'
import { compileRegex } from './regex.ts'
import type { FunctionDef } from './registry.ts'
import type { RunState } from './run-state.ts'
import { HALT_NONE, NORMAL, RETURN } from './run-state.ts'
import type { Value } from './value.ts'
import { copyValue, isCompound } from './value.ts'

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
  if (def.unsupported !== undefined) c.warn(e.span, `${def.name} is not supported yet: ${def.unsupported}`)
  const extra = def.unsupportedArg === undefined ? undefined : e.args[def.unsupportedArg.index]
  if (extra !== undefined && def.unsupportedArg !== undefined) {
    c.warn(extra.span, `${def.name}: argument ${String(def.unsupportedArg.index + 1)} is not supported yet: ${def.unsupportedArg.note}`)
  }
  if (def.literalArg !== undefined) {
    const a = e.args[def.literalArg]
    if (a !== undefined && a.kind !== 'str' && !c.options.variablePoolUse) {
      c.error(a.span, `${def.name} needs a literal pool name here (a variable needs trafficscript!variable_pool_use)`)
    }
    if (a?.kind === 'str') c.poolsUsed.add(a.value)
  }
  checkObjectArg(c, def.name, e.args)
  def.checkCall?.({
    span: e.span,
    args: e.args,
    error: (span, message) => { c.error(span, message) },
    warn: (span, message) => { c.warn(span, message) },
    known: (typeUri) => c.options.knownObjects?.get(typeUri),
  })
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
