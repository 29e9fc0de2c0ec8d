/**
 * Builds a Snapshot from a validated configuration: pools with their runtime status, HTTP
 * settings per virtual server, compiled request-log formats and error pages. Anything that can
 * still be wrong (a log format, a missing error file) is reported, all at once, before anything
 * is applied.
 * @module
 */
import type { Clock, Random } from '../core/index.ts'
import { err, ok, type Result } from '../core/index.ts'
import type { Diagnostic, ValidConfig, VirtualServerProperties } from '../config/index.ts'
import { buildHttp2Settings } from './http2-settings.ts'
import { NO_RULES, type PhaseRules as HttpRules } from '../rules/index.ts'
import { buildErrorResponses } from './error-pages.ts'
import { compileHttpPhases } from './http-phases.ts'
import { compileCompression } from './compression-settings.ts'
import { DEFAULT_HEAD_LIMITS, type HttpService, type TransactionRecord } from './http-service.ts'
import { Pool, PoolNode, type StatusRegistry } from '../pool/index.ts'
import { actionPathProblems, type EventSink } from '../events/index.ts'
import { PersistenceStore, type PersistenceClasses } from '../persist/index.ts'
import { compileLogFormat, formatJsonRecord } from '../stats/index.ts'
import type { RequestLogRegistry, RequestLogWriter, StatsRegistry } from '../stats/index.ts'
import type { StreamRouter } from './stream-service.ts'
import { TlsRuntime, type NodeTlsSettings } from '../tls/index.ts'
import { buildNodeTls } from './node-tls-settings.ts'
import { buildHealthPlan } from './health-plan.ts'
import { logFilePath, logPathProblem } from './log-path.ts'
import { createRuleServices, type RuleHost } from './rule-services.ts'
import { bindRules, compileRules } from './rules.ts'
import { buildXmlCatalog } from './xml-catalog.ts'
import type { RateShaper, RuleServices } from '../rules/index.ts'
import { poolSettings } from './pool-settings.ts'
import { buildPersistence } from './persistence-settings.ts'
import { buildGenerationPlan, type GenerationContext } from './generation-settings.ts'
import { isIP } from 'node:net'
import { GenerationStore, generationTableName } from '../generations/index.ts'
import { engineFor, streamService, udpService } from './stream-settings.ts'
import { TlsCatalog, buildTlsTerminator } from './tls-settings.ts'
import type { ListenAddress, Snapshot, VirtualServerEntry } from './snapshot.ts'
import { LoggedTransaction } from './transaction-log.ts'
import { WebCache } from '../cache/index.ts'
import { webCacheLimits, webCacheService } from './web-cache-settings.ts'
import { buildProtection } from './protection-settings.ts'
import { BandwidthStore, ProtectionStore, RateStore, ServiceLevelStore, rateClassLimits, rateShaper, type BandwidthSettings, type ProtectionClass, type ServiceLevelSettings } from '../protect/index.ts'
import { bandwidthService, bandwidthSettings, serviceLevelSettings, serviceLevels } from './traffic-class-settings.ts'
import { getObjects } from '../config/index.ts'

export interface BuildDeps {
  readonly clock: Clock
  readonly random: Random
  readonly statuses: StatusRegistry
  /** Null for a dry run (`sluice check`): nothing is opened. */
  readonly logs: RequestLogRegistry | null
  readonly events: EventSink
  /** Counters live outside snapshots; null for a dry run. */
  readonly stats: StatsRegistry | null
  /** TLS session caches and ticket keys (outlive snapshots); a throwaway one when absent. */
  readonly tls?: TlsRuntime
  /**
   * Per virtual server name, the router that picks a pool for generic TCP transactions (SNI
   * routing for `ssl` pass-through). Until rules run on stream virtual servers this is how SNI
   * routing is configured.
   */
  readonly streamRouters?: ReadonlyMap<string, StreamRouter>
  /** Process-wide services for TrafficScript rules; absent for a dry run (rules are still compiled). */
  readonly ruleHost?: RuleHost
  /**
   * Receives every warning (keys that have no effect yet, deprecated rule functions, likely typos),
   * whether or not the build succeeds; warnings never block a configuration.
   */
  readonly onWarning?: (warning: Diagnostic) => void
  /** Session persistence tables (outlive snapshots); a throwaway store when absent. */
  readonly persistence?: PersistenceStore
  /** The web cache's store (outlives snapshots); a throwaway one when absent. */
  readonly webCache?: WebCache
  /** Service protection counts and counters (outlive snapshots); a throwaway store when absent. */
  readonly protection?: ProtectionStore
  /** Bandwidth classes' state (outlives snapshots); a throwaway store when absent. */
  readonly bandwidth?: BandwidthStore
  /** Service level monitors' counts and levels (outlive snapshots); a throwaway store when absent. */
  readonly slm?: ServiceLevelStore
  /** Rate classes' queues, buckets and counters (outlive snapshots); a throwaway store when absent. */
  readonly rates?: RateStore
  /** Generations' cookie key and counters (outlive snapshots); a throwaway store when absent. */
  readonly generations?: GenerationStore
  /** What `rate.*` calls, when not `rates` itself (a worker asks the primary's classes). */
  readonly rateShaper?: RateShaper
}

