/**
 * A small utility manager for Sluice: it receives event webhooks, replaces failed nodes, and
 * drains a node (waiting for its connections to reach zero) before it is moved, then undrains it.
 * Everything goes through Sluice's REST API. Run: `node examples/utility-manager/orchestrator.ts`.
 * @module
 */
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import { fileURLToPath } from 'node:url'

/** A row of a pool's `basic.nodes_table`. */
interface NodeRow {
  node: string
  state?: string
  [key: string]: unknown
}

/** Talks to `/api/tm/8.3/` with optional Basic credentials. */
export class ApiClient {
  readonly #base: string
  readonly #auth: string | undefined

  constructor(baseUrl: string, user?: string, password?: string) {
    this.#base = `${baseUrl.replace(/\/$/, '')}/api/tm/8.3/`
    this.#auth = user === undefined ? undefined : `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}`
  }

  async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {}
    if (this.#auth !== undefined) headers['authorization'] = this.#auth
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(this.#base + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    const text = await res.text()
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${String(res.status)} ${text}`)
    return text === '' ? undefined : (JSON.parse(text) as unknown)
  }
}

/** Starts a node for a pool and returns its `host:port`. */
export type NodeLauncher = (pool: string) => Promise<string>

export interface UtilityManagerOptions {
  readonly api: ApiClient
  readonly log?: (line: string) => void
  readonly launch: NodeLauncher
  /** How often statistics are polled while draining, ms. */
  readonly pollMs?: number
}

export class UtilityManager {
  readonly #opts: UtilityManagerOptions
  /** Pool changes one at a time: each is a read-modify-write of the nodes table. */
  #queue: Promise<unknown> = Promise.resolve()
  #server: Server | null = null
  /** Replacement nodes started, by the node they replace. */
  readonly replacements = new Map<string, string>()

  constructor(opts: UtilityManagerOptions) {
    this.#opts = opts
  }

  #log(line: string): void {
    ;(this.#opts.log ?? ((l: string) => { console.log(l) }))(line)
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work)
    this.#queue = next.catch(() => undefined)
    return next
  }

  async #nodes(pool: string): Promise<NodeRow[]> {
    const doc = (await this.#opts.api.request('GET', `config/active/pools/${encodeURIComponent(pool)}`)) as {
      properties: { basic: { nodes_table: NodeRow[] } }
    }
    return doc.properties.basic.nodes_table
  }

  async #putNodes(pool: string, rows: NodeRow[]): Promise<void> {
    await this.#opts.api.request('PUT', `config/active/pools/${encodeURIComponent(pool)}`, { properties: { basic: { nodes_table: rows } } })
  }

  /** Sets one node's state (`active`, `draining`, `disabled`). */
  setState(pool: string, node: string, state: string): Promise<void> {
    return this.#serial(async () => {
      const rows = await this.#nodes(pool)
      if (!rows.some((r) => r.node === node)) throw new Error(`pool ${pool} has no node ${node}`)
      await this.#putNodes(pool, rows.map((r) => (r.node === node ? { ...r, state } : r)))
      this.#log(`${pool}: ${node} is now ${state}`)
    })
  }

  /** Starts a replacement for a failed node and adds it to the pool. */
  async replace(pool: string, failed: string): Promise<string> {
    const fresh = await this.#opts.launch(pool)
    this.replacements.set(failed, fresh)
    await this.#serial(async () => {
      const rows = await this.#nodes(pool)
      await this.#putNodes(pool, [...rows, { node: fresh }])
    })
    this.#log(`${pool}: added ${fresh} to replace ${failed}`)
    return fresh
  }

  /** Current connections to a node in a pool, from Sluice's statistics. */
  async connections(pool: string, node: string): Promise<number> {
    const doc = (await this.#opts.api.request('GET', `status/local_tm/statistics/nodes/per_pool_node/${encodeURIComponent(`${pool}-${node}`)}`)) as {
      statistics: { current_conn: number }
    }
    return doc.statistics.current_conn
  }

  /** Drains a node and resolves once its connections reach zero (or rejects after `timeoutMs`). */
  async drain(pool: string, node: string, timeoutMs = 30_000): Promise<void> {
    await this.setState(pool, node, 'draining')
    const deadline = performance.now() + timeoutMs
    for (;;) {
      const open = await this.connections(pool, node)
      if (open === 0) break
      if (performance.now() > deadline) throw new Error(`${node} still has ${String(open)} connections after ${String(timeoutMs)} ms`)
      await new Promise((r) => setTimeout(r, this.#opts.pollMs ?? 50))
    }
    this.#log(`${pool}: ${node} drained`)
  }

  /** Drains a node, runs `move` (maintenance, migration...) while it takes no traffic, then undrains it. */
  async drainAndMove(pool: string, node: string, move: () => Promise<void>): Promise<void> {
    await this.drain(pool, node)
    await move()
    await this.setState(pool, node, 'active')
  }

  /** Reacts to one event document from a Sluice webhook action. */
  async handleEvent(doc: { category?: string; name?: string; objects?: Record<string, string> }): Promise<void> {
    const pool = doc.objects?.['pool']
    const node = doc.objects?.['node']
    if (doc.category !== 'pools' || pool === undefined) return
    if (doc.name === 'nodefail' && node !== undefined && !this.replacements.has(node)) await this.replace(pool, node)
    else if (doc.name === 'pooldied') await this.replace(pool, `${pool} (all nodes)`)
  }

  /** Listens for webhook POSTs; resolves with the bound port. */
  async listen(host: string, port: number): Promise<number> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        let doc: unknown
        try {
          doc = JSON.parse(Buffer.concat(chunks).toString('utf8'))
        } catch {
          res.writeHead(400).end()
          return
        }
        // Answer at once; the work continues in the background.
        res.writeHead(204).end()
        this.handleEvent(doc as Parameters<UtilityManager['handleEvent']>[0]).catch((e: unknown) => {
          this.#log(`event handling failed: ${e instanceof Error ? e.message : String(e)}`)
        })
      })
    })
    server.listen(port, host)
    await once(server, 'listening')
    this.#server = server
    const a = server.address()
    return typeof a === 'object' && a !== null ? a.port : port
  }

  async close(): Promise<void> {
    await this.#queue
    const server = this.#server
    if (server === null) return
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  }
}

/** A stand-in for "start a virtual machine": an HTTP node on 127.0.0.1 in this process. */
export async function startLocalNode(name: string): Promise<{ address: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(name) })
      res.end(name)
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const a = server.address()
  const port = typeof a === 'object' && a !== null ? a.port : 0
  return {
    address: `127.0.0.1:${String(port)}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections()
        server.close(() => {
          r()
        })
      }),
  }
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: string) => {
    const at = process.argv.indexOf(`--${name}`)
    return at === -1 ? fallback : (process.argv[at + 1] ?? fallback)
  }
  const api = new ApiClient(arg('api', 'http://127.0.0.1:9070'), process.env['SLUICE_USER'], process.env['SLUICE_PASSWORD'])
  let launched = 0
  const manager = new UtilityManager({
    api,
    launch: async () => (await startLocalNode(`replacement-${String(++launched)}`)).address,
  })
  const [host = '127.0.0.1', port = '9080'] = arg('listen', '127.0.0.1:9080').split(':')
  const bound = await manager.listen(host, Number(port))
  console.log(`utility manager: webhook on http://${host}:${String(bound)}/`)
  const move = process.argv.indexOf('--move')
  if (move !== -1) {
    const [pool = '', node = ''] = (process.argv[move + 1] ?? '').split('/')
    await manager.drainAndMove(pool, node, async () => {
      console.log(`moving ${node} (nothing to do in this example)`)
      await Promise.resolve()
    })
    await manager.close()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
