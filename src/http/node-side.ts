/**
 * The node side of an HTTP transaction: choosing a node (balancer, too-busy queue, failure
 * pools, retries), connecting or reusing a kept-alive connection, sending the request and its
 * body, and relaying the response body.
 * @module
 */
import { isPersistenceFailure } from '../persist/index.ts'
import { POOL_BUSY, resolveFailover, type Pool, type QueueWaiter } from '../pool/index.ts'
import type { ErrorStatus } from './error-pages.ts'
import { BODY_NONE, BODY_UNTIL_CLOSE } from './message-body.ts'
import { isIdempotent } from './node-attempt.ts'
import { NodeConnection, type NodeConnectionOwner } from './node-connection.ts'
import { CLIENT_CLOSE, buildInterimResponseHead, buildNodeRequestHead } from './outgoing-head.ts'
import type { ResponseHead } from './response-head.ts'
import { S_CONNECTING, S_EXCHANGE, S_TUNNEL, T_CONNECT, T_IDLE, T_QUEUE, T_REPLY, TransactionBase } from './transaction-base.ts'

export abstract class NodeSide extends TransactionBase implements NodeConnectionOwner, QueueWaiter {
  protected pickAndConnect(): void {
    const pool = this.pool
    const svc = this.svc
    const req = this.req
    if (pool === null || svc === null || req === null) return
    const limit = pool.settings.maxConnectionAttempts
    const persist = this.persist
    const node =
      limit !== 0 && this.attempts >= limit ? undefined : persist === null ? pool.choose(this.tried) : persist.choose(pool, this.tried)
    if (node !== undefined && node !== POOL_BUSY && isPersistenceFailure(node)) {
      // The session's node cannot be used and the class says not to pick another.
      if (node.failure === 'url') this.redirectTo(node.url)
      else this.sendError(503, !this.reqBody.isDone)
      return
    }
    if (node === POOL_BUSY) {
      this.enterQueue(pool)
      return
    }
    if (node === undefined) {
      // The last usable node just failed: the failure pool may still answer this request.
      const next = resolveFailover(pool, svc.pools, this.deps.clock.monoMs())
      if (next === null) {
        this.destroyNow()
        return
      }
      if (next !== pool && this.canSwitchPool()) {
        this.pool = next
        this.tried = null
        this.openPersistence(next)
        this.pickAndConnect()
        return
      }
      this.sendError(this.attempts === 0 ? 503 : 502, !this.reqBody.isDone)
      return
    }
    this.attempts++
    this.node = node
    pool.acquire(node)
    this.keepNode =
      pool.settings.keepalive &&
      !this.isUpgrade &&
      req.versionMinor === 1 &&
      (isIdempotent(req.method) || pool.settings.keepaliveNonIdempotent)
    const idle = this.keepNode && !this.freshOnly ? NodeConnection.unpark(node.status, this) : undefined
    if (idle !== undefined) {
      this.conn = idle
      this.persist?.record(node)
      this.sendRequest()
      return
    }
    this.conn = new NodeConnection(node.status, this, !pool.settings.nagle, svc.nodeTls?.get(pool.name) ?? null)
    this.arm(T_CONNECT, pool.settings.maxConnectTimeMs)
  }

  /** Nothing of the request has reached a node that could have acted on it. */
  protected canSwitchPool(): boolean {
    return this.sentHead === '' || (this.req !== null && isIdempotent(this.req.method) && this.canResend)
  }

  /** Every usable node is at max_connections_per_node: wait for a slot, or 503 Too Busy. */
  protected enterQueue(pool: Pool): void {
    const requeue = this.queuedSinceMs !== 0
    if (!pool.enqueue(this, requeue)) {
      this.sendError(503, !this.reqBody.isDone)
      return
    }
    if (!requeue) {
      this.queuedSinceMs = this.deps.clock.monoMs()
      this.arm(T_QUEUE, pool.settings.queueTimeoutMs)
    }
  }

  /** The pool released a slot: try again (first in line). */
  wake(): void {
    if (this.queuedSinceMs === 0 || this.state !== S_CONNECTING) return
    const pool = this.pool
    const before = this.node
    this.pickAndConnect()
    if (this.node !== before && this.node !== null && pool !== null) {
      pool.runtime.recordWait(this.deps.clock.monoMs() - this.queuedSinceMs)
      this.queuedSinceMs = 0
    }
  }

  protected leaveQueue(): void {
    if (this.queuedSinceMs === 0) return
    this.pool?.runtime.remove(this)
    this.queuedSinceMs = 0
  }

  /** Forgets the node side of the finished transaction (its connection was parked or closed). */
  protected resetNodeSide(): void {
    this.leaveQueue()
    this.persist = null
    this.pool = null
    this.node = null
    this.tried = null
    this.conn = null
    this.relay.reset()
    this.sentHead = ''
    this.sentBody = null
    this.canResend = false
    this.nodeResponseMs = -1
  }

