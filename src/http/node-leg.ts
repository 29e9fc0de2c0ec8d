/**
 * The HTTP/1.1 upstream codec of one exchange: the node connection (a kept-alive one reused, or
 * a new one), the request head and body on their way to the node (kept while a resend is still
 * possible), and the node's response bytes on their way back (framed by the ResponseRelay).
 * Node sockets carry listeners attached once (NodeConnection) that call the leg owning them now,
 * so reusing a kept-alive connection allocates no closures.
 * @module
 */
import type { Pool, PoolNode } from '../pool/index.ts'
import { PacedWriter, type BandwidthClass, type BandwidthGate, type BandwidthStore } from '../protect/index.ts'
import type { Exchange, ExchangeState } from './exchange.ts'
import { BODY_NONE, BODY_UNTIL_CLOSE } from './message-body.ts'
import { isIdempotent } from './node-attempt.ts'
import { NodeConnection, type NodeConnectionOwner } from './node-connection.ts'
import { buildNodeRequestHead } from './outgoing-head.ts'
import { ResponseRelay, type ResponseSink } from './response-relay.ts'
import type { ResponseHead } from './response-head.ts'

export class NodeLeg implements NodeConnectionOwner, ResponseSink {
  readonly #ex: Exchange
  readonly relay: ResponseRelay
  conn: NodeConnection | null = null
  /** The node connection may be kept alive after this exchange. */
  keepNode = false
  /** A kept-alive connection turned out closed: the retry opens a fresh one. */
  freshOnly = false
  /** The head and complete body as sent, kept while a resend is still possible. */
  sentHead = ''
  sentBody: Buffer | null = null
  canResend = false
  /** When the request (head and body) was sent, monotonic ms. */
  sentMono = 0
  /** From sending the request until the response head arrived, ms; -1 before. */
  nodeResponseMs = -1
  /** The request body's pacing by the server side's bandwidth class; null when unpaced. */
  #paced: PacedWriter | null = null
  #pacedBy: { readonly cls: BandwidthClass; readonly gate: BandwidthGate; readonly conn: NodeConnection } | null = null
  #pool: Pool | null = null

  constructor(ex: Exchange) {
    this.#ex = ex
    this.relay = new ResponseRelay(this)
  }

