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
  virtualServerStatistics,
  webCacheStatistics,
  type ClassesView,
  type StatisticsSource,
} from '../stats/index.ts'
import { children, type ApiContext, type ApiRequest } from './api-context.ts'
import { apiError, json, type ApiReply } from './http-util.ts'
import { overview } from './ui-overview.ts'
import { handleWebCache } from './web-cache-routes.ts'
import { handleWorkers } from './workers-routes.ts'
import { handleGenerations } from './generations-routes.ts'

/** What `/status/local_tm/` lists. */
const LOCAL_TM_CHILDREN = ['audit', 'events', 'generations', 'overview', 'state', 'statistics', 'web_cache', 'workers']
const STATISTICS_CHILDREN = ['bandwidth', 'connection_rate_limit', 'globals', 'nodes', 'pools', 'service_level_monitors', 'service_protection', 'virtual_servers']

/** The statistics source for the current moment: this process's, plus its other workers'. */
export async function statisticsSource(ctx: ApiContext): Promise<StatisticsSource> {
  const own = ownStatisticsSource(ctx)
  const workers = (await ctx.app.workers?.statistics()) ?? []
  return workers.length === 0 ? own : mergeStatistics(own, workers)
}

function ownStatisticsSource(ctx: ApiContext): StatisticsSource {
  const snapshot = ctx.app.snapshot
  return {
    registry: ctx.app.stats,
    pools: snapshot?.pools ?? new Map(),
    virtualServerNames: snapshot?.config.virtualServers.keys() ?? [],
    nowMs: ctx.clock.nowMs(),
    ...(ctx.app.webCache === undefined ? {} : { webCaches: ctx.app.webCache.allCounters() }),
    ...(ctx.app.protection === undefined ? {} : { protection: ctx.app.protection }),
    ...(ctx.app.rates === undefined ? {} : { rates: ctx.app.rates }),
    ...(ctx.app.bandwidth === undefined ? {} : { bandwidth: ctx.app.bandwidth }),
    ...(ctx.app.serviceLevels === undefined ? {} : { serviceLevels: ctx.app.serviceLevels }),
  }
}

/** Handles one GET below `status/` (segments start after `status/`). */
export async function handleStatus(ctx: ApiContext, req: ApiRequest, base: string): Promise<ApiReply> {
  if (req.segments.length === 2 && req.segments[0] === 'local_tm' && req.segments[1] === 'web_cache') return handleWebCache(ctx, req)
  if (req.segments[0] === 'local_tm' && req.segments[1] === 'workers') return handleWorkers(ctx, req, req.segments.slice(2))
  if (req.segments[0] === 'local_tm' && req.segments[1] === 'generations') return handleGenerations(ctx, req, req.segments.slice(2))
  if (req.method !== 'GET') return apiError(405, 'resource.method_not_allowed', 'status resources are read-only')
  const [host, area, ...rest] = req.segments
  if (host === undefined || host === '') return json(200, children(base, ['local_tm']))
  if (host !== 'local_tm') return notFound(req)
  const here = `${base}local_tm/`
  switch (area) {
    case undefined:
    case '':
      return json(200, children(here, LOCAL_TM_CHILDREN))
    case 'statistics':
      return statistics(ctx, req, rest, `${here}statistics/`)
    case 'state':
      return rest.length > 0 ? notFound(req) : json(200, stateSummary(await statisticsSource(ctx)))
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

async function statistics(ctx: ApiContext, req: ApiRequest, rest: readonly string[], base: string): Promise<ApiReply> {
  const source = await statisticsSource(ctx)
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