const SECOND_MS = 1000

export function buildSnapshot(config: ValidConfig, version: number, deps: BuildDeps): Result<Snapshot, Diagnostic[]> {
  const problems: Diagnostic[] = []
  const nowMs = deps.clock.monoMs()
  const pools = new Map<string, Pool>()
  for (const [name, props] of config.pools) {
    const settings = poolSettings(name, props)
    const nodes = settings.nodes.map((n) => new PoolNode(n, deps.statuses.get(name, n.id, nowMs)))
    pools.set(name, new Pool(settings, Object.freeze(nodes), deps.statuses.pool(name), deps))
  }
  const warnings: Diagnostic[] = [...config.warnings]
  const compiled = compileRules(config, problems, warnings)
  const xml = buildXmlCatalog(config, problems)
  const rates = deps.rates ?? new RateStore(deps.clock)
  const rateLimits = rateClassLimits(getObjects(config, 'rate'))
  const slmStore = deps.slm ?? new ServiceLevelStore(() => undefined)
  const slm = { settings: serviceLevelSettings(getObjects(config, 'service_level_monitors')), store: slmStore }
  const slmClassOf = (vs: string): string => config.virtualServers.get(vs)?.basic.slm_class ?? ''
  const ruleServices =
    deps.ruleHost === undefined
      ? null
      : createRuleServices(deps.ruleHost, pools, config, xml, deps.rateShaper ?? rateShaper(rates), slm.settings.size === 0 ? undefined : serviceLevels(slm.settings, slmStore, slmClassOf))
  const tables = deps.persistence ?? new PersistenceStore()
  const persistence = buildPersistence(config, tables, deps.clock, problems)
  const generationStore = deps.generations ?? new GenerationStore()
  const generations: GenerationContext = { pools, persistence, tables, store: generationStore, problems }
  const bandwidthStore = deps.bandwidth ?? new BandwidthStore(() => deps.clock.monoMs())
  const bandwidth = { settings: bandwidthSettings(getObjects(config, 'bandwidth')), store: bandwidthStore }
  const streamContext = {
    bandwidth,
    pools,
    stats: deps.stats,
    compiled,
    ruleServices,
    maxInstructions: config.globalSettings.trafficscript.max_instr,
    persistence,
  }
  const logWriters: RequestLogWriter[] = []
  const nodeTls = new Map<string, NodeTlsSettings>()
  for (const [name, props] of config.pools) {
    const settings = buildNodeTls(name, props, config, problems)
    if (settings !== null) nodeTls.set(name, settings)
  }
  const webCache = deps.webCache ?? new WebCache()
  const cacheLimits = webCacheLimits(config.globalSettings, problems)
  const protection = buildProtection(config, deps.protection ?? new ProtectionStore(), deps.events, problems)
  const httpContext: HttpContext = { config, pools, deps, problems, logWriters, ruleServices, persistence, nodeTls, webCache, bandwidth, slm, generations }
  const virtualServers = new Map<string, VirtualServerEntry>()
  const catalog = new TlsCatalog(config, problems)
  const tlsRuntime = deps.tls ?? new TlsRuntime(deps.clock)
  for (const [name, vs] of config.virtualServers) {
    if (!vs.basic.enabled) continue
    const how = engineFor(vs.basic.protocol, vs.basic.ssl_decrypt)
    const decrypt = vs.basic.ssl_decrypt && (how.engine === 'http' || how.engine === 'stream')
    // A class that is disabled (or named by a virtual server that is not HTTP or TCP) protects nothing.
    const guard = how.engine === 'udp' ? null : (protection.get(vs.basic.protection_class) ?? null)
    const http = how.engine === 'http' ? httpService(name, vs, httpContext, bindRules(vs, compiled, guard?.settings.rule ?? ''), guard) : null
    const stream =
      how.engine === 'stream'
        ? streamService(name, vs, decrypt ? how.decrypted : how.plain, { ...streamContext, router: deps.streamRouters?.get(name) ?? null })
        : null
    const udp = how.engine === 'udp' ? udpService(name, vs, how.kind, pools, deps.stats) : null
    if (how.engine !== 'http' && vs.generations.table.length > 0) {
      problems.push({ objectType: 'virtual_servers', objectName: name, key: 'generations.table', reason: `generations need an HTTP virtual server; protocol ${vs.basic.protocol} has no sessions Sluice can follow` })
    }
    const tls = decrypt ? buildTlsTerminator(name, vs, config, catalog, tlsRuntime, how.engine === 'http', problems) : null
    virtualServers.set(
      name,
      Object.freeze({
        name,
        protocol: vs.basic.protocol,
        addresses: listenAddresses(vs),
        maxConcurrentConnections: vs.basic.max_concurrent_connections,
        protection: guard,
        http,
        stream,
        udp,
        tls,
      }),
    )
  }
  catalog.checkUnused()
  const healthPlan = buildHealthPlan(config, problems)
  problems.push(...actionPathProblems(config.objects, config.dir))
  for (const [name, g] of getObjects(config, 'traffic_ip_groups')) {
    const bad = g.basic.ipaddresses.find((a) => isIP(a) === 0)
    if (bad !== undefined) problems.push({ objectType: 'traffic_ip_groups', objectName: name, key: 'basic.ipaddresses', reason: `"${bad}" is not an IP address` })
  }
  const placed = warnings.map((w) => withFile(w, config))
  if (deps.onWarning !== undefined) for (const w of placed) deps.onWarning(w)
  if (problems.length > 0) {
    for (const w of logWriters) void deps.logs?.release(w)
    return err(problems.map((p) => withFile(p, config)))
  }
  const kept = new Set(persistence.names())
  const counted = new Set<string>()
  for (const entry of virtualServers.values()) {
    const plan = entry.http?.generations
    if (plan == null) continue
    kept.add(generationTableName(plan.virtualServer))
    for (const g of plan.generations) counted.add(`${plan.virtualServer}/${g.name}`)
  }
  deps.persistence?.retain(kept)
  deps.generations?.retain(counted)
  webCache.configure(cacheLimits)
  deps.protection?.retain(new Set(protection.keys()))
  rates.apply(rateLimits)
  bandwidthStore.apply(bandwidth.settings)
  slmStore.apply(slm.settings)
  return ok(Object.freeze({ version, config, pools, persistence, virtualServers, healthPlan, logWriters: Object.freeze(logWriters), warnings: Object.freeze(placed) }))
}

