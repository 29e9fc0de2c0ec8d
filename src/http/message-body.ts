/**
 * Where a message body ends (RFC 9112 §6.3), shared by request and response bodies: no body, a
 * Content-Length, chunked coding (validated as it streams), or until the connection closes.
 * @module
 */
import { ChunkedScanner } from './chunked-scanner.ts'

export const BODY_NONE = 0
export const BODY_LENGTH = 1
export const BODY_CHUNKED = 2
export const BODY_UNTIL_CLOSE = 3
export type BodyFraming = typeof BODY_NONE | typeof BODY_LENGTH | typeof BODY_CHUNKED | typeof BODY_UNTIL_CLOSE

/** Used only to look ahead at buffered chunked bytes; never holds state between calls. */
const lookahead = new ChunkedScanner()

export class MessageBody {
  framing: BodyFraming = BODY_NONE
  #left = 0
  readonly #chunks = new ChunkedScanner()

  /** Starts a new body; `length` is read for BODY_LENGTH only. */
  start(framing: BodyFraming, length: number): void {
    this.framing = framing === BODY_LENGTH && length === 0 ? BODY_NONE : framing
    this.#left = framing === BODY_LENGTH ? length : 0
    this.#chunks.reset()
  }

  /** True once every byte of the body has been consumed (never for BODY_UNTIL_CLOSE). */
  get isDone(): boolean {
    switch (this.framing) {
      case BODY_NONE:
        return true
      case BODY_LENGTH:
        return this.#left === 0
      case BODY_CHUNKED:
        return this.#chunks.isDone && this.#chunks.error === ''
      case BODY_UNTIL_CLOSE:
        return false
    }
  }

  /** Why a chunked body was refused; '' while it is acceptable. */
  get error(): string {
    return this.#chunks.error
  }

  /**
   * Where, in the buffer of the last consume, bytes stop being forwarded as received: a chunked
   * body's trailer section is held back to be filtered. -1 when every consumed byte goes on.
   */
  get heldFrom(): number {
    return this.framing === BODY_CHUNKED ? this.#chunks.heldFrom : -1
  }

  /** Once done: the trailer section to send after the bytes forwarded; null when there is none. */
  get trailers(): Buffer | null {
    return this.framing === BODY_CHUNKED ? this.#chunks.trailers : null
  }

  /**
   * Consumes body bytes at `buf[start..end)`. Returns the index after the last body byte: bytes
   * beyond it belong to the next message (or are an error when `error` is set).
   */
  consume(buf: Buffer, start: number, end: number): number {
    switch (this.framing) {
      case BODY_NONE:
        return start
      case BODY_LENGTH: {
        const take = Math.min(this.#left, end - start)
        this.#left -= take
        return start + take
      }
      case BODY_CHUNKED:
        return this.#chunks.scan(buf, start, end)
      case BODY_UNTIL_CLOSE:
        return end
    }
  }

  /**
   * Checks chunked bytes that are already buffered before anything is forwarded, so that a
   * malformed body seen in the first read is refused without contacting (or answering from) the
   * other side. Bytes after the end of the body are not looked at.
   */
  static chunkedPrefixIsValid(buf: Buffer, start: number, end: number): boolean {
    lookahead.reset()
    lookahead.scan(buf, start, end)
    return lookahead.error === ''
  }
}
