/**
 * Web cache entries between workers: each thread has its own monotonic clock, so an entry's
 * monotonic times (fields ending in `Mono`) travel as offsets from the sender's now and are
 * turned back into the receiver's clock; a Buffer, which arrives as a plain Uint8Array, is made
 * a Buffer again.
 * @module
 */

/** `entry` for another worker. */
export function cacheEntryToWire(entry: object, nowMono: number): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(entry)) out[k] = k.endsWith('Mono') && typeof v === 'number' ? v - nowMono : v
  return out
}

/** An entry from another worker, in this worker's clock. */
export function cacheEntryFromWire(wire: Record<string, unknown>, nowMono: number): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(wire)) {
    if (k.endsWith('Mono') && typeof v === 'number') out[k] = v + nowMono
    else if (v instanceof Uint8Array && !Buffer.isBuffer(v)) out[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength)
    else out[k] = v
  }
  return out
}
