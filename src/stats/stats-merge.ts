/**
 * Statistics of several workers as one answer (issue #15): each worker captures its counters as
 * plain data the primary can receive, and the primary adds them to its own. Counts add up;
 * lowest and highest times take the lowest and highest; what is shared already (per-node
 * transaction counts in shared memory) or decided by the primary alone (node health, class
 * limits) is taken from the primary.
 * @module
 */
import { Histogram } from '../core/index.ts'
import { StatsRegistry } from './counters.ts'
import type { BandwidthCountersView, ProtectionCountersView, RateCountersView, ServiceLevelCountersView } from './class-statistics.ts'
import type { StatisticsSource, StatsNodeView, StatsPoolView, StatsWebCacheView } from './statistics.ts'

interface HistogramData {
  readonly counts: readonly number[]
  readonly sumMs: number
  readonly count: number
}

type Numbers = Record<string, number>

interface NodeData {
  readonly id: string
  readonly state: string
  readonly numbers: Numbers
  readonly idle: number
  readonly responseTimes: HistogramData
  readonly connectTimes: HistogramData
}

interface PoolData {
  readonly name: string
  readonly algorithm: string
  readonly runtime: Numbers
  readonly nodes: readonly NodeData[]
}

/** One worker's statistics as plain data (structured-clone safe). */
export interface StatsCapture {
  readonly virtualServers: readonly { readonly name: string; readonly numbers: Numbers; readonly responseTimes: HistogramData }[]
  readonly pools: readonly PoolData[]
  readonly webCaches: readonly [string, Numbers][]
  readonly protection: readonly [string, ProtectionCountersView][]
  readonly rates: readonly [string, RateCountersView][]
  readonly bandwidth?: readonly [string, BandwidthCountersView][]
  /** Service level monitors' response counts (their conformance is shared already). */
  readonly serviceLevels?: readonly [string, { readonly responses: number; readonly conformingResponses: number }][]
  /** Generations' numbers (requests, errors, timeMs, recent), keyed `<virtual server>/<generation>`. */
  readonly generations?: readonly [string, Numbers][]
}

const NODE_NUMBERS = ['activeConnections', 'requests', 'failures', 'bytesToNode', 'bytesFromNode', 'responseTimeMs', 'responseTimeMinMs', 'responseTimeMaxMs'] as const
const RUNTIME_NUMBERS = ['queueLength', 'totalQueued', 'queueTimeouts', 'queueFull', 'minQueueMs', 'maxQueueMs', 'totalQueueMs'] as const
const CACHE_NUMBERS = ['hits', 'misses', 'staleHits', 'revalidations', 'evictions', 'entries', 'bytes'] as const

function histogramData(h: Histogram): HistogramData {
  return { counts: [...h.counts], sumMs: h.sumMs, count: h.count }
}

function addHistogram(into: Histogram, from: HistogramData): void {
  for (let i = 0; i < into.counts.length; i++) into.counts[i] = (into.counts[i] ?? 0) + (from.counts[i] ?? 0)
  into.sumMs += from.sumMs
  into.count += from.count
}

function pick<K extends string>(from: Readonly<Record<K, number>>, keys: readonly K[]): Numbers {
  const out: Numbers = {}
  for (const k of keys) out[k] = from[k]
  return out
}

/** Adds `b` to `a` by name: minimums keep the lowest non-zero, maximums the highest, the rest add up. */
function addNumbers(a: Numbers, b: Numbers, keepFromA: readonly string[] = []): void {
  for (const [k, v] of Object.entries(b)) {
    const mine = a[k] ?? 0
    if (keepFromA.includes(k)) continue
    if (/Min/.test(k) || k.startsWith('min')) a[k] = mine === 0 ? v : v === 0 ? mine : Math.min(mine, v)
    else if (/Max/.test(k) || k.startsWith('max')) a[k] = Math.max(mine, v)
    else a[k] = mine + v
  }
}

