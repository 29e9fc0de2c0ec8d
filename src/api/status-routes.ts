/**
 * `/api/tm/<version>/status/local_tm/...`: statistics, state, the event log and the audit log.
 * @module
 */
import { SEVERITIES, type Severity } from '../events/index.ts'
import {
  mergeStatistics,
  bandwidthStatistics,
  serviceLevelStatistics,
  globalStatistics,
  nodeStatistics,
  perPoolNodeStatistics,
  poolStatistics,
  protectionStatistics,
  rateStatistics,
  stateSummary,
  StatsRegistry,
  virtualServerStatistics,
  webCacheStatistics,
  type ClassesView,
  type StatisticsSource,
} from '../stats/index.ts'
import { children, type ApiApp, type ApiContext, type ApiRequest, type ClusterView } from './api-context.ts'
import { apiError, json, type ApiReply } from './http-util.ts'
import { overview } from './ui-overview.ts'
import { handleWebCache } from './web-cache-routes.ts'
import { handleWorkers } from './workers-routes.ts'
import { handleGenerations } from './generations-routes.ts'

/** What `/status/local_tm/` lists. */
const LOCAL_TM_CHILDREN = ['audit', 'cluster', 'events', 'generations', 'overview', 'state', 'statistics', 'web_cache', 'workers']
const STATISTICS_CHILDREN = ['bandwidth', 'connection_rate_limit', 'globals', 'nodes', 'pools', 'service_level_monitors', 'service_protection', 'virtual_servers']

/** The statistics source for the current moment: this process's, plus its other workers'. */
export async function statisticsSource(ctx: ApiContext): Promise<StatisticsSource> {
  return appStatistics(ctx.app, ctx.clock.nowMs())
}

/** `app`'s statistics with its other workers' added (a cluster member publishes these). */
export async function appStatistics(app: ApiApp, nowMs: number): Promise<StatisticsSource> {
  const own = ownStatisticsSource(app, nowMs)
  const workers = (await app.workers?.statistics()) ?? []
  return workers.length === 0 ? own : mergeStatistics(own, workers)
}

function ownStatisticsSource(app: ApiApp, nowMs: number): StatisticsSource {
  const snapshot = app.snapshot
  return {
    registry: app.stats,
    pools: snapshot?.pools ?? new Map(),
    virtualServerNames: snapshot?.config.virtualServers.keys() ?? [],
    nowMs,
    ...(app.webCache === undefined ? {} : { webCaches: app.webCache.allCounters() }),
    ...(app.protection === undefined ? {} : { protection: app.protection }),
    ...(app.rates === undefined ? {} : { rates: app.rates }),
    ...(app.bandwidth === undefined ? {} : { bandwidth: app.bandwidth }),
    ...(app.serviceLevels === undefined ? {} : { serviceLevels: app.serviceLevels }),
  }
}

/** Handles one GET below `status/` (segments start after `status/`). */
export async function handleStatus(ctx: ApiContext, req: ApiRequest, base: string): Promise<ApiReply> {
  if (req.segments.length === 2 && req.segments[0] === 'local_tm' && req.segments[1] === 'web_cache') return handleWebCache(ctx, req)
  if (req.segments[0] === 'local_tm' && req.segments[1] === 'workers') return handleWorkers(ctx, req, req.segments.slice(2))
  if (req.segments[0] === 'local_tm' && req.segments[1] === 'generations') return handleGenerations(ctx, req, req.segments.slice(2))
  if (req.method !== 'GET') return apiError(405, 'resource.method_not_allowed', 'status resources are read-only')
  const [host, area, ...rest] = req.segments
  const cluster = ctx.cluster
  if (host === undefined || host === '') {
    const members = cluster === undefined ? [] : (await cluster.memberStatistics()).map((m) => m.member)
    return json(200, children(base, ['local_tm', ...(cluster === undefined ? [] : ['cluster', ...members])]))
  }
  if (host !== 'local_tm') return cluster === undefined ? notFound(req) : clusterStatus(ctx, cluster, req, host, area, rest, base)
  const here = `${base}local_tm/`
  switch (area) {
    case undefined:
    case '':
      return json(200, children(here, LOCAL_TM_CHILDREN))
    case 'statistics':
      return statistics(ctx, req, rest, `${here}statistics/`)
    case 'state':
      return rest.length > 0 ? notFound(req) : json(200, withClusterProblems(stateSummary(await statisticsSource(ctx)), ctx.cluster?.problems() ?? []))
    case 'cluster':
      if (rest.length > 0) return notFound(req)
      return cluster === undefined ? apiError(404, 'resource.not_found', 'this Sluice is not a cluster member (start it with --cluster redis://HOST:PORT/DB)') : json(200, await cluster.status())
    case 'events':
      return rest.length > 0 ? notFound(req) : events(ctx, req)
    case 'overview':
      return rest.length > 0 ? notFound(req) : json(200, overview(ctx, await statisticsSource(ctx)))
    case 'audit':
      return rest.length > 0 ? notFound(req) : json(200, { audit: await ctx.audit.list(numberParam(req, 'since')) })
    default:
      return notFound(req)
  }
}

