/**
 * Bandwidth classes (`bandwidth/<name>`): the bytes Sluice writes for the connections of a class
 * are paced to `maximum` kbit/s, shared by every connection of the class (`machine`, and
 * `cluster` until Sluice runs as a cluster) or given whole to each (`connection`).
 *
 * A gate hands out byte allowances: at once while the class has tokens and nobody waits, then
 * every tick, in equal shares among the writers that wait (fair among connections). A writer
 * that has no allowance holds its chunk and tells its source to pause (backpressure): nothing
 * is buffered beyond the chunk in hand.
 * @module
 */

/** How often waiting writers are served. */
const TICK_MS = 10
/** The most a class saves up while idle: this long at full rate (small, so pacing is smooth). */
const BURST_MS = 20
/** The least burst, so one full-size TCP segment can always go. */
const MIN_BURST_BYTES = 1460

/** Where a gate's tokens come from: its own, or a class's in memory shared by workers. */
export interface TokenSource {
  /** Takes up to `max` bytes of allowance now; how many it got. */
  take(max: number): number
}

/** Bytes per millisecond of `kbitPerSecond`. */
export function bytesPerMs(kbitPerSecond: number): number {
  return (kbitPerSecond * 1000) / 8 / 1000
}

function burstOf(ratePerMs: number): number {
  return Math.max(MIN_BURST_BYTES, ratePerMs * BURST_MS)
}

/** Tokens kept by one thread, timed by its monotonic clock. */
export class LocalTokens implements TokenSource {
  readonly #ratePerMs: number
  readonly #burst: number
  readonly #now: () => number
  #tokens: number
  #lastMs: number

  constructor(kbitPerSecond: number, now: () => number) {
    this.#ratePerMs = bytesPerMs(kbitPerSecond)
    this.#burst = burstOf(this.#ratePerMs)
    this.#now = now
    this.#tokens = this.#burst
    this.#lastMs = now()
  }

