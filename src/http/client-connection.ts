/**
 * One client connection on an HTTP virtual server: parses requests, runs rules, picks nodes,
 * streams bodies both ways with backpressure and answers pipelined requests in order.
 * Transaction state lives in fields reused for every request on the connection (see
 * transaction-base.ts); the node side is node-side.ts, rule decisions rule-side.ts, the
 * response towards the client response-side.ts.
 * @module
 */
import type { Socket } from 'node:net'
import { DrainWatch } from '../core/index.ts'
import type { ErrorStatus } from './error-pages.ts'
import type { HttpEngineDeps, HttpService } from './http-service.ts'
import { BODY_CHUNKED, BODY_LENGTH, BODY_NONE, MessageBody } from './message-body.ts'
import { isHeadError, parseRequestHead, type RequestHead } from './request-head.ts'
import { NO_RULES } from './rule-runner.ts'
import { RuleSession } from './rule-session.ts'
import { ResponseSide } from './response-side.ts'
import type { HasDeadline } from '../core/index.ts'
import {
  S_CLOSED,
  S_CONNECTING,
  S_EXCHANGE,
  S_HEAD,
  S_RULES,
  S_TUNNEL,
  T_CLOSING,
  T_CONNECT,
  T_HEADER,
  T_IDLE,
  T_KEEPALIVE,
  T_NONE,
  T_QUEUE,
  T_REPLY,
  type ServiceSource,
} from './transaction-base.ts'

export type { ServiceSource } from './transaction-base.ts'

/**
 * The buffer a client socket reads into when its connection owns it (net/owned-reads.ts makes
 * such sockets): each read's bytes go to `sink`, and `pin` keeps them from being read over.
 */
export interface ClientReads {
  sink: (chunk: Buffer) => void
  pin(): void
}

export class ClientConnection extends ResponseSide implements HasDeadline {
  /** The last transaction's rule session, to restart for the next one. */
  protected spareRules: RuleSession | null = null
  readonly #monoNow = (): number => this.deps.clock.monoMs()
  /** The bytes still queued for the client after endClient. */
  readonly #drain = new DrainWatch()

  /**
   * `reads` is given when the socket reads into a buffer of the connection's own; without it
   * the socket delivers 'data' events.
   */
  constructor(socket: Socket, deps: HttpEngineDeps, source: ServiceSource, reads: ClientReads | null = null) {
    super(socket, deps, source)
    if (reads === null) {
      socket.on('data', (chunk: Buffer) => {
        this.#onRead(chunk)
      })
    } else {
      reads.sink = (chunk: Buffer) => {
        const before = this.state
        this.#onRead(chunk)
        // Bytes read after the connection ended are dropped: nothing refers to them.
        if (before === S_HEAD ? this.keepsReadBytes() : before !== S_CLOSED) reads.pin()
      }
    }
    socket.on('end', () => {
      this.onClientEnd()
    })
    socket.on('drain', () => {
      this.conn?.socket.resume()
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      this.onClientClose()
    })
    deps.sweeper.add(this)
    this.arm(T_HEADER, source.current()?.headerTimeoutMs ?? 0)
  }

