/**
 * gzip of a whole body on a compressor kept for the process, reset for each body. node:zlib's
 * gzipSync builds a stream and a native compressor (a quarter of a megabyte, zeroed) per call
 * and frees it after; for the small pages compressed whole that is a third of the time, and the
 * external memory it churns brings the garbage collector round more often.
 *
 * Reusing one relies on Node internals of a zlib stream (`_handle` with `reset` and `writeSync`,
 * and `_writeState`, where writeSync leaves the space left in its output and input). Each is
 * checked first; when one is missing, or the compressor reports an error, gzipSync does the work.
 * @module
 */
import { constants, createGzip, gzipSync, type Gzip, type ZlibOptions } from 'node:zlib'

interface ZlibHandle {
  reset(): void
  writeSync(flush: number, input: Buffer, inOff: number, inLen: number, out: Buffer, outOff: number, outLen: number): void
}

interface GzipInternals {
  readonly _handle?: unknown
  readonly _writeState?: unknown
}

function usableHandle(h: unknown): h is ZlibHandle {
  if (typeof h !== 'object' || h === null) return false
  const candidate = h as Partial<Record<keyof ZlibHandle, unknown>>
  return typeof candidate.reset === 'function' && typeof candidate.writeSync === 'function'
}

/** Room for a gzip member of `n` input bytes in one go: deflate's worst case plus the wrapper. */
function outputRoom(n: number): number {
  return n + (n >> 10) + 64
}

/**
 * Where the reused compressors write: compressing is synchronous, so one buffer serves every
 * body, and only the compressed bytes are copied out (a page's worth of garbage less per
 * response, and the external memory that would bring full collections round).
 */
let scratch = Buffer.allocUnsafe(0)

class ReusedGzip {
  readonly #stream: Gzip
  readonly #handle: ZlibHandle
  readonly #state: Uint32Array
  failed = false

  constructor(stream: Gzip, handle: ZlibHandle, state: Uint32Array) {
    this.#stream = stream
    this.#handle = handle
    this.#state = state
    // The handle reports errors through the stream, synchronously, during writeSync.
    stream.on('error', () => {
      this.failed = true
    })
  }

  /** The gzip member of `body`; null when the compressor failed (it is not used again). */
  compress(body: Buffer): Buffer | null {
    const handle = this.#handle
    const state = this.#state
    handle.reset()
    const parts: Buffer[] = []
    let inOff = 0
    let inLen = body.length
    let room = outputRoom(body.length)
    for (;;) {
      if (scratch.length < room) scratch = Buffer.allocUnsafe(room)
      handle.writeSync(constants.Z_FINISH, body, inOff, inLen, scratch, 0, room)
      if (this.failed) return null
      const outLeft = state[0] ?? 0
      const inLeft = state[1] ?? 0
      parts.push(Buffer.from(scratch.subarray(0, room - outLeft)))
      // Output space left over means the member is complete.
      if (outLeft !== 0) break
      inOff += inLen - inLeft
      inLen = inLeft
      room = outputRoom(inLen)
    }
    return parts.length === 1 ? (parts[0] ?? Buffer.alloc(0)) : Buffer.concat(parts)
  }

  close(): void {
    this.#stream.destroy()
  }
}

/** One compressor per level, made on first use; null where the internals are missing. */
const byLevel = new Map<number, ReusedGzip | null>()

function reusedFor(level: number): ReusedGzip | null {
  let reused = byLevel.get(level)
  if (reused !== undefined) return reused
  const stream = createGzip({ level })
  const internals = stream as unknown as GzipInternals
  const handle = internals._handle
  const state = internals._writeState
  reused = usableHandle(handle) && state instanceof Uint32Array && state.length >= 2 ? new ReusedGzip(stream, handle, state) : null
  if (reused === null) stream.destroy()
  byLevel.set(level, reused)
  return reused
}

/** Whether this Node offers what reusing a compressor needs (for tests). */
export function canReuseGzip(): boolean {
  return reusedFor(1) !== null
}

/** gzip of `body` with `options` (only its level matters to the reused path), in one call. */
export function gzipWhole(body: Buffer, options: ZlibOptions): Buffer {
  const level = options.level ?? constants.Z_DEFAULT_COMPRESSION
  const reused = reusedFor(level)
  if (reused !== null) {
    const zipped = reused.compress(body)
    if (zipped !== null) return zipped
    // A compressor that failed is dropped; the next body gets a new one.
    reused.close()
    byLevel.delete(level)
  }
  return gzipSync(body, options)
}
