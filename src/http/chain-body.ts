/**
 * Two body transforms in a row: a rule's replacement body that is then compressed, say. The
 * first one's output is the second one's input, and backpressure passes through both.
 * @module
 */
import type { BodySink, BodyTransform } from './body-transform.ts'

export class ChainBody implements BodyTransform {
  readonly #first: BodyTransform
  readonly #second: BodyTransform

  constructor(first: BodyTransform, second: BodyTransform) {
    this.#first = first
    this.#second = second
  }

  outputLength(): number {
    return this.#second.outputLength()
  }

  get holdsWholeOutput(): boolean {
    return this.#second.holdsWholeOutput === true
  }

  start(out: BodySink): void {
    const first = this.#first
    const second = this.#second
    second.start({
      write: (chunk) => out.write(chunk),
      finish: () => {
        out.finish()
      },
      fail: () => {
        out.fail()
      },
      // The second takes input again: the first may produce more, or the node may send more.
      inputDrained: () => {
        if (first.outputDrained !== undefined) first.outputDrained()
        else out.inputDrained()
      },
    })
    first.start({
      write: (chunk) => second.write(chunk),
      finish: () => {
        second.end()
      },
      fail: () => {
        out.fail()
      },
      inputDrained: () => {
        out.inputDrained()
      },
    })
  }

  write(chunk: Buffer): boolean {
    return this.#first.write(chunk)
  }

  end(): void {
    this.#first.end()
  }

  outputDrained(): void {
    const second = this.#second
    if (second.outputDrained !== undefined) second.outputDrained()
    else this.#first.outputDrained?.()
  }

  abort(): void {
    this.#first.abort?.()
    this.#second.abort?.()
  }
}
