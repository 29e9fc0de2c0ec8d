/**
 * The event log: keeps recent events in memory (for the API) and writes each as one line to
 * the process log. Listeners (actions, later) are called without blocking the producer.
 * @module
 */
import type { Clock, Logger } from '../core/index.ts'
import type { EventInput, SluiceEvent } from '../core/index.ts'

const DEFAULT_CAPACITY = 10_000

export class EventLog {
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #capacity: number
  readonly #events: SluiceEvent[] = []
  readonly #listeners = new Set<(e: SluiceEvent) => void>()
  #nextId = 1

  constructor(clock: Clock, logger: Logger, capacity = DEFAULT_CAPACITY) {
    this.#clock = clock
    this.#logger = logger
    this.#capacity = capacity
  }

  /** Records an event. Never throws, whatever the listeners do. */
  readonly emit = (input: EventInput): void => {
    const event: SluiceEvent = Object.freeze({ ...input, id: this.#nextId++, timeMs: this.#clock.nowMs() })
    this.#events.push(event)
    if (this.#events.length > this.#capacity) this.#events.splice(0, this.#events.length - this.#capacity)
    const objects = Object.entries(event.objects)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')
    const line = `event ${event.category}/${event.name} [${event.severity}] ${objects}: ${event.message}`
    const fields = { event: `${event.category}/${event.name}`, severity: event.severity, objects: event.objects, event_id: event.id }
    if (event.severity === 'info') this.#logger.info(line, fields)
    else if (event.severity === 'warn') this.#logger.warn(line, fields)
    else this.#logger.error(line, fields)
    for (const listener of this.#listeners) {
      queueMicrotask(() => {
        try {
          listener(event)
        } catch (e: unknown) {
          this.#logger.warn(`event listener failed: ${e instanceof Error ? e.message : String(e)}`)
        }
      })
    }
  }

  /** How many events are kept in memory. */
  get capacity(): number {
    return this.#capacity
  }

  /**
   * Puts events of an earlier run (oldest first) before the ones of this run, and numbers new
   * events after them, so ids stay unique across restarts. They are not logged or sent again.
   */
  restore(earlier: readonly SluiceEvent[]): void {
    const lastId = earlier.reduce((max, e) => Math.max(max, e.id), 0)
    const renumbered = this.#events.map((e) => Object.freeze({ ...e, id: e.id + lastId }))
    this.#events.splice(0, this.#events.length, ...earlier.map((e) => Object.freeze({ ...e })), ...renumbered)
    if (this.#events.length > this.#capacity) this.#events.splice(0, this.#events.length - this.#capacity)
    this.#nextId = Math.max(this.#nextId + lastId, lastId + 1)
  }

  /** Recent events, oldest first, optionally only those after `afterId`. */
  list(afterId = 0): readonly SluiceEvent[] {
    return afterId === 0 ? [...this.#events] : this.#events.filter((e) => e.id > afterId)
  }

  subscribe(listener: (e: SluiceEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}
