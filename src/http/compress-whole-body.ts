/**
 * Compression of a small body whose length is known ahead (a Content-Length, or a body a rule
 * set): its bytes are gathered into one buffer of that length and compressed in one synchronous
 * call when the last one arrives. For a page of a few dozen KB this costs a third of what a
 * zlib stream does (no stream objects, no round trips to the thread pool), and holds the event
 * loop for well under a millisecond at the levels people use; larger or unsized bodies stream
 * through CompressBody instead.
 * @module
 */
import { brotliCompressSync, zstdCompressSync } from 'node:zlib'
import type { BodySink, BodyTransform } from './body-transform.ts'
import type { CompressionSettings, ContentCoding } from '../snapshot/index.ts'
import { giveBodyBuffer, takeBodyBuffer } from './body-buffers.ts'
import { gzipWhole } from './reused-gzip.ts'

function compress(body: Buffer, coding: ContentCoding, settings: CompressionSettings): Buffer {
  switch (coding) {
    case 'gzip':
      return gzipWhole(body, settings.gzip)
    case 'br':
      return brotliCompressSync(body, settings.brotli)
    case 'zstd':
      return zstdCompressSync(body, settings.zstd)
  }
}

export class CompressWholeBody implements BodyTransform {
  readonly holdsWholeOutput = true
  readonly #settings: CompressionSettings
  readonly #coding: ContentCoding
  #body: Buffer | null
  readonly #length: number
  #filled = 0
  #out: BodySink | null = null

  /** `length`: the body's length, 1 to the settings' wholeMaxBytes for the coding. */
  constructor(coding: ContentCoding, settings: CompressionSettings, length: number) {
    this.#coding = coding
    this.#settings = settings
    this.#length = length
    this.#body = takeBodyBuffer(length)
  }

  outputLength(): number {
    return -1
  }

  start(out: BodySink): void {
    this.#out = out
    this.#filled = 0
  }

  write(chunk: Buffer): boolean {
    // A copy: the bytes may sit in a read buffer the node connection reuses. Framing by length
    // means no more than the stated length arrives; more would be cut, never overflow.
    const body = this.#body
    if (body !== null) this.#filled += chunk.copy(body, this.#filled, 0, Math.min(chunk.length, this.#length - this.#filled))
    return true
  }

  end(): void {
    const out = this.#out
    const body = this.#body
    if (out === null || body === null) return
    this.#out = null
    this.#body = null
    let zipped: Buffer
    try {
      zipped = compress(body.subarray(0, this.#filled), this.#coding, this.#settings)
    } catch {
      // Only running out of memory makes compressing fail; the response cannot be completed.
      out.fail()
      return
    } finally {
      giveBodyBuffer(body)
    }
    const counters = this.#settings.counters
    if (counters !== null) {
      counters.compressedResponses++
      counters.compressionBytesSaved += this.#filled - zipped.length
    }
    out.write(zipped)
    out.finish()
  }

  abort(): void {
    this.#out = null
    // Not given back: a compression of it may be what failed.
    this.#body = null
  }
}
