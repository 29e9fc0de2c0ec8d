/**
 * The response side of a transaction: collects a node's bytes into a response head (passing
 * interim 1xx responses on), decides how its body is framed and finds where it ends.
 * @module
 */
import { isHeadError } from './request-head.ts'
import { BODY_CHUNKED, BODY_LENGTH, BODY_NONE, BODY_UNTIL_CLOSE, MessageBody } from './message-body.ts'
import { parseResponseHead, type ResponseHead } from './response-head.ts'

/** What the relay reports to the client connection. */
export interface ResponseSink {
  /** An interim (1xx other than 101) response head. */
  onInterim(head: ResponseHead): void
  /**
   * The final response head. `buf[bodyStart..]` holds the bytes that followed it in the same
   * read; `headStart` is where the head began in `buf` (-1 when it spanned reads or followed an
   * interim response), so an unchanged head can be forwarded together with its body.
   */
  onHead(res: ResponseHead, buf: Buffer, headStart: number, bodyStart: number): void
  /** Body bytes to pass on. */
  onBody(data: Buffer): void
  /** The body is complete; `extra` when the node sent bytes beyond it. */
  onComplete(extra: boolean): void
  /** The node sent something that is not a usable response. */
  onInvalid(reason: string): void
}

/** Interim responses relayed before a final one; one more is a bad response (502). */
export const MAX_INTERIM_RESPONSES = 10

export class ResponseRelay {
  readonly #sink: ResponseSink
  readonly body = new MessageBody()
  #buf: Buffer | null = null
  #interims = 0
  head: ResponseHead | null = null

  constructor(sink: ResponseSink) {
    this.#sink = sink
  }

  reset(): void {
    this.#buf = null
    this.#interims = 0
    this.head = null
  }

  /** Feeds bytes from the node: head bytes until a final head is complete, body bytes after. */
  push(chunk: Buffer): void {
    if (this.head !== null) {
      this.pushBody(chunk, 0)
      return
    }
    const spansReads = this.#buf !== null
    const buf = this.#buf === null ? chunk : Buffer.concat([this.#buf, chunk])
    let start = 0
    for (;;) {
      const head = parseResponseHead(buf, start, buf.length)
      if (head === null) {
        // A copy: `chunk` may be a read buffer its connection reuses for the next read.
        this.#buf = Buffer.from(start === 0 ? buf : buf.subarray(start))
        return
      }
      this.#buf = null
      if (isHeadError(head)) {
        this.#sink.onInvalid(head.reason)
        return
      }
      const headStart = start === 0 && !spansReads ? 0 : -1
      start += head.headBytes
      if (head.status < 200 && head.status !== 101) {
        if (++this.#interims > MAX_INTERIM_RESPONSES) {
          this.#sink.onInvalid('too many interim responses')
          return
        }
        this.#sink.onInterim(head)
        continue
      }
      this.head = head
      this.#sink.onHead(head, buf, headStart, start)
      return
    }
  }

  /**
   * Chooses the body framing for `res` (RFC 9112 §6.3). A chunked body whose first bytes are
   * already malformed is refused here, while the client can still be given a clean 502.
   */
  frame(res: ResponseHead, isHeadRequest: boolean, rest: Buffer, restStart: number): boolean {
    if (isHeadRequest || res.status === 204 || res.status === 304) this.body.start(BODY_NONE, 0)
    else if (res.isChunked) this.body.start(BODY_CHUNKED, 0)
    else if (res.contentLength >= 0) this.body.start(BODY_LENGTH, res.contentLength)
    else this.body.start(BODY_UNTIL_CLOSE, 0)
    return this.body.framing !== BODY_CHUNKED || MessageBody.chunkedPrefixIsValid(rest, restStart, rest.length)
  }

  /**
   * Passes body bytes from `chunk[start..]` on, and reports the end of the body. Bytes from
   * `from` (at most `start`) go along unexamined: the unchanged head in front of the body.
   */
  pushBody(chunk: Buffer, start: number, from = start): void {
    const body = this.body
    const end = body.consume(chunk, start, chunk.length)
    if (body.error !== '') {
      this.#sink.onInvalid(body.error)
      return
    }
    const held = body.heldFrom
    const sendTo = held === -1 ? end : held
    if (sendTo > from) this.#sink.onBody(from === 0 && sendTo === chunk.length ? chunk : chunk.subarray(from, sendTo))
    if (body.isDone) {
      const trailers = body.trailers
      if (trailers !== null) this.#sink.onBody(trailers)
      this.#sink.onComplete(end < chunk.length)
    }
  }
}
