/**
 * Test nodes on 127.0.0.1:0: an HTTP node that answers with its name (or a custom handler), and
 * a raw TCP node driven by a script. Both record what they saw so tests can assert on it.
 * @module
 */
import http from 'node:http'
import net from 'node:net'
import type { TestContext } from 'node:test'
import { onCleanup } from './cleanup.ts'

/** What a node saw, for assertions. */
export interface NodeRecord {
  /** `host:port` for a pool's nodes_table. */
  readonly address: string
  readonly port: number
  /** TCP connections accepted so far. */
  connections: number
  /** Connections open right now. */
  open: number
  /** Requests seen (HTTP nodes: complete heads; raw nodes: connections with any bytes). */
  requests: number
}

export interface HttpNode extends NodeRecord {
  readonly server: http.Server
  /** Heads of every request seen, in order. */
  readonly seen: http.IncomingMessage[]
}

export type NodeHandler = (req: http.IncomingMessage, res: http.ServerResponse, node: HttpNode) => void

/** Replies `name` with Content-Length, after reading the whole request body. */
export function answerName(name: string): NodeHandler {
  return (req, res) => {
    req.resume()
    req.on('end', () => {
      res.setHeader('content-type', 'text/plain')
      res.end(name)
    })
  }
}

async function listenLocal(server: net.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const a = server.address()
  if (a === null || typeof a === 'string') throw new Error('no TCP address')
  return a.port
}

function track(server: net.Server, record: NodeRecord, sockets: Set<net.Socket>): void {
  server.on('connection', (s: net.Socket) => {
    record.connections++
    record.open++
    sockets.add(s)
    s.on('close', () => {
      record.open--
      sockets.delete(s)
    })
  })
}

function closeAll(server: net.Server, sockets: Set<net.Socket>): Promise<void> {
  for (const s of sockets) s.destroy()
  return new Promise((resolve) => {
    server.close(() => {
      resolve()
    })
  })
}

/** Starts an HTTP node; closed by `t.after`. */
export async function startHttpNode(t: TestContext, name: string, handler: NodeHandler = answerName(name)): Promise<HttpNode> {
  const server = http.createServer({ keepAliveTimeout: 5000 })
  const sockets = new Set<net.Socket>()
  const node: HttpNode = { address: '', port: 0, connections: 0, open: 0, requests: 0, server, seen: [] }
  track(server, node, sockets)
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    node.requests++
    node.seen.push(req)
    handler(req, res, node)
  })
  const port = await listenLocal(server)
  Object.assign(node, { address: `127.0.0.1:${port}`, port })
  onCleanup(t, () => closeAll(server, sockets))
  return node
}

/**
 * Writes `piece` to `res` until `total` bytes went, waiting for 'drain' whenever the client is
 * full, then ends it; `progress` hears the running count (to see where a slow client stalls it).
 */
export function writeRepeated(res: http.ServerResponse, piece: Buffer, total: number, progress: (written: number) => void = () => undefined): void {
  let written = 0
  const pump = (): void => {
    while (written < total) {
      written += piece.length
      progress(written)
      if (!res.write(piece)) {
        res.once('drain', pump)
        return
      }
    }
    res.end()
  }
  pump()
}

export interface RawNode extends NodeRecord {
  readonly server: net.Server
  /** Everything received, per connection, as latin1 text. */
  readonly received: string[]
}

/**
 * Starts a TCP node whose behaviour is `script`, called for each connection with the bytes
 * received so far on it (latin1) each time more arrive.
 */
export async function startRawNode(
  t: TestContext,
  script: (socket: net.Socket, receivedSoFar: string, index: number) => void,
): Promise<RawNode> {
  const server = net.createServer({ allowHalfOpen: true })
  const sockets = new Set<net.Socket>()
  const node: RawNode = { address: '', port: 0, connections: 0, open: 0, requests: 0, server, received: [] }
  track(server, node, sockets)
  server.on('connection', (s: net.Socket) => {
    const index = node.received.length
    node.received.push('')
    s.on('error', () => undefined)
    // Like an ordinary server: a client that closes its side is closed in return.
    s.on('end', () => {
      s.end()
    })
    s.on('data', (chunk: Buffer) => {
      const before = node.received[index] ?? ''
      if (before === '') node.requests++
      const got = before + chunk.toString('latin1')
      node.received[index] = got
      script(s, got, index)
    })
  })
  const port = await listenLocal(server)
  Object.assign(node, { address: `127.0.0.1:${port}`, port })
  onCleanup(t, () => closeAll(server, sockets))
  return node
}

/** A raw node that answers each complete request head with `response` (a whole response). */
export function replyOnHead(
  response: string | Buffer,
  then: 'keep' | 'end' | 'destroy' = 'keep',
): (s: net.Socket, got: string, index: number) => void {
  const answered: number[] = []
  return (s, got, index) => {
    const heads = got.split('\r\n\r\n').length - 1
    while ((answered[index] ?? 0) < heads) {
      answered[index] = (answered[index] ?? 0) + 1
      s.write(response)
      if (then === 'end') s.end()
      if (then === 'destroy') s.destroy()
    }
  }
}

/**
 * A port on 127.0.0.1 that nothing listens on (it was free a moment ago), for a node that must
 * refuse connections. It is drawn at random below the kernel's ephemeral range (32768 and up),
 * because a port from that range is soon taken again as the source port of some outgoing
 * connection. Listeners a test starts use port 0 and read the port back instead (bound-port.ts).
 */
export async function closedPort(): Promise<number> {
  return freePort()
}

/**
 * A free port to bind later, for the rare test that must name a listener's port before it starts
 * (a process that prints no banner to read it from). Prefer port 0 (bound-port.ts).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_700)
    const server = net.createServer()
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => {
        resolve(false)
      })
      server.listen(port, '127.0.0.1', () => {
        resolve(true)
      })
    })
    if (!bound) continue
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve()
      })
    })
    return port
  }
  throw new Error('no free port found below the ephemeral range after 200 attempts')
}