function notFound(req: ApiRequest): ApiReply {
  return apiError(404, 'resource.not_found', `no such status resource: ${req.segments.join('/')}`)
}

function numberParam(req: ApiRequest, name: string): number {
  const n = Number(req.query.get(name) ?? '0')
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0
}

function events(ctx: ApiContext, req: ApiRequest): ApiReply {
  const minSeverity = req.query.get('severity')
  if (minSeverity !== null && !SEVERITIES.includes(minSeverity as Severity)) {
    return apiError(400, 'request.invalid', `severity must be one of ${SEVERITIES.join(', ')}`)
  }
  const minRank = minSeverity === null ? 0 : SEVERITIES.indexOf(minSeverity as Severity)
  const category = req.query.get('category')
  const name = req.query.get('name')
  const list = ctx.app.events
    .list(numberParam(req, 'since'))
    .filter((e) => SEVERITIES.indexOf(e.severity) >= minRank)
    .filter((e) => category === null || e.category === category)
    .filter((e) => name === null || e.name === name)
    .map((e) => ({ ...e, time: new Date(e.timeMs).toISOString() }))
  return json(200, { events: list })
}

/**
 * `status/cluster` (the cluster view), `status/cluster/statistics/...` (every live member
 * summed) and `status/<member>/statistics/...` (one other member's, as it last published them).
 */
async function clusterStatus(ctx: ApiContext, cluster: ClusterView, req: ApiRequest, host: string, area: string | undefined, rest: readonly string[], base: string): Promise<ApiReply> {
  const members = await cluster.memberStatistics()
  const here = `${base}${encodeURIComponent(host)}/`
  if (host === 'cluster' && (area === undefined || area === '')) return json(200, await cluster.status())
  const captures = host === 'cluster' ? members.map((m) => m.capture) : members.filter((m) => m.member === host).map((m) => m.capture)
  if (host !== 'cluster' && captures.length === 0) return apiError(404, 'resource.not_found', `no live cluster member "${host}"`)
  if (host !== 'cluster' && (area === undefined || area === '' || area === 'information')) {
    if (area === 'information') {
      // What the member last said of itself in its heartbeat.
      const view = (await cluster.status())['members'] as Record<string, unknown>[] | undefined
      return json(200, { information: view?.find((m) => m['name'] === host) ?? {} })
    }
    return json(200, children(here, ['information', 'statistics']))
  }
  if (area !== 'statistics') return notFound(req)
  const nowMs = ctx.clock.nowMs()
  // The cluster's sum starts from this member's own figures; another member's from nothing.
  const start = host === 'cluster' ? await statisticsSource(ctx) : { registry: new StatsRegistry(nowMs), pools: new Map(), virtualServerNames: [], nowMs }
  return statistics(ctx, req, rest, `${here}statistics/`, mergeStatistics(start, captures))
}

/** `state` with the member's cluster problems (an unreachable store) among its errors. */
function withClusterProblems(summary: Record<string, unknown>, problems: readonly string[]): Record<string, unknown> {
  if (problems.length === 0) return summary
  const state = summary['state'] as { error_level: string; errors: string[] }
  return { ...summary, state: { ...state, error_level: state.error_level === 'error' ? 'error' : 'warn', errors: [...state.errors, ...problems] } }
}

