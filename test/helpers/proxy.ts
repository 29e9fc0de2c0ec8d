/**
 * Starts a real App (listeners, snapshot, HTTP engine) on a free port in front of test nodes.
 * @module
 */
import type { TestContext } from 'node:test'
import { onCleanup } from './cleanup.ts'
import { App } from '../../src/app.ts'
import { formatDiagnostic, loadConfigFromObjects } from '../../src/config/index.ts'
import { SeededRandom, memoryLogger, systemClock } from '../../src/core/index.ts'
import type { NodeStatus } from '../../src/pool/index.ts'

export interface ProxyOptions {
  /** Node addresses (`host:port`) of pool `p`. */
  readonly nodes: readonly string[]
  /** Extra virtual server sections, merged over `basic` etc. (vTM keys, seconds). */
  readonly vs?: Readonly<Record<string, Record<string, unknown>>>
  /** Extra pool sections. */
  readonly pool?: Readonly<Record<string, Record<string, unknown>>>
  /** Drain time for the `t.after` stop; 0 by default. */
  readonly stopDrainMs?: number
  /** Time a client gets to close a connection Sluice ended (AppDeps.closeLingerMs). */
  readonly closeLingerMs?: number
  /** Bounds of the rate classes' queues (AppDeps.rateQueue). */
  readonly rateQueue?: { readonly maxQueued: number; readonly maxWaitMs: number }
  /** More configuration files (`rules/<name>` and the like), by path. */
  readonly files?: Readonly<Record<string, string>>
}

export interface Proxy {
  readonly app: App
  readonly port: number
  readonly url: string
  /** Runtime status of node `i` of pool `p` (live counters). */
  status(i: number): NodeStatus
  /** Sum of activeConnections over every node of pool `p`. */
  active(): number
}

/** The vTM-shaped configuration files for a test virtual server `web` and pool `p`. */
export function proxyConfigFiles(port: number, o: ProxyOptions): Record<string, string> {
  const vsSections = o.vs ?? {}
  const poolSections = o.pool ?? {}
  const vs = {
    properties: {
      ...vsSections,
      basic: { enabled: true, protocol: 'http', port, pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'], ...vsSections['basic'] },
    },
  }
  const pool = {
    properties: {
      ...poolSections,
      basic: { nodes_table: o.nodes.map((node) => ({ node })), ...poolSections['basic'] },
      load_balancing: { algorithm: 'round_robin', ...poolSections['load_balancing'] },
    },
  }
  return { ...o.files, 'virtual_servers/web': JSON.stringify(vs), 'pools/p': JSON.stringify(pool) }
}

/** Starts an App for `o`; stopped by `t.after`. */
export async function startProxy(t: TestContext, o: ProxyOptions): Promise<Proxy> {
  // Port 0: the kernel picks a free port as the listener binds; it is read back below, so no
  // other process can take it between choosing and binding.
  const config = loadConfigFromObjects(proxyConfigFiles(0, o))
  if (!config.ok) throw new Error(config.error.map(formatDiagnostic).join('\n'))
  const app = new App({
    clock: systemClock,
    random: new SeededRandom(1),
    logger: memoryLogger(),
    ...(o.closeLingerMs === undefined ? {} : { closeLingerMs: o.closeLingerMs }),
    ...(o.rateQueue === undefined ? {} : { rateQueue: o.rateQueue }),
  })
  const applied = await app.apply(config.value)
  if (!applied.ok) throw new Error(applied.error.map(formatDiagnostic).join('\n'))
  onCleanup(t, () => app.stop(o.stopDrainMs ?? 0))
  const port = app.bound().find((b) => b.virtualServer === 'web')?.port
  if (port === undefined) throw new Error('the web virtual server is not listening')
  const status = (i: number): NodeStatus => {
    const node = app.snapshot?.pools.get('p')?.nodes[i]
    if (node === undefined) throw new Error(`no node ${i}`)
    return node.status
  }
  return {
    app,
    port,
    url: `http://127.0.0.1:${port}`,
    status,
    active: () => {
      let n = 0
      for (let i = 0; i < o.nodes.length; i++) n += status(i).activeConnections
      return n
    },
  }
}
