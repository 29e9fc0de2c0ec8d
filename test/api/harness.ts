/**
 * Runs an App and its ApiServer on a temporary configuration directory, all on 127.0.0.1:0,
 * with a small client that speaks to the API as the admin user the harness creates.
 * @module
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { TestContext } from 'node:test'
import { ApiServer, hashPassword, saveUser, usersFilePath, type ApiServerOptions } from '../../src/api/index.ts'
import { App } from '../../src/app.ts'
import { loadConfigDir } from '../../src/config/index.ts'
import { createLogger, systemClock, systemRandom, type Clock } from '../../src/core/index.ts'
import { boundPort } from '../helpers/bound-port.ts'
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
  /** The admin user the harness created; `call` sends these credentials unless told otherwise. */
  readonly admin: { readonly user: string; readonly password: string }
  /** `auth`: an Authorization header value, or null to send none. */
  call(method: string, path: string, body?: unknown, opts?: { auth?: string | null; contentType?: string; headers?: Record<string, string> }): Promise<ApiResponse>
}

/** What a test may change about the API it starts. */
export interface ApiHarnessOptions {
  /** Create no users (the API then serves statistics only, to loopback callers). */
  readonly noUsers?: boolean
  readonly clock?: Clock
  readonly api?: Partial<Pick<ApiServerOptions, 'limits' | 'throttle' | 'verifyPassword' | 'hostNames' | 'sessions' | 'ruleTester'>>
}

/** The harness's admin user. */
export const ADMIN = { user: 'admin', password: 'harness admin password' }

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
 * free loopback port, with user "admin" (ADMIN). Everything stops when the test ends.
 */
export async function startApi(t: TestContext, files: Record<string, unknown>, pool?: string, opts: ApiHarnessOptions = {}): Promise<ApiHarness> {
  // Port 0: the system picks the virtual server's port when it binds; read back below.
  const all = pool === undefined ? files : { 'virtual_servers/vs': vsDoc(0, pool), ...files }
  const dir = await writeConfigDir(t, all)
  const loaded = await loadConfigDir(dir)
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error))
  const logger = createLogger('error')
  const app = new App({ clock: systemClock, random: systemRandom, logger })
  const applied = await app.apply(loaded.value)
  if (!applied.ok) throw new Error(JSON.stringify(applied.error))
  onCleanup(t, () => app.stop(0))
  const vsPort = pool === undefined ? 0 : boundPort(app, 'vs')
  if (opts.noUsers !== true) {
    const saved = await saveUser(usersFilePath(dir), { name: ADMIN.user, role: 'admin', passwordHash: await hashPassword(ADMIN.password) })
    if (!saved.ok) throw new Error(saved.error)
  }
  const clock = opts.clock ?? systemClock
  const api = new ApiServer({ app, configDir: dir, logger, clock, address: { host: '127.0.0.1', port: 0 }, version: 'test', ...opts.api })
  const started = await api.start()
  if (!started.ok) throw new Error(started.error)
  onCleanup(t, () => api.close())
  const apiUrl = `http://127.0.0.1:${String(started.value.port)}`
  const call: ApiHarness['call'] = async (method, path, body, callOpts = {}) => {
    const headers: Record<string, string> = { ...callOpts.headers }
    const auth = callOpts.auth === undefined ? basic(ADMIN.user, ADMIN.password) : callOpts.auth
    if (auth !== null) headers['authorization'] = auth
    let payload: string | Buffer | undefined
    if (body !== undefined) {
      payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body)
      headers['content-type'] = callOpts.contentType ?? (typeof body === 'string' ? 'application/octet-stream' : 'application/json')
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
  return { app, api, dir, apiUrl, vsPort, admin: ADMIN, call }
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

/**
 * One request over its own connection with `node:http`, which (unlike fetch) lets a test set
 * `Host` and `Origin` as a browser or an attacker would, and pick the local address.
 */
export function rawCall(
  url: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string; localAddress?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request(
      { host: hostname, port, method, path, headers: opts.headers ?? {}, agent: false, ...(opts.localAddress === undefined ? {} : { localAddress: opts.localAddress }) },
      (res) => {
        let text = ''
        res.on('data', (c: Buffer) => (text += c.toString('utf8')))
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text })
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(opts.body)
  })
}

/**
 * One API call as the harness's admin to a running Sluice at `origin`: `path` is under
 * /api/tm/8.3/ unless it starts with a slash; the JSON answer ({} when there is none).
 */
export async function adminCall(origin: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const init: RequestInit = { method, headers: { authorization: basic(ADMIN.user, ADMIN.password), 'content-type': 'application/json' } }
  if (body !== undefined) init.body = JSON.stringify(body)
  const res = await fetch(`${origin}${path.startsWith('/') ? path : `/api/tm/8.3/${path}`}`, init)
  const text = await res.text()
  let parsed: Record<string, unknown> = {}
  try {
    parsed = JSON.parse(text) as Record<string, unknown>
  } catch {
    parsed = {}
  }
  return { status: res.status, body: parsed, text }
}
