/**
 * Streaming validator for chunked transfer coding (RFC 9112 §7.1). Sluice forwards chunked
 * bodies byte for byte; the scanner finds where the message ends and refuses anything a node
 * could parse differently (bad sizes, anything but extensions after a size, missing CRLF,
 * controls in extensions or trailers). A trailer section is held back and forwarded without the
 * fields that must not be trailers (trailer-fields.ts).
 * @module
 */
import { IS_FIELD_CHAR, IS_TCHAR, hexValue } from './syntax.ts'
import { filterTrailerSection } from './trailer-fields.ts'

// The chunk-size line: size, then chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] ).
const SIZE = 0
/** Whitespace after the size or a value: only ";" may follow. */
const EXT_PRE_SEMI = 1
const EXT_PRE_NAME = 2
const EXT_NAME = 3
/** Whitespace after a name: "=" or ";" may follow. */
const EXT_NAME_WS = 4
const EXT_PRE_VALUE = 5
const EXT_TOKEN = 6
const EXT_QUOTED = 7
const EXT_QUOTED_PAIR = 8
/** Right after a quoted value. */
const EXT_AFTER_VALUE = 9
const SIZE_LF = 10
const DATA = 11
const DATA_CR = 12
const DATA_LF = 13
const TRAILER_START = 14
const TRAILER_NAME = 15
const TRAILER_VALUE = 16
const TRAILER_LF = 17
const END_LF = 18
const DONE = 19

/** 13 hex digits keep sizes below 2^52, exactly representable as a double. */
const MAX_SIZE_DIGITS = 13
/** A chunk-size line, extensions included, up to its CR. */
export const MAX_CHUNK_LINE_BYTES = 4096
const MAX_TRAILER_BYTES = 16384

/** Receives payload bytes when de-chunking (for clients that cannot take chunked). */
export type ChunkDataSink = (buf: Buffer, start: number, end: number) => void

const isWs = (c: number): boolean => c === 0x20 || c === 0x09

/** qdtext and the characters a quoted-pair may escape (RFC 9110 §5.6.4), less DQUOTE and "\". */
const isQdtext = (c: number): boolean => IS_FIELD_CHAR[c] === 1 && c !== 0x22 && c !== 0x5c

export class ChunkedScanner {
  #state = SIZE
  #digits = 0
  #remaining = 0
  #lineBytes = 0
  #trailerBytes = 0
  /** The trailer section received so far, once one has begun. */
  #held: Buffer | null = null
  #trailers: Buffer | null = null
  /** Why the body was refused, or '' while it is acceptable. */
  error = ''
  /**
   * Where, in the buffer of the last scan, the bytes held back as a trailer section begin; -1
   * when that scan held none. The caller forwards the scanned bytes only up to here.
   */
  heldFrom = -1

  get isDone(): boolean {
    return this.#state === DONE
  }

  /** The trailer section to forward in place of the one received, once done; null if none came. */
  get trailers(): Buffer | null {
    return this.#trailers
  }

  reset(): void {
    this.#state = SIZE
    this.#digits = 0
    this.#remaining = 0
    this.#lineBytes = 0
    this.#trailerBytes = 0
    this.#held = null
    this.#trailers = null
    this.error = ''
    this.heldFrom = -1
  }

  /**
   * Consumes `buf[start..end)` up to the end of the message. Returns the index after the last
   * byte consumed (less than `end` only when the message ended or an error was found).
   */
  scan(buf: Buffer, start: number, end: number, sink?: ChunkDataSink): number {
    this.heldFrom = this.#held === null ? -1 : start
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
      if (state < SIZE_LF && ++this.#lineBytes > MAX_CHUNK_LINE_BYTES) return this.#fail('chunk size line too long', i)
      if (state <= EXT_AFTER_VALUE) {
        const problem = this.#sizeLine(state, c)
        if (problem !== '') return this.#fail(problem, i)
        continue
      }
      switch (state) {
        case SIZE_LF:
          if (c !== 0x0a) return this.#fail('bare CR in chunk size line', i)
          this.#digits = 0
          this.#lineBytes = 0
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
          if (c === 0x0d) {
            this.#state = END_LF
          } else if (IS_TCHAR[c] === 1) {
            this.#state = TRAILER_NAME
            if (this.#held === null) {
              // The first trailer field: from here the section is held back to be filtered.
              this.#held = Buffer.alloc(0)
              this.heldFrom = i - 1
            }
          } else {
            return this.#fail('bad trailer field', i)
          }
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
          return this.#leave(buf, i)
        default:
          return this.#fail('data after end of chunked body', i)
      }
      if (this.#state >= TRAILER_START && ++this.#trailerBytes > MAX_TRAILER_BYTES) {
        return this.#fail('trailer section too large', i)
      }
    }
    return this.#leave(buf, i)
  }

