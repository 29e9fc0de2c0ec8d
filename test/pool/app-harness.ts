/**
 * Runs an App on a configuration built from objects, with named test nodes, for pool tests.
 */
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { App } from '../../src/app.ts'
import { loadConfigFromObjects } from '../../src/config/index.ts'
import { createLogger, systemClock, systemRandom } from '../../src/core/index.ts'
import { boundPort } from '../helpers/bound-port.ts'

export interface TestNode {
  readonly name: string
  address: string
  /** Requests this node has answered (monitor probes included). */
  hits: number
  /** What the node answers; change it to make the node fail. */
  status: number
  close(): Promise<void>
}

export async function startNode(name: string): Promise<TestNode> {
  const node: TestNode = { name, address: '', hits: 0, status: 200, close: () => Promise.resolve() }
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume()
    node.hits++
    res.writeHead(node.status, { 'content-type': 'text/plain' })
    res.end(name)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const a = server.address()
  node.address = `127.0.0.1:${String(typeof a === 'object' && a !== null ? a.port : 0)}`
  node.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => {
        resolve(undefined)
      })
    })
  return node
}

export interface RunningApp {
  readonly app: App
  readonly port: number
  readonly url: string
  /** Applies a new set of objects (the virtual server is added automatically). */
  apply(objects: Record<string, unknown>): Promise<void>
}

/** Starts an App with virtual server "vs" on a port the system picks (0), default pool `pool`. */
export async function startApp(pool: string, objects: Record<string, unknown>): Promise<RunningApp> {
  // Port 0 stays in every configuration applied: the listener keeps the port it got.
  const port = 0
  const app = new App({ clock: systemClock, random: systemRandom, logger: createLogger('error') })
  const apply = async (objs: Record<string, unknown>) => {
    const files: Record<string, string> = {
      'virtual_servers/vs': JSON.stringify({
        properties: { basic: { enabled: true, port, protocol: 'http', pool, listen_on_any: false, listen_on_hosts: ['127.0.0.1'] } },
      }),
    }
    for (const [path, value] of Object.entries(objs)) files[path] = typeof value === 'string' ? value : JSON.stringify(value)
    const config = loadConfigFromObjects(files)
    if (!config.ok) throw new Error(JSON.stringify(config.error))
    const applied = await app.apply(config.value)
    if (!applied.ok) throw new Error(JSON.stringify(applied.error))
  }
  await apply(objects)
  const bound = boundPort(app, 'vs')
  return { app, port: bound, url: `http://127.0.0.1:${String(bound)}/`, apply }
}

export async function getText(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url)
  return { status: res.status, text: await res.text() }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/** Polls `check` every 50 ms until it is true or `timeoutMs` passes. */
export async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (check()) return true
    await sleep(50)
  }
  return check()
}