/** The diagnostic with the file its object was read from, when it does not name one yet. */
function withFile(d: Diagnostic, config: ValidConfig): Diagnostic {
  if (d.file !== undefined) return d
  const file = config.files.get(d.objectType)?.get(d.objectName === '' ? d.objectType : d.objectName)
  return file === undefined ? d : { file, ...d }
}

function listenAddresses(vs: VirtualServerProperties): readonly ListenAddress[] {
  const port = vs.basic.port
  if (vs.basic.listen_on_any) return [{ host: undefined, port }]
  return vs.basic.listen_on_hosts.map((host) => ({ host, port }))
}

/** What every HTTP virtual server of one snapshot is built from. */
interface HttpContext {
  readonly config: ValidConfig
  readonly pools: ReadonlyMap<string, Pool>
  readonly deps: BuildDeps
  readonly problems: Diagnostic[]
  readonly logWriters: RequestLogWriter[]
  readonly ruleServices: RuleServices | null
  readonly persistence: PersistenceClasses
  readonly nodeTls: ReadonlyMap<string, NodeTlsSettings>
  readonly webCache: WebCache
  readonly bandwidth: { readonly settings: ReadonlyMap<string, BandwidthSettings>; readonly store: BandwidthStore }
  readonly slm: { readonly settings: ReadonlyMap<string, ServiceLevelSettings>; readonly store: ServiceLevelStore }
  readonly generations: GenerationContext
}