  /** One byte `c` of a chunk-size line in `state`; returns why it is refused, or ''. */
  #sizeLine(state: number, c: number): string {
    switch (state) {
      case SIZE: {
        const v = hexValue(c)
        if (v >= 0) {
          if (++this.#digits > MAX_SIZE_DIGITS) return 'chunk size too large'
          this.#remaining = this.#remaining * 16 + v
        } else if (this.#digits === 0) {
          return 'bad chunk size'
        } else {
          return this.#afterValue(c, 'bad chunk size')
        }
        return ''
      }
      case EXT_PRE_SEMI:
        if (c === 0x3b) this.#state = EXT_PRE_NAME
        else if (!isWs(c)) return 'bad chunk extension'
        return ''
      case EXT_PRE_NAME:
        if (IS_TCHAR[c] === 1) this.#state = EXT_NAME
        else if (!isWs(c)) return 'bad chunk extension'
        return ''
      case EXT_NAME:
        if (IS_TCHAR[c] === 1) return ''
        if (c === 0x3d) {
          this.#state = EXT_PRE_VALUE
          return ''
        }
        if (isWs(c)) {
          this.#state = EXT_NAME_WS
          return ''
        }
        return this.#afterValue(c, 'bad chunk extension')
      case EXT_NAME_WS:
        if (c === 0x3d) this.#state = EXT_PRE_VALUE
        else if (c === 0x3b) this.#state = EXT_PRE_NAME
        else if (!isWs(c)) return 'bad chunk extension'
        return ''
      case EXT_PRE_VALUE:
        if (IS_TCHAR[c] === 1) this.#state = EXT_TOKEN
        else if (c === 0x22) this.#state = EXT_QUOTED
        else if (!isWs(c)) return 'bad chunk extension'
        return ''
      case EXT_TOKEN:
        if (IS_TCHAR[c] === 1) return ''
        return this.#afterValue(c, 'bad chunk extension')
      case EXT_QUOTED:
        if (c === 0x22) this.#state = EXT_AFTER_VALUE
        else if (c === 0x5c) this.#state = EXT_QUOTED_PAIR
        else if (!isQdtext(c)) return 'bad chunk extension'
        return ''
      case EXT_QUOTED_PAIR:
        if (IS_FIELD_CHAR[c] !== 1) return 'bad chunk extension'
        this.#state = EXT_QUOTED
        return ''
      default:
        return this.#afterValue(c, 'bad chunk extension')
    }
  }

  /** After a size, a name or a value: the line ends, another extension starts, or whitespace. */
  #afterValue(c: number, problem: string): string {
    if (c === 0x0d) this.#state = SIZE_LF
    else if (c === 0x3b) this.#state = EXT_PRE_NAME
    else if (isWs(c)) this.#state = EXT_PRE_SEMI
    else return problem
    return ''
  }

  /** Keeps what this scan read of a trailer section; at the end of the body, filters it. */
  #leave(buf: Buffer, at: number): number {
    const held = this.#held
    if (held !== null && this.heldFrom !== -1 && at > this.heldFrom) {
      const more = buf.subarray(this.heldFrom, at)
      this.#held = held.length === 0 ? Buffer.from(more) : Buffer.concat([held, more])
      if (this.#state === DONE) this.#trailers = filterTrailerSection(this.#held)
    }
    return at
  }

  #fail(reason: string, at: number): number {
    this.error = reason
    this.#state = DONE
    return at
  }
}
