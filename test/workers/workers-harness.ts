/**
 * Runs a whole Sluice (SluiceServer: the primary, its worker threads and the REST API) in this
 * process on a temporary configuration directory, as `sluice start --workers N` would, with an
 * admin user for the API. Virtual servers listen on port 0; `port(vs)` reads the port back.
 * @module
 */
import http from 'node:http'
import type { TestContext } from 'node:test'
import type { LogLevel } from '../../src/core/index.ts'
import type { SluiceServer } from '../../src/server.ts'
import { addAdmin, startServerIn } from '../helpers/sluice-server.ts'
import { ADMIN, basic, writeConfigDir } from '../api/harness.ts'
import { onCleanup } from '../helpers/cleanup.ts'

export interface RunningWorkers {
  readonly server: SluiceServer
  readonly dir: string
  /** The port virtual server `vs` listens on (the same in every worker). */
  port(vs: string): number
  /** A REST API call as the admin user; the parsed JSON answer. */
  api(method: string, path: string): Promise<{ status: number; body: unknown; text: string }>
}

/** A plain HTTP virtual server on 127.0.0.1, port 0, sending to `pool`. */
export function httpVs(pool: string, extra: Record<string, unknown> = {}): unknown {
  return { properties: { basic: { enabled: true, port: 0, protocol: 'http', pool, listen_on_any: false, listen_on_hosts: ['127.0.0.1'] }, ...extra } }
}

/** A pool of `nodes` (`host:port`), with `extra` sections. */
export function poolDoc(nodes: readonly string[], extra: Record<string, unknown> = {}): unknown {
  const { basic: moreBasic, ...rest } = extra as { basic?: Record<string, unknown> }
  return { properties: { basic: { nodes_table: nodes.map((node) => ({ node })), ...moreBasic }, ...rest } }
}

export async function startWorkers(t: TestContext, files: Record<string, unknown>, workers = 2, level: LogLevel = 'error'): Promise<RunningWorkers> {
  const dir = await writeConfigDir(t, files)
  await addAdmin(dir)
  const server = await startServerIn(dir, { workers, level })
  onCleanup(t, () => server.stop(0))
  return {
    server,
    dir,
    port(vs) {
      const found = server.app.bound().find((b) => b.virtualServer === vs)
      if (found === undefined) throw new Error(`virtual server ${vs} does not listen`)
      return found.port
    },
    async api(method, path) {
      const res = await fetch(`${server.apiOrigin}${path}`, { method, headers: { authorization: basic(ADMIN.user, ADMIN.password) } })
      const text = await res.text()
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        body = undefined
      }
      return { status: res.status, body, text }
    },
  }
}

export interface Answer {
  readonly status: number
  readonly text: string
  readonly setCookie: string | null
}

/** One request on a connection of its own. */
export function once(port: number, path = '/', headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, headers: { connection: 'close', ...headers } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () => {
        // Sluice's own cookie, when it set one (the nodes may set theirs too).
        const sc = res.headers['set-cookie']?.find((c) => c.startsWith('X-Mapping-'))
        resolve({ status: res.statusCode ?? 0, text, setCookie: sc ?? null })
      })
    })
    req.setTimeout(5000, () => req.destroy(new Error('no answer in 5 s')))
    req.on('error', reject)
  })
}

