/**
 * Body transforms: a response body that does not go to the client as the node sent it (a rule
 * replaced it; later, compression or a copy into the cache) flows through one, as a stream with
 * backpressure. The exchange writes the node's decoded body bytes in and ends it when the body
 * is complete; the transform writes its output to a BodySink (the client, or the next
 * transform) and passes the sink's backpressure back up, so nothing is buffered without bound.
 * @module
 */

/** Where a transform's output goes. */
export interface BodySink {
  /** Takes bytes; false when the receiver is full and the writer should pause until outputDrained. */
  write(chunk: Buffer): boolean
  /** The body is complete. */
  finish(): void
  /** The transform takes input again after its write returned false. */
  inputDrained(): void
  /** The transform cannot complete its output: the response is cut off. */
  fail(): void
}

export interface BodyTransform {
  /**
   * The output's length, when it is known before the input has been seen (-1 otherwise): known
   * lengths go out with Content-Length, unknown ones chunked (until close for HTTP/1.0 clients).
   */
  outputLength(): number
  /**
   * The transform makes its whole output at the end, in one write: the head then waits for it
   * and goes out with its length (no chunking) and the body, in one write.
   */
  readonly holdsWholeOutput?: boolean
  /** Starts one body; output goes to `out`. */
  start(out: BodySink): void
  /** Input bytes; false when the output is full (pause the input until the sink drains). */
  write(chunk: Buffer): boolean
  /** The input is complete: flush and end the output. */
  end(): void
  /**
   * The sink took what it held after a write returned false, so output may flow again. Without
   * it, the node connection is resumed directly.
   */
  outputDrained?(): void
  /** The exchange is abandoned: release what the transform holds; no more output comes. */
  abort?(): void
}

/**
 * The body a rule set with http.setResponseBody: the node's body is read to its end (so its
 * connection can be reused) and dropped, and the rule's body goes out in its place.
 */
export class ReplaceBody implements BodyTransform {
  readonly #body: Buffer
  #out: BodySink | null = null

  constructor(body: Buffer) {
    this.#body = body
  }

  outputLength(): number {
    return this.#body.length
  }

  start(out: BodySink): void {
    this.#out = out
  }

  write(): boolean {
    return true
  }

  end(): void {
    const out = this.#out
    if (out === null) return
    this.#out = null
    if (this.#body.length > 0) out.write(this.#body)
    out.finish()
  }
}
