/**
 * Clusters of Sluice on a Redis-protocol store (issue #16, docs/cluster.md): one configuration,
 * members and their health, shared persistence, rate classes divided among the members.
 * Nothing here runs when Sluice is started without `--cluster`.
 * @module
 */
export { ClusterMember, redactedUrl } from './cluster-member.ts'
export type { MemberHost, MemberOptions } from './cluster-member.ts'
export { ClusterStore, MEMBER_TTL_S, sharedSecret } from './cluster-store.ts'
export { decodeConfigDoc, docFingerprint, encodeConfigDoc } from './config-doc.ts'