/** What this worker has counted, as plain data for the primary. */
export function captureStatistics(source: StatisticsSource): StatsCapture {
  const virtualServers = [...source.registry.virtualServers()].map((c) => {
    const numbers: Numbers = {}
    for (const [k, v] of Object.entries(c)) if (typeof v === 'number') numbers[k] = v
    return { name: c.name, numbers, responseTimes: histogramData(c.responseTimes) }
  })
  const pools = [...source.pools.values()].map((p) => ({
    name: p.name,
    algorithm: p.settings.algorithm,
    runtime: pick(p.runtime, RUNTIME_NUMBERS),
    nodes: p.nodes.map((n) => ({
      id: n.config.id,
      state: n.config.state,
      numbers: pick(n.status, NODE_NUMBERS),
      idle: n.status.idle.length,
      responseTimes: histogramData(n.status.responseTimes),
      connectTimes: histogramData(n.status.connectTimes),
    })),
  }))
  const webCaches: [string, Numbers][] = [...(source.webCaches ?? new Map<string, StatsWebCacheView>())].map(([name, c]) => [name, pick(c, CACHE_NUMBERS)])
  const protection: [string, ProtectionCountersView][] = [...(source.protection?.entries() ?? [])].map(([name, v]) => [name, { refused: { ...v.refused }, testingPassed: v.testingPassed }])
  const rates: [string, RateCountersView][] = [...(source.rates?.entries() ?? [])].map(([name, v]) => [name, { counters: { ...v.counters }, limits: { ...v.limits } }])
  const bandwidth: [string, BandwidthCountersView][] = [...(source.bandwidth?.entries() ?? [])].map(([name, v]) => [
    name,
    { bytes: v.bytes, connections: v.connections, settings: { kbitPerSecond: v.settings.kbitPerSecond, sharing: v.settings.sharing } },
  ])
  const serviceLevels: [string, { responses: number; conformingResponses: number }][] = [...(source.serviceLevels?.entries() ?? [])].map(([name, v]) => [
    name,
    { responses: v.responses, conformingResponses: v.conformingResponses },
  ])
  return { virtualServers, pools, webCaches, protection, rates, bandwidth, serviceLevels }
}

interface MutableNode {
  readonly config: { readonly id: string; readonly state: string }
  readonly numbers: Numbers
  readonly alive: { isAlive: boolean; isPassiveFailed: boolean; deadReason: string }
  idle: number
  readonly responseTimes: Histogram
  readonly connectTimes: Histogram
}

function nodeView(n: MutableNode): StatsNodeView {
  return {
    config: n.config,
    status: {
      activeConnections: n.numbers['activeConnections'] ?? 0,
      requests: n.numbers['requests'] ?? 0,
      failures: n.numbers['failures'] ?? 0,
      bytesToNode: n.numbers['bytesToNode'] ?? 0,
      bytesFromNode: n.numbers['bytesFromNode'] ?? 0,
      responseTimeMs: n.numbers['responseTimeMs'] ?? 0,
      responseTimeMinMs: n.numbers['responseTimeMinMs'] ?? 0,
      responseTimeMaxMs: n.numbers['responseTimeMaxMs'] ?? 0,
      ...n.alive,
      idle: new Array<undefined>(n.idle),
      responseTimes: n.responseTimes,
      connectTimes: n.connectTimes,
    },
  }
}

/**
 * The primary's statistics plus every worker's capture. Per-node transaction counts live in
 * shared memory (every worker reads the same figure), so they are the primary's; so are node
 * health and class limits, which the primary decides.
 */
