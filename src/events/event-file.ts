/**
 * The event log on disk: one JSON line per event, appended to `<state dir>/events.log`, so the
 * events survive a restart (the API lists them again, with their ids). The file is bounded: past
 * `maxBytes` it becomes `events.log.1` (replacing the older one) and a new file starts, so at most
 * twice `maxBytes` stay on disk. Writes are queued and never block or fail the producer.
 * @module
 */
import { appendFile, mkdir, open, rename, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { errorMessage, type Logger } from '../core/index.ts'
import type { EventLog } from './event-log.ts'
import { SEVERITIES, type SluiceEvent } from '../core/index.ts'

/** Where the file rotates: a few tens of thousands of events. */
export const DEFAULT_EVENT_FILE_BYTES = 8 * 1024 * 1024

function isEvent(value: unknown): value is SluiceEvent {
  if (typeof value !== 'object' || value === null) return false
  const e = value as Record<string, unknown>
  return (
    typeof e['id'] === 'number' &&
    typeof e['timeMs'] === 'number' &&
    typeof e['category'] === 'string' &&
    typeof e['name'] === 'string' &&
    typeof e['message'] === 'string' &&
    typeof e['objects'] === 'object' &&
    e['objects'] !== null &&
    (SEVERITIES as readonly unknown[]).includes(e['severity'])
  )
}

/** The last `maxBytes` of a file (from its first whole line), or '' when there is none. */
async function readTail(path: string, maxBytes: number): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(path, 'r')
  } catch {
    // No file yet (first start, or never rotated).
    return ''
  }
  try {
    const size = (await handle.stat()).size
    const length = Math.min(size, maxBytes)
    const buffer = Buffer.alloc(length)
    await handle.read(buffer, 0, length, size - length)
    const text = buffer.toString('utf8')
    return length < size ? text.slice(text.indexOf('\n') + 1) : text
  } finally {
    await handle.close()
  }
}

export class EventFile {
  readonly #path: string
  readonly #logger: Logger
  readonly #maxBytes: number
  #size = 0
  #writing: Promise<void> = Promise.resolve()
  #hasWarned = false

  constructor(path: string, logger: Logger, maxBytes = DEFAULT_EVENT_FILE_BYTES) {
    this.#path = path
    this.#logger = logger
    this.#maxBytes = maxBytes
  }

  /** The last `capacity` events of the rotated and the current file, oldest first. */
  async load(capacity: number): Promise<SluiceEvent[]> {
    const text = (await readTail(`${this.#path}.1`, this.#maxBytes)) + (await readTail(this.#path, this.#maxBytes))
    this.#size = await stat(this.#path).then((s) => s.size, () => 0)
    const events: SluiceEvent[] = []
    let skipped = 0
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue
      try {
        const parsed: unknown = JSON.parse(line)
        if (isEvent(parsed)) events.push(parsed)
        else skipped++
      } catch {
        skipped++
      }
    }
    if (skipped > 0) this.#logger.warn(`event log ${this.#path}: skipped ${String(skipped)} line(s) that are not events`)
    return events.slice(-capacity)
  }

  /** Queues one event; it reaches the file in order, after the ones before it. */
  append(event: SluiceEvent): void {
    const line = `${JSON.stringify({ ...event, time: new Date(event.timeMs).toISOString() })}\n`
    this.#writing = this.#writing.then(() => this.#write(line))
  }

  async #write(line: string): Promise<void> {
    const bytes = Buffer.byteLength(line)
    try {
      if (this.#size > 0 && this.#size + bytes > this.#maxBytes) {
        await rename(this.#path, `${this.#path}.1`)
        this.#size = 0
      }
      await mkdir(dirname(this.#path), { recursive: true, mode: 0o700 })
      await appendFile(this.#path, line, { mode: 0o600 })
      this.#size += bytes
    } catch (e: unknown) {
      // Told once: a full disk would otherwise add a line to the process log for every event.
      if (!this.#hasWarned) this.#logger.warn(`event log ${this.#path}: ${errorMessage(e)}; events are kept in memory only`)
      this.#hasWarned = true
    }
  }

  /** Resolves once every queued event is written (or has failed). */
  flush(): Promise<void> {
    return this.#writing
  }
}

/**
 * Gives `log` the events of earlier runs from `path` and writes every new one there. Call it
 * before anything emits; the returned function detaches and waits for the queued writes.
 */
export async function keepEventsIn(log: EventLog, path: string, logger: Logger, maxBytes = DEFAULT_EVENT_FILE_BYTES): Promise<() => Promise<void>> {
  const file = new EventFile(path, logger, maxBytes)
  log.restore(await file.load(log.capacity))
  const detach = log.subscribe((e) => {
    file.append(e)
  })
  return async () => {
    detach()
    await file.flush()
  }
}