  /** The session persistence that applies in `pool` (its class, or the one rules chose). */
  protected openPersistence(pool: Pool): void {
    const svc = this.svc
    this.persist = svc === null ? null : svc.persistence.open(pool, this.clientIp, this.rules?.decision ?? null)
  }

  onNodeConnect(conn: NodeConnection): void {
    if (conn !== this.conn) return
    if (this.node !== null) {
      this.pool?.noteConnectSuccess(this.node)
      this.persist?.record(this.node)
    }
    this.sendRequest()
  }

  protected sendRequest(): void {
    const svc = this.svc
    const req = this.req
    const conn = this.conn
    if (svc === null || req === null || conn === null) return
    this.state = S_EXCHANGE
    this.relay.reset()
    const socket = conn.socket
    if (this.sentHead === '' && this.reqBody.isDone && this.rules?.requestBodyOverride == null) {
      // A request without a body (most of them): one write, nothing to cork.
      this.sentHead = buildNodeRequestHead(req, svc.forwarding, this.clientIp, svc.scheme, this.isUpgrade, this.keepNode, this.tlsFields)
      socket.write(this.sentHead, 'latin1')
      this.reqDone = true
      this.canResend = true
      this.sentMono = this.deps.clock.monoMs()
      this.armExchange()
      return
    }
    socket.cork()
    if (this.sentHead !== '') {
      // A resend after a kept-alive connection closed under us: same head, same body.
      socket.write(this.sentHead, 'latin1')
      if (this.sentBody !== null) socket.write(this.sentBody)
    } else {
      this.sentHead = buildNodeRequestHead(req, svc.forwarding, this.clientIp, svc.scheme, this.isUpgrade, this.keepNode, this.tlsFields)
      socket.write(this.sentHead, 'latin1')
      const override = this.rules?.requestBodyOverride ?? null
      if (override !== null) {
        // A rule replaced the body (its original bytes were dropped already).
        socket.write(override)
        this.sentBody = override
        this.reqBody.start(BODY_NONE, 0)
      }
      const pending = this.pending
      this.pending = null
      if (this.reqBody.isDone) {
        this.reqDone = true
        this.canResend = true
        this.pending = pending
      } else if (pending !== null) {
        // A body whose trailer section was rewritten is not kept for a resend (it is rare).
        this.canResend = this.forwardRequestBody(pending) && this.reqBody.trailers === null
        if (this.canResend) this.sentBody = pending.subarray(0, pending.length - this.pendingLength())
      }
    }
    socket.uncork()
    if (this.state !== S_EXCHANGE) return
    this.sentMono = this.deps.clock.monoMs()
    this.armExchange()
    if (!this.reqDone) this.socket.resume()
  }

  protected pendingLength(): number {
    return this.pending === null ? 0 : this.pending.length
  }

  /** While the request body streams the idle timeout applies; then max_reply_time. */
  protected armExchange(): void {
    if (this.reqDone) this.arm(T_REPLY, this.pool?.settings.maxReplyTimeMs ?? 0)
    else this.arm(T_IDLE, this.svc?.idleTimeoutMs ?? 0)
  }

  /** Forwards request body bytes; keeps what follows the body as the next pipelined request. */
  protected forwardRequestBody(chunk: Buffer): boolean {
    const conn = this.conn
    if (conn === null) return false
    const used = this.reqBody.consume(chunk, 0, chunk.length)
    if (this.reqBody.error !== '') {
      this.conn?.close()
      this.conn = null
      this.releaseNode()
      if (this.relay.head === null) this.sendError(400, true)
      else this.destroyNow()
      return false
    }
    if (used < chunk.length) {
      const rest = chunk.subarray(used)
      this.pending = this.pending === null ? rest : Buffer.concat([this.pending, rest])
    }
    if (used > 0) {
      this.bytesIn += used
      conn.status.bytesToNode += used
      const held = this.reqBody.heldFrom
      const sendTo = held === -1 ? used : held
      if (sendTo > 0 && !conn.socket.write(sendTo === chunk.length ? chunk : chunk.subarray(0, sendTo))) this.socket.pause()
    }
    if (this.reqBody.isDone) {
      const trailers = this.reqBody.trailers
      if (trailers !== null) conn.socket.write(trailers)
      this.reqDone = true
      if (this.relay.head === null && this.state === S_EXCHANGE) this.arm(T_REPLY, this.pool?.settings.maxReplyTimeMs ?? 0)
    } else if (this.timer === T_IDLE) {
      this.arm(T_IDLE, this.svc?.idleTimeoutMs ?? 0)
    }
    return this.reqDone
  }

