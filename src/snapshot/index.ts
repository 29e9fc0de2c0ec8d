export { buildSnapshot } from './build.ts'
export type { BuildDeps } from './build.ts'
export type { Snapshot, VirtualServerEntry, ListenAddress } from './snapshot.ts'
