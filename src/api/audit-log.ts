/**
 * The audit log: one JSON line per configuration change (who, when, which object, before and
 * after), appended to `<config dir>/.sluice/audit.log` and kept in memory for the API.
 * @module
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { errorMessage, type Clock, type Logger } from '../core/index.ts'

/** One recorded change. `before`/`after` are the object's file content (null when absent). */
export interface AuditEntry {
  readonly id: number
  readonly timeMs: number
  readonly user: string
  readonly action: 'create' | 'update' | 'delete'
  readonly objectType: string
  readonly objectName: string
  readonly before: unknown
  readonly after: unknown
}

const KEEP = 1000

export class AuditLog {
  readonly #path: string
  readonly #clock: Clock
  readonly #logger: Logger
  #entries: AuditEntry[] = []
  #nextId = 1
  #loaded = false

  constructor(path: string, clock: Clock, logger: Logger) {
    this.#path = path
    this.#clock = clock
    this.#logger = logger
  }

  /** Appends an entry; a write failure is logged, never thrown (the change is already live). */
  async record(entry: Omit<AuditEntry, 'id' | 'timeMs'>): Promise<AuditEntry> {
    await this.#load()
    const full: AuditEntry = { id: this.#nextId++, timeMs: this.#clock.nowMs(), ...entry }
    this.#entries.push(full)
    if (this.#entries.length > KEEP) this.#entries = this.#entries.slice(-KEEP)
    try {
      await mkdir(dirname(this.#path), { recursive: true, mode: 0o700 })
      await appendFile(this.#path, `${JSON.stringify({ ...full, time: new Date(full.timeMs).toISOString() })}\n`, { mode: 0o600 })
    } catch (e: unknown) {
      this.#logger.error(`audit log ${this.#path}: ${errorMessage(e)}`)
    }
    return full
  }

  /** Recent entries, oldest first, after `afterId`. */
  async list(afterId = 0): Promise<readonly AuditEntry[]> {
    await this.#load()
    return this.#entries.filter((e) => e.id > afterId)
  }

  /** Continues the numbering of an existing file so ids stay unique across restarts. */
  async #load(): Promise<void> {
    if (this.#loaded) return
    this.#loaded = true
    let text = ''
    try {
      text = await readFile(this.#path, 'utf8')
    } catch {
      // No audit log yet: numbering starts at 1.
      return
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue
      try {
        const e = JSON.parse(line) as AuditEntry
        if (typeof e.id === 'number') {
          this.#entries.push(e)
          this.#nextId = Math.max(this.#nextId, e.id + 1)
        }
      } catch {
        this.#logger.warn(`audit log ${this.#path}: skipping a line that is not JSON`)
      }
    }
    this.#entries = this.#entries.slice(-KEEP)
  }
}