export function mergeStatistics(own: StatisticsSource, workers: readonly StatsCapture[]): StatisticsSource {
  const mine = captureStatistics(own)
  const registry = new StatsRegistry(own.registry.startedWallMs)
  const vsNumbers = new Map<string, Numbers>()
  for (const capture of [mine, ...workers]) {
    for (const vs of capture.virtualServers) {
      const c = registry.virtualServer(vs.name)
      const sum = vsNumbers.get(vs.name)
      if (sum === undefined) vsNumbers.set(vs.name, { ...vs.numbers })
      else addNumbers(sum, vs.numbers)
      addHistogram(c.responseTimes, vs.responseTimes)
    }
  }
  for (const [name, numbers] of vsNumbers) Object.assign(registry.virtualServer(name), numbers)

  const pools = new Map<string, StatsPoolView>()
  const ownPools = new Map([...own.pools.values()].map((p) => [p.name, p]))
  for (const p of mine.pools) {
    const runtime: Numbers = { ...p.runtime }
    const nodes = new Map<string, MutableNode>()
    const ownNodes = ownPools.get(p.name)?.nodes ?? []
    for (const n of p.nodes) {
      const status = ownNodes.find((o) => o.config.id === n.id)?.status
      const node: MutableNode = {
        config: { id: n.id, state: n.state },
        numbers: { ...n.numbers },
        alive: { isAlive: status?.isAlive ?? true, isPassiveFailed: status?.isPassiveFailed ?? false, deadReason: status?.deadReason ?? '' },
        idle: n.idle,
        responseTimes: new Histogram(status?.responseTimes.boundsMs ?? []),
        connectTimes: new Histogram(status?.connectTimes.boundsMs ?? []),
      }
      addHistogram(node.responseTimes, n.responseTimes)
      addHistogram(node.connectTimes, n.connectTimes)
      nodes.set(n.id, node)
    }
    for (const w of workers) {
      const theirs = w.pools.find((q) => q.name === p.name)
      if (theirs === undefined) continue
      addNumbers(runtime, theirs.runtime)
      for (const n of theirs.nodes) {
        const node = nodes.get(n.id)
        if (node === undefined) continue
        const requestsBefore = node.numbers['requests'] ?? 0
        const meanBefore = node.numbers['responseTimeMs'] ?? 0
        addNumbers(node.numbers, n.numbers, ['activeConnections', 'responseTimeMs'])
        // The recent mean response time: each worker's, weighted by its requests.
        const theirRequests = n.numbers['requests'] ?? 0
        const total = requestsBefore + theirRequests
        if (total > 0) node.numbers['responseTimeMs'] = (meanBefore * requestsBefore + (n.numbers['responseTimeMs'] ?? 0) * theirRequests) / total
        node.idle += n.idle
        addHistogram(node.responseTimes, n.responseTimes)
        addHistogram(node.connectTimes, n.connectTimes)
      }
    }
    pools.set(p.name, {
      name: p.name,
      settings: { algorithm: p.algorithm },
      nodes: [...nodes.values()].map(nodeView),
      runtime: runtime as unknown as StatsPoolView['runtime'],
    })
  }

  const webCaches = new Map<string, StatsWebCacheView>()
  const cacheSums = new Map<string, Numbers>()
  for (const capture of [mine, ...workers]) {
    for (const [name, numbers] of capture.webCaches) {
      const sum = cacheSums.get(name)
      if (sum === undefined) {
        cacheSums.set(name, { ...numbers })
        continue
      }
      // Every worker holds a copy of each entry: what is stored is one worker's figure, not the sum.
      addNumbers(sum, numbers, ['entries', 'bytes'])
      sum['entries'] = Math.max(sum['entries'] ?? 0, numbers['entries'] ?? 0)
      sum['bytes'] = Math.max(sum['bytes'] ?? 0, numbers['bytes'] ?? 0)
    }
  }
  for (const [name, n] of cacheSums) {
    const hits = n['hits'] ?? 0
    const lookups = hits + (n['misses'] ?? 0)
    webCaches.set(name, { ...(n as unknown as Omit<StatsWebCacheView, 'hitRatio'>), hitRatio: lookups === 0 ? 0 : hits / lookups })
  }

  const protection = new Map<string, ProtectionCountersView>()
  for (const [name, v] of mine.protection) {
    const refused: Numbers = { ...v.refused }
    let testingPassed = v.testingPassed
    for (const w of workers) {
      const theirs = w.protection.find(([n]) => n === name)?.[1]
      if (theirs === undefined) continue
      addNumbers(refused, theirs.refused)
      testingPassed += theirs.testingPassed
    }
    protection.set(name, { refused, testingPassed })
  }
  const rates = new Map<string, RateCountersView>()
  for (const [name, v] of mine.rates) {
    const counters: Numbers = { ...v.counters }
    for (const w of workers) {
      const theirs = w.rates.find(([n]) => n === name)?.[1]
      if (theirs !== undefined) addNumbers(counters, theirs.counters)
    }
    rates.set(name, { counters: counters as unknown as RateCountersView['counters'], limits: v.limits })
  }

  const bandwidth = new Map<string, BandwidthCountersView>()
  for (const [name, v] of mine.bandwidth ?? []) {
    let bytes = v.bytes
    let connections = v.connections
    for (const w of workers) {
      const theirs = w.bandwidth?.find(([n]) => n === name)?.[1]
      if (theirs === undefined) continue
      bytes += theirs.bytes
      connections += theirs.connections
    }
    bandwidth.set(name, { bytes, connections, settings: v.settings })
  }

  // Conformance lives in memory the workers share: the primary's reading is everyone's.
  const serviceLevels = new Map<string, ServiceLevelCountersView>()
  for (const [name, v] of own.serviceLevels?.entries() ?? []) {
    let responses = v.responses
    let conformingResponses = v.conformingResponses
    for (const w of workers) {
      const theirs = w.serviceLevels?.find(([n]) => n === name)?.[1]
      if (theirs === undefined) continue
      responses += theirs.responses
      conformingResponses += theirs.conformingResponses
    }
    serviceLevels.set(name, { responses, conformingResponses, settings: v.settings, conforming: (now) => v.conforming(now) })
  }

  return {
    registry,
    pools,
    webCaches,
    virtualServerNames: own.virtualServerNames,
    nowMs: own.nowMs,
    ...(own.protection === undefined ? {} : { protection: { entries: () => protection.entries() } }),
    ...(own.rates === undefined ? {} : { rates: { entries: () => rates.entries() } }),
    ...(own.bandwidth === undefined ? {} : { bandwidth: { entries: () => bandwidth.entries() } }),
    ...(own.serviceLevels === undefined ? {} : { serviceLevels: { entries: () => serviceLevels.entries() } }),
  }
}
