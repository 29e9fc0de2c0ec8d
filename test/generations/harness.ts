/**
 * A whole Sluice (SluiceServer with its REST API) on a temporary configuration directory with
 * an application in generations: one pool per generation, each node answering its generation's
 * name. Clients keep cookies like a browser, so a "session" here is one cookie jar.
 * @module
 */
import http from 'node:http'
import type { TestContext } from 'node:test'
import type { SluiceServer } from '../../src/server.ts'
import { addAdmin, startServerIn } from '../helpers/sluice-server.ts'
import { adminCall, writeConfigDir } from '../api/harness.ts'
import { onCleanup } from '../helpers/cleanup.ts'
import { startHttpNode, type HttpNode } from '../helpers/nodes.ts'

export interface Row {
  readonly name: string
  readonly state: 'testing' | 'current' | 'draining' | 'reaped'
}

export interface Running {
  server: SluiceServer
  readonly dir: string
  readonly nodes: ReadonlyMap<string, HttpNode>
  port(): number
  /** An API call as the admin; `path` is under /api/tm/8.3/ unless it starts with a slash. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; text: string }>
  /** Stops Sluice and starts it again on the same directory (a restart). */
  restart(): Promise<void>
}

/** A node for generation `name` that answers `name`; with `appCookie`, it sets that cookie when the request has none. */
export async function generationNode(t: TestContext, name: string, appCookie = ''): Promise<HttpNode> {
  let n = 0
  return startHttpNode(t, name, (req, res) => {
    req.resume()
    req.on('end', () => {
      if (appCookie !== '' && !(req.headers.cookie ?? '').includes(`${appCookie}=`)) res.setHeader('Set-Cookie', `${appCookie}=${name}-${String(++n)}; Path=/`)
      if (req.url === '/logout' && appCookie !== '') res.setHeader('Set-Cookie', `${appCookie}=; Max-Age=0; Path=/`)
      res.setHeader('Content-Type', 'text/plain')
      res.end(name)
    })
  })
}

/**
 * Sluice with virtual server "app" over generations `rows` (pool `gen-<name>` each), `section`
 * added to its generations section, `vs` added to the virtual server's properties.
 */
export async function startGenerations(
  t: TestContext,
  rows: readonly Row[],
  section: Record<string, unknown> = {},
  opts: { appCookie?: string; workers?: number; files?: Record<string, unknown> } = {},
): Promise<Running> {
  const nodes = new Map<string, HttpNode>()
  const files: Record<string, unknown> = { ...opts.files }
  for (const row of rows) {
    const node = await generationNode(t, row.name, opts.appCookie ?? '')
    nodes.set(row.name, node)
    files[`pools/gen-${row.name}`] = { properties: { basic: { nodes_table: [{ node: node.address }] } } }
  }
  files['virtual_servers/app'] = {
    properties: {
      basic: { enabled: true, port: 0, protocol: 'http', pool: `gen-${rows[0]?.name ?? ''}`, listen_on_any: false, listen_on_hosts: ['127.0.0.1'] },
      generations: { table: rows.map((r) => ({ name: r.name, pool: `gen-${r.name}`, state: r.state })), ...section },
    },
  }
  const dir = await writeConfigDir(t, files)
  await addAdmin(dir)
  const start = (): Promise<SluiceServer> => startServerIn(dir, { workers: opts.workers ?? 1 })
  const running: Running = {
    server: await start(),
    dir,
    nodes,
    port() {
      const found = running.server.app.bound().find((b) => b.virtualServer === 'app')
      if (found === undefined) throw new Error('virtual server app does not listen')
      return found.port
    },
    api: (method, path, body) => adminCall(running.server.apiOrigin, method, path, body),
    async restart() {
      await running.server.stop(0)
      running.server = await start()
    },
  }
  onCleanup(t, () => running.server.stop(0))
  return running
}

/** A browser-like client: one cookie jar, so one session. */
export class Session {
  readonly #jar = new Map<string, string>()
  readonly headers: Record<string, string>

  constructor(headers: Record<string, string> = {}) {
    this.headers = headers
  }

  /** The generation that answered (the node's body), or throws on a failed request. */
  async get(port: number, path = '/'): Promise<string> {
    const cookie = [...this.#jar].map(([k, v]) => `${k}=${v}`).join('; ')
    const res = await new Promise<http.IncomingMessage & { text: string }>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path, agent: false, headers: { ...this.headers, ...(cookie === '' ? {} : { cookie }) } }, (r) => {
        let text = ''
        r.setEncoding('utf8')
        r.on('data', (c: string) => (text += c))
        r.on('end', () => {
          resolve(Object.assign(r, { text }))
        })
      })
      req.setTimeout(5000, () => req.destroy(new Error('no answer in 5 s')))
      req.on('error', reject)
    })
    for (const sc of res.headers['set-cookie'] ?? []) {
      const pair = sc.split(';')[0] ?? ''
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq)
      const value = pair.slice(eq + 1)
      if (/max-age=0/i.test(sc) || value === '') this.#jar.delete(name)
      else this.#jar.set(name, value)
    }
    if (res.statusCode !== 200) throw new Error(`status ${String(res.statusCode)}: ${res.text}`)
    return res.text
  }

  has(cookie: string): boolean {
    return this.#jar.has(cookie)
  }
}

/** The generations section of `GET status/local_tm/generations/app`, by name. */
export async function generationRows(run: Running): Promise<Map<string, Record<string, unknown>>> {
  const { body } = await run.api('GET', 'status/local_tm/generations/app')
  const rows = (body['generations'] ?? []) as Record<string, unknown>[]
  return new Map(rows.map((r) => [String(r['name']), r]))
}
