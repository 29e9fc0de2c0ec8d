/**
 * Buffers for bodies gathered whole (CompressWholeBody), kept for reuse by size class: a buffer
 * per response of a page's size is garbage the collector must chase, and as external memory it
 * brings full collections round. At most MAX_FREE buffers per class wait for reuse.
 * @module
 */

/** Size classes: 4 KiB, 8 KiB, ... 64 KiB. */
const MIN_LOG = 12
const MAX_LOG = 16
const MAX_FREE = 64

const free: Buffer[][] = Array.from({ length: MAX_LOG - MIN_LOG + 1 }, () => [])

function sizeClass(n: number): number {
  let log = MIN_LOG
  while (log < MAX_LOG && 1 << log < n) log++
  return log
}

/** A buffer of at least `n` bytes (n at most 64 KiB), reused when one is free. */
export function takeBodyBuffer(n: number): Buffer {
  const log = sizeClass(n)
  return free[log - MIN_LOG]?.pop() ?? Buffer.allocUnsafe(1 << log)
}

/** Gives a buffer from takeBodyBuffer back; nothing may read or write it afterwards. */
export function giveBodyBuffer(buf: Buffer): void {
  const log = Math.log2(buf.length)
  const list = free[log - MIN_LOG]
  if (list !== undefined && Number.isInteger(log) && list.length < MAX_FREE) list.push(buf)
}
