/**
 * Argument helpers for library functions: read an argument with TrafficScript's coercion, with
 * `""` for a missing optional one.
 * @module
 */
import type { Builtin0, Builtin1, Builtin2, FunctionSpec } from '../registry.ts'
import type { Value } from '../value.ts'
import { toInt, toJsNumber, toStr, truthy } from '../value.ts'

/** Argument `i` as a string (`""` when absent). */
export function str(args: readonly Value[], i: number): string {
  const v = args[i]
  return v === undefined ? '' : typeof v === 'string' ? v : toStr(v)
}

/** Argument `i` as an integer, or `dflt` when absent. */
export function intArg(args: readonly Value[], i: number, dflt = 0): number {
  const v = args[i]
  return v === undefined ? dflt : toInt(v)
}

/** Argument `i` as a JS number (int or double), or `dflt` when absent. */
export function numArg(args: readonly Value[], i: number, dflt = 0): number {
  const v = args[i]
  return v === undefined ? dflt : toJsNumber(v)
}

/** Argument `i` as a boolean, or `dflt` when absent. */
export function boolArg(args: readonly Value[], i: number, dflt = false): boolean {
  const v = args[i]
  return v === undefined ? dflt : truthy(v)
}

/** Argument `i` itself (`""` when absent). */
export function arg(args: readonly Value[], i: number): Value {
  return args[i] ?? ''
}

/** 1 or 0, as TrafficScript functions report booleans. */
export function b(x: boolean): number {
  return x ? 1 : 0
}

/** Latin1 byte string → bytes, and back: TrafficScript strings are byte strings. */
export function toBytes(s: string): Buffer {
  return Buffer.from(s, 'latin1')
}

export function fromBytes(buf: Uint8Array): string {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('latin1')
}

/** A value as a string argument (what `str` does for a present argument). */
export function asStr(v: Value): string {
  return typeof v === 'string' ? v : toStr(v)
}

/**
 * A function of exactly no, one or two arguments, given once: `fn` (the general form) is made
 * from the fixed one, so the two cannot disagree.
 */
export function fixed0(f: Builtin0): FunctionSpec {
  return { min: 0, max: 0, fn: (s) => f(s), f0: f }
}

export function fixed1(f: Builtin1): FunctionSpec {
  return { min: 1, max: 1, fn: (s, a) => f(s, a[0] ?? ''), f1: f }
}

export function fixed2(f: Builtin2): FunctionSpec {
  return { min: 2, max: 2, fn: (s, a) => f(s, a[0] ?? '', a[1] ?? ''), f2: f }
}
