/**
 * Per-address counts of service protection classes, shared by every worker (issue #15) so that
 * a connection limit or a connection rate means the same on any number of workers: open
 * connections and the current `rate_timer` window of each (class, client address), in shared
 * memory. One open-addressed table for all classes, guarded by a spin lock: every operation is
 * a handful of reads and writes, so a lock is held for well under a microsecond (a sweep of
 * ended entries, rare, for about a millisecond).
 * @module
 */

/** Entries of the table; when three quarters are used, ended entries are swept. */
export const ADDRESS_TABLE_CAPACITY = 65_536

/** Int32 fields per entry: two hashes of the address, the class id, open connections, rate count. */
const INTS = 5
/** Float64 fields per entry: the rate window's start and length (wall-clock ms). */
const FLOATS = 2
/** Header Int32s: the lock (0 free, else the holder's mark) and the entries in use. */
const HEADER = 2
const LOCK = 0
const USED = 1
/** A lock held this long belongs to a thread that was ended while holding it: it is taken over. */
const STALE_LOCK_MS = 50

/** FNV-1a over the UTF-16 units of `s`, from `seed`; never 0 (0 marks a free entry). */
function hash(s: string, seed: number): number {
  let h = seed
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 16777619)
  }
  return h | 1
}

/** A class's id in the table: the same in every worker without any coordination. */
export function classId(name: string): number {
  return hash(name, 0x9e3779b9)
}

/** The ten largest of `counts`, added up. */
export function sumOfTopTen(counts: Iterable<number>): number {
  const top: number[] = []
  for (const n of counts) {
    if (top.length < 10) {
      top.push(n)
      top.sort((a, b) => a - b)
    } else if (n > (top[0] ?? 0)) {
      top[0] = n
      top.sort((a, b) => a - b)
    }
  }
  let sum = 0
  for (const n of top) sum += n
  return sum
}

export class AddressTable {
  readonly #ints: Int32Array
  readonly #floats: Float64Array
  readonly #capacity: number
  /** What this thread writes in the lock word (any non-zero value of its own). */
  readonly #mark: number

  /** `buffers` from `AddressTable.allocate`, made by the primary and handed to every worker. */
  constructor(buffers: { readonly ints: SharedArrayBuffer; readonly floats: SharedArrayBuffer }, mark: number) {
    this.#ints = new Int32Array(buffers.ints)
    this.#floats = new Float64Array(buffers.floats)
    this.#capacity = (this.#ints.length - HEADER) / INTS
    this.#mark = mark === 0 ? 1 : mark
  }

  static allocate(capacity = ADDRESS_TABLE_CAPACITY): { ints: SharedArrayBuffer; floats: SharedArrayBuffer } {
    return {
      ints: new SharedArrayBuffer((HEADER + capacity * INTS) * Int32Array.BYTES_PER_ELEMENT),
      floats: new SharedArrayBuffer(capacity * FLOATS * Float64Array.BYTES_PER_ELEMENT),
    }
  }

