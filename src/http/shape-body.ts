/**
 * A response body paced by a bandwidth class on its way to the client: the bytes go out as the
 * class allows, and while it holds some back the node connection is paused (backpressure), so
 * nothing waits in memory beyond the chunk in hand. The length does not change.
 * @module
 */
import { PacedWriter, type BandwidthClass, type BandwidthGate } from '../protect/index.ts'
import type { BodySink, BodyTransform } from './body-transform.ts'

export class ShapeBody implements BodyTransform {
  readonly #cls: BandwidthClass
  readonly #gate: BandwidthGate
  readonly #length: number
  #out: BodySink | null = null
  #paced: PacedWriter | null = null

  /** `length`: the body's length when known before it is seen (-1 otherwise). */
  constructor(cls: BandwidthClass, length: number) {
    this.#cls = cls
    this.#gate = cls.gate()
    this.#length = length
  }

  outputLength(): number {
    return this.#length
  }

  start(out: BodySink): void {
    this.#out = out
    this.#paced = new PacedWriter(
      this.#gate,
      (chunk) => out.write(chunk),
      () => {
        out.inputDrained()
      },
    )
  }

  write(chunk: Buffer): boolean {
    return this.#paced?.write(chunk) ?? true
  }

  end(): void {
    const paced = this.#paced
    const out = this.#out
    if (paced === null || out === null) return
    paced.whenFlushed(() => {
      out.finish()
      this.#cls.release(this.#gate)
    })
  }

  /** The client took what it held: more may come, unless the class is holding bytes back. */
  outputDrained(): void {
    if (this.#paced?.isHolding !== true) this.#out?.inputDrained()
  }

  abort(): void {
    this.#paced?.cancel()
    this.#cls.release(this.#gate)
  }
}
