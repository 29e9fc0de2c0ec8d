/**
 * Re-reading the configuration directory when it changes: a watch on each of its directories,
 * debounced so an editor's burst of writes (or `git checkout`) becomes one reload, and reloads
 * never overlap.
 * The debounce is bounded: a directory that changes without pause (an orchestrator rewriting
 * node lists every few tens of milliseconds) is still reloaded at least every MAX_DELAY_MS.
 * @module
 */
import { readdirSync, statSync, watch, type Dirent, type FSWatcher } from 'node:fs'
import { join } from 'node:path'
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

/** How deep below the configuration directory directories are watched (`ssl/server_keys` is two). */
const MAX_WATCH_DEPTH = 8

/**
 * Calls `onChange` for any change below `dir` that the loader would see: hidden paths (the
 * `.sluice` state directory with its request and audit logs) and editor backups are skipped.
 * Each directory gets its own watch, not one recursive watch: on Linux a recursive watch
 * follows every file by itself, so a file replaced by a rename (an atomic write by an
 * orchestrator, an editor, `git checkout` or the REST API) would never be seen again. A
 * directory watch reports whatever happens to the names in it; directories that appear or are
 * replaced are picked up on the next change. A watch that cannot start is logged, not fatal.
 */
export function watchConfigDir(dir: string, onChange: () => void, logger: Logger): { close(): void } {
  const watchers = new Map<string, { readonly watcher: FSWatcher; readonly ino: number }>()
  let closed = false
  let failed = false
  const warn = (why: string) => {
    if (failed) return
    failed = true
    logger.warn(`watching ${dir} failed (${why}); send SIGHUP to reload`)
  }
  const onEvent = (event: string, filename: string | null) => {
    if (closed || (filename !== null && isIgnoredPath(filename))) return
    // A new or replaced directory shows as a rename of its name; watch what is there now.
    if (event === 'rename') sync()
    onChange()
  }
  const watchOne = (rel: string, abs: string, ino: number) => {
    try {
      const watcher = watch(abs, { persistent: false }, onEvent)
      watcher.on('error', (e: Error) => {
        // A directory that went away; the next sync drops it or watches its replacement.
        if (rel === '') warn(e.message)
      })
      watchers.set(rel, { watcher, ino })
    } catch (e: unknown) {
      if (rel === '') warn(e instanceof Error ? e.message : String(e))
    }
  }
  const sync = () => {
    const seen = new Set<string>()
    const visit = (rel: string, depth: number) => {
      const abs = rel === '' ? dir : join(dir, rel)
      let ino: number
      let entries: Dirent[]
      try {
        const st = statSync(abs)
        if (!st.isDirectory()) return
        ino = st.ino
        entries = readdirSync(abs, { withFileTypes: true })
      } catch {
        return
      }
      seen.add(rel)
      const known = watchers.get(rel)
      if (known?.ino !== ino) {
        known?.watcher.close()
        watchOne(rel, abs, ino)
      }
      if (depth >= MAX_WATCH_DEPTH) return
      for (const e of entries) {
        if ((e.isDirectory() || e.isSymbolicLink()) && !isIgnoredPath(e.name)) visit(rel === '' ? e.name : `${rel}/${e.name}`, depth + 1)
      }
    }
    visit('', 0)
    for (const [rel, w] of watchers) {
      if (seen.has(rel)) continue
      w.watcher.close()
      watchers.delete(rel)
    }
  }
  sync()
  if (!watchers.has('')) warn('the directory cannot be read')
  return {
    close() {
      closed = true
      for (const w of watchers.values()) w.watcher.close()
      watchers.clear()
    },
  }
}