  take(max: number): number {
    const now = this.#now()
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#lastMs) * this.#ratePerMs)
    this.#lastMs = now
    const n = Math.min(max, Math.floor(this.#tokens))
    if (n <= 0) return 0
    this.#tokens -= n
    return n
  }
}

/**
 * A class's tokens in shared memory, so every worker draws from one allowance (issue #15). One
 * slot per class: [tokens, last refill (wall-clock ms)] as Float64, and an Int32 spin lock.
 */
export class SharedTokens implements TokenSource {
  readonly #floats: Float64Array
  readonly #locks: Int32Array
  readonly #slot: number
  readonly #ratePerMs: number
  readonly #burst: number

  constructor(buffers: SharedBandwidthBuffers, slot: number, kbitPerSecond: number) {
    this.#floats = new Float64Array(buffers.floats)
    this.#locks = new Int32Array(buffers.locks)
    this.#slot = slot
    this.#ratePerMs = bytesPerMs(kbitPerSecond)
    this.#burst = burstOf(this.#ratePerMs)
  }

  static allocate(slots: number): SharedBandwidthBuffers {
    return { floats: new SharedArrayBuffer(slots * 2 * 8), locks: new SharedArrayBuffer(slots * 4) }
  }

  take(max: number): number {
    const locks = this.#locks
    const slot = this.#slot
    // Held for a few arithmetic operations; a thread ended while holding it cannot happen
    // between these lines in a way that matters for long: the next taker waits a moment.
    for (let spins = 0; Atomics.compareExchange(locks, slot, 0, 1) !== 0; spins++) if (spins > 1_000_000) break
    try {
      const f = slot * 2
      const now = Date.now()
      const last = this.#floats[f + 1] ?? 0
      let tokens = last === 0 ? this.#burst : Math.min(this.#burst, (this.#floats[f] ?? 0) + (now - last) * this.#ratePerMs)
      const n = Math.max(0, Math.min(max, Math.floor(tokens)))
      tokens -= n
      this.#floats[f] = tokens
      this.#floats[f + 1] = now
      return n
    } finally {
      Atomics.store(locks, slot, 0)
    }
  }
}

/** The memory a class's shared tokens live in (made by the primary, handed to every worker). */
export interface SharedBandwidthBuffers {
  readonly floats: SharedArrayBuffer
  readonly locks: SharedArrayBuffer
}

/** A writer waiting for allowance. */
interface Waiting {
  /** Bytes it still needs. */
  need(): number
  /** Gives it `bytes` of allowance; true when it needs no more. */
  grant(bytes: number): boolean
}

/** Hands out a token source's allowance fairly among the writers waiting for it. */
export class BandwidthGate {
  readonly #tokens: TokenSource
  #waiting: Waiting[] = []
  #timer: NodeJS.Timeout | null = null
  /** Bytes let through, for statistics. */
  bytes = 0

  constructor(tokens: TokenSource) {
    this.#tokens = tokens
  }

  /** Allowance now for `max` bytes, unless others are already waiting (no jumping the queue). */
  takeNow(max: number): number {
    if (this.#waiting.length > 0) return 0
    const n = this.#tokens.take(max)
    this.bytes += n
    return n
  }

  wait(w: Waiting): void {
    this.#waiting.push(w)
    this.#timer ??= setTimeout(this.#tick, TICK_MS)
  }

  /** Stops waiting (the connection went). */
  leave(w: Waiting): void {
    const at = this.#waiting.indexOf(w)
    if (at !== -1) this.#waiting.splice(at, 1)
  }

  get waiting(): number {
    return this.#waiting.length
  }

  readonly #tick = (): void => {
    this.#timer = null
    let needed = 0
    for (const w of this.#waiting) needed += w.need()
    let left = this.#tokens.take(needed)
    this.bytes += left
    // Equal shares, again and again, until the allowance is spent or everyone has enough.
    while (left > 0 && this.#waiting.length > 0) {
      const share = Math.max(1, Math.floor(left / this.#waiting.length))
      const still: Waiting[] = []
      for (const w of this.#waiting) {
        if (left <= 0) {
          still.push(w)
          continue
        }
        const give = Math.min(share, w.need(), left)
        left -= give
        if (!w.grant(give)) still.push(w)
      }
      this.#waiting = still
    }
    if (this.#waiting.length > 0) this.#timer = setTimeout(this.#tick, TICK_MS)
  }

  /** Drops every waiter and the timer (the class went, or shutdown). */
  close(): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
    this.#waiting = []
  }
}

/**
 * One direction of one connection paced through a gate: `write` sends what the gate allows and
 * holds the rest, returning false so the caller pauses its source; once the held bytes have gone
 * `resume` is called (unless the destination itself was full: its own drain resumes then).
 */
export class PacedWriter implements Waiting {
  readonly #gate: BandwidthGate
  readonly #write: (chunk: Buffer) => boolean
  readonly #resume: () => void
  #held: Buffer | null = null
  #destinationFull = false
  #onFlushed: (() => void) | null = null

  constructor(gate: BandwidthGate, write: (chunk: Buffer) => boolean, resume: () => void) {
    this.#gate = gate
    this.#write = write
    this.#resume = resume
  }

  /** True while bytes are held for allowance. */
  get isHolding(): boolean {
    return this.#held !== null
  }

  write(chunk: Buffer): boolean {
    if (this.#held !== null) {
      this.#held = Buffer.concat([this.#held, chunk])
      return false
    }
    const now = this.#gate.takeNow(chunk.length)
    if (now === chunk.length) return this.#send(chunk)
    if (now > 0) this.#send(chunk.subarray(0, now))
    this.#held = chunk.subarray(now)
    this.#gate.wait(this)
    return false
  }

  need(): number {
    return this.#held?.length ?? 0
  }

  grant(bytes: number): boolean {
    const held = this.#held
    if (held === null) return true
    const part = held.subarray(0, bytes)
    this.#held = bytes >= held.length ? null : held.subarray(bytes)
    const ok = this.#send(part)
    if (this.#held !== null) return false
    const flushed = this.#onFlushed
    this.#onFlushed = null
    if (flushed !== null) flushed()
    else if (ok) this.#resume()
    return true
  }

  /** Calls `fn` once nothing is held (at once when nothing is). */
  whenFlushed(fn: () => void): void {
    if (this.#held === null) fn()
    else this.#onFlushed = fn
  }

  /** The connection went: stop waiting, drop what is held. */
  cancel(): void {
    this.#gate.leave(this)
    this.#held = null
    this.#onFlushed = null
  }

  #send(chunk: Buffer): boolean {
    const ok = this.#write(chunk)
    this.#destinationFull = !ok
    return ok
  }

  /** The destination was full when last written. */
  get destinationFull(): boolean {
    return this.#destinationFull
  }
}

export type BandwidthSharing = 'connection' | 'machine' | 'cluster'

/** A `bandwidth/<name>` object as the data plane uses it. */
export interface BandwidthSettings {
  readonly name: string
  /** `maximum`, kbit/s. */
  readonly kbitPerSecond: number
  readonly sharing: BandwidthSharing
}

/** Where a worker's class tokens come from when several workers share a class (issue #15). */
export interface BandwidthSharingMemory {
  readonly buffers: SharedBandwidthBuffers
  /** The class's slot in `buffers`, the same in every worker; undefined: count per worker. */
  slotFor(name: string): number | undefined
}

/** One class's runtime state, kept across reloads while its settings stay. */
export class BandwidthClass {
  readonly settings: BandwidthSettings
  /** The one gate of a `machine` (or `cluster`) class; null for `connection`. */
  readonly #shared: BandwidthGate | null
  readonly #now: () => number
  /** Connections paced by this class so far, and bytes let through by gates that are gone. */
  connections = 0
  #bytesOfGone = 0
  readonly #own = new Set<BandwidthGate>()

  constructor(settings: BandwidthSettings, now: () => number, memory: BandwidthSharingMemory | null) {
    this.settings = settings
    this.#now = now
    if (settings.sharing === 'connection') this.#shared = null
    else {
      const slot = memory?.slotFor(settings.name)
      const tokens = memory === null || slot === undefined ? new LocalTokens(settings.kbitPerSecond, now) : new SharedTokens(memory.buffers, slot, settings.kbitPerSecond)
      this.#shared = new BandwidthGate(tokens)
    }
  }

  /** The gate for one more connection: the class's own, or (per connection) a fresh one. */
  gate(): BandwidthGate {
    this.connections++
    if (this.#shared !== null) return this.#shared
    const gate = new BandwidthGate(new LocalTokens(this.settings.kbitPerSecond, this.#now))
    this.#own.add(gate)
    return gate
  }

  /** A per-connection gate is done with. */
  release(gate: BandwidthGate): void {
    if (!this.#own.delete(gate)) return
    this.#bytesOfGone += gate.bytes
    gate.close()
  }

  /** Bytes let through so far. */
  get bytes(): number {
    let n = this.#bytesOfGone + (this.#shared?.bytes ?? 0)
    for (const g of this.#own) n += g.bytes
    return n
  }

  close(): void {
    this.#shared?.close()
    for (const g of this.#own) g.close()
  }
}

/** Every bandwidth class, by name, kept across reloads. */
export class BandwidthStore {
  readonly #classes = new Map<string, BandwidthClass>()
  readonly #now: () => number
  readonly #memory: BandwidthSharingMemory | null
  /** The classes as configured, before a cluster's share is taken. */
  #configured: ReadonlyMap<string, BandwidthSettings> = new Map()
  /** Live members of the cluster (1 alone): a `cluster` class gives each 1/members of its maximum. */
  #members = 1

  constructor(now: () => number, memory: BandwidthSharingMemory | null = null) {
    this.#now = now
    this.#memory = memory
  }

  get(name: string): BandwidthClass | undefined {
    return this.#classes.get(name)
  }

  entries(): IterableIterator<[string, BandwidthClass]> {
    return this.#classes.entries()
  }

  /** Holds exactly these classes: one whose settings stay keeps its state; a changed one starts afresh. */
  apply(configured: ReadonlyMap<string, BandwidthSettings>): void {
    this.#configured = configured
    const settings = new Map<string, BandwidthSettings>()
    for (const [name, s] of configured) settings.set(name, s.sharing === 'cluster' && this.#members > 1 ? { ...s, kbitPerSecond: s.kbitPerSecond / this.#members } : s)
    for (const [name, cls] of this.#classes) {
      const next = settings.get(name)
      if (next !== undefined && next.kbitPerSecond === cls.settings.kbitPerSecond && next.sharing === cls.settings.sharing) continue
      // Not closed: transfers under way keep their gate, which serves them to their end.
      this.#classes.delete(name)
    }
    for (const [name, s] of settings) if (!this.#classes.has(name)) this.#classes.set(name, new BandwidthClass(s, this.#now, this.#memory))
  }

  /** The cluster now has `members` live members (issue #16); 1 when Sluice runs alone. */
  setMembers(members: number): void {
    const n = Math.max(1, Math.floor(members))
    if (n === this.#members) return
    this.#members = n
    this.apply(this.#configured)
  }
}
