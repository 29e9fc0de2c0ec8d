/**
 * A response whose body goes through a BodyTransform on its way to the client: the node's body
 * bytes are de-chunked into the transform, whose output goes to the client (with its own length,
 * or chunked), with the client's backpressure passed back to the node connection.
 * @module
 */
import type { BodySink, BodyTransform } from './body-transform.ts'
import { ChainBody } from './chain-body.ts'
import { ChunkedScanner } from './chunked-scanner.ts'
import type { Exchange } from './exchange.ts'
import type { HttpService } from '../snapshot/index.ts'
import { BODY_CHUNKED } from './message-body.ts'
import { CLIENT_CLOSE } from './outgoing-head.ts'
import type { RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'

const EMPTY = Buffer.alloc(0)

export class TransformedBody implements BodySink {
  readonly #ex: Exchange
  #transform: BodyTransform | null = null
  /**
   * A response phase other than the rules edited the node's head (compression's Vary), so it
   * must be rebuilt even when the body goes out untransformed.
   */
  headEdited = false
  /** De-chunks a chunked node body; made on first use. */
  #chunks: ChunkedScanner | null = null
  #isChunked = false
  #res: ResponseHead | null = null
  /** The output so far of a transform that makes it whole at the end; null for the others. */
  #whole: Buffer | null = null
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

  /** Sends the body through `transform`, after the one already chosen if there is one. */
  use(transform: BodyTransform): void {
    const before = this.#transform
    this.#transform = before === null ? transform : new ChainBody(before, transform)
  }

  /** Makes the body go through `transform` instead; returns the one it replaces (null when none). */
  wrap(transform: BodyTransform): BodyTransform | null {
    const before = this.#transform
    this.#transform = transform
    return before
  }

  reset(): void {
    this.#transform = null
    this.#whole = null
    this.#res = null
    this.headEdited = false
  }

  /** The client connection is gone: the transform lets go of what it holds. */
  abort(): void {
    this.#transform?.abort?.()
    this.reset()
  }

  /**
   * The client took what was queued: the transform's output flows again, or the node sends
   * more (for a plain body, or a transform that does not hold output back).
   */
  clientDrained(): void {
    const transform = this.#transform
    if (transform?.outputDrained !== undefined) transform.outputDrained()
    else this.inputDrained()
  }

  /**
   * Sends the head for the transform's output (or holds it until the output is whole), then
   * the body bytes that came with the node's head.
   */
  start(res: ResponseHead, buf: Buffer, bodyStart: number): void {
    const ex = this.#ex
    const transform = this.#transform as BodyTransform
    ex.armIdle()
    this.#res = res
    this.#isChunked = ex.leg.relay.body.framing === BODY_CHUNKED
    if (this.#isChunked) {
      this.#chunks ??= new ChunkedScanner()
      this.#chunks.reset()
    }
    this.#whole = transform.holdsWholeOutput === true ? EMPTY : null
    if (this.#whole === null) this.#sendHead(transform.outputLength(), undefined)
    transform.start(this)
    ex.leg.relay.pushBody(buf, bodyStart)
  }

  #sendHead(length: number, body: Buffer | undefined): void {
    const ex = this.#ex
    const req = ex.req as RequestHead
    ex.resMode = ex.down.responseMode(req, ex.svc as HttpService, length < 0 && req.versionMinor === 0, ex.reqDone)
    ex.down.sendTransformedHead(this.#res as ResponseHead, ex.resMode, length, body)
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
    const whole = this.#whole
    if (whole !== null) {
      this.#whole = whole.length === 0 ? chunk : Buffer.concat([whole, chunk])
      return true
    }
    if (ex.req?.method === 'HEAD') return true
    ex.bytesOut += chunk.length
    // Output still flowing after the node finished (a compressor's tail) is not idleness.
    ex.refreshIdle()
    return ex.down.writeBody(chunk)
  }

  inputDrained(): void {
    this.#ex.leg.conn?.socket.resume()
  }

  fail(): void {
    this.#ex.leg.close()
    this.#ex.down.destroyNow()
  }

  /** Called by the transform once its output is complete. */
  finish(): void {
    const ex = this.#ex
    const res = this.#res
    const whole = this.#whole
    if (whole !== null) {
      this.#whole = null
      const isHead = ex.req?.method === 'HEAD'
      if (!isHead) ex.bytesOut += whole.length
      this.#sendHead(whole.length, isHead ? undefined : whole)
    }
    ex.down.endTransformedBody()
    ex.finish(res?.status ?? 0, res, ex.resMode === CLIENT_CLOSE)
  }
}
