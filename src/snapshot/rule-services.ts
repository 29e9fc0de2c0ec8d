/**
 * What rules may use beyond their transaction: logging, events, the shared data store, outbound
 * HTTP, DNS, extra files and pool information. Process-wide parts come from the App; the pool
 * view belongs to the snapshot being built.
 * @module
 */
import { lookup, reverse } from 'node:dns/promises'
import type { Clock, Logger, Random } from '../core/index.ts'
import { errorMessage } from '../core/index.ts'
import type { ValidConfig } from '../config/index.ts'
import type { EventSink } from '../events/index.ts'
import type { Pool } from '../pool/index.ts'
import type { DataStore, HeaderField, NodeState, OutboundRequest, OutboundResponse, RateShaper, RuleServices, ServiceLevels, XmlCatalog } from '../rules/index.ts'

/** Process-wide services, made once by the App so they outlive snapshots. */
export interface RuleHost {
  readonly clock: Clock
  readonly random: Random
  readonly logger: Logger
  readonly events: EventSink
  readonly data: DataStore
  readonly hostname: string
  /** `counter.increment` totals, by counter number (read by statistics). */
  readonly counters: Map<number, number>
}

const LOG_EVENT: Record<'info' | 'warn' | 'error', { name: string; severity: 'info' | 'warn' | 'serious' }> = {
  info: { name: 'rulelogmsginfo', severity: 'info' },
  warn: { name: 'rulelogmsgwarn', severity: 'warn' },
  error: { name: 'rulelogmsgserious', severity: 'serious' },
}

/** Engine events arrive as `rules_<name>`; `event.emit` names are custom TrafficScript events. */
function eventFor(name: string): { category: string; name: string; severity: 'info' | 'warn' | 'serious' } {
  if (name.startsWith('rules_')) {
    const short = name.slice(6)
    return { category: 'rules', name: short, severity: short === 'ruleabort' ? 'serious' : 'warn' }
  }
  return { category: 'trafficscript', name, severity: 'info' }
}

function nodeState(pool: Pool, i: number, nowMs: number): NodeState {
  const node = pool.nodes[i]
  if (node === undefined) return 'failed'
  if (node.config.state === 'disabled') return 'disabled'
  if (node.config.state === 'draining') return 'draining'
  return pool.isUsable(node, nowMs) ? 'active' : 'failed'
}

async function outbound(req: OutboundRequest): Promise<OutboundResponse> {
  const headers = new Headers()
  for (const [name, value] of req.headers) headers.append(name, value)
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers,
      ...(req.body === '' || req.method === 'GET' || req.method === 'HEAD' ? {} : { body: Buffer.from(req.body, 'latin1') }),
      signal: AbortSignal.timeout(req.timeoutMs),
      redirect: 'manual',
    })
    const body = Buffer.from(await res.arrayBuffer()).toString('latin1')
    const list: HeaderField[] = []
    res.headers.forEach((value, name) => {
      list.push([name, value])
    })
    return { status: res.status, statusLine: `HTTP/1.1 ${String(res.status)} ${res.statusText}`, headers: list, body, error: '' }
  } catch (e: unknown) {
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : ''
    return { status: 0, statusLine: '', headers: [], body: '', error: errorMessage(e) + cause }
  }
}

export function createRuleServices(host: RuleHost, pools: ReadonlyMap<string, Pool>, config: ValidConfig, xml?: XmlCatalog, rates?: RateShaper, slm?: ServiceLevels): RuleServices {
  return {
    ...(rates === undefined ? {} : { rates }),
    ...(slm === undefined ? {} : { slm }),
    clock: host.clock,
    random: host.random,
    log(level, rule, message) {
      // The event log writes the process-log line, naming the rule once (rule=NAME).
      const e = LOG_EVENT[level]
      host.events({ severity: e.severity, category: 'rules', name: e.name, objects: { rule }, message })
    },
    emitEvent(name, message, rule) {
      const e = eventFor(name)
      // Engine events name their rule, so an event type can pick the rules it watches.
      host.events({ severity: e.severity, category: e.category, name: e.name, objects: e.category === 'rules' ? { rule } : {}, message })
    },
    pools: {
      exists: (name) => pools.has(name),
      listNodes(name, state) {
        const pool = pools.get(name)
        if (pool === undefined) return undefined
        const nowMs = host.clock.monoMs()
        const out: string[] = []
        for (let i = 0; i < pool.nodes.length; i++) {
          if (state === 'all' || nodeState(pool, i, nowMs) === state) out.push(pool.nodes[i]?.id ?? '')
        }
        return out
      },
    },
    data: host.data,
    incrementCounter(counter, amount) {
      host.counters.set(counter, (host.counters.get(counter) ?? 0) + amount)
    },
    httpRequest: outbound,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    async resolveHost(name, family) {
      try {
        return (await lookup(name, { family })).address
      } catch {
        return ''
      }
    },
    async resolveIp(ip) {
      try {
        return (await reverse(ip))[0] ?? ''
      } catch {
        return ''
      }
    },
    getResource(name) {
      const content = config.extraFiles.get(name)
      return content === undefined ? undefined : { content: content.toString('latin1'), mtimeS: 0 }
    },
    hostname: host.hostname,
    ...(xml === undefined ? {} : { xml }),
  }
}
