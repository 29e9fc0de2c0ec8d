/**
 * The cluster's shared store: a Redis-protocol server (redis-server, Valkey) reached with
 * ioredis. Keys live under one prefix (`sluice:` by default):
 *
 *   config:version, config:doc   the configuration, written together by a compare-and-set script
 *   config (channel)             the version just written
 *   member:<name>                each member's heartbeat (JSON, expires after MEMBER_TTL_S)
 *   members                      every member ever seen (a set, for the cluster view)
 *   stats:<name>                 each member's statistics (JSON, expires)
 *   sessions (channel)           persistence mappings made by a member, in batches
 *   session:<class>:<key>        each mapping (expires), for members that start later
 *
 * Commands fail at once while the server is unreachable (no offline queue): a member never
 * waits on the store to serve traffic.
 * @module
 */
import { Redis } from 'ioredis'

/**
 * The cluster's secret named `name` (32 bytes): made by the first member that asks, the same
 * for every member after. Null when the store cannot be reached within `timeoutMs`.
 */
export async function sharedSecret(url: string, name: string, candidate: Buffer, timeoutMs = 2000, prefix = 'sluice:'): Promise<Buffer | null> {
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null })
  redis.on('error', () => undefined)
  try {
    await redis.connect()
    const key = `${prefix}secret:${name}`
    await redis.set(key, candidate.toString('hex'), 'NX')
    const hex = await redis.get(key)
    return hex !== null && /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : null
  } catch {
    return null
  } finally {
    redis.disconnect()
  }
}

/** Seconds a member's heartbeat lives without being renewed. */
export const MEMBER_TTL_S = 5

/** Writes `doc` as version ARGV[2] if the stored version is still ARGV[1]; returns the version now stored. */
const COMPARE_AND_SET = `
local now = tonumber(redis.call('GET', KEYS[1]) or '0')
if now ~= tonumber(ARGV[1]) then return now end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[3])
redis.call('PUBLISH', KEYS[3], ARGV[2])
return tonumber(ARGV[2])
`

export interface StoredConfig {
  readonly version: number
  readonly doc: string
}

export interface StoreEvents {
  /** The store became reachable (first time, or again). */
  up(): void
  /** The store became unreachable. */
  down(reason: string): void
  /** Another member wrote configuration `version`. */
  configChanged(version: number): void
  /** A batch of persistence mappings from another member: [class, key, node or null][]. */
  sessions(from: string, batch: readonly (readonly [string, string, string | null])[]): void
}

export class ClusterStore {
  readonly #redis: Redis
  readonly #sub: Redis
  readonly #prefix: string
  #isUp = false

