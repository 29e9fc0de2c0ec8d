/**
 * The live figures every page reads: `GET status/local_tm/overview`, one call per update.
 * @module
 */
import { API, call, field, isRecord } from './api.ts'

export interface VirtualServerFigures {
  readonly total_requests: number
  readonly bytes_in: number
  readonly bytes_out: number
  readonly current_conn: number
  readonly http_server4xx: number
  readonly http_server5xx: number
  readonly connection_errors: number
  readonly response_mean: number
  readonly enabled?: boolean
  readonly protocol?: string
  readonly port?: number
  readonly pool?: string
}

export interface NodeFigures {
  readonly node: string
  readonly state: 'alive' | 'dead'
  readonly node_state: 'active' | 'draining' | 'disabled'
  readonly current_conn: number
  readonly total_conn: number
  readonly failures: number
  readonly bytes_from_node: number
  readonly bytes_to_node: number
  readonly response_mean: number
  readonly dead_reason: string
}

export interface PoolFigures {
  readonly bytes_in: number
  readonly bytes_out: number
  readonly total_conn: number
  readonly state: string
  readonly algorithm: string
  readonly nodes_table: readonly NodeFigures[]
}

export interface Overview {
  readonly time_ms: number
  readonly virtual_servers: Readonly<Record<string, VirtualServerFigures>>
  readonly pools: Readonly<Record<string, PoolFigures>>
  readonly capabilities: Readonly<Record<string, unknown>>
}

/** Readings kept for the charts: five minutes at one a second, from any page that reads. */
const KEEP = 300
const history: Overview[] = []

/** The readings of the last minutes, oldest first (the dashboard draws them when it opens). */
export function recentOverviews(): readonly Overview[] {
  return history
}

/** Reads the overview; undefined when the API refused or failed. */
export async function fetchOverview(): Promise<Overview | undefined> {
  const r = await call('GET', `${API}/status/local_tm/overview`)
  if (!r.ok || !isRecord(r.body) || !isRecord(field(r.body, 'pools'))) return undefined
  const o = r.body as unknown as Overview
  const last = history.at(-1)
  if (last === undefined || o.time_ms - last.time_ms >= 500) history.push(o)
  if (history.length > KEEP) history.shift()
  return o
}

/**
 * Calls `tick` now and then every `everyMs` until the returned function is called; a slow
 * answer delays the next call instead of piling calls up.
 */
export function poll(everyMs: number, tick: () => Promise<void>): () => void {
  let stopped = false
  let timer: number | undefined
  const run = async () => {
    try {
      await tick()
    } finally {
      if (!stopped) timer = window.setTimeout(() => void run(), everyMs)
    }
  }
  void run()
  return () => {
    stopped = true
    if (timer !== undefined) window.clearTimeout(timer)
  }
}
