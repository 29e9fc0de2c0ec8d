export { ListenerSet } from './listener-set.ts'
export type { AcceptHandler, BoundAddress } from './listener-set.ts'
export { OwnedReads, adoptWithOwnedReads, OWNED_READ_BYTES } from './owned-reads.ts'
