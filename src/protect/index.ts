/**
 * Service protection and rate shaping: `protection/<name>` classes (address lists, connection limits, connection
 * rate, HTTP request checks, testing mode) and their runtime state, which outlives snapshots.
 *
 * Use: at accept, `state.opened(ip)` (and `closed(ip)` at close) for every connection of a
 * virtual server with a class, then `connectionVerdict`, `rateVerdict` and `requestVerdict`;
 * a non-null verdict goes to `refuse(reason, ip, now)`, which says whether to refuse.
 * @module
 */
export { buildAddressList } from './address-list.ts'
export type { AddressList } from './address-list.ts'
export { compileHttpChecks, isRfc2396, hasBinary } from './http-checks.ts'
export type { CheckedHead, HttpCheck, HttpCheckSettings } from './http-checks.ts'
export { ProtectionClass } from './protection-class.ts'
export type { ProtectionSettings } from './protection-class.ts'
export { ProtectionState } from './protection-state.ts'
export { ProtectionStore } from './protection-store.ts'
export { REFUSAL_REASONS, REFUSAL_STATUS } from './reasons.ts'
export type { RefusalCounts, RefusalReason } from './reasons.ts'
export { RateStore, RateState, DEFAULT_QUEUE_BOUNDS, rateClassLimits, rateShaper } from './rate-classes.ts'
export { rateLimits } from './rate-bucket.ts'
export type { QueueBounds, RateCounters, RateLimits } from './rate-bucket.ts'
export { AddressTable, ADDRESS_TABLE_CAPACITY, classId } from './address-table.ts'
export { BandwidthClass, BandwidthGate, BandwidthStore, LocalTokens, PacedWriter, SharedTokens, bytesPerMs } from './bandwidth.ts'
export type { BandwidthSettings, BandwidthSharing, BandwidthSharingMemory, SharedBandwidthBuffers, TokenSource } from './bandwidth.ts'
export { ServiceLevelClass, ServiceLevelStore, SLM_INTS, SLM_WINDOW_S } from './service-levels.ts'
export type { ServiceLevelEvents, ServiceLevelMemory, ServiceLevelSettings } from './service-levels.ts'