  constructor(url: string, events: StoreEvents, prefix = 'sluice:') {
    this.#prefix = prefix
    const options = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      // Reconnect for ever, at most every second: the members keep serving meanwhile.
      retryStrategy: (times: number) => Math.min(1000, 100 * times),
    }
    this.#redis = new Redis(url, options)
    this.#sub = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null })
    this.#redis.on('ready', () => {
      if (this.#isUp) return
      this.#isUp = true
      events.up()
    })
    const lost = (reason: string) => {
      if (!this.#isUp) return
      this.#isUp = false
      events.down(reason)
    }
    this.#redis.on('close', () => {
      lost('the connection closed')
    })
    // ioredis reports failed attempts as errors; the state change above is what matters.
    this.#redis.on('error', (e: Error) => {
      lost(e.message)
    })
    this.#sub.on('error', () => undefined)
    this.#sub.on('message', (channel: string, message: string) => {
      if (channel === `${prefix}config`) events.configChanged(Number(message))
      else if (channel === `${prefix}sessions`) {
        try {
          const parsed = JSON.parse(message) as { from: string; batch: [string, string, string | null][] }
          events.sessions(parsed.from, parsed.batch)
        } catch {
          // A message that is not ours is ignored.
        }
      }
    })
  }

  get isUp(): boolean {
    return this.#isUp
  }

  /** Starts connecting (and reconnecting); resolves once the first attempt has ended either way. */
  async connect(): Promise<void> {
    await Promise.allSettled([this.#redis.connect(), this.#sub.connect().then(() => this.#sub.subscribe(`${this.#prefix}config`, `${this.#prefix}sessions`))])
  }

  async close(): Promise<void> {
    this.#isUp = false
    this.#redis.disconnect()
    this.#sub.disconnect()
    await Promise.resolve()
  }

  async readConfig(): Promise<StoredConfig | null> {
    const [version, doc] = await this.#redis.mget(`${this.#prefix}config:version`, `${this.#prefix}config:doc`)
    if (version == null || doc == null) return null
    return { version: Number(version), doc }
  }

  /** Stores `doc` as version `expected + 1` unless another member stored a version since; the version stored now. */
  async compareAndSet(expected: number, doc: string): Promise<{ readonly ok: boolean; readonly version: number }> {
    const p = this.#prefix
    const now = Number(await this.#redis.eval(COMPARE_AND_SET, 3, `${p}config:version`, `${p}config:doc`, `${p}config`, String(expected), String(expected + 1), doc))
    return { ok: now === expected + 1, version: now }
  }

  async heartbeat(name: string, info: Record<string, unknown>): Promise<void> {
    await this.#redis.multi().set(`${this.#prefix}member:${name}`, JSON.stringify(info), 'EX', MEMBER_TTL_S).sadd(`${this.#prefix}members`, name).exec()
  }

  /** Every member ever seen, with its heartbeat (null once it has expired: the member is gone). */
  async members(): Promise<Map<string, Record<string, unknown> | null>> {
    const names = (await this.#redis.smembers(`${this.#prefix}members`)).sort()
    const out = new Map<string, Record<string, unknown> | null>()
    if (names.length === 0) return out
    const beats = await this.#redis.mget(...names.map((n) => `${this.#prefix}member:${n}`))
    names.forEach((n, i) => {
      const b = beats[i]
      out.set(n, b == null ? null : (JSON.parse(b) as Record<string, unknown>))
    })
    return out
  }

  /** Forgets a member that is gone (its heartbeat expired) from the cluster view. */
  async forget(name: string): Promise<void> {
    await this.#redis.srem(`${this.#prefix}members`, name)
  }

  async putStatistics(name: string, capture: unknown, ttlS: number): Promise<void> {
    await this.#redis.set(`${this.#prefix}stats:${name}`, JSON.stringify(capture), 'EX', ttlS)
  }

  async statistics(names: readonly string[]): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>()
    if (names.length === 0) return out
    const all = await this.#redis.mget(...names.map((n) => `${this.#prefix}stats:${n}`))
    names.forEach((n, i) => {
      const s = all[i]
      if (s != null) out.set(n, JSON.parse(s))
    })
    return out
  }

  /** Publishes a batch of mappings and stores each (expiring after `ttlS`, or kept when 0) for later members. */
  async publishSessions(from: string, batch: readonly (readonly [string, string, string | null])[], ttlS: number): Promise<void> {
    const m = this.#redis.multi()
    for (const [cls, key, node] of batch) {
      const k = `${this.#prefix}session:${encodeURIComponent(cls)}:${key}`
      if (node === null) m.del(k)
      else if (ttlS > 0) m.set(k, node, 'EX', ttlS)
      else m.set(k, node)
    }
    m.publish(`${this.#prefix}sessions`, JSON.stringify({ from, batch }))
    await m.exec()
  }

  /** Every stored mapping: [class, key, node]. At most `limit` are read. */
  async storedSessions(limit: number): Promise<[string, string, string][]> {
    const out: [string, string, string][] = []
    const prefix = `${this.#prefix}session:`
    let cursor = '0'
    do {
      const [next, keys] = await this.#redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
      cursor = next
      if (keys.length === 0) continue
      const nodes = await this.#redis.mget(...keys)
      keys.forEach((k, i) => {
        const node = nodes[i]
        const rest = k.slice(prefix.length)
        const colon = rest.indexOf(':')
        if (node != null && colon > 0) out.push([decodeURIComponent(rest.slice(0, colon)), rest.slice(colon + 1), node])
      })
    } while (cursor !== '0' && out.length < limit)
    return out
  }
}
