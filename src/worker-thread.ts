/**
 * One data-plane worker (issue #15): a thread that runs an App on the primary's configuration,
 * binds every listener with SO_REUSEPORT beside the primary's, and shares node counts (shared
 * memory), node health, passive failures, sessions and `data.*` (news relayed by the primary).
 * It runs no health monitors, no REST API and no actions: those run once, in the primary.
 * @module
 */
import { parentPort, threadId, workerData } from 'node:worker_threads'
import { App } from './app.ts'
import { formatDiagnostic } from './config/index.ts'
import { errorMessage, systemClock, systemRandom, type LogFields, type Logger } from './core/index.ts'
import { BANDWIDTH_SLOTS, NodeSlots, slmSlot } from './pool/index.ts'
import { AddressTable } from './protect/index.ts'
import { captureStatistics } from './stats/index.ts'
import type { CacheEntry } from './cache/index.ts'
import { RemoteRates, SharedDataStore, cacheEntryFromWire, cacheEntryToWire, type FromWorker, type RateOp, type ToWorker, type WorkerStart } from './workers/index.ts'

const port = parentPort
if (port === null) throw new Error('worker-thread.ts runs only as a worker thread')
const start = workerData as WorkerStart

function send(msg: FromWorker): void {
  port?.postMessage(msg)
}

/**
 * Log lines go to the primary, which writes them with the worker's number. Event lines are
 * left out: the event itself is sent, and the primary's event log writes its line.
 */
function forward(level: 'info' | 'warn' | 'error') {
  return (message: string, fields?: LogFields): void => {
    if (fields !== undefined && 'event' in fields) return
    send({ t: 'log', level, message })
  }
}
const logger: Logger = { debug: () => undefined, info: forward('info'), warn: forward('warn'), error: forward('error') }

const slots = new NodeSlots(start.nodeCounts, start.ownCounts, false)
slots.onPassiveChange = (pool, node, isFailed, forMs) => {
  send({ t: 'passive', pool, node, isFailed, forMs })
}
let data: SharedDataStore | null = null
const app = new App({
  generationSecret: Buffer.from(start.generationSecret),
  clock: systemClock,
  random: systemRandom,
  logger,
  closeLingerMs: start.closeLingerMs,
  sharing: {
    slots,
    sessions: {
      secret: Buffer.from(start.persistenceSecret),
      onChange: (cls, key, node) => {
        send({ t: 'session', cls, key, node })
      },
    },
    dataStore: (maxBytes) => {
      data = new SharedDataStore(maxBytes, (change) => {
        send({ t: 'data', change })
      })
      return data
    },
    runsMonitors: false,
    addresses: new AddressTable(start.addressTable, threadId + 2),
    bandwidth: { buffers: start.bandwidth, slotFor: (name) => slots.slotFor(BANDWIDTH_SLOTS, name) },
    serviceLevels: { buffer: start.serviceLevels, slotFor: (name) => slmSlot(slots, name) },
    rates: (local) =>
      new RemoteRates(
        (cls) => local.get(cls) !== undefined,
        (op, cls, key) => askRate(op, cls, key),
      ),
  },
})
// The sessions the primary holds, so a worker started late (or replaced) keeps them.
app.persistence.load(start.sessions, systemClock.monoMs())
app.webCache.replicate = {
  put: (owner, key, entry) => {
    send({ t: 'cache', owner, key, entry: cacheEntryToWire(entry, systemClock.monoMs()) })
  },
  invalidate: (key) => {
    send({ t: 'cache-invalidate', key })
  },
}
app.shareTlsSessions((scope, id, data) => {
  send({ t: 'tls-session', scope, id, data })
})
app.events.subscribe((e) => {
  send({ t: 'event', input: { severity: e.severity, category: e.category, name: e.name, objects: e.objects, message: e.message } })
})

/** `rate.*` questions waiting for the primary, by id. */
const rateAnswers = new Map<number, { resolve: (n: number) => void; reject: (e: Error) => void }>()
let nextRateId = 1

