/**
 * The HTTP/1.1 server codec: one client connection. It owns the socket, the read buffer and its
 * pinning, the bytes received and not yet used (a body, pipelined requests), keep-alive and the
 * deadlines between requests, and how responses are written (as received when possible, with
 * hop-by-hop lines cut out in place, or rebuilt). Everything about one request is its Exchange's;
 * the codec speaks to it only in request heads and bytes, and response heads and bytes
 * (Downstream).
 * @module
 */
import type { Socket } from 'node:net'
import { DrainWatch, type HasDeadline } from '../core/index.ts'
import { tlsInfoOf, tlsSessionKey } from '../tls/index.ts'
import type { BodyPusher, Downstream } from './downstream.ts'
import { Exchange } from './exchange.ts'
import { spliceHeadInPlace } from './head-splice.ts'
import type { HttpEngineDeps } from './http-service.ts'
import type { HttpService } from '../snapshot/index.ts'
import { startsWithHttp2Preface } from './h2-heads.ts'
import type { Http2Clients } from './h2-server-codec.ts'
import { BODY_NONE } from './message-body.ts'
import { CLIENT_CLOSE, CLIENT_KEEP, CLIENT_KEEP_10, CLIENT_UPGRADE, buildClientResponseHead, buildInterimResponseHead, isDroppedForKeptClient } from './outgoing-head.ts'
import { isHeadError, parseRequestHead, type RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'
import { reframe } from './rule-session.ts'
import type { RuleConnectionInfo } from './rule-view.ts'
import { plainClientIp, ruleConnectionOf } from './client-facts.ts'

/** Gives the listener a way to find the virtual server's current settings. */
export interface ServiceSource {
  current(): HttpService | null
}

/**
 * The buffer a client socket reads into when its connection owns it (net/owned-reads.ts makes
 * such sockets): each read's bytes go to `sink`, and `pin` keeps them from being read over.
 */
export interface ClientReads {
  sink: (chunk: Buffer) => void
  pin(): void
}

/**
 * `head`: between requests (reading the next head); `busy`: an exchange has the request;
 * `tunnel`: after a 101, bytes flow through untouched; `closed`: nothing more is read.
 */
type CodecState = 'head' | 'busy' | 'tunnel' | 'closed'

const T_NONE = 0
/** vTM `basic.connect_timeout`: the time allowed for a complete request head. */
const T_HEADER = 1
/** vTM `connection.keepalive_timeout`: idle between requests. */
const T_KEEPALIVE = 2
/** Sluice ended the connection: the client has the linger time to close its side. */
const T_CLOSING = 3

/** Response body bytes copied behind a rewritten head to send both in one write. */
const SMALL_BODY_BYTES = 16384
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1')
const CRLF = Buffer.from('\r\n', 'latin1')

export class Http1ServerCodec implements Downstream, HasDeadline {
  readonly #socket: Socket
  readonly #deps: HttpEngineDeps
  readonly #source: ServiceSource
  readonly #exchange: Exchange
  /** Where an h2c client goes; null when HTTP/2 is not served. */
  readonly #h2: Http2Clients | null
  readonly clientIp: string
  readonly tlsFields: readonly string[]
  readonly tlsSession: string | null
  /**
   * A TLS client socket encrypts what it is given during write(), so only a write queued behind
   * another still refers to the caller's bytes; a plain socket refers to them until the kernel
   * has taken them all.
   */
  readonly #copiesWrites: boolean
  #state: CodecState = 'head'
  #pending: Buffer | null = null
  clientEnded = false
  #processing = false
  requestCount = 0
  deadlineMs = 0
  #timer = T_NONE
  #ruleConn: RuleConnectionInfo | null = null
  #dataWaiters: (() => void)[] = []
  /** A transformed body of unknown length goes out chunked. */
  #chunkedOut = false
  /** The bytes still queued for the client after endNow. */
  readonly #drain = new DrainWatch()

  /**
   * `reads` is given when the socket reads into a buffer of the connection's own; without it
   * the socket delivers 'data' events.
   */
  constructor(socket: Socket, deps: HttpEngineDeps, source: ServiceSource, reads: ClientReads | null = null, h2: Http2Clients | null = null) {
    this.#socket = socket
    this.#h2 = h2
    this.#deps = deps
    this.#source = source
    this.clientIp = plainClientIp(socket.remoteAddress ?? '')
    this.tlsFields = tlsInfoOf(socket)?.requestHeaders ?? []
    this.tlsSession = tlsSessionKey(socket)
    this.#copiesWrites = (socket as Socket & { encrypted?: unknown }).encrypted === true
    this.#exchange = new Exchange(this, deps)
    if (reads === null) {
      socket.on('data', (chunk: Buffer) => {
        this.#onRead(chunk)
      })
    } else {
      reads.sink = (chunk: Buffer) => {
        const before = this.#state
        this.#onRead(chunk)
        // Bytes read after the connection ended are dropped: nothing refers to them.
        if (before === 'head' ? this.#keepsReadBytes() : before !== 'closed') reads.pin()
      }
    }
    socket.on('end', () => {
      this.#onClientEnd()
    })
    socket.on('drain', () => {
      this.#exchange.onClientDrain()
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      this.#onClientClose()
    })
    deps.sweeper.add(this)
    this.#arm(T_HEADER, source.current()?.headerTimeoutMs ?? 0)
  }

  #onRead(chunk: Buffer): void {
    const clock = this.#deps.clock
    clock.hold()
    try {
      this.#onClientData(chunk)
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
  #keepsReadBytes(): boolean {
    return this.#pending !== null || (this.#exchange.req !== null && this.#exchange.reqBody.framing !== BODY_NONE)
  }

  #onClientData(chunk: Buffer): void {
    switch (this.#state) {
      case 'head':
        this.#pending = this.#pending === null ? chunk : Buffer.concat([this.#pending, chunk])
        if (this.#timer === T_KEEPALIVE) this.#arm(T_HEADER, this.#source.current()?.headerTimeoutMs ?? 0)
        this.#processPending()
        return
      case 'busy': {
        const ex = this.#exchange
        if ((ex.state === 'exchange' || ex.state === 'response-phases') && !ex.reqDone) {
          ex.leg.forwardBody(chunk)
          return
        }
        break
      }
      case 'tunnel':
        if (!this.#exchange.leg.writeTunnel(chunk)) this.#socket.pause()
        return
      case 'closed':
        return
    }
    // Pipelined bytes (or a body still waiting for the node): keep them for later.
    this.#pending = this.#pending === null ? chunk : Buffer.concat([this.#pending, chunk])
    if (this.#pending.length > (this.#exchange.svc?.maxClientBufferBytes ?? 65536)) this.#socket.pause()
    this.#wakeDataWaiters()
  }

  /** Starts every complete request waiting in `pending`, one after another (not recursively). */
  #processPending(): void {
    if (this.#processing) return
    this.#processing = true
    while (this.#state === 'head' && this.#pending !== null) {
      const pending = this.#pending
      const svc = this.#source.current()
      if (svc === null) {
        this.destroyNow()
        break
      }
      const head = parseRequestHead(pending, 0, pending.length, svc.headLimits)
      if (head === null) break
      if (isHeadError(head)) {
        if (this.#h2 !== null && svc.http2 !== null && this.requestCount === 0 && startsWithHttp2Preface(pending)) {
          // h2c with prior knowledge: the socket and what it sent go to the HTTP/2 codec.
          this.#state = 'closed'
          this.#deps.sweeper.delete(this)
          this.#h2.accept(this.#socket, svc.http2, this.#source, Buffer.from(pending))
          break
        }
        // No parsed request: nothing to log as a transaction; the connection closes.
        this.sendErrorPage(svc.errors.get(head.status, true))
        this.endNow()
        break
      }
      this.#pending = head.headBytes === pending.length ? null : pending.subarray(head.headBytes)
      this.#state = 'busy'
      this.#arm(T_NONE, 0)
      this.requestCount++
      this.#exchange.start(svc, head)
    }
    this.#processing = false
  }

  #onClientEnd(): void {
    this.clientEnded = true
    this.#wakeDataWaiters()
    if (this.#state === 'tunnel') {
      this.#exchange.leg.conn?.socket.end()
      return
    }
    // Between requests, or with a request head that can no longer be completed: close.
    if (this.#state === 'head') this.endNow()
  }

  #onClientClose(): void {
    const wasActive = this.#state === 'busy' || this.#state === 'tunnel'
    this.#state = 'closed'
    this.#wakeDataWaiters()
    this.#deps.sweeper.delete(this)
    if (wasActive) this.#exchange.abort()
    this.#exchange.dispose()
  }

  // ---- Downstream: the request body --------------------------------------------------------

  ruleConnection(svc: HttpService): RuleConnectionInfo {
    this.#ruleConn ??= ruleConnectionOf(this.#socket, this.clientIp, svc)
    return this.#ruleConn
  }

  pendingBytes(): Buffer | null {
    return this.#pending
  }

  dropPending(n: number): void {
    const pending = this.#pending
    if (pending === null || n <= 0) return
    this.#pending = n >= pending.length ? null : pending.subarray(n)
  }

  takePending(): Buffer | null {
    const pending = this.#pending
    this.#pending = null
    return pending
  }

  returnPending(rest: Buffer): void {
    this.#pending = this.#pending === null ? rest : Buffer.concat([rest, this.#pending])
  }

  moreClientData(): Promise<void> {
    return new Promise((resolve) => {
      this.#dataWaiters.push(resolve)
    })
  }

  isClientDataFinal(): boolean {
    return this.clientEnded || this.#state === 'closed' || this.#socket.isPaused()
  }

  #wakeDataWaiters(): void {
    if (this.#dataWaiters.length === 0) return
    for (const wake of this.#dataWaiters.splice(0)) wake()
  }

  pauseReading(): void {
    this.#socket.pause()
  }

  resumeReading(): void {
    this.#socket.resume()
  }

  // ---- Downstream: the response ------------------------------------------------------------

  get queuedBytes(): number {
    return this.#socket.writableLength
  }

  responseMode(req: RequestHead, svc: HttpService, bodyUntilClose: boolean, requestDone: boolean): number {
    const tokens = req.connection
    if (!svc.keepalive || this.clientEnded || this.#deps.lifecycle.isDraining) return CLIENT_CLOSE
    if (bodyUntilClose || !requestDone) return CLIENT_CLOSE
    if (tokens !== null && tokens.includes('close')) return CLIENT_CLOSE
    if (req.versionMinor === 0) return tokens !== null && tokens.includes('keep-alive') ? CLIENT_KEEP_10 : CLIENT_CLOSE
    return CLIENT_KEEP
  }

  mustClose(req: RequestHead, svc: HttpService): boolean {
    const tokens = req.connection
    return (
      !svc.keepalive ||
      this.clientEnded ||
      this.#deps.lifecycle.isDraining ||
      (tokens !== null && tokens.includes('close')) ||
      (req.versionMinor === 0 && (tokens === null || !tokens.includes('keep-alive')))
    )
  }

  sendInterim(head: ResponseHead): void {
    // Interim responses go on without their hop-by-hop and framing fields.
    this.#socket.write(buildInterimResponseHead(head), 'latin1')
  }

  sendNodeHead(res: ResponseHead, mode: number, buf: Buffer, headStart: number, bodyStart: number, rewritten: boolean, body: BodyPusher): void {
    if (headStart === 0 && mode === CLIENT_KEEP && res.versionMinor === 1) {
      // The node's bytes go to the client in one write: as they are, or with the hop-by-hop
      // lines (typically `Connection: keep-alive`) cut out in place when no rule edited the head.
      const from = !res.needsRewrite ? headStart : rewritten ? -1 : spliceHeadInPlace(buf, headStart, res, isDroppedForKeptClient)
      if (from !== -1) {
        body.pushNodeBody(buf, bodyStart, from, bodyStart - from)
        return
      }
    }
    const head = buildClientResponseHead(res, mode)
    const bodyBytes = buf.length - bodyStart
    if (bodyBytes <= SMALL_BODY_BYTES) {
      // The new head and the body bytes at hand go out in one write (not a corked pair).
      const headBytes = Buffer.byteLength(head, 'latin1')
      const both = Buffer.allocUnsafe(headBytes + bodyBytes)
      both.write(head, 0, 'latin1')
      buf.copy(both, headBytes, bodyStart)
      body.pushNodeBody(both, headBytes, 0, headBytes)
      return
    }
    const socket = this.#socket
    socket.cork()
    socket.write(head, 'latin1')
    body.pushNodeBody(buf, bodyStart, bodyStart, 0)
    socket.uncork()
  }

  writeBody(data: Buffer): boolean {
    if (!this.#chunkedOut) return this.#socket.write(data)
    if (data.length === 0) return true
    const socket = this.#socket
    socket.cork()
    socket.write(data.length.toString(16) + '\r\n', 'latin1')
    socket.write(data)
    const ok = socket.write(CRLF)
    socket.uncork()
    return ok
  }

  holdsWrittenBytes(queuedBefore: number): boolean {
    const socket = this.#socket
    return this.#copiesWrites ? queuedBefore > 0 || socket.writableCorked > 0 : socket.writableLength > 0
  }

  sendMade(status: number, reason: string, headers: readonly string[], body: Buffer | null, req: RequestHead, close: boolean): void {
    let head = `HTTP/1.1 ${String(status)} ${reason}\r\n`
    for (let i = 0; i < headers.length; i += 2) head += `${headers[i] ?? ''}: ${headers[i + 1] ?? ''}\r\n`
    head += close ? 'Connection: close\r\n\r\n' : req.versionMinor === 0 ? 'Connection: keep-alive\r\n\r\n' : '\r\n'
    const socket = this.#socket
    socket.cork()
    socket.write(head, 'latin1')
    if (body !== null && body.length > 0) socket.write(body)
    socket.uncork()
  }

  sendErrorPage(page: Buffer): void {
    this.#socket.write(page)
  }

  sendTransformedHead(res: ResponseHead, mode: number, length: number, body?: Buffer): void {
    if (length >= 0) reframe(res, length)
    else {
      reframe(res, 0)
      // reframe ends the list with Content-Length: an unknown length is chunked, or until close.
      res.headers.length -= 2
      res.contentLength = -1
      this.#chunkedOut = mode !== CLIENT_CLOSE
      if (this.#chunkedOut) {
        res.headers.push('Transfer-Encoding', 'chunked')
        res.isChunked = true
      }
    }
    const head = buildClientResponseHead(res, mode)
    if (body === undefined || body.length === 0) {
      this.#socket.write(head, 'latin1')
      return
    }
    // Head and body in one write: one system call, one packet for a small response.
    const headBytes = Buffer.byteLength(head, 'latin1')
    const both = Buffer.allocUnsafe(headBytes + body.length)
    both.write(head, 0, 'latin1')
    body.copy(both, headBytes)
    this.#socket.write(both)
  }

  endTransformedBody(): void {
    if (!this.#chunkedOut) return
    this.#chunkedOut = false
    this.#socket.write(LAST_CHUNK)
  }

  upgradeHead(res: ResponseHead): Buffer {
    return Buffer.from(buildClientResponseHead(res, CLIENT_UPGRADE), 'latin1')
  }

  startTunnel(): Buffer | null {
    this.#state = 'tunnel'
    this.#socket.resume()
    return this.takePending()
  }

  writeRaw(data: Buffer): void {
    this.#socket.write(data)
  }

  // ---- Downstream: how the exchange ends ------------------------------------------------

  exchangeDone(close: boolean): void {
    this.#chunkedOut = false
    if (close) {
      this.endNow()
      return
    }
    this.#state = 'head'
    const svc = this.#exchange.svc
    if (this.#pending === null) this.#arm(T_KEEPALIVE, svc?.keepaliveTimeoutMs ?? 0)
    else this.#arm(T_HEADER, svc?.headerTimeoutMs ?? 0)
    this.#socket.resume()
    if (this.#pending !== null) this.#processPending()
    else if (this.clientEnded) this.#onClientEnd()
  }

  /**
   * Sends a FIN and takes no more requests; what the client still sends is read and dropped, so
   * its FIN is seen and the kernel has no unread bytes that would turn the close into a reset.
   * The socket is destroyed when the client closes, or by the T_CLOSING deadline.
   */
  endNow(): void {
    this.#state = 'closed'
    this.#exchange.abort()
    this.#socket.end()
    this.#drain.start(this.#socket.writableLength)
    this.#arm(T_CLOSING, this.#deps.closeLingerMs)
  }

  endOutput(): void {
    this.#socket.end()
  }

  lingerFor(ms: number): void {
    if (this.#state === 'closed' && this.#timer === T_CLOSING) this.#arm(T_CLOSING, ms)
  }

  destroyNow(): void {
    this.#state = 'closed'
    this.#arm(T_NONE, 0)
    this.#exchange.abort()
    this.#socket.destroy()
  }

  // ---- deadlines between requests ------------------------------------------------------

  #arm(kind: number, ms: number): void {
    this.#timer = kind
    this.deadlineMs = ms > 0 ? this.#deps.clock.monoMs() + ms : 0
  }

  onDeadline(): void {
    switch (this.#timer) {
      case T_HEADER: {
        const svc = this.#source.current()
        if (this.#pending !== null && svc !== null) {
          this.sendErrorPage(svc.errors.get(408, true))
          this.endNow()
        } else this.destroyNow()
        return
      }
      case T_KEEPALIVE:
        this.destroyNow()
        return
      case T_CLOSING:
        this.#lingerExpired()
        return
      default:
        return
    }
  }

  /**
   * The linger time of an ended connection is up. While the end of a response is still queued
   * for a client that reads it, the wait goes on (a stall is bounded by connection.timeout, as
   * mid-response); otherwise the socket is destroyed. What the kernel already holds is still
   * delivered after that.
   */
  #lingerExpired(): void {
    const linger = this.#deps.closeLingerMs
    const svc = this.#source.current()
    if (this.#drain.keepWaiting(this.#socket.writableLength, linger, svc?.idleTimeoutMs ?? 0)) {
      this.#arm(T_CLOSING, linger)
      return
    }
    const counters = svc?.counters
    if (counters != null) counters.lingerTimeouts++
    this.#socket.destroy()
  }

  /** Closes the connection at once, whatever it is doing (end of a shutdown's drain time). */
  destroy(): void {
    this.destroyNow()
  }

  /** Closes the connection if it is between requests (graceful shutdown). */
  closeIfIdle(): void {
    if (this.#state === 'head' && this.#pending === null) this.destroyNow()
  }
}
