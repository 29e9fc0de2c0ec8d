/**
 * Streaming validator for chunked transfer coding (RFC 9112 §7.1). Sluice forwards chunked
 * bodies byte for byte; the scanner finds where the message ends and refuses anything a
 * node could parse differently (bad sizes, missing CRLF, controls in extensions or trailers).
 * @module
 */
import { IS_FIELD_CHAR, IS_TCHAR, hexValue } from './syntax.ts'

const SIZE = 0
const EXT = 1
const SIZE_LF = 2
const DATA = 3
const DATA_CR = 4
const DATA_LF = 5
const TRAILER_START = 6
const TRAILER_NAME = 7
const TRAILER_VALUE = 8
const TRAILER_LF = 9
const END_LF = 10
const DONE = 11

/** 13 hex digits keep sizes below 2^52, exactly representable as a double. */
const MAX_SIZE_DIGITS = 13
const MAX_TRAILER_BYTES = 16384

/** Receives payload bytes when de-chunking (for clients that cannot take chunked). */
export type ChunkDataSink = (buf: Buffer, start: number, end: number) => void

export class ChunkedScanner {
  #state = SIZE
  #digits = 0
  #remaining = 0
  #trailerBytes = 0
  /** Why the body was refused, or '' while it is acceptable. */
  error = ''

  get isDone(): boolean {
    return this.#state === DONE
  }

  reset(): void {
    this.#state = SIZE
    this.#digits = 0
    this.#remaining = 0
    this.#trailerBytes = 0
    this.error = ''
  }

  /**
   * Consumes `buf[start..end)` up to the end of the message. Returns the index after the last
   * byte consumed (less than `end` only when the message ended or an error was found).
   */
  scan(buf: Buffer, start: number, end: number, sink?: ChunkDataSink): number {
    let i = start
    while (i < end) {
      const state = this.#state
      if (state === DATA) {
        const take = Math.min(this.#remaining, end - i)
        if (sink !== undefined) sink(buf, i, i + take)
        i += take
        this.#remaining -= take
        if (this.#remaining === 0) this.#state = DATA_CR
        continue
      }
      const c = buf[i] ?? 0
      i++
      switch (state) {
        case SIZE: {
          const v = hexValue(c)
          if (v >= 0) {
            if (++this.#digits > MAX_SIZE_DIGITS) return this.#fail('chunk size too large', i)
            this.#remaining = this.#remaining * 16 + v
          } else if (this.#digits === 0) {
            return this.#fail('bad chunk size', i)
          } else if (c === 0x0d) {
            this.#state = SIZE_LF
          } else if (c === 0x3b || c === 0x20 || c === 0x09) {
            this.#state = EXT
          } else {
            return this.#fail('bad chunk size', i)
          }
          break
        }
        case EXT:
          if (c === 0x0d) this.#state = SIZE_LF
          else if (IS_FIELD_CHAR[c] !== 1) return this.#fail('bad chunk extension', i)
          break
        case SIZE_LF:
          if (c !== 0x0a) return this.#fail('bare CR in chunk size line', i)
          this.#digits = 0
          this.#state = this.#remaining === 0 ? TRAILER_START : DATA
          break
        case DATA_CR:
          if (c !== 0x0d) return this.#fail('chunk data longer than its size', i)
          this.#state = DATA_LF
          break
        case DATA_LF:
          if (c !== 0x0a) return this.#fail('bare CR after chunk data', i)
          this.#state = SIZE
          break
        case TRAILER_START:
          if (c === 0x0d) this.#state = END_LF
          else if (IS_TCHAR[c] === 1) this.#state = TRAILER_NAME
          else return this.#fail('bad trailer field', i)
          break
        case TRAILER_NAME:
          if (c === 0x3a) this.#state = TRAILER_VALUE
          else if (IS_TCHAR[c] !== 1) return this.#fail('bad trailer field name', i)
          break
        case TRAILER_VALUE:
          if (c === 0x0d) this.#state = TRAILER_LF
          else if (IS_FIELD_CHAR[c] !== 1) return this.#fail('bad trailer field value', i)
          break
        case TRAILER_LF:
          if (c !== 0x0a) return this.#fail('bare CR in trailer', i)
          this.#state = TRAILER_START
          break
        case END_LF:
          if (c !== 0x0a) return this.#fail('bare CR at end of chunked body', i)
          this.#state = DONE
          return i
        default:
          return this.#fail('data after end of chunked body', i)
      }
      if (this.#state >= TRAILER_START && ++this.#trailerBytes > MAX_TRAILER_BYTES) {
        return this.#fail('trailer section too large', i)
      }
    }
    return i
  }

  #fail(reason: string, at: number): number {
    this.error = reason
    this.#state = DONE
    return at
  }
}
