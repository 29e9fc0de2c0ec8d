/**
 * Service level monitoring (`service_level_monitors/<name>`): a class counts the responses of
 * the transactions it is attached to and how many of them started within `response_time`; its
 * conformance is the percentage of those over the last ten seconds. Falling below the warning
 * or the serious threshold, and recovering, raise one event each time it happens.
 *
 * The counts live in an Int32Array that several workers may share (issue #15): ten one-second
 * buckets of [second, responses, conforming] and the class's current level, so conformance and
 * its events are the same whichever worker served the responses.
 * @module
 */

/** How many seconds conformance looks back. */
export const SLM_WINDOW_S = 10
/** Int32s per class: the buckets, then the level. */
export const SLM_INTS = SLM_WINDOW_S * 3 + 2
const LEVEL = SLM_WINDOW_S * 3

const OK = 0
const WARN = 1
const SERIOUS = 2

/** A `service_level_monitors/<name>` object as the data plane uses it. */
export interface ServiceLevelSettings {
  readonly name: string
  readonly responseTimeMs: number
  readonly warningThreshold: number
  readonly seriousThreshold: number
}

/** What the classes raise events with (the App's event log). */
export type ServiceLevelEvents = (e: { severity: 'info' | 'warn' | 'serious'; category: string; name: string; objects: Record<string, string>; message: string }) => void

/** Where a class's counts live: its own array, or its place in memory workers share. */
export interface ServiceLevelMemory {
  readonly buffer: SharedArrayBuffer
  /** The class's slot (its counts start at slot × SLM_INTS), the same in every worker. */
  slotFor(name: string): number | undefined
}

export class ServiceLevelClass {
  readonly settings: ServiceLevelSettings
  readonly #ints: Int32Array
  readonly #base: number
  readonly #events: ServiceLevelEvents
  /** Responses and conforming ones this worker recorded since the class began (statistics). */
  responses = 0
  conformingResponses = 0

  constructor(settings: ServiceLevelSettings, events: ServiceLevelEvents, memory: ServiceLevelMemory | null) {
    this.settings = settings
    this.#events = events
    const slot = memory?.slotFor(settings.name)
    if (memory === null || slot === undefined) {
      this.#ints = new Int32Array(SLM_INTS)
      this.#base = 0
    } else {
      this.#ints = new Int32Array(memory.buffer)
      this.#base = slot * SLM_INTS
    }
  }

  /** One response of this class that started `ms` after its request arrived. */
  record(ms: number, nowWallMs: number): void {
    const isConforming = ms <= this.settings.responseTimeMs
    this.responses++
    if (isConforming) this.conformingResponses++
    const second = Math.floor(nowWallMs / 1000)
    const at = this.#base + (second % SLM_WINDOW_S) * 3
    const ints = this.#ints
    const was = Atomics.load(ints, at)
    // The bucket held an older second: the first to notice starts it afresh.
    if (was !== second && Atomics.compareExchange(ints, at, was, second) === was) {
      Atomics.store(ints, at + 1, 0)
      Atomics.store(ints, at + 2, 0)
    }
    Atomics.add(ints, at + 1, 1)
    if (isConforming) Atomics.add(ints, at + 2, 1)
    this.check(nowWallMs)
  }

  /** Conforming responses over the window, in percent (100 when there were none). */
  conforming(nowWallMs: number): number {
    const second = Math.floor(nowWallMs / 1000)
    let total = 0
    let good = 0
    for (let i = 0; i < SLM_WINDOW_S; i++) {
      const at = this.#base + i * 3
      const s = Atomics.load(this.#ints, at)
      if (s <= second - SLM_WINDOW_S || s > second) continue
      total += Atomics.load(this.#ints, at + 1)
      good += Atomics.load(this.#ints, at + 2)
    }
    return total === 0 ? 100 : Math.floor((good * 100) / total)
  }

  /** True while conformance is above the warning threshold. */
  isOK(nowWallMs: number): boolean {
    return this.conforming(nowWallMs) > this.settings.warningThreshold
  }

  /** True while the class is below a threshold (its state is re-checked as time passes). */
  get isDegraded(): boolean {
    return Atomics.load(this.#ints, this.#base + LEVEL) !== OK
  }

  /**
   * Moves the class to the level its conformance says, raising the events of the move once: the
   * worker whose compare-and-swap moves it raises them, the others see the move done.
   */
  check(nowWallMs: number): void {
    const pct = this.conforming(nowWallMs)
    const s = this.settings
    const next = pct < s.seriousThreshold ? SERIOUS : pct < s.warningThreshold ? WARN : OK
    const at = this.#base + LEVEL
    const was = Atomics.load(this.#ints, at)
    if (was === next || Atomics.compareExchange(this.#ints, at, was, next) !== was) return
    const objects = { service_level_monitor: s.name }
    const raise = (severity: 'info' | 'warn' | 'serious', name: string, what: string) => {
      this.#events({ severity, category: 'slm', name, objects, message: `service level monitor ${s.name}: ${String(pct)}% of responses conforming (within ${String(s.responseTimeMs)} ms) ${what}` })
    }
    if (was < WARN && next >= WARN) raise('warn', 'slmfallenbelowwarn', `is below the warning threshold of ${String(s.warningThreshold)}%`)
    if (was < SERIOUS && next === SERIOUS) raise('serious', 'slmfallenbelowserious', `is below the serious threshold of ${String(s.seriousThreshold)}%`)
    if (was === SERIOUS && next < SERIOUS) raise('info', 'slmrecoveredserious', `is back above the serious threshold of ${String(s.seriousThreshold)}%`)
    if (was >= WARN && next === OK) raise('info', 'slmrecoveredwarn', `is back above the warning threshold of ${String(s.warningThreshold)}%`)
  }
}

/** How often a degraded class is looked at again, so it recovers as old responses age out. */
const RECHECK_MS = 1000

/** Every class by name, kept across reloads while its settings stay. */
export class ServiceLevelStore {
  readonly #classes = new Map<string, ServiceLevelClass>()
  readonly #events: ServiceLevelEvents
  readonly #memory: ServiceLevelMemory | null
  #timer: NodeJS.Timeout | null = null

  constructor(events: ServiceLevelEvents, memory: ServiceLevelMemory | null = null) {
    this.#events = events
    this.#memory = memory
  }

  get(name: string): ServiceLevelClass | undefined {
    return this.#classes.get(name)
  }

  entries(): IterableIterator<[string, ServiceLevelClass]> {
    return this.#classes.entries()
  }

  /** One response of class `name` (when it exists). */
  record(name: string, ms: number): void {
    const cls = this.#classes.get(name)
    if (cls === undefined) return
    cls.record(ms, Date.now())
    if (cls.isDegraded && this.#timer === null) this.#recheckLater()
  }

  apply(settings: ReadonlyMap<string, ServiceLevelSettings>): void {
    for (const [name, cls] of this.#classes) {
      const next = settings.get(name)
      if (next !== undefined && JSON.stringify(next) === JSON.stringify(cls.settings)) continue
      this.#classes.delete(name)
    }
    for (const [name, s] of settings) if (!this.#classes.has(name)) this.#classes.set(name, new ServiceLevelClass(s, this.#events, this.#memory))
  }

  /** Stops looking at degraded classes (shutdown). */
  close(): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
  }

  #recheckLater(): void {
    this.#timer = setTimeout(() => {
      this.#timer = null
      let degraded = false
      for (const cls of this.#classes.values()) {
        cls.check(Date.now())
        if (cls.isDegraded) degraded = true
      }
      if (degraded) this.#recheckLater()
    }, RECHECK_MS)
    this.#timer.unref()
  }
}
