/**
 * The messages between the primary and its data-plane workers (issue #15). Everything here
 * crosses a thread boundary by structured clone: plain data only.
 * @module
 */
import type { ValidConfig } from '../config/index.ts'
import type { EventInput } from '../events/index.ts'
import type { StatsCapture } from '../stats/index.ts'
import type { DataChange } from './shared-data-store.ts'
import type { RateOp } from './remote-rates.ts'

/** Given to a worker when it starts (`workerData`). */
export interface WorkerStart {
  /** 1, 2, ... (the primary is worker 0). */
  readonly index: number
  /** The per-node transaction counts every worker adds to. */
  readonly nodeCounts: SharedArrayBuffer
  /** This worker's part of them (the primary takes it out if the worker dies). */
  readonly ownCounts: SharedArrayBuffer
  /** The transparent persistence cookies' key. */
  readonly persistenceSecret: Uint8Array
  /** The key generations' session cookies are signed with (kept over restarts). */
  readonly generationSecret: Uint8Array
  /** Every session mapping the primary holds (persistence and generations): [table, key, node, idle ms]. */
  readonly sessions: readonly (readonly [string, string, string, number])[]
  /** Service protection's per-address counts (`AddressTable.allocate`). */
  readonly addressTable: { readonly ints: SharedArrayBuffer; readonly floats: SharedArrayBuffer }
  /** Bandwidth classes' shared allowances (`SharedTokens.allocate`). */
  readonly bandwidth: { readonly floats: SharedArrayBuffer; readonly locks: SharedArrayBuffer }
  /** Service level monitors' counts and levels (a place per class, see slmSlot). */
  readonly serviceLevels: SharedArrayBuffer
  /** How often the worker says it is alive (ms). */
  readonly heartbeatMs: number
  /** Time a client gets to close a connection Sluice has ended (ms), as in the primary. */
  readonly closeLingerMs: number
}

/** Node health, sessions and `data.*` changes: news one worker tells all the others. */
export type SharedNews =
  | { readonly t: 'health'; readonly pool: string; readonly node: string; readonly isAlive: boolean; readonly reason: string }
  | { readonly t: 'passive'; readonly pool: string; readonly node: string; readonly isFailed: boolean; readonly forMs: number }
  | { readonly t: 'session'; readonly cls: string; readonly key: string; readonly node: string | null }
  | { readonly t: 'data'; readonly change: DataChange }
  /** A web cache entry stored (its monotonic times made relative to the sender's now: see cache-wire.ts). */
  | { readonly t: 'cache'; readonly owner: string; readonly key: string; readonly entry: Record<string, unknown> }
  | { readonly t: 'cache-invalidate'; readonly key: string }
  /** A TLS session stored in the session-ID cache of `scope` (id in hex). */
  | { readonly t: 'tls-session'; readonly scope: string; readonly id: string; readonly data: Uint8Array }

/** From the primary to a worker. */
export type ToWorker =
  | {
      readonly t: 'apply'
      readonly id: number
      readonly config: ValidConfig
      /** Where each (pool, node) counts (`NodeSlots.placements`). */
      readonly placements: readonly (readonly [string, number])[]
      /** The ports the primary's port-0 listeners got, by listener key. */
      readonly ports: readonly (readonly [string, number])[]
    }
  | { readonly t: 'statistics'; readonly id: number }
  /** Asks for the worker's own open connections per protection class and address. */
  | { readonly t: 'address-counts'; readonly id: number }
  /** The primary's answer to a `rate` question: the number, or why the rule is abandoned. */
  | { readonly t: 'rate'; readonly id: number; readonly value: number; readonly error: string | null }
  | { readonly t: 'stop'; readonly drainMs: number }
  /** The cluster has this many live members (rate and bandwidth classes divide by it). */
  | { readonly t: 'cluster-members'; readonly live: number }
  /** Purge the web cache as the primary's was (each worker keeps its own cache). */
  | { readonly t: 'purge'; readonly id: number; readonly virtualServer: string | null; readonly key: string; readonly isPrefix: boolean }
  | SharedNews

/** From a worker to the primary. */
export type FromWorker =
  | { readonly t: 'applied'; readonly id: number; readonly error: string | null }
  | { readonly t: 'statistics'; readonly id: number; readonly capture: StatsCapture; readonly accepted: number }
  | { readonly t: 'purged'; readonly id: number; readonly count: number }
  | { readonly t: 'address-counts'; readonly id: number; readonly counts: Map<number, Map<string, number>> }
  | { readonly t: 'beat' }
  /** A rule's `rate.*` call: the primary keeps the classes for all workers. */
  | { readonly t: 'rate'; readonly id: number; readonly op: RateOp; readonly cls: string; readonly key: string }
  | { readonly t: 'event'; readonly input: EventInput }
  | { readonly t: 'log'; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly message: string }
  | { readonly t: 'stopped' }
  | SharedNews

/** One worker as the primary reports it (the API's `status/local_tm/workers`). */
export interface WorkerInfo {
  readonly index: number
  readonly threadId: number
  readonly accepted: number
  readonly restarts: number
}