function httpService(name: string, vs: VirtualServerProperties, ctx: HttpContext, rules: HttpRules, protection: ProtectionClass | null): HttpService {
  const { config, pools, deps, problems, logWriters, ruleServices } = ctx
  const problem = (key: string, reason: string) => problems.push({ objectType: 'virtual_servers', objectName: name, key, reason })
  let errorBody: Buffer | undefined
  const errorFile = vs.connection_errors.error_file
  if (errorFile !== 'Default' && errorFile !== '') {
    errorBody = config.extraFiles.get(errorFile)
    if (errorBody === undefined) problem('connection_errors.error_file', `no file "${errorFile}" in extra_files/`)
  }
  const onLog = transactionLogger(name, vs, config, deps, problem, logWriters)
  const counters = deps.stats?.virtualServer(name) ?? null
  const compression = compileCompression(vs, rulesMayCompress(rules, config), counters, (p) => {
    problem(p.key, p.reason)
  })
  const cache = webCacheService(name, vs, config.globalSettings, ctx.webCache)
  const bandwidth = bandwidthService(vs.basic.bandwidth_class, ctx.bandwidth.settings, ctx.bandwidth.store)
  const generations = buildGenerationPlan(name, vs, ctx.generations)
  return Object.freeze({
    name,
    pool: vs.basic.pool === 'discard' ? null : (pools.get(vs.basic.pool) ?? null),
    pools,
    forwarding: Object.freeze({
      addClusterIp: vs.http.add_cluster_ip,
      addXForwardedFor: vs.http.add_x_forwarded_for,
      addXForwardedProto: vs.http.add_x_forwarded_proto,
      stripXForwardedProto: vs.http.strip_x_forwarded_proto,
    }),
    scheme: vs.basic.ssl_decrypt ? 'https' : 'http',
    keepalive: vs.connection.keepalive,
    keepaliveTimeoutMs: vs.connection.keepalive_timeout * SECOND_MS,
    headerTimeoutMs: vs.basic.connect_timeout * SECOND_MS,
    idleTimeoutMs: vs.connection.timeout * SECOND_MS,
    maxClientBufferBytes: vs.connection.max_client_buffer,
    headLimits: DEFAULT_HEAD_LIMITS,
    http2: buildHttp2Settings(vs),
    errors: buildErrorResponses(errorBody),
    counters,
    onTransactionEnd: onLog,
    nodeTls: ctx.nodeTls,
    persistence: ctx.persistence,
    rules,
    protection,
    phases: compileHttpPhases(rules, { protection: protection !== null, compression: compression !== null, cache: cache !== null, bandwidth: bandwidth !== null, generations: generations !== null }),
    generations,
    compression,
    cache,
    bandwidth,
    slm: ctx.slm.settings.size === 0 ? null : Object.freeze({ defaultClass: vs.basic.slm_class, classes: ctx.slm.store }),
    ruleServices: rules === NO_RULES ? null : ruleServices,
    maxInstructions: config.globalSettings.trafficscript.max_instr,
  })
}

/**
 * Whether a rule of this virtual server may call http.compress.enable: it has request or
 * response rules and some rule of the configuration names the function (rules import others,
 * so any of them counts). A false positive costs one branch per request, never a wrong answer.
 */
function rulesMayCompress(rules: HttpRules, config: ValidConfig): boolean {
  if (rules.request.length === 0 && rules.response.length === 0) return false
  for (const source of config.rules.values()) if (/compress\s*\.\s*enable/i.test(source)) return true
  return false
}

function transactionLogger(
  name: string,
  vs: VirtualServerProperties,
  config: ValidConfig,
  deps: BuildDeps,
  problem: (key: string, reason: string) => void,
  logWriters: RequestLogWriter[],
): ((t: TransactionRecord) => void) | null {
  if (!vs.log.enabled) return null
  let format: (t: LoggedTransaction) => string = formatJsonRecord
  if (!vs.log.json) {
    const compiled = compileLogFormat(vs.log.format)
    if (!compiled.ok) {
      problem('log.format', compiled.error)
      return null
    }
    format = compiled.value
  }
  const filename = logFilePath(vs.log.filename, name, config.dir)
  const misplaced = logPathProblem(filename, config.dir)
  if (misplaced !== undefined) {
    problem('log.filename', misplaced)
    return null
  }
  if (deps.logs === null) return null
  const writer = deps.logs.acquire(filename)
  logWriters.push(writer)
  return (t) => {
    writer.write(format(new LoggedTransaction(t)))
  }
}
