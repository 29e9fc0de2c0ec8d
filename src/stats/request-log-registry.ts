/**
 * One writer per log file, shared by every virtual server that logs to it.
 * @module
 */

import { resolve } from 'node:path'
import { RequestLogWriter } from './request-log-writer.ts'
import type { RequestLogWriterOptions } from './request-log-writer.ts'

/** vTM's default virtual server `log.filename`. */
export const DEFAULT_LOG_FILENAME = '%zeushome%/zxtm/log/%v.log'

/**
 * Expands the macros of a `log.filename`: `%v` becomes the virtual server name (with `/` and
 * NUL replaced by `_`, so a name cannot reach another directory) and `%zeushome%` becomes
 * `homeDir`. Other text is kept as written.
 */
export function expandLogFilename(template: string, virtualServer: string, homeDir: string): string {
  const safeName = virtualServer.replace(/[/\\\0]/g, '_').replace(/^\.\.?$/, '_')
  return template.replaceAll('%zeushome%', homeDir).replaceAll('%v', safeName)
}

interface Entry {
  readonly writer: RequestLogWriter
  refs: number
}

/**
 * Hands out writers by resolved path, counting references, so two virtual servers naming the
 * same file share one buffer and one file handle and their lines never interleave mid-line.
 */
export class RequestLogRegistry {
  readonly #options: RequestLogWriterOptions
  readonly #entries = new Map<string, Entry>()

  constructor(options: RequestLogWriterOptions = {}) {
    this.#options = options
  }

  /** The writer for `filename` (made on first use); pair every call with `release`. */
  acquire(filename: string): RequestLogWriter {
    const path = resolve(filename)
    let entry = this.#entries.get(path)
    if (entry === undefined) {
      entry = { writer: new RequestLogWriter(path, this.#options), refs: 0 }
      this.#entries.set(path, entry)
    }
    entry.refs++
    return entry.writer
  }

  /** Gives back one reference; the last one flushes and closes the file. */
  async release(writer: RequestLogWriter): Promise<void> {
    const entry = this.#entries.get(writer.filename)
    if (entry?.writer !== writer) return
    entry.refs--
    if (entry.refs > 0) return
    this.#entries.delete(writer.filename)
    await writer.close()
  }

  /** Reopens every file, for log rotation (call it every vTM `log.reopen` seconds). */
  async reopenAll(): Promise<void> {
    await Promise.all([...this.#entries.values()].map((e) => e.writer.reopen()))
  }

  /** Flushes and closes every writer, for shutdown. */
  async closeAll(): Promise<void> {
    const writers = [...this.#entries.values()].map((e) => e.writer)
    this.#entries.clear()
    await Promise.all(writers.map((w) => w.close()))
  }

  /** How many distinct files are open. */
  get size(): number {
    return this.#entries.size
  }
}
