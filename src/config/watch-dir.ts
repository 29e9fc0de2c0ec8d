/**
 * Re-reading the configuration directory when it changes: a recursive watch, debounced so an
 * editor's burst of writes (or `git checkout`) becomes one reload, and reloads never overlap.
 * The debounce is bounded: a directory that changes without pause (an orchestrator rewriting
 * node lists every few tens of milliseconds) is still reloaded at least every MAX_DELAY_MS.
 * @module
 */
import { watch, type FSWatcher } from 'node:fs'
import type { Logger } from '../core/index.ts'
import { isIgnoredPath } from './paths.ts'

/** Quiet time that ends a burst of changes. */
const DEBOUNCE_MS = 150
/** Longest a change waits for its burst to end; with one reload's time, every change is live within 1 s. */
const MAX_DELAY_MS = 400

/** Runs `reload` once for a burst of requests, never two at a time. */
export class ReloadQueue {
  readonly #reload: (why: string) => Promise<void>
  readonly #nowMs: () => number
  #timer: NodeJS.Timeout | null = null
  /** When the first request of the pending burst arrived. */
  #burstStartMs = 0
  #running: Promise<void> | null = null
  #again = ''

  /** `nowMs` is a monotonic clock reading in milliseconds. */
  constructor(reload: (why: string) => Promise<void>, nowMs: () => number) {
    this.#reload = reload
    this.#nowMs = nowMs
  }

  request(why: string): void {
    const now = this.#nowMs()
    if (this.#timer === null) this.#burstStartMs = now
    else clearTimeout(this.#timer)
    const delay = Math.max(0, Math.min(DEBOUNCE_MS, this.#burstStartMs + MAX_DELAY_MS - now))
    this.#timer = setTimeout(() => {
      this.#timer = null
      this.#run(why)
    }, delay)
  }

  #run(why: string): void {
    if (this.#running !== null) {
      this.#again = why
      return
    }
    this.#running = this.#reload(why).finally(() => {
      this.#running = null
      if (this.#again !== '') {
        const next = this.#again
        this.#again = ''
        this.#run(next)
      }
    })
  }

  /** Drops a pending reload (on shutdown). */
  cancel(): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
    this.#again = ''
  }
}

/**
 * Calls `onChange` for any change below `dir` that the loader would see: hidden paths (the
 * `.sluice` state directory with its request and audit logs) and editor backups are skipped.
 * A watch that cannot start is logged, not fatal.
 */
export function watchConfigDir(dir: string, onChange: () => void, logger: Logger): { close(): void } {
  let watcher: FSWatcher | null = null
  try {
    watcher = watch(dir, { recursive: true, persistent: false }, (_event, filename) => {
      if (filename !== null && isIgnoredPath(filename)) return
      onChange()
    })
    watcher.on('error', (e: Error) => {
      logger.warn(`watching ${dir} failed (${e.message}); send SIGHUP to reload`)
    })
  } catch (e: unknown) {
    logger.warn(`cannot watch ${dir} (${e instanceof Error ? e.message : String(e)}); send SIGHUP to reload`)
  }
  return {
    close() {
      watcher?.close()
    },
  }
}