function askRate(op: RateOp, cls: string, key: string): Promise<number> {
  const id = nextRateId++
  return new Promise((resolve, reject) => {
    rateAnswers.set(id, { resolve, reject })
    send({ t: 'rate', id, op, cls, key })
  })
}

const beat = setInterval(() => {
  send({ t: 'beat' })
}, start.heartbeatMs)

function accepted(): number {
  let n = 0
  for (const c of app.stats.virtualServers()) n += c.totalConn
  return n
}

/**
 * Structured clone turns a Buffer into a plain Uint8Array; the configuration's file contents
 * (certificates, keys, CA lists) are Buffers again before anything reads them.
 */
function reviveBuffers(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  if (value instanceof Map) {
    for (const [k, v] of value) value.set(k, reviveBuffers(v))
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reviveBuffers(value[i])
  } else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>
    for (const k of Object.keys(record)) record[k] = reviveBuffers(record[k])
  }
  return value
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.t) {
    case 'apply': {
      slots.adopt(msg.placements)
      app.shareListeners({ reusePort: true, chosenPorts: new Map(msg.ports) })
      const applied = await app.apply(reviveBuffers(msg.config) as typeof msg.config)
      send({ t: 'applied', id: msg.id, error: applied.ok ? null : applied.error.map(formatDiagnostic).join('; ') })
      return
    }
    case 'statistics': {
      const snapshot = app.snapshot
      const capture = captureStatistics({
        registry: app.stats,
        pools: snapshot?.pools ?? new Map(),
        virtualServerNames: [],
        nowMs: systemClock.nowMs(),
        webCaches: app.webCache.allCounters(),
        protection: app.protection,
        rates: app.rates,
        bandwidth: app.bandwidth,
        serviceLevels: app.serviceLevels,
      })
      const generations: [string, Record<string, number>][] = [...app.generations.numbers(systemClock.monoMs())].map(([key, n]) => [key, { ...n }])
      send({ t: 'statistics', id: msg.id, capture: { ...capture, generations }, accepted: accepted() })
      return
    }
    case 'cluster-members':
      app.bandwidth.setMembers(msg.live)
      return
    case 'stop':
      clearInterval(beat)
      await app.stop(msg.drainMs)
      send({ t: 'stopped' })
      return
    case 'address-counts':
      send({ t: 'address-counts', id: msg.id, counts: app.protection.ownCounts() })
      return
    case 'purge':
      send({ t: 'purged', id: msg.id, count: app.webCache.purge(msg.virtualServer, msg.key, msg.isPrefix) })
      return
    case 'rate': {
      const waiting = rateAnswers.get(msg.id)
      rateAnswers.delete(msg.id)
      if (msg.error === null) waiting?.resolve(msg.value)
      else waiting?.reject(new Error(msg.error))
      return
    }
    case 'health':
      app.setNodeHealth(msg.pool, msg.node, msg.isAlive, msg.reason)
      return
    case 'passive':
      app.setPassiveFailure(msg.pool, msg.node, msg.isFailed, msg.forMs)
      return
    case 'session':
      app.persistence.applyRemote(msg.cls, msg.key, msg.node, systemClock.monoMs())
      return
    case 'data':
      data?.applyRemote(msg.change)
      return
    case 'cache':
      app.webCache.putCopy(msg.owner, msg.key, cacheEntryFromWire(msg.entry, systemClock.monoMs()) as unknown as CacheEntry)
      return
    case 'cache-invalidate':
      app.webCache.invalidateCopy(msg.key)
      return
    case 'tls-session':
      app.applyTlsSession(msg.scope, msg.id, Buffer.from(msg.data))
      return
  }
}

port.on('message', (msg: ToWorker) => {
  handle(msg).catch((e: unknown) => {
    logger.error(`worker ${String(start.index)}: ${errorMessage(e)}`)
  })
})
