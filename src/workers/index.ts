/**
 * Data-plane workers (issue #15): the primary's WorkerGroup, the messages it exchanges with its
 * worker threads (src/worker-thread.ts), and the shared `data.*` store. See docs/workers.md.
 * @module
 */
export { WorkerGroup } from './worker-group.ts'
export type { PrimaryHost, WorkerConfig, WorkerGroupOptions } from './worker-group.ts'
export type { FromWorker, SharedNews, ToWorker, WorkerInfo, WorkerStart } from './protocol.ts'
export { SharedDataStore } from './shared-data-store.ts'
export type { DataChange } from './shared-data-store.ts'
export { RemoteRates } from './remote-rates.ts'
export type { RateOp } from './remote-rates.ts'
export { cacheEntryFromWire, cacheEntryToWire } from './cache-wire.ts'
