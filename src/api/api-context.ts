/**
 * What the API handlers share: the running process (seen through a narrow interface, so the
 * API never reaches into the data plane), the editor, the audit log and the clock.
 * @module
 */
import type { ValidConfig, Diagnostic } from '../config/index.ts'
import type { Clock, Logger } from '../core/index.ts'
import type { EventInput, SluiceEvent } from '../events/index.ts'
import type { BandwidthCountersView, ServiceLevelCountersView, ClassesView, ProtectionCountersView, RateCountersView, StatsCapture, StatsPoolView, StatsRegistry } from '../stats/index.ts'
import type { WebCache } from '../cache/index.ts'
import type { AuditLog } from './audit-log.ts'
import type { Principal } from './auth.ts'
import type { ConfigEditor } from './config-editor.ts'

/** One data-plane worker as `status/local_tm/workers` shows it. */
export interface WorkerInfo {
  /** 0 is the primary (which also runs the API, the monitors and the actions). */
  readonly index: number
  readonly threadId: number
  /** Connections it has accepted since it started. */
  readonly accepted: number
  /** Times it was replaced after dying or hanging (0 for the primary). */
  readonly restarts: number
}

/** The other data-plane workers, as the API reads and drives them. */
export interface WorkersView {
  /** Each other worker's statistics, fresh (added to the primary's own). */
  statistics(): Promise<readonly StatsCapture[]>
  /** The workers besides the primary. */
  list(): Promise<readonly WorkerInfo[]>
  /** Ends worker `index` at once (its connections are lost) and starts another; false if none. */
  restart(index: number): boolean
  /** Purges every other worker's web cache as the primary's was; how many entries went. */
  purgeCaches(virtualServer: string | null, key: string, isPrefix: boolean): Promise<number>
}

/** One generation as `status/local_tm/generations` shows it (issue #19). */
export interface GenerationRowStatus {
  readonly name: string
  readonly pool: string
  readonly state: string
  /** Live sessions that began on it (as the primary knows them). */
  readonly sessions: number
  /** This process's counts: requests, errors, timeMs, recent (requests in the last 10 s). */
  readonly numbers: Record<string, number>
}

/** A virtual server's generations, as the primary sees them. */
export interface ApplicationStatus {
  readonly virtualServer: string
  readonly current: string
  readonly previous: string
  readonly canaryPercent: number
  readonly generations: readonly GenerationRowStatus[]
}

/** This member's view of its cluster (issue #16); absent when Sluice runs alone. */
export interface ClusterView {
  /** Members, their versions, configuration versions and health, and the shared store's state. */
  status(): Promise<Record<string, unknown>>
  /** Why configuration changes are refused now (the shared store is unreachable), or null. */
  refusal(): string | null
  /** What is wrong with this member's part in the cluster, for `status/local_tm/state`. */
  problems(): readonly string[]
  /** Every other live member's statistics (its workers summed), for the cluster-wide sums. */
  memberStatistics(): Promise<readonly { readonly member: string; readonly capture: StatsCapture }[]>
  /** This member's name. */
  readonly memberName: string
}

/** The parts of the App the API reads and drives. */
export interface ApiApp {
  readonly snapshot: {
    readonly config: ValidConfig
    readonly pools: ReadonlyMap<string, StatsPoolView>
  } | null
  readonly stats: StatsRegistry
  /** The web cache's store; absent where there is none (tests of the API alone). */
  readonly webCache?: WebCache
  /** Service protection and rate classes (statistics); absent in API tests without an App. */
  readonly protection?: ClassesView<ProtectionCountersView>
  readonly rates?: ClassesView<RateCountersView>
  readonly bandwidth?: ClassesView<BandwidthCountersView>
  readonly serviceLevels?: ClassesView<ServiceLevelCountersView>
  /** With several workers: the other workers, seen from the primary (absent with one). */
  readonly workers?: WorkersView | undefined
  readonly events: { list(afterId?: number): readonly SluiceEvent[]; emit(input: EventInput): void }
  /** Every virtual server with generations; absent in API tests without an App. */
  generationStatus?(): readonly ApplicationStatus[]
  apply(config: ValidConfig): Promise<{ ok: true } | { ok: false; error: Diagnostic[] }>
}

export interface ApiContext {
  readonly app: ApiApp
  readonly editor: ConfigEditor
  readonly audit: AuditLog
  readonly clock: Clock
  readonly logger: Logger
  /** Configuration changes are refused (the built-in quick-start configuration). */
  readonly isReadOnly: boolean
  /** The cluster this Sluice is a member of; absent when it runs alone. */
  readonly cluster?: ClusterView | undefined
}

/** One request as the handlers see it. */
export interface ApiRequest {
  readonly method: string
  /** Path segments after `/api/tm/<version>/`, URL-decoded. */
  readonly segments: readonly string[]
  readonly query: URLSearchParams
  readonly principal: Principal
  readonly contentType: string
  readonly body: () => Promise<Buffer | undefined>
}

/** The API versions accepted in URLs; all behave the same (vTM 8.3's object model). */
export const API_VERSIONS: readonly string[] = ['7.0', '8.0', '8.1', '8.2', '8.3']

/** `{"children": [...]}` with hrefs under `base`. */
export function children(base: string, names: Iterable<string>): { children: { name: string; href: string }[] } {
  return { children: [...names].map((name) => ({ name, href: `${base}${encodeURIComponent(name)}` })) }
}