  onNodeDrain(): void {
    if (this.state === S_EXCHANGE || this.state === S_TUNNEL) this.socket.resume()
  }

  onNodeData(conn: NodeConnection, chunk: Buffer): void {
    if (conn !== this.conn) return
    const clock = this.deps.clock
    clock.hold()
    try {
      if (this.state === S_TUNNEL) this.writeClient(chunk)
      else this.relay.push(chunk)
    } finally {
      clock.release()
    }
  }

  onInterim(head: ResponseHead): void {
    // Interim responses (100 Continue, 103 Early Hints) pass on to HTTP/1.1 clients, without
    // their hop-by-hop and framing fields.
    if (this.req?.versionMinor === 1) this.socket.write(buildInterimResponseHead(head), 'latin1')
  }

  onInvalid(): void {
    this.failNode(502)
  }

  onBody(data: Buffer): void {
    this.writeClient(data)
    if (this.timer === T_IDLE) this.arm(T_IDLE, this.svc?.idleTimeoutMs ?? 0)
  }

  protected writeClient(data: Buffer): void {
    this.bytesOut += data.length
    const queuedBefore = this.socket.writableLength
    if (!this.socket.write(data)) this.conn?.socket.pause()
    this.noteClientWrite(queuedBefore)
  }

  /**
   * After node bytes were written to the client: when the write may still read them later, the
   * node connection must not reuse its read buffer. `queuedBefore` is the client socket's
   * writableLength before the write.
   */
  protected noteClientWrite(queuedBefore: number): void {
    const stillReads = this.clientCopiesWrites ? queuedBefore > 0 || this.socket.writableCorked > 0 : this.socket.writableLength > 0
    if (stillReads) this.conn?.pinReadBuffer()
  }

  onNodeEnd(conn: NodeConnection): void {
    if (conn !== this.conn) return
    if (this.state === S_TUNNEL) {
      this.socket.end()
      return
    }
    if (this.relay.head !== null && this.relay.body.framing === BODY_UNTIL_CLOSE) {
      this.onComplete(false)
      return
    }
    // Destroy the socket but stay its owner: onNodeClose decides between a retry and an error.
    conn.socket.destroy()
  }

  onNodeClose(conn: NodeConnection): void {
    if (conn !== this.conn) return
    this.conn = null
    if (this.state === S_TUNNEL) {
      // Nothing is left to talk to: the client gets the linger time to close.
      this.releaseNode()
      this.endClient()
      return
    }
    if (this.relay.head !== null) {
      // The node closed mid-body: the client cannot be told cleanly.
      this.destroyNow()
      return
    }
    const req = this.req
    if (req !== null && conn.isReused && conn.bytesReceived === 0 && this.canResend && this.reqDone && isIdempotent(req.method)) {
      // The node closed a kept-alive connection as we reused it: not the node's failure, and
      // not the client's. Send again on a fresh connection; this costs no attempt.
      this.releaseNode()
      this.attempts--
      this.freshOnly = true
      this.state = S_CONNECTING
      this.pickAndConnect()
      return
    }
    const neverConnected = !conn.isConnected
    this.nodeFailed(neverConnected || !conn.isReused)
    if (neverConnected) {
      this.state = S_CONNECTING
      this.pickAndConnect()
      return
    }
    // Part of a request that cannot be repeated may have been processed: no retry.
    this.sendError(502, true)
  }

  /** Records a failed attempt on the current node and frees it for the next pick. */
  protected nodeFailed(countAsFailure: boolean): void {
    const node = this.node
    if (node !== null) {
      if (countAsFailure) this.pool?.noteConnectFailure(node)
      this.tried ??= []
      this.tried.push(node)
    }
    this.releaseNode()
  }

  protected failNode(status: ErrorStatus): void {
    this.conn?.close()
    this.conn = null
    this.releaseNode()
    if (this.bytesOut === 0) this.sendError(status, true)
    else this.destroyNow()
  }

  protected releaseNode(): void {
    const node = this.node
    if (node !== null) {
      this.node = null
      if (this.pool !== null) this.pool.release(node)
      else node.status.activeConnections--
    }
  }

  onComplete(extra: boolean): void {
    const conn = this.conn
    const res = this.relay.head
    const pool = this.pool
    if (conn !== null && pool !== null && res !== null) {
      const reusable =
        this.keepNode &&
        this.reqDone &&
        !extra &&
        this.relay.body.framing !== BODY_UNTIL_CLOSE &&
        res.versionMinor === 1 &&
        (res.connection === null || !res.connection.includes('close'))
      if (reusable) conn.park(pool.settings.maxIdleConnectionsPerNode)
      else conn.close()
    }
    this.conn = null
    this.finish(res?.status ?? 0, res, this.resMode === CLIENT_CLOSE)
  }
}
