/**
 * A body transform that compresses a response as it flows (gzip, brotli or zstd from node:zlib).
 * Backpressure goes both ways: when the client is full the compressor's output pauses, its
 * buffers fill, its input refuses more, and the node connection pauses; when the client drains
 * the chain restarts from the output end. What one response can hold is bounded by the
 * compressor's state (256 KiB for gzip, about 1 MiB for zstd, 1 to 5 MiB for brotli by quality;
 * docs/compression.md) and one buffer of 16 KiB on each side of it.
 * @module
 */
import { createBrotliCompress, createGzip, createZstdCompress, type BrotliCompress, type Gzip, type ZstdCompress } from 'node:zlib'
import type { BodySink, BodyTransform } from './body-transform.ts'
import type { CompressionSettings, ContentCoding } from '../snapshot/index.ts'

type Compressor = Gzip | BrotliCompress | ZstdCompress

function makeCompressor(coding: ContentCoding, settings: CompressionSettings): Compressor {
  switch (coding) {
    case 'gzip':
      return createGzip(settings.gzip)
    case 'br':
      return createBrotliCompress(settings.brotli)
    case 'zstd':
      return createZstdCompress(settings.zstd)
  }
}

export class CompressBody implements BodyTransform {
  readonly #settings: CompressionSettings
  readonly #coding: ContentCoding
  #z: Compressor | null = null
  #bytesIn = 0
  #bytesOut = 0

  constructor(coding: ContentCoding, settings: CompressionSettings) {
    this.#coding = coding
    this.#settings = settings
  }

  outputLength(): number {
    return -1
  }

  start(out: BodySink): void {
    const z = makeCompressor(this.#coding, this.#settings)
    this.#z = z
    z.on('data', (chunk: Buffer) => {
      if (this.#z !== z) return
      this.#bytesOut += chunk.length
      if (!out.write(chunk)) z.pause()
    })
    z.on('drain', () => {
      if (this.#z === z) out.inputDrained()
    })
    z.on('end', () => {
      if (this.#z !== z) return
      this.#z = null
      this.#count()
      out.finish()
    })
    // Compressing bytes cannot fail short of running out of memory; if it does, the response
    // cannot be completed and the client is cut off.
    z.on('error', () => {
      if (this.#z !== z) return
      this.#z = null
      out.fail()
    })
  }

  write(chunk: Buffer): boolean {
    const z = this.#z
    if (z === null) return true
    this.#bytesIn += chunk.length
    // A copy: the bytes may sit in a node connection's read buffer, which the next read reuses
    // while the compressor still holds them.
    return z.write(Buffer.from(chunk))
  }

  end(): void {
    this.#z?.end()
  }

  outputDrained(): void {
    this.#z?.resume()
  }

  abort(): void {
    const z = this.#z
    this.#z = null
    z?.destroy()
  }

  #count(): void {
    const counters = this.#settings.counters
    if (counters === null) return
    counters.compressedResponses++
    counters.compressionBytesSaved += this.#bytesIn - this.#bytesOut
  }
}
