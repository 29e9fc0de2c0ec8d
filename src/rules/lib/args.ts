/**
 * Argument helpers for library functions: read an argument with TrafficScript's coercion, with
 * `""` for a missing optional one.
 * @module
 */
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