async function statistics(ctx: ApiContext, req: ApiRequest, rest: readonly string[], base: string, given?: StatisticsSource): Promise<ApiReply> {
  const source = given ?? (await statisticsSource(ctx))
  const [kind, a, b, extra] = rest
  if (extra !== undefined) return notFound(req)
  const one = (values: Readonly<Record<string, number | string>> | undefined) =>
    values === undefined ? notFound(req) : json(200, { statistics: values })
  switch (kind) {
    case undefined:
    case '':
      return json(200, children(base, STATISTICS_CHILDREN))
    case 'globals':
      return a === undefined ? one(globalStatistics(source)) : notFound(req)
    case 'virtual_servers': {
      const names = new Set([...source.virtualServerNames, ...[...source.registry.virtualServers()].map((c) => c.name)])
      if (a === undefined || a === '') return json(200, children(`${base}virtual_servers/`, [...names].sort()))
      if (!names.has(a) || b !== undefined) return notFound(req)
      const cache = source.webCaches?.get(a)
      const values = virtualServerStatistics(source.registry.virtualServer(a))
      return one(cache === undefined ? values : { ...values, ...webCacheStatistics(cache) })
    }
    case 'pools': {
      if (a === undefined || a === '') return json(200, children(`${base}pools/`, [...source.pools.keys()].sort()))
      const pool = source.pools.get(a)
      return pool === undefined || b !== undefined ? notFound(req) : one(poolStatistics(pool))
    }
    case 'nodes':
      return nodes(source, req, a, b, `${base}nodes/`)
    case 'service_protection':
      return perClass(source.protection, protectionStatistics, req, a, b, `${base}service_protection/`)
    case 'connection_rate_limit':
      return perClass(source.rates, rateStatistics, req, a, b, `${base}connection_rate_limit/`)
    case 'bandwidth':
      return perClass(source.bandwidth, bandwidthStatistics, req, a, b, `${base}bandwidth/`)
    case 'service_level_monitors':
      return perClass(source.serviceLevels, (v) => serviceLevelStatistics(v, source.nowMs), req, a, b, `${base}service_level_monitors/`)
    default:
      return notFound(req)
  }
}

/** A list of classes, or one class's statistics. */
function perClass<T>(classes: ClassesView<T> | undefined, render: (v: T) => Readonly<Record<string, number | string>>, req: ApiRequest, name: string | undefined, extra: string | undefined, base: string): ApiReply {
  const all = new Map<string, T>(classes?.entries() ?? [])
  if (name === undefined || name === '') return json(200, children(base, [...all.keys()].sort()))
  const found = all.get(name)
  return found === undefined || extra !== undefined ? notFound(req) : json(200, { statistics: render(found) })
}

function nodes(source: StatisticsSource, req: ApiRequest, kind: string | undefined, name: string | undefined, base: string): ApiReply {
  if (kind === undefined || kind === '') return json(200, children(base, ['node', 'per_pool_node']))
  const pools = [...source.pools.values()]
  if (kind === 'node') {
    if (name === undefined || name === '') {
      const ids = new Set(pools.flatMap((p) => p.nodes.map((n) => n.config.id)))
      return json(200, children(`${base}node/`, [...ids].sort()))
    }
    const values = nodeStatistics(source, name)
    return values === undefined ? notFound(req) : json(200, { statistics: values })
  }
  if (kind !== 'per_pool_node') return notFound(req)
  if (name === undefined || name === '') {
    return json(200, children(`${base}per_pool_node/`, pools.flatMap((p) => p.nodes.map((n) => `${p.name}-${n.config.id}`)).sort()))
  }
  // Pool names may contain "-", so every pool is tried as a prefix.
  for (const pool of pools) {
    if (!name.startsWith(`${pool.name}-`)) continue
    const node = pool.nodes.find((n) => n.config.id === name.slice(pool.name.length + 1))
    if (node !== undefined) return json(200, { statistics: { ...perPoolNodeStatistics(node), pool: pool.name, node: node.config.id } })
  }
  return notFound(req)
}