  /** One more open connection of `ip` in class `cls`. */
  opened(cls: number, ip: string): void {
    this.#locked(() => {
      const at = this.#find(cls, ip, true)
      if (at >= 0) this.#ints[at + 3] = (this.#ints[at + 3] ?? 0) + 1
    })
  }

  /** One fewer (never below zero). */
  closed(cls: number, ip: string): void {
    this.#locked(() => {
      const at = this.#find(cls, ip, false)
      if (at >= 0) this.#ints[at + 3] = Math.max(0, (this.#ints[at + 3] ?? 0) - 1)
    })
  }

  /** Open connections of `ip` in class `cls`. */
  open(cls: number, ip: string): number {
    return this.#locked(() => {
      const at = this.#find(cls, ip, false)
      return at < 0 ? 0 : (this.#ints[at + 3] ?? 0)
    })
  }

  /** The open connections of class `cls`'s ten busiest addresses together. */
  busiestTen(cls: number): number {
    return this.#locked(() => {
      const counts: number[] = []
      for (let e = 0; e < this.#capacity; e++) {
        const at = HEADER + e * INTS
        if (this.#ints[at + 2] === cls && (this.#ints[at + 3] ?? 0) > 0) counts.push(this.#ints[at + 3] ?? 0)
      }
      return sumOfTopTen(counts)
    })
  }

  /** Counts one connection (or request) of `ip` and returns its count in the current window. */
  countRate(cls: number, ip: string, nowMs: number, windowMs: number): number {
    return this.#locked(() => {
      const at = this.#find(cls, ip, true)
      if (at < 0) return 1
      const f = ((at - HEADER) / INTS) * FLOATS
      if (nowMs - (this.#floats[f] ?? 0) >= (this.#floats[f + 1] ?? 0)) {
        this.#floats[f] = nowMs
        this.#floats[f + 1] = windowMs
        this.#ints[at + 4] = 0
      }
      const n = (this.#ints[at + 4] ?? 0) + 1
      this.#ints[at + 4] = n
      return n
    })
  }

  /** Sets the open counts of class `cls` to `counts` (after a worker died with its connections). */
  recount(counts: ReadonlyMap<number, ReadonlyMap<string, number>>): void {
    this.#locked(() => {
      for (let e = 0; e < this.#capacity; e++) this.#ints[HEADER + e * INTS + 3] = 0
      for (const [cls, byIp] of counts) {
        for (const [ip, n] of byIp) {
          const at = this.#find(cls, ip, true)
          if (at >= 0) this.#ints[at + 3] = (this.#ints[at + 3] ?? 0) + n
        }
      }
    })
  }

  /**
   * The entry of (cls, ip): its Int32 index, or -1. With `insert`, a missing one is made (-1
   * only when the table is full of live entries: the address is then not counted).
   */
  #find(cls: number, ip: string, insert: boolean): number {
    const a = hash(ip, 0x811c9dc5)
    const b = hash(ip, 0x01000193)
    for (let pass = 0; pass < 2; pass++) {
      const mask = this.#capacity - 1
      let e = (a ^ Math.imul(b, 31) ^ cls) & mask
      for (let probes = 0; probes < this.#capacity; probes++, e = (e + 1) & mask) {
        const at = HEADER + e * INTS
        const ea = this.#ints[at] ?? 0
        if (ea === 0) {
          if (!insert) return -1
          if ((this.#ints[USED] ?? 0) >= (this.#capacity * 3) / 4) break
          this.#ints[at] = a
          this.#ints[at + 1] = b
          this.#ints[at + 2] = cls
          this.#ints[at + 3] = 0
          this.#ints[at + 4] = 0
          const f = e * FLOATS
          this.#floats[f] = 0
          this.#floats[f + 1] = 0
          this.#ints[USED] = (this.#ints[USED] ?? 0) + 1
          return at
        }
        if (ea === a && this.#ints[at + 1] === b && this.#ints[at + 2] === cls) return at
      }
      if (!insert || pass === 1) return -1
      this.#sweep(Date.now())
    }
    return -1
  }

  /** Rebuilds the table with only the live entries (connections open or a window running). */
  #sweep(nowMs: number): void {
    const live: { ints: number[]; floats: number[] }[] = []
    for (let e = 0; e < this.#capacity; e++) {
      const at = HEADER + e * INTS
      if ((this.#ints[at] ?? 0) === 0) continue
      const f = e * FLOATS
      const isOpen = (this.#ints[at + 3] ?? 0) > 0
      const inWindow = nowMs - (this.#floats[f] ?? 0) < (this.#floats[f + 1] ?? 0)
      if (isOpen || inWindow) live.push({ ints: [...this.#ints.subarray(at, at + INTS)], floats: [...this.#floats.subarray(f, f + FLOATS)] })
    }
    this.#ints.fill(0, HEADER)
    this.#floats.fill(0)
    const mask = this.#capacity - 1
    for (const entry of live) {
      const [a = 0, b = 0, cls = 0] = entry.ints
      let e = (a ^ Math.imul(b, 31) ^ cls) & mask
      while ((this.#ints[HEADER + e * INTS] ?? 0) !== 0) e = (e + 1) & mask
      this.#ints.set(entry.ints, HEADER + e * INTS)
      this.#floats.set(entry.floats, e * FLOATS)
    }
    this.#ints[USED] = live.length
  }

  /** Runs `fn` holding the table's lock. */
  #locked<T>(fn: () => T): T {
    const ints = this.#ints
    let since = 0
    for (let spins = 0; Atomics.compareExchange(ints, LOCK, 0, this.#mark) !== 0; spins++) {
      if ((spins & 1023) !== 1023) continue
      // A holder ended in the middle (a worker terminated) never lets go: take it over.
      const now = Date.now()
      if (since === 0) since = now
      else if (now - since > STALE_LOCK_MS) {
        const holder = Atomics.load(ints, LOCK)
        if (holder !== 0 && Atomics.compareExchange(ints, LOCK, holder, this.#mark) === holder) break
      }
    }
    try {
      return fn()
    } finally {
      Atomics.store(ints, LOCK, 0)
    }
  }
}
