/**
 * data.* and data.local.*: a shared key/value store with a size limit, plus `MemoryDataStore`,
 * the in-process implementation.
 * @module
 */
import type { DataStore } from '../host.ts'
import type { LibraryModule } from '../registry.ts'
import type { Value } from '../value.ts'
import { TsDouble, copyValue, formatDouble, isCompound } from '../value.ts'
import { arg, b, str } from './args.ts'

function sizeOf(v: Value): number {
  if (typeof v === 'string') return v.length + 16
  if (typeof v === 'number' || v instanceof TsDouble) return 16
  let n = 32
  if (Array.isArray(v)) for (const x of v) n += sizeOf(x)
  else for (const [k, x] of v) n += k.length + sizeOf(x)
  return n
}

/** Doubles are stored as strings, as the original does (precision loss is documented). */
function storable(v: Value): Value {
  if (v instanceof TsDouble) return formatDouble(v.d)
  if (Array.isArray(v)) return v.map(storable)
  if (v instanceof Map) {
    const h = new Map<string, Value>()
    for (const [k, x] of v) h.set(k, storable(x))
    return h
  }
  return v
}

/** In-process `DataStore` bounded by `maxBytes` (an estimate of key and value sizes). */
export class MemoryDataStore implements DataStore {
  readonly #entries = new Map<string, { value: Value; bytes: number }>()
  readonly #maxBytes: number
  #used = 0

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes
  }

  get(key: string): Value | undefined {
    const e = this.#entries.get(key)
    return e === undefined ? undefined : copyValue(e.value)
  }

  set(key: string, value: Value): boolean {
    const v = storable(value)
    const bytes = key.length + sizeOf(v)
    const old = this.#entries.get(key)
    const delta = bytes - (old?.bytes ?? 0)
    if (this.#used + delta > this.#maxBytes) return false
    this.#entries.set(key, { value: isCompound(v) ? copyValue(v) : v, bytes })
    this.#used += delta
    return true
  }

  remove(key: string): boolean {
    const e = this.#entries.get(key)
    if (e === undefined) return false
    this.#entries.delete(key)
    this.#used -= e.bytes
    return true
  }

  reset(prefix: string): void {
    for (const k of [...this.#entries.keys()]) if (k.startsWith(prefix)) this.remove(k)
  }

  usedBytes(): number {
    return this.#used
  }

  freeBytes(): number {
    return Math.max(0, this.#maxBytes - this.#used)
  }
}

/**
 * data.* and data.local.* share one store (one process serves all) under disjoint key prefixes,
 * so that `data.reset()` never clears `data.local.*` and the other way round.
 */
const SHARED = '\0data\0'
const LOCAL = '\0local\0'

function family(prefix: string, keyPrefix: string): LibraryModule['functions'] {
  return {
    [`${prefix}.set`]: { min: 2, max: 2, fn: (s, a) => b(s.services.data.set(keyPrefix + str(a, 0), arg(a, 1))) },
    [`${prefix}.get`]: { min: 1, max: 1, fn: (s, a) => s.services.data.get(keyPrefix + str(a, 0)) ?? '' },
    [`${prefix}.remove`]: { min: 1, max: 1, fn: (s, a) => b(s.services.data.remove(keyPrefix + str(a, 0))) },
    [`${prefix}.reset`]: {
      min: 0, max: 1,
      fn: (s, a) => {
        s.services.data.reset(keyPrefix + str(a, 0))
        return ''
      },
    },
    [`${prefix}.getMemoryUsage`]: { min: 0, max: 0, fn: (s) => s.services.data.usedBytes() },
    [`${prefix}.getMemoryFree`]: { min: 0, max: 0, fn: (s) => s.services.data.freeBytes() },
  }
}

export const dataModule: LibraryModule = {
  functions: {
    ...family('data', SHARED),
    ...family('data.local', LOCAL),
  },
}

