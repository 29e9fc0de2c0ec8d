/**
 * Re-reading the configuration directory when it changes: a recursive watch, debounced so an
 * editor's burst of writes (or `git checkout`) becomes one reload, and reloads never overlap.
 * @module
 */
import { watch, type FSWatcher } from 'node:fs'
import type { Logger } from '../core/index.ts'

const DEBOUNCE_MS = 150

/** Runs `reload` once for a burst of requests, never two at a time. */
export class ReloadQueue {
  readonly #reload: (why: string) => Promise<void>
  #timer: NodeJS.Timeout | null = null
  #running: Promise<void> | null = null
  #again = ''

  constructor(reload: (why: string) => Promise<void>) {
    this.#reload = reload
  }

  request(why: string): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      this.#timer = null
      this.#run(why)
    }, DEBOUNCE_MS)
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
}

/** Calls `onChange` for any change below `dir`; a watch that cannot start is logged, not fatal. */
export function watchConfigDir(dir: string, onChange: () => void, logger: Logger): { close(): void } {
  let watcher: FSWatcher | null = null
  try {
    watcher = watch(dir, { recursive: true, persistent: false }, () => {
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