  /** Forgets the finished exchange (its connection was parked or closed already). */
  reset(): void {
    this.conn = null
    this.relay.reset()
    this.freshOnly = false
    this.sentHead = ''
    this.sentBody = null
    this.canResend = false
    this.nodeResponseMs = -1
    if (this.#pacedBy !== null) this.#stopPacing()
  }

  /** Closes the node connection (its response is not wanted, or the exchange is over). */
  close(): void {
    this.conn?.close()
    this.conn = null
  }

  /** Reaches `node`: a kept-alive connection when there is one, otherwise a new connection. */
  open(node: PoolNode, pool: Pool): void {
    const ex = this.#ex
    const req = ex.req
    if (req === null) return
    this.#pool = pool
    this.keepNode =
      pool.settings.keepalive && !ex.isUpgrade && req.versionMinor === 1 && (isIdempotent(req.method) || pool.settings.keepaliveNonIdempotent)
    const idle = this.keepNode && !this.freshOnly ? NodeConnection.unpark(node.status, this) : undefined
    if (idle !== undefined) {
      this.conn = idle
      ex.dialer.reused()
      this.send()
      return
    }
    this.conn = new NodeConnection(node.status, this, !pool.settings.nagle, ex.svc?.nodeTls?.get(pool.name) ?? null, pool.settings.http2 === true)
  }

  onNodeConnect(conn: NodeConnection): void {
    if (conn !== this.conn) return
    this.#ex.dialer.connected()
    this.send()
  }

  /** Sends the request head and what is here of its body (again, for a resend). */
  send(): void {
    const ex = this.#ex
    const svc = ex.svc
    const req = ex.req
    const conn = this.conn
    if (svc === null || req === null || conn === null) return
    ex.state = 'exchange'
    this.relay.reset()
    const socket = conn.socket
    const down = ex.down
    if (this.sentHead === '' && ex.reqBody.isDone && ex.rules?.requestBodyOverride == null) {
      // A request without a body (most of them): one write, nothing to cork.
      this.sentHead = buildNodeRequestHead(req, svc.forwarding, down.clientIp, svc.scheme, ex.isUpgrade, this.keepNode, down.tlsFields)
      socket.write(this.sentHead, 'latin1')
      ex.reqDone = true
      this.canResend = true
      this.sentMono = ex.deps.clock.monoMs()
      ex.armExchange()
      return
    }
    socket.cork()
    if (svc.bandwidth != null && this.#pacedBy?.conn !== conn) {
      if (this.#pacedBy !== null) this.#stopPacing()
      this.#startPacing(svc.bandwidth.classes)
    }
    if (this.sentHead !== '') {
      // A resend after a kept-alive connection closed under us: same head, same body.
      socket.write(this.sentHead, 'latin1')
      if (this.sentBody !== null) socket.write(this.sentBody)
    } else {
      this.sentHead = buildNodeRequestHead(req, svc.forwarding, down.clientIp, svc.scheme, ex.isUpgrade, this.keepNode, down.tlsFields)
      socket.write(this.sentHead, 'latin1')
      const override = ex.rules?.requestBodyOverride ?? null
      if (override !== null) {
        // A rule replaced the body (its original bytes were dropped already).
        socket.write(override)
        this.sentBody = override
        ex.reqBody.start(BODY_NONE, 0)
      }
      if (ex.reqBody.isDone) {
        ex.reqDone = true
        this.canResend = true
      } else {
        const pending = down.takePending()
        if (pending !== null) {
          // A body whose trailer section was rewritten is not kept for a resend (it is rare).
          this.canResend = this.forwardBody(pending) && ex.reqBody.trailers === null
          if (this.canResend) this.sentBody = pending.subarray(0, pending.length - (down.pendingBytes()?.length ?? 0))
        }
      }
    }
    socket.uncork()
    // Forwarding the body may have ended the exchange (a bad chunk, the client gone).
    if ((ex.state as ExchangeState) !== 'exchange') return
    this.sentMono = ex.deps.clock.monoMs()
    ex.armExchange()
    if (!ex.reqDone) down.resumeReading()
  }

  /** Forwards request body bytes; what follows the body goes back to the client side as the next request. */
  forwardBody(chunk: Buffer): boolean {
    const ex = this.#ex
    const conn = this.conn
    if (conn === null) return false
    const body = ex.reqBody
    const used = body.consume(chunk, 0, chunk.length)
    if (body.error !== '') {
      this.close()
      ex.dialer.release()
      if (this.relay.head === null) ex.sendError(400, true)
      else ex.down.destroyNow()
      return false
    }
    if (used < chunk.length) ex.down.returnPending(chunk.subarray(used))
    if (used > 0) {
      ex.bytesIn += used
      conn.status.bytesToNode += used
      const held = body.heldFrom
      const sendTo = held === -1 ? used : held
      const part = sendTo === chunk.length ? chunk : chunk.subarray(0, sendTo)
      if (sendTo > 0 && !(this.#paced === null ? conn.socket.write(part) : this.#paced.write(part))) ex.down.pauseReading()
    }
    if (body.isDone) {
      const trailers = body.trailers
      if (trailers !== null) {
        if (this.#paced === null) conn.socket.write(trailers)
        else this.#paced.whenFlushed(() => conn.socket.write(trailers))
      }
      ex.reqDone = true
      if (this.relay.head === null && ex.state === 'exchange') ex.armReply()
    } else {
      ex.refreshIdle()
    }
    return ex.reqDone
  }

  /**
   * The server side's class (a rule's request.setBandwidthClass, else the pool's) paces the
   * request body written to the node; bodyless requests never get here.
   */
  #startPacing(classes: BandwidthStore): void {
    const ex = this.#ex
    const conn = this.conn
    const name = ex.rules?.decision.bandwidthClass ?? this.#pool?.settings.bandwidthClass ?? ''
    const cls = name === '' || conn === null ? undefined : classes.get(name)
    if (cls === undefined || conn === null) return
    const gate = cls.gate()
    this.#pacedBy = { cls, gate, conn }
    this.#paced = new PacedWriter(
      gate,
      (chunk) => conn.socket.write(chunk),
      () => {
        ex.down.resumeReading()
      },
    )
  }

  #stopPacing(): void {
    this.#paced?.cancel()
    if (this.#pacedBy !== null) this.#pacedBy.cls.release(this.#pacedBy.gate)
    this.#paced = null
    this.#pacedBy = null
  }

  /** Tunnel bytes from the client (after 101). */
  writeTunnel(chunk: Buffer): boolean {
    return this.conn === null || this.conn.socket.write(chunk)
  }

  onNodeDrain(): void {
    const state = this.#ex.state
    if (state === 'exchange' || state === 'tunnel') this.#ex.down.resumeReading()
  }

  onNodeData(conn: NodeConnection, chunk: Buffer): void {
    if (conn !== this.conn) return
    const ex = this.#ex
    const clock = ex.deps.clock
    clock.hold()
    try {
      if (ex.state === 'tunnel') ex.writeClient(chunk)
      else this.relay.push(chunk)
    } finally {
      clock.release()
    }
  }

  onInterim(head: ResponseHead): void {
    this.#ex.onInterim(head)
  }

  onInvalid(): void {
    this.#ex.failNode(502)
  }

  onHead(res: ResponseHead, buf: Buffer, headStart: number, bodyStart: number): void {
    const ex = this.#ex
    this.nodeResponseMs = ex.deps.clock.monoMs() - this.sentMono
    ex.dialer.node?.status.recordResponseTime(this.nodeResponseMs)
    this.sentHead = ''
    this.sentBody = null
    ex.onResponseHead(res, buf, headStart, bodyStart)
  }

  onBody(data: Buffer): void {
    this.#ex.onResponseBody(data)
  }

  onNodeEnd(conn: NodeConnection): void {
    if (conn !== this.conn) return
    const ex = this.#ex
    if (ex.state === 'tunnel') {
      ex.down.endOutput()
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
    this.#ex.onNodeClosed(conn, this.relay.head !== null)
  }

  /** Whether the node's answer to this request may be asked for again on a fresh connection. */
  canRetryAfterClose(conn: NodeConnection): boolean {
    const req = this.#ex.req
    return req !== null && conn.isReused && conn.bytesReceived === 0 && this.canResend && this.#ex.reqDone && isIdempotent(req.method)
  }

  /** The response is complete: keep the connection for the next exchange when it can be. */
  onComplete(extra: boolean): void {
    const ex = this.#ex
    const conn = this.conn
    const res = this.relay.head
    const pool = ex.dialer.pool
    if (conn !== null && pool !== null && res !== null) {
      const reusable =
        this.keepNode &&
        ex.reqDone &&
        !extra &&
        this.relay.body.framing !== BODY_UNTIL_CLOSE &&
        res.versionMinor === 1 &&
        (res.connection === null || !res.connection.includes('close'))
      if (reusable) conn.park(pool.settings.maxIdleConnectionsPerNode)
      else conn.close()
    }
    this.conn = null
    ex.onResponseComplete(res)
  }
}
