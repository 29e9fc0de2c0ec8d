// Shared fixtures for the health integration tests: servers on 127.0.0.1:0 and spec building.
import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { MonitorSpec } from '../../src/health/index.ts'

export function spec(overrides: Partial<MonitorSpec> = {}): MonitorSpec {
  return {
    name: 'mon', type: 'connect', delayMs: 20, timeoutMs: 300, failures: 2, backOff: false, scope: 'pernode',
    useSsl: false, verbose: false, healthOnly: false, path: '/', hostHeader: '', authentication: '',
    statusRegex: /^[234][0-9][0-9]$/, bodyRegex: undefined, writeString: '', responseRegex: /.+/,
    closeString: '', maxResponseLen: 2048, program: '', arguments: [], pingProgram: '', ...overrides,
  }
}

/** Listens on 127.0.0.1:0; returns the `host:port` label. */
export async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      resolve()
    })
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  return `127.0.0.1:${address.port}`
}

/** Closes a server and every connection it still has. */
export function closeServer(server: net.Server, sockets: Set<net.Socket>): Promise<void> {
  for (const s of sockets) s.destroy()
  return new Promise((resolve) => {
    server.close(() => {
      resolve()
    })
  })
}

/** A port on 127.0.0.1 that was free a moment ago (nothing listens on it). */
export async function refusedPort(): Promise<number> {
  const server = net.createServer()
  const label = await listen(server)
  await new Promise<void>((resolve) => server.close(() => {
    resolve()
  }))
  return Number(label.split(':')[1])
}

/** Polls `check` every 5 ms until it is true; fails after `limitMs`. */
export async function waitFor(check: () => boolean, what: string, limitMs = 3000): Promise<void> {
  for (let waited = 0; waited < limitMs; waited += 5) {
    if (check()) return
    await sleep(5)
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** Tracks a server's sockets so tests can close them. */
export function tracked(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>()
  server.on('connection', (s: net.Socket) => {
    sockets.add(s)
    s.on('error', () => undefined)
    s.on('close', () => sockets.delete(s))
  })
  return sockets
}
