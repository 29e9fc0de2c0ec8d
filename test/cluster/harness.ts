/**
 * Clusters in tests (issue #16): a real redis-server on a free port of 127.0.0.1 (its data in a
 * temporary directory, append-only so a restart keeps it), stopped by its PID; and members,
 * each a whole Sluice (SluiceServer with its API) on its own configuration directory, all
 * serving the same virtual server port side by side (SO_REUSEPORT).
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import type { SluiceServer } from '../../src/server.ts'
import { addAdmin, startServerIn } from '../helpers/sluice-server.ts'
import { adminCall, writeConfigDir } from '../api/harness.ts'
import { onCleanup } from '../helpers/cleanup.ts'
import { freePort } from '../helpers/nodes.ts'

/** Why the cluster tests cannot run here (no redis-server), or undefined when they can. */
export function redisMissing(): string | undefined {
  const found = (process.env['PATH'] ?? '').split(':').some((d) => d !== '' && existsSync(join(d, 'redis-server')))
  return found ? undefined : 'redis-server is missing (apt-get install redis-server; .ci/run installs it)'
}

export interface RedisServer {
  readonly port: number
  readonly url: string
  /** Stops it (SIGTERM to its PID) and waits for it to exit. */
  stop(): Promise<void>
  /** Starts it again on the same port and data. */
  start(): Promise<void>
}

/** Waits until something accepts connections on `port` (at most `limitMs`). */
async function listening(port: number, host = '127.0.0.1', limitMs = 5000): Promise<void> {
  const deadline = Date.now() + limitMs
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, host)
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => {
        resolve(false)
      })
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`nothing listens on ${String(port)} after ${String(limitMs)} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** A redis-server on 127.0.0.1 (or `bind`, an address of this machine) and a free port. */
export async function startRedis(t: TestContext, bind = '127.0.0.1'): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-redis-'))
  // redis-server takes its port on the command line: a free one is picked, then handed to it.
  const port = await freePort()
  let child: ChildProcess | null = null
  const server: RedisServer = {
    port,
    url: `redis://${bind}:${String(port)}/0`,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', bind, '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--protected-mode', 'no'], { stdio: 'ignore' })
      await listening(port, bind)
    },
    async stop() {
      const c = child
      child = null
      if (c === null || c.exitCode !== null) return
      const exited = once(c, 'exit')
      c.kill('SIGTERM')
      await exited
    },
  }
  await server.start()
  onCleanup(t, async () => {
    await server.stop()
    await rm(dir, { recursive: true, force: true })
  })
  return server
}

export interface Member {
  server: SluiceServer
  readonly name: string
  readonly dir: string
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; text: string }>
  stop(): Promise<void>
}

/** A member named `name` on `files`, joined to `redisUrl`. */
export async function startMember(t: TestContext, redisUrl: string, name: string, files: Record<string, unknown>, opts: { dir?: string } = {}): Promise<Member> {
  const dir = opts.dir ?? (await writeConfigDir(t, files))
  await addAdmin(dir)
  const server = await startServerIn(dir, { cluster: { url: redisUrl, memberName: name } })
  let stopped = false
  const member: Member = {
    server,
    name,
    dir,
    api: (method, path, body) => adminCall(member.server.apiOrigin, method, path, body),
    async stop() {
      if (stopped) return
      stopped = true
      await member.server.stop(0)
    },
  }
  onCleanup(t, () => member.stop())
  return member
}

/** A plain HTTP virtual server on 127.0.0.1:`port` sending to `pool`. */
export function vsOn(port: number, pool: string, more: Record<string, unknown> = {}): unknown {
  return { properties: { basic: { enabled: true, port, protocol: 'http', pool, listen_on_any: false, listen_on_hosts: ['127.0.0.1'] }, ...more } }
}

/** Polls `check` every 25 ms until it is true; fails after `limitMs`. Returns the time it took. */
export async function within(limitMs: number, what: string, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now()
  for (;;) {
    if (await check()) return Date.now() - started
    if (Date.now() - started > limitMs) throw new Error(`${what}: not within ${String(limitMs)} ms`)
    await new Promise((r) => setTimeout(r, 25))
  }
}
