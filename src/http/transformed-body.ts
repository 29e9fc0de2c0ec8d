/**
 * A response whose body goes through a BodyTransform on its way to the client: the node's body
 * bytes are de-chunked into the transform, whose output goes to the client (with its own length,
 * or chunked), with the client's backpressure passed back to the node connection.
 * @module
 */
import type { BodySink, BodyTransform } from './body-transform.ts'
import { ChunkedScanner } from './chunked-scanner.ts'
import type { Exchange } from './exchange.ts'
import type { HttpService } from '../snapshot/index.ts'
import { BODY_CHUNKED } from './message-body.ts'
import { CLIENT_CLOSE } from './outgoing-head.ts'
import type { RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'

export class TransformedBody implements BodySink {
  readonly #ex: Exchange
  #transform: BodyTransform | null = null
  /** De-chunks a chunked node body; made on first use. */
  #chunks: ChunkedScanner | null = null
  #isChunked = false
  #res: ResponseHead | null = null
  /** Set by the input loop when the transform's output is full. */
  #isFull = false
  readonly #input = (b: Buffer, s: number, e: number): void => {
    if (this.#transform?.write(b.subarray(s, e)) === false) this.#isFull = true
  }

  constructor(ex: Exchange) {
    this.#ex = ex
  }

  /** True when this response's body goes through a transform. */
  get isActive(): boolean {
    return this.#transform !== null
  }

  /** Makes the body go through `transform`; returns the one it replaces (null when none). */
  use(transform: BodyTransform): BodyTransform | null {
    const before = this.#transform
    this.#transform = transform
    return before
  }

  reset(): void {
    this.#transform = null
    this.#res = null
  }

  /** Sends the head for the transform's output, then the body bytes that came with the node's head. */
  start(res: ResponseHead, buf: Buffer, bodyStart: number): void {
    const ex = this.#ex
    const req = ex.req as RequestHead
    const transform = this.#transform as BodyTransform
    const length = transform.outputLength()
    ex.resMode = ex.down.responseMode(req, ex.svc as HttpService, length < 0 && req.versionMinor === 0, ex.reqDone)
    ex.armIdle()
    this.#res = res
    this.#isChunked = ex.leg.relay.body.framing === BODY_CHUNKED
    if (this.#isChunked) {
      this.#chunks ??= new ChunkedScanner()
      this.#chunks.reset()
    }
    ex.down.sendTransformedHead(res, ex.resMode, length)
    transform.start(this)
    ex.leg.relay.pushBody(buf, bodyStart)
  }

  /** Node body bytes, as the node framed them. */
  input(data: Buffer): void {
    const transform = this.#transform
    if (transform === null) return
    this.#isFull = false
    if (this.#isChunked) this.#chunks?.scan(data, 0, data.length, this.#input)
    else this.#isFull = !transform.write(data)
    if (this.#isFull) this.#ex.leg.conn?.socket.pause()
  }

  /** The node's body is complete: the transform flushes, and the exchange ends with its output. */
  end(): void {
    this.#transform?.end()
  }

  // ---- BodySink: the transform's output ----------------------------------------------------

  write(chunk: Buffer): boolean {
    const ex = this.#ex
    if (ex.req?.method === 'HEAD') return true
    ex.bytesOut += chunk.length
    return ex.down.writeBody(chunk)
  }

  /** Called by the transform once its output is complete. */
  finish(): void {
    const ex = this.#ex
    const res = this.#res
    ex.down.endTransformedBody()
    ex.finish(res?.status ?? 0, res, ex.resMode === CLIENT_CLOSE)
  }
}
