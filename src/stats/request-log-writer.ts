/**
 * Appends request-log lines to a file through an in-memory buffer, off the event loop's back.
 * @module
 */

import { mkdir, open } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import { err, errorMessage, ok } from '../core/index.ts'
import type { Result } from '../core/index.ts'

/** Settings shared by every writer a registry makes. */
export interface RequestLogWriterOptions {
  /** Longest time a line waits in memory before it is written (vTM `log.flush_time`, 5 s). */
  readonly flushMs?: number
  /** Buffer size that triggers a write before `flushMs` is up; default 64 KiB. */
  readonly maxBufferBytes?: number
  /**
   * Most text held in memory while the disk is slow; lines beyond it are dropped and counted,
   * so a stuck disk cannot exhaust memory. Default 16 × `maxBufferBytes`.
   */
  readonly maxPendingBytes?: number
  /** Told about every open or write failure; the writer itself never throws. */
  readonly onError?: (filename: string, message: string) => void
}

/** Counters a writer keeps about itself. */
export interface RequestLogWriterStats {
  readonly linesWritten: number
  readonly linesDropped: number
  readonly writeErrors: number
  /** Characters waiting in memory (not yet handed to the file system). */
  readonly bufferedChars: number
}

const DEFAULT_FLUSH_MS = 5000
const DEFAULT_MAX_BUFFER = 64 * 1024

/**
 * A buffered, append-only log file. `write` only queues; the file is opened lazily (creating
 * its directories) and written with async I/O, one write at a time. Failures are counted and
 * reported through `onError`; the lines involved are dropped, and the next flush tries again.
 */
export class RequestLogWriter {
  /** The file this writer appends to. */
  readonly filename: string
  readonly #flushMs: number
  readonly #maxBuffer: number
  readonly #maxPending: number
  readonly #onError: ((filename: string, message: string) => void) | undefined
  #lines: string[] = []
  #chars = 0
  #handle: FileHandle | null = null
  #busy: Promise<void> | null = null
  #again: Promise<void> | null = null
  #timer: ReturnType<typeof setTimeout> | null = null
  #closing: Promise<void> | null = null
  #written = 0
  #dropped = 0
  #errors = 0

  constructor(filename: string, options: RequestLogWriterOptions = {}) {
    this.filename = filename
    this.#flushMs = Math.max(1, options.flushMs ?? DEFAULT_FLUSH_MS)
    this.#maxBuffer = Math.max(1, options.maxBufferBytes ?? DEFAULT_MAX_BUFFER)
    this.#maxPending = Math.max(this.#maxBuffer, options.maxPendingBytes ?? this.#maxBuffer * 16)
    this.#onError = options.onError
  }

  /** Queues one line (without its newline). Never blocks and never throws. */
  write(line: string): void {
    if (this.#closing !== null || this.#chars + line.length >= this.#maxPending) {
      this.#dropped++
      return
    }
    this.#lines.push(line)
    this.#chars += line.length + 1
    if (this.#chars >= this.#maxBuffer) {
      void this.flush()
    } else if (this.#timer === null) {
      this.#timer = setTimeout(() => {
        this.#timer = null
        void this.flush()
      }, this.#flushMs)
      // A pending flush must not keep the process alive; close() flushes on the way out.
      this.#timer.unref()
    }
  }

  /** Writes everything queued so far. Resolves (never rejects) when it is on its way to disk. */
  flush(): Promise<void> {
    if (this.#busy !== null) {
      // One write at a time keeps lines in order; later lines ride on a single follow-up flush.
      this.#again ??= this.#busy.then(() => {
        this.#again = null
        return this.flush()
      })
      return this.#again
    }
    if (this.#lines.length === 0) return Promise.resolve()
    if (this.#timer !== null) {
      clearTimeout(this.#timer)
      this.#timer = null
    }
    const count = this.#lines.length
    const data = this.#lines.join('\n') + '\n'
    this.#lines = []
    this.#chars = 0
    const busy = this.#writeOut(data, count).finally(() => {
      this.#busy = null
    })
    this.#busy = busy
    return busy
  }

  /** Opens the file now (creating directories), to report a bad path when configuration applies. */
  async open(): Promise<Result<void, string>> {
    try {
      await this.#ensureOpen()
      return ok(undefined)
    } catch (e: unknown) {
      return err(`cannot open request log ${this.filename}: ${errorMessage(e)}`)
    }
  }

  /**
   * Closes the file after the write in progress; the next flush opens the path afresh, so a
   * rotated-away file is recreated (vTM `log.reopen`). Queued lines go to the new file.
   */
  async reopen(): Promise<void> {
    await this.#idle()
    const old = this.#handle
    this.#handle = null
    if (old !== null) await this.#closeHandle(old)
  }

  /** Flushes everything, closes the file and drops later writes. Safe to call more than once. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.flush()
      await this.#idle()
      const h = this.#handle
      this.#handle = null
      if (h !== null) await this.#closeHandle(h)
    })()
    return this.#closing
  }

  /** A snapshot of this writer's counters. */
  stats(): RequestLogWriterStats {
    return {
      linesWritten: this.#written,
      linesDropped: this.#dropped,
      writeErrors: this.#errors,
      bufferedChars: this.#chars,
    }
  }

  async #idle(): Promise<void> {
    // Bounded: each pass waits for one write, and a write settles or fails.
    for (let i = 0; i < 1000 && (this.#busy !== null || this.#again !== null); i++) {
      await (this.#again ?? this.#busy)
    }
  }

  async #ensureOpen(): Promise<FileHandle> {
    if (this.#handle !== null) return this.#handle
    await mkdir(dirname(this.filename), { recursive: true })
    const h = await open(this.filename, 'a')
    this.#handle = h
    return h
  }

  async #writeOut(data: string, count: number): Promise<void> {
    try {
      const h = await this.#ensureOpen()
      await h.appendFile(data)
      this.#written += count
    } catch (e: unknown) {
      this.#dropped += count
      this.#fail(e)
    }
  }

  async #closeHandle(h: FileHandle): Promise<void> {
    try {
      await h.close()
    } catch (e: unknown) {
      this.#fail(e)
    }
  }

  #fail(e: unknown): void {
    this.#errors++
    if (this.#onError === undefined) return
    try {
      this.#onError(this.filename, errorMessage(e))
    } catch {
      // A faulty reporter must not turn a counted log failure into a crash.
    }
  }
}
