/**
 * Runs an App and its ApiServer on a temporary configuration directory, all on 127.0.0.1:0,
 * with a small client that speaks to the API.
 * @module
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { TestContext } from 'node:test'
import { ApiServer } from '../../src/api/index.ts'
import { App } from '../../src/app.ts'
import { loadConfigDir } from '../../src/config/index.ts'
import { createLogger, systemClock, systemRandom } from '../../src/core/index.ts'
import { freePort } from '../e2e/cli-harness.ts'
import { onCleanup } from '../helpers/cleanup.ts'

export interface ApiResponse {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /** The parsed JSON body (undefined when not JSON). */
  readonly body: unknown
}

export interface ApiHarness {
  readonly app: App
  readonly api: ApiServer
  readonly dir: string
  readonly apiUrl: string
  /** The virtual server "vs" listens here (when the configuration has it). */
  readonly vsPort: number
  call(method: string, path: string, body?: unknown, opts?: { auth?: string; contentType?: string }): Promise<ApiResponse>
}

/** Writes `files` (relative path to JSON value or text) into a fresh directory. */
export async function writeConfigDir(t: TestContext, files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-api-'))
  onCleanup(t, () => rm(dir, { recursive: true, force: true }))
  for (const [rel, value] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true })
    await writeFile(join(dir, rel), typeof value === 'string' ? value : JSON.stringify(value))
  }
  return dir
}

/** A virtual server document on `port` sending to `pool`. */
export function vsDoc(port: number, pool: string): unknown {
  return { properties: { basic: { enabled: true, port, protocol: 'http', pool, listen_on_any: false, listen_on_hosts: ['127.0.0.1'] } } }
}

/** Basic credentials header value. */
export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
}

/**
 * Starts the App on `files` (plus virtual server "vs" when `pool` is given) and the API on a
 * free loopback port. Everything stops when the test ends.
 */
export async function startApi(t: TestContext, files: Record<string, unknown>, pool?: string): Promise<ApiHarness> {
  const vsPort = await freePort()
  const all = pool === undefined ? files : { 'virtual_servers/vs': vsDoc(vsPort, pool), ...files }
  const dir = await writeConfigDir(t, all)
  const loaded = await loadConfigDir(dir)
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error))
  const logger = createLogger('error')
  const app = new App({ clock: systemClock, random: systemRandom, logger })
  const applied = await app.apply(loaded.value)
  if (!applied.ok) throw new Error(JSON.stringify(applied.error))
  onCleanup(t, () => app.stop(0))
  const api = new ApiServer({ app, configDir: dir, logger, clock: systemClock, address: { host: '127.0.0.1', port: 0 }, version: 'test' })
  const started = await api.start()
  if (!started.ok) throw new Error(started.error)
  onCleanup(t, () => api.close())
  const apiUrl = `http://127.0.0.1:${String(started.value.port)}`
  const call: ApiHarness['call'] = async (method, path, body, opts = {}) => {
    const headers: Record<string, string> = {}
    if (opts.auth !== undefined) headers['authorization'] = opts.auth
    let payload: string | Buffer | undefined
    if (body !== undefined) {
      payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body)
      headers['content-type'] = opts.contentType ?? (typeof body === 'string' ? 'application/octet-stream' : 'application/json')
    }
    const res = await fetch(`${apiUrl}${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) })
    const text = await res.text()
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = undefined
    }
    return { status: res.status, headers: res.headers, text, body: parsed }
  }
  return { app, api, dir, apiUrl, vsPort, call }
}

/** Reads a nested value: `pick(body, 'properties', 'basic', 'note')`. */
export function pick(value: unknown, ...path: (string | number)[]): unknown {
  let v: unknown = value
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined
    v = (v as Record<string | number, unknown>)[p]
  }
  return v
}
