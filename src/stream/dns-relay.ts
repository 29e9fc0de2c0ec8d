/**
 * DNS over UDP: every query is balanced on its own. Queries to one node share one socket; each
 * gets a query ID unique on that socket, and a reply is matched by that ID (from the node's
 * address only, as the socket is connected), given its client's ID back and sent to the client.
 * @module
 */
import { createSocket, type RemoteInfo, type Socket as DgramSocket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import { resolveFailover, type Pool, type PoolNode } from '../pool/index.ts'
import type { StreamDeps } from './stream-state.ts'
import { sendSafely } from './udp-relay.ts'
import type { UdpService } from '../snapshot/index.ts'

/** A DNS header is 12 bytes (RFC 1035 §4.1.1). */
const DNS_HEADER_BYTES = 12
const QR_RESPONSE = 0x80

interface PendingQuery {
  readonly clientId: number
  readonly from: RemoteInfo
  readonly listener: DgramSocket
  readonly service: UdpService
  readonly pool: Pool
  readonly node: PoolNode
  readonly bytesIn: number
  readonly startMs: number
  readonly timer: NodeJS.Timeout | null
}

/** One shared socket to one node, with the queries waiting on it by their upstream ID. */
class NodeChannel {
  readonly socket: DgramSocket
  readonly pending = new Map<number, PendingQuery>()
  readonly #queued: Buffer[] = []
  #isConnected = false
  #nextId: number

  constructor(relay: DnsRelay, node: PoolNode, firstId: number) {
    this.#nextId = firstId & 0xffff
    this.socket = createSocket(isIPv6(node.status.host) ? 'udp6' : 'udp4')
    this.socket.on('error', () => {
      relay.nodeError(this, node)
    })
    this.socket.on('message', (msg: Buffer) => {
      relay.reply(this, msg)
    })
    this.socket.connect(node.status.port, node.status.host, () => {
      this.#isConnected = true
      for (const q of this.#queued) this.socket.send(q)
      this.#queued.length = 0
    })
  }

  /** A query ID not in use on this socket, or -1 when all 65536 are. */
  allocateId(): number {
    for (let i = 0; i < 0x10000; i++) {
      const id = this.#nextId
      this.#nextId = (this.#nextId + 1) & 0xffff
      if (!this.pending.has(id)) return id
    }
    return -1
  }

  send(query: Buffer): void {
    if (this.#isConnected) this.socket.send(query)
    else this.#queued.push(query)
  }
}

/** The DNS queries in flight for every `dns` virtual server; lives as long as the App. */
export class DnsRelay {
  readonly #deps: StreamDeps
  readonly #channels = new Map<string, NodeChannel>()
  #pendingCount = 0
  #seed = 0x2f1d

  constructor(deps: StreamDeps) {
    this.#deps = deps
  }

  get pendingCount(): number {
    return this.#pendingCount
  }

  /** One query datagram from a client, received on `listener` of virtual server `service`. */
  handle(msg: Buffer, from: RemoteInfo, listener: DgramSocket, service: UdpService): void {
    // Too short, or a response sent to us: not a query.
    if (msg.length < DNS_HEADER_BYTES || ((msg[2] ?? 0) & QR_RESPONSE) !== 0) return
    if (this.#pendingCount >= service.maxSessions || service.pool === null) return
    const pool = resolveFailover(service.pool, service.pools, this.#deps.clock.monoMs())
    if (pool === null) return
    const node = pool.pick(null)
    if (node === undefined) return
    const channel = this.#channel(pool, node)
    const upstreamId = channel.allocateId()
    if (upstreamId < 0) return
    pool.acquire(node)
    const query = Buffer.from(msg)
    query.writeUInt16BE(upstreamId, 0)
    const timer =
      service.timeoutMs > 0
        ? setTimeout(() => {
            this.#finish(channel, upstreamId, null)
          }, service.timeoutMs)
        : null
    channel.pending.set(upstreamId, {
      clientId: msg.readUInt16BE(0),
      from,
      listener,
      service,
      pool,
      node,
      bytesIn: msg.length,
      startMs: this.#deps.clock.monoMs(),
      timer,
    })
    this.#pendingCount++
    channel.send(query)
  }

  /**
   * After a reload: closes the sockets of nodes no longer in `keep` (pool name to node ids) once
   * nothing waits on them.
   */
  retain(keep: ReadonlyMap<string, ReadonlySet<string>>): void {
    for (const [key, channel] of this.#channels) {
      const bar = key.indexOf('|')
      if (keep.get(key.slice(0, bar))?.has(key.slice(bar + 1)) === true || channel.pending.size > 0) continue
      channel.socket.close()
      this.#channels.delete(key)
    }
  }

  #channel(pool: Pool, node: PoolNode): NodeChannel {
    const key = `${pool.name}|${node.id}`
    let channel = this.#channels.get(key)
    if (channel === undefined) {
      // Start each socket's IDs somewhere different so they are not trivially predictable.
      this.#seed = (this.#seed * 1103515245 + 12345) & 0x7fffffff
      channel = new NodeChannel(this, node, this.#seed)
      this.#channels.set(key, channel)
    }
    return channel
  }

  /** A datagram from a node: the reply to one pending query, or noise. */
  reply(channel: NodeChannel, msg: Buffer): void {
    if (msg.length < DNS_HEADER_BYTES) return
    this.#finish(channel, msg.readUInt16BE(0), msg)
  }

  #finish(channel: NodeChannel, upstreamId: number, reply: Buffer | null): void {
    const q = channel.pending.get(upstreamId)
    if (q === undefined) return
    channel.pending.delete(upstreamId)
    this.#pendingCount--
    if (q.timer !== null) clearTimeout(q.timer)
    if (reply !== null) {
      reply.writeUInt16BE(q.clientId, 0)
      sendSafely(q.listener, reply, q.from)
      q.pool.noteConnectSuccess(q.node)
    }
    q.pool.release(q.node)
    q.service.onEnd?.({
      virtualServer: q.service.name,
      clientIp: q.from.address,
      bytesIn: q.bytesIn,
      bytesOut: reply?.length ?? 0,
      durationMs: this.#deps.clock.monoMs() - q.startMs,
      pool: q.pool,
      node: q.node.id,
    })
  }

  /** The node refused (ICMP unreachable): count it; its queries time out or the client retries. */
  nodeError(channel: NodeChannel, node: PoolNode): void {
    const first = channel.pending.values().next()
    if (first.done !== true) first.value.pool.noteConnectFailure(node)
  }

  /** Drops every pending query and closes the node sockets (shutdown). */
  close(): void {
    for (const channel of this.#channels.values()) {
      for (const id of [...channel.pending.keys()]) this.#finish(channel, id, null)
      channel.socket.close()
    }
    this.#channels.clear()
  }
}
