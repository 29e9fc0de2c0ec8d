/**
 * The cache-store phase's body transform: passes the response body on to the client unchanged
 * (or through the transform an earlier phase chose) and keeps a copy; when the body is complete
 * and whole, the copy is stored. A body beyond the cache's largest entry is passed on and not
 * kept; a body that ends early (the node broke its framing) never reaches end() and is dropped.
 * @module
 */
import type { BodySink, BodyTransform } from './body-transform.ts'

/** Stores the copied body once it is complete; null when it was not kept (too big, wrong length). */
export type StoreBody = (body: Buffer | null) => void

export class CacheCopy implements BodyTransform {
  /** The transform an earlier phase chose, whose output this one copies (set once, before start). */
  inner: BodyTransform | null = null
  readonly #maxBytes: number
  /** The node's Content-Length (-1 when unknown): a copy of another length is not stored. */
  readonly #expected: number
  readonly #store: StoreBody
  #out: BodySink | null = null
  #parts: Buffer[] | null = []
  #bytes = 0
  /** What the inner transform writes to: the copy, then the client. */
  readonly #sink: BodySink = {
    write: (chunk) => this.#pass(chunk),
    finish: () => {
      this.#done()
    },
    inputDrained: () => {
      this.#out?.inputDrained()
    },
    fail: () => {
      this.#parts = null
      this.#out?.fail()
    },
  }

  constructor(maxBytes: number, expected: number, store: StoreBody) {
    this.#maxBytes = maxBytes
    this.#expected = expected
    this.#store = store
  }

  outputLength(): number {
    return this.inner === null ? this.#expected : this.inner.outputLength()
  }

  get holdsWholeOutput(): boolean {
    return this.inner?.holdsWholeOutput === true
  }

  start(out: BodySink): void {
    this.#out = out
    this.inner?.start(this.#sink)
  }

  write(chunk: Buffer): boolean {
    return this.inner === null ? this.#pass(chunk) : this.inner.write(chunk)
  }

  end(): void {
    if (this.inner === null) this.#done()
    else this.inner.end()
  }

  outputDrained(): void {
    if (this.inner?.outputDrained !== undefined) this.inner.outputDrained()
    else this.#out?.inputDrained()
  }

  abort(): void {
    this.#parts = null
    this.inner?.abort?.()
  }

  #pass(chunk: Buffer): boolean {
    const parts = this.#parts
    if (parts !== null) {
      this.#bytes += chunk.length
      // Node read buffers are reused: the copy must own its bytes.
      if (this.#bytes <= this.#maxBytes) parts.push(Buffer.from(chunk))
      else this.#parts = null
    }
    return this.#out?.write(chunk) ?? true
  }

  #done(): void {
    const parts = this.#parts
    this.#parts = null
    const whole = parts !== null && (this.inner !== null || this.#expected < 0 || this.#bytes === this.#expected)
    this.#store(whole ? Buffer.concat(parts, this.#bytes) : null)
    this.#out?.finish()
  }
}