  #onRead(chunk: Buffer): void {
    const clock = this.deps.clock
    clock.hold()
    try {
      this.onClientData(chunk)
    } finally {
      clock.release()
    }
  }

  /**
   * Could anything still refer to the bytes of a read that began between requests? Only the
   * common case is told apart: whole request heads without a body, all of them handled. Bytes
   * left over (a partial head, pipelined requests, an upgrade's first bytes) or a body (queued
   * for the node, kept for a resend) keep the read buffer. A read in any other state (a body
   * streaming, a tunnel, a rule waiting for data) always keeps it.
   */
  protected keepsReadBytes(): boolean {
    return this.pending !== null || (this.req !== null && this.reqBody.framing !== BODY_NONE)
  }

  protected onClientData(chunk: Buffer): void {
    switch (this.state) {
      case S_HEAD:
        this.pending = this.pending === null ? chunk : Buffer.concat([this.pending, chunk])
        if (this.timer === T_KEEPALIVE) this.arm(T_HEADER, this.source.current()?.headerTimeoutMs ?? 0)
        this.processPending()
        return
      case S_EXCHANGE:
        if (!this.reqDone) {
          this.forwardRequestBody(chunk)
          return
        }
        break
      case S_TUNNEL:
        if (this.conn !== null && !this.conn.socket.write(chunk)) this.socket.pause()
        return
      case S_CLOSED:
        return
      default:
        break
    }
    // Pipelined bytes (or a body still waiting for the node): keep them for later.
    this.pending = this.pending === null ? chunk : Buffer.concat([this.pending, chunk])
    if (this.pending.length > (this.svc?.maxClientBufferBytes ?? 65536)) this.socket.pause()
    this.wakeDataWaiters()
  }

  /** Starts every complete request waiting in `pending`, one after another (not recursively). */
  protected processPending(): void {
    if (this.processing) return
    this.processing = true
    while (this.state === S_HEAD && this.pending !== null) {
      const pending = this.pending
      const svc = this.source.current()
      if (svc === null) {
        this.destroyNow()
        break
      }
      this.svc = svc
      const head = parseRequestHead(pending, 0, pending.length, svc.headLimits)
      if (head === null) break
      if (isHeadError(head)) {
        this.sendError(head.status, true)
        break
      }
      this.pending = head.headBytes === pending.length ? null : pending.subarray(head.headBytes)
      this.startTransaction(svc, head)
    }
    this.processing = false
  }

  protected onClientEnd(): void {
    this.clientEnded = true
    this.wakeDataWaiters()
    if (this.state === S_TUNNEL) {
      this.conn?.socket.end()
      return
    }
    // Between requests, or with a request head that can no longer be completed: close.
    if (this.state === S_HEAD) this.endClient()
  }

  protected onClientClose(): void {
    const wasActive = this.state !== S_HEAD && this.state !== S_CLOSED
    this.state = S_CLOSED
    this.wakeDataWaiters()
    this.deps.sweeper.delete(this)
    if (wasActive) {
      this.leaveQueue()
      this.conn?.close()
      this.conn = null
      this.releaseNode()
    }
  }

  protected startTransaction(svc: HttpService, head: RequestHead): void {
    this.req = head
    this.startMono = this.deps.clock.monoMs()
    this.reqBody.start(head.isChunked ? BODY_CHUNKED : head.contentLength > 0 ? BODY_LENGTH : BODY_NONE, head.contentLength)
    this.reqDone = false
    this.isUpgrade = head.upgrade !== '' && head.connection !== null && head.connection.includes('upgrade')
    this.state = S_CONNECTING
    const pending = this.pending
    if (head.isChunked && pending !== null && !MessageBody.chunkedPrefixIsValid(pending, 0, pending.length)) {
      // Refused before any node hears of it.
      this.sendError(400, true)
      return
    }
    this.requestCount++
    if (svc.rules !== NO_RULES) {
      // The previous transaction's session is reused unless one of its rules waited (its
      // callbacks may still come); then a new one is made.
      const spare = this.spareRules
      this.spareRules = null
      const rules =
        spare !== null && spare.restart(svc, head, this.requestCount === 1, this.startMono)
          ? spare
          : new RuleSession(svc, head, this.ruleConnection(svc), this, this.requestCount === 1, this.startMono, this.#monoNow)
      this.rules = rules
      if (svc.rules.request.length > 0) {
        this.state = S_RULES
        // Rules limit their own run time; waiting on a client body is bounded like any idle wait.
        this.arm(T_IDLE, svc.idleTimeoutMs)
        rules.runRequest(() => {
          if (this.state === S_RULES && this.rules === rules) this.afterRequestRules(svc, rules)
        })
        return
      }
    }
    this.route(svc.pool, null)
  }

  /** Ends the transaction: log, count, then read the next request or close. */
  protected finish(status: number, response: { readonly headers: readonly string[] } | null, close: boolean): void {
    const svc = this.svc
    const req = this.req
    const node = this.node
    const rules = this.rules
    this.releaseNode()
    if (rules !== null && svc !== null && svc.rules.completion.length > 0) {
      rules.view.node = node?.id ?? ''
      rules.runCompletion()
    }
    if (svc !== null && req !== null) {
      const durationMs = this.deps.clock.monoMs() - this.startMono
      svc.counters?.recordResponse(status, this.bytesIn, this.bytesOut, durationMs)
      if (svc.onTransactionEnd !== null && rules?.decision.requestLog !== 'exclude') {
        svc.onTransactionEnd({
          service: svc,
          clientIp: this.clientIp,
          // Wall time is read only for a record that is logged: now, less the duration.
          startWallMs: this.deps.clock.nowMs() - durationMs,
          request: req,
          status,
          response,
          bytesIn: this.bytesIn,
          bytesOut: this.bytesOut,
          durationMs,
          nodeResponseMs: this.nodeResponseMs,
          pool: this.pool,
          node,
        })
      }
    }
    this.resetTransaction()
    if (close) {
      this.endClient()
      return
    }
    this.state = S_HEAD
    if (this.pending === null) this.arm(T_KEEPALIVE, svc?.keepaliveTimeoutMs ?? 0)
    else this.arm(T_HEADER, svc?.headerTimeoutMs ?? 0)
    this.socket.resume()
    if (this.pending !== null) this.processPending()
    else if (this.clientEnded) this.onClientEnd()
  }

  protected resetTransaction(): void {
    this.resetNodeSide()
    this.spareRules = this.rules
    this.rules = null
    this.req = null
    this.bytesIn = 0
    this.bytesOut = 0
  }

  protected sendError(status: ErrorStatus, close: boolean): void {
    const svc = this.svc ?? this.source.current()
    if (svc === null) {
      this.destroyNow()
      return
    }
    const req = this.req
    // HTTP/1.0 clients get a closing error page: it carries no keep-alive acknowledgement.
    const clientCloses = req !== null && (req.versionMinor === 0 || (req.connection?.includes('close') ?? false))
    const mustClose = close || clientCloses || !svc.keepalive || this.clientEnded || this.deps.lifecycle.isDraining
    const page = svc.errors.get(status, mustClose)
    this.bytesOut += page.length
    this.socket.write(page)
    this.conn?.close()
    this.conn = null
    if (req === null) {
      // No parsed request (a malformed head): nothing to log as a transaction; close.
      this.endClient()
      return
    }
    this.finish(status, null, mustClose)
  }

  /**
   * Sends a FIN and takes no more requests; what the client still sends is read and dropped, so
   * its FIN is seen and the kernel has no unread bytes that would turn the close into a reset.
   * The socket is destroyed when the client closes, or by the T_CLOSING deadline.
   */
  protected endClient(): void {
    this.state = S_CLOSED
    this.socket.end()
    this.#drain.start(this.socket.writableLength)
    this.arm(T_CLOSING, this.deps.closeLingerMs)
  }

  /**
   * The linger time of an ended connection is up. While the end of a response is still queued
   * for a client that reads it, the wait goes on (a stall is bounded by connection.timeout, as
   * mid-response); otherwise the socket is destroyed. What the kernel already holds is still
   * delivered after that.
   */
  #lingerExpired(): void {
    const linger = this.deps.closeLingerMs
    if (this.#drain.keepWaiting(this.socket.writableLength, linger, this.svc?.idleTimeoutMs ?? 0)) {
      this.arm(T_CLOSING, linger)
      return
    }
    const counters = (this.svc ?? this.source.current())?.counters
    if (counters != null) counters.lingerTimeouts++
    this.socket.destroy()
  }

  destroyNow(): void {
    this.state = S_CLOSED
    this.arm(T_NONE, 0)
    this.conn?.close()
    this.conn = null
    this.releaseNode()
    this.socket.destroy()
  }

  onDeadline(): void {
    switch (this.timer) {
      case T_HEADER:
        if (this.pending !== null) this.sendError(408, true)
        else this.destroyNow()
        return
      case T_KEEPALIVE:
      case T_IDLE:
        this.destroyNow()
        return
      case T_CONNECT:
        // Treated like a refused connection: try the next node.
        this.conn?.socket.destroy()
        return
      case T_QUEUE:
        if (this.pool !== null) this.pool.runtime.queueTimeouts++
        this.leaveQueue()
        this.sendError(503, !this.reqBody.isDone)
        return
      case T_CLOSING:
        this.#lingerExpired()
        return
      case T_REPLY:
        this.conn?.close()
        this.conn = null
        this.nodeFailed(true)
        this.sendError(504, true)
        return
      default:
        return
    }
  }

  /** Closes the connection at once, whatever it is doing (end of a shutdown's drain time). */
  destroy(): void {
    this.destroyNow()
  }

  /** Closes the connection if it is between requests (graceful shutdown). */
  closeIfIdle(): void {
    if (this.state === S_HEAD && this.pending === null) this.destroyNow()
  }
}
