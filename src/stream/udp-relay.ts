/**
 * UDP request/response virtual servers: each client address and port is a session with its own
 * socket to one node, so every reply goes back to the client that asked. A session ends after
 * `udp.timeout` without traffic or once the expected number of reply datagrams has arrived.
 * @module
 */
import { createSocket, type RemoteInfo, type Socket as DgramSocket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import { resolveFailover, type Pool, type PoolNode } from '../pool/index.ts'
import type { StreamDeps } from './stream-state.ts'
import type { UdpService } from '../snapshot/index.ts'

/** Datagrams kept to resend to another node if the first one refuses (ICMP unreachable). */
const MAX_RESEND_DATAGRAMS = 8

class UdpSession {
  readonly key: string
  readonly service: UdpService
  readonly #relay: UdpRelay
  readonly #from: RemoteInfo
  readonly #listener: DgramSocket
  readonly #startMs: number
  #pool: Pool
  #node: PoolNode | null = null
  #socket: DgramSocket | null = null
  readonly #tried: PoolNode[] = []
  #unanswered: Buffer[] = []
  #replies = 0
  #bytesIn = 0
  #bytesOut = 0
  #timer: NodeJS.Timeout | null = null
  #isConnected = false
  #isClosed = false

  constructor(key: string, relay: UdpRelay, service: UdpService, pool: Pool, from: RemoteInfo, listener: DgramSocket) {
    this.key = key
    this.service = service
    this.#relay = relay
    this.#pool = pool
    this.#from = from
    this.#listener = listener
    this.#startMs = relay.deps.clock.monoMs()
    if (service.timeoutMs > 0) {
      this.#timer = setTimeout(() => {
        this.close()
      }, service.timeoutMs)
    }
  }

  /** Picks a node and opens a socket to it; false when no node is usable. */
  open(): boolean {
    const node = this.#pool.pick(this.#tried)
    if (node === undefined) return false
    this.#node = node
    this.#pool.acquire(node)
    const socket = createSocket(isIPv6(node.status.host) ? 'udp6' : 'udp4')
    this.#socket = socket
    this.#isConnected = false
    socket.on('error', () => {
      this.#onNodeError(socket)
    })
    socket.on('message', (msg: Buffer) => {
      this.#onReply(msg)
    })
    socket.connect(node.status.port, node.status.host, () => {
      if (this.#socket !== socket) return
      this.#isConnected = true
      for (const d of this.#unanswered) socket.send(d)
    })
    return true
  }

  send(msg: Buffer): void {
    this.#bytesIn += msg.length
    this.#timer?.refresh()
    if (this.#replies === 0 && this.#unanswered.length < MAX_RESEND_DATAGRAMS) this.#unanswered.push(msg)
    // Until `connect` completes, datagrams wait in #unanswered (sent on connect; beyond the cap, dropped).
    if (this.#socket !== null && this.#isConnected) this.#socket.send(msg)
  }

  #onReply(msg: Buffer): void {
    if (this.#isClosed) return
    this.#replies++
    this.#unanswered = []
    this.#bytesOut += msg.length
    this.#timer?.refresh()
    sendSafely(this.#listener, msg, this.#from)
    const expected = this.service.responseDatagramsExpected
    if (expected > 0 && this.#replies >= expected) this.close()
  }

  /** The node refused (ICMP port unreachable) or the socket failed: try another node if unanswered. */
  #onNodeError(socket: DgramSocket): void {
    if (this.#socket !== socket || this.#isClosed) return
    socket.close()
    this.#socket = null
    const node = this.#node
    if (node !== null) {
      this.#pool.noteConnectFailure(node)
      this.#pool.release(node)
      this.#tried.push(node)
      this.#node = null
    }
    if (this.#replies > 0 || !this.open()) this.close()
  }

  close(): void {
    if (this.#isClosed) return
    this.#isClosed = true
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#socket?.close()
    this.#socket = null
    if (this.#node !== null) {
      if (this.#replies > 0) this.#pool.noteConnectSuccess(this.#node)
      this.#pool.release(this.#node)
    }
    this.#relay.forget(this)
    this.service.onEnd?.({
      virtualServer: this.service.name,
      clientIp: this.#from.address,
      bytesIn: this.#bytesIn,
      bytesOut: this.#bytesOut,
      durationMs: this.#relay.deps.clock.monoMs() - this.#startMs,
      pool: this.#pool,
      node: this.#node?.id ?? null,
    })
    this.#node = null
  }
}

/**
 * Sends `msg` to `to` from a listener socket that may have closed meanwhile (its virtual server
 * was removed): dgram throws synchronously then, and the data plane must not.
 */
export function sendSafely(listener: DgramSocket, msg: Buffer, to: RemoteInfo): void {
  try {
    listener.send(msg, to.port, to.address)
  } catch {
    // The listener is gone; the reply has nowhere to go.
  }
}

/** The sessions of every `udp` virtual server; lives as long as the App. */
export class UdpRelay {
  readonly deps: StreamDeps
  readonly #sessions = new Map<string, UdpSession>()
  #serial = 0

  constructor(deps: StreamDeps) {
    this.deps = deps
  }

  get sessionCount(): number {
    return this.#sessions.size
  }

  /** One datagram from a client, received on `listener` of virtual server `service`. */
  handle(msg: Buffer, from: RemoteInfo, listener: DgramSocket, service: UdpService): void {
    const endpoint = `${service.name}|${from.address}|${String(from.port)}`
    if (service.endPointPersistence) {
      const existing = this.#sessions.get(endpoint)
      if (existing !== undefined) {
        existing.send(msg)
        return
      }
    }
    if (this.#sessions.size >= service.maxSessions || service.pool === null) return
    const pool = resolveFailover(service.pool, service.pools, this.deps.clock.monoMs())
    if (pool === null) return
    const key = service.endPointPersistence ? endpoint : `${endpoint}|${String(++this.#serial)}`
    const session = new UdpSession(key, this, service, pool, from, listener)
    this.#sessions.set(key, session)
    session.send(msg)
    if (!session.open()) session.close()
  }

  forget(session: UdpSession): void {
    if (this.#sessions.get(session.key) === session) this.#sessions.delete(session.key)
  }

  /** Ends every session (shutdown). */
  close(): void {
    for (const s of [...this.#sessions.values()]) s.close()
  }
}
