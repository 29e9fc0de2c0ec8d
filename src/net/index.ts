export { ListenerSet } from './listener-set.ts'
export type { AcceptHandler, BoundAddress } from './listener-set.ts'
export { OwnedReads, adoptWithOwnedReads } from './owned-reads.ts'
