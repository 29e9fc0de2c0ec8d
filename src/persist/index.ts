/**
 * Session persistence: `persistence/<name>` classes (`ip`, `universal`, `named`), their session
 * tables (outside snapshots, bounded, with expiry) and the per-transaction node choice.
 *
 * Use: `const s = snapshot.persistence.open(pool, clientIp, decision)`; when `s` is not null,
 * pick with `s.choose(pool, tried)` instead of `pool.choose(tried)`, act on a
 * `PersistenceFailure`, and call `s.record(node)` once the node has accepted the transaction.
 * @module
 */
export { SessionTable } from './session-table.ts'
export { PersistenceStore } from './persistence-store.ts'
export type { SessionSharing, TableLimits } from './persistence-store.ts'
export { PersistenceClass } from './persistence-class.ts'
export type { FailureMode, PersistenceClassSettings } from './persistence-class.ts'
export { PersistenceSession, isPersistenceFailure } from './persistence-session.ts'
export type { PersistenceFailure, PersistentChoice } from './persistence-session.ts'
export { PersistenceClasses, NO_PERSISTENCE } from './persistence-classes.ts'
export type { PersistenceChoice } from './persistence-classes.ts'
export { PERSISTENCE_TYPES } from './types.ts'
export type { PersistenceInput, PersistenceRequest, PersistenceType, PersistenceTypeSettings } from './persistence-type.ts'
export { ipv4Subnet, ipv6Subnet } from './ip-type.ts'
export { transparentCookieName } from './transparent-type.ts'
export { cookieValue, setCookiePair, deletesCookie } from './cookies.ts'
