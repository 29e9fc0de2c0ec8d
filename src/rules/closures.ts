/**
 * Closure shapes the compiler produces, and the helpers that let a closure continue after a
 * suspended library call. A closure returns a plain value; only code on a path that contains a
 * suspending call can return a Promise, and only when that call really suspended.
 * @module
 */
import type { RunState } from './run-state.ts'
import { HALTED, NORMAL } from './run-state.ts'
import type { Value } from './value.ts'

export type MaybePromise<T> = T | Promise<T>
/** Local variable slots of one rule or sub invocation. */
export type Frame = Value[]
/** Synchronous expression closure. */
export type Ev = (s: RunState, f: Frame) => Value
/** Expression closure on a suspending path. */
export type AEv = (s: RunState, f: Frame) => MaybePromise<Value>
/** Synchronous statement closure; returns a completion code from run-state.ts. */
export type Ex = (s: RunState, f: Frame) => number
/** Statement closure on a suspending path. */
export type AEx = (s: RunState, f: Frame) => MaybePromise<number>

/** A compiled expression and whether it may return a Promise. */
export interface CExpr {
  readonly fn: AEv
  readonly isAsync: boolean
}

/** A compiled statement and whether it may return a Promise. */
export interface CStmt {
  readonly fn: AEx
  readonly isAsync: boolean
}

export function isPromise<T>(x: MaybePromise<T>): x is Promise<T> {
  return x instanceof Promise
}

/** Evaluates `fns` in order into `out`, continuing asynchronously after any Promise. */
export function evalInto(s: RunState, f: Frame, fns: readonly AEv[], out: Value[], from: number): MaybePromise<void> {
  for (let i = from; i < fns.length; i++) {
    const fn = fns[i]
    if (fn === undefined) continue
    const v = fn(s, f)
    if (v instanceof Promise) {
      return v.then((x) => {
        out[i] = x
        return evalInto(s, f, fns, out, i + 1)
      })
    }
    out[i] = v
  }
  return undefined
}

/** Applies `k` to a value that may still be pending. */
export function then<T, R>(x: MaybePromise<T>, k: (v: T) => MaybePromise<R>): MaybePromise<R> {
  return x instanceof Promise ? x.then(k) : k(x)
}

/** Runs statements in order from `from`, stopping at the first non-NORMAL completion. */
export function runStatements(s: RunState, f: Frame, stmts: readonly AEx[], from: number): MaybePromise<number> {
  for (let i = from; i < stmts.length; i++) {
    const st = stmts[i]
    if (st === undefined) continue
    const c = st(s, f)
    if (c instanceof Promise) {
      return c.then((code) => (code !== NORMAL ? code : runStatements(s, f, stmts, i + 1)))
    }
    if (c !== NORMAL) return c
  }
  return NORMAL
}

/** Counts one instruction; false (and the run aborted) when the budget is spent. */
export function tick(s: RunState): boolean {
  const n = ++s.steps
  if (n > s.maxSteps) {
    s.fail(`instruction budget exceeded (${s.maxSteps} instructions without yielding)`, 'budget')
    return false
  }
  // The clock is read only every 1024 instructions, so short runs never read it at all.
  return (n & 1023) !== 0 || s.checkTime()
}

/** Completion code after an expression statement. */
export function afterExpr(s: RunState): number {
  return s.halt !== 0 ? HALTED : NORMAL
}
