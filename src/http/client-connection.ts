/**
 * One client connection on an HTTP virtual server: parses requests, picks nodes, streams
 * bodies both ways with backpressure and answers pipelined requests in order.
 * Transaction state lives in fields reused for every request on the connection.
 * @module
 */
import type { Socket } from 'node:net'
import type { Pool, PoolNode } from '../pool/index.ts'
import { ChunkedScanner } from './chunked-scanner.ts'
import type { ErrorStatus } from './error-pages.ts'
import type { HttpEngineDeps, HttpService } from './http-service.ts'
import { NodeConnection, type NodeConnectionOwner } from './node-connection.ts'
import {
  CLIENT_CLOSE,
  CLIENT_KEEP,
  CLIENT_KEEP_10,
  CLIENT_UPGRADE,
  buildClientResponseHead,
  buildNodeRequestHead,
} from './outgoing-head.ts'
import { isHeadError, parseRequestHead, type RequestHead } from './request-head.ts'
import { parseResponseHead, type ResponseHead } from './response-head.ts'
import type { HasDeadline } from './timeout-sweeper.ts'

const S_HEAD = 0
const S_CONNECTING = 1
const S_EXCHANGE = 2
const S_TUNNEL = 3
const S_CLOSED = 4

/** What deadlineMs currently guards. */
const T_NONE = 0
const T_HEADER = 1
const T_KEEPALIVE = 2
const T_CONNECT = 3
const T_REPLY = 4
const T_IDLE = 5

/** RFC 9110 §9.2.2: methods whose requests can be repeated safely. */
function isIdempotent(method: string): boolean {
  switch (method) {
    case 'GET':
    case 'HEAD':
    case 'PUT':
    case 'DELETE':
    case 'OPTIONS':
    case 'TRACE':
      return true
    default:
      return false
  }
}

/**
 * A dual-stack listener reports IPv4 clients as `::ffff:a.b.c.d`; nodes and logs want the
 * IPv4 address itself, as vTM reports it.
 */
function plainClientIp(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}

/** Gives the listener a way to find the virtual server's current settings. */
export interface ServiceSource {
  current(): HttpService | null
}

export class ClientConnection implements NodeConnectionOwner, HasDeadline {
  readonly #socket: Socket
  readonly #deps: HttpEngineDeps
  readonly #source: ServiceSource
  readonly #clientIp: string
  #state = S_HEAD
  #pending: Buffer | null = null
  #clientEnded = false
  deadlineMs = 0
  #timer = T_NONE

  // Transaction state, reset by #resetTransaction.
  #svc: HttpService | null = null
  #req: RequestHead | null = null
  #pool: Pool | null = null
  #node: PoolNode | null = null
  #tried: PoolNode[] | null = null
  #attempts = 0
  #conn: NodeConnection | null = null
  #isUpgrade = false
  #keepNode = false
  #reqLeft = 0
  readonly #reqChunks = new ChunkedScanner()
  #reqChunked = false
  #reqDone = false
  /** The head and complete body as sent, kept while a resend is still possible. */
  #sentHead = ''
  #sentBody: Buffer | null = null
  #canResend = false
  #resBuf: Buffer | null = null
  #res: ResponseHead | null = null
  #resMode = 0
  #resLeft = 0
  readonly #resChunks = new ChunkedScanner()
  #resFraming = 0 // 0 none, 1 length, 2 chunked, 3 until close
  #startMono = 0
  #startWall = 0
  #sentMono = 0
  #nodeResponseMs = -1
  #bytesIn = 0
  #bytesOut = 0

  constructor(socket: Socket, deps: HttpEngineDeps, source: ServiceSource) {
    this.#socket = socket
    this.#deps = deps
    this.#source = source
    this.#clientIp = plainClientIp(socket.remoteAddress ?? '')
    socket.on('data', (chunk: Buffer) => {
      this.#onClientData(chunk)
    })
    socket.on('end', () => {
      this.#onClientEnd()
    })
    socket.on('drain', () => {
      this.#conn?.socket.resume()
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      this.#onClientClose()
    })
    const svc = source.current()
    deps.sweeper.add(this)
    this.#arm(T_HEADER, svc?.headerTimeoutMs ?? 0)
  }

  #arm(kind: number, ms: number): void {
    this.#timer = kind
    this.deadlineMs = ms > 0 ? this.#deps.clock.monoMs() + ms : 0
  }

  // ---- client side -------------------------------------------------------------------------

  #onClientData(chunk: Buffer): void {
    switch (this.#state) {
      case S_HEAD:
        this.#pending = this.#pending === null ? chunk : Buffer.concat([this.#pending, chunk])
        if (this.#timer === T_KEEPALIVE) this.#arm(T_HEADER, this.#source.current()?.headerTimeoutMs ?? 0)
        this.#processPending()
        return
      case S_EXCHANGE:
        if (!this.#reqDone) {
          this.#forwardRequestBody(chunk)
          return
        }
        break
      case S_TUNNEL:
        if (this.#conn !== null && !this.#conn.socket.write(chunk)) this.#socket.pause()
        return
      default:
        break
    }
    // Pipelined bytes (or a body still waiting for the node): keep them for later.
    this.#pending = this.#pending === null ? chunk : Buffer.concat([this.#pending, chunk])
    if (this.#pending.length > (this.#svc?.maxClientBufferBytes ?? 65536)) this.#socket.pause()
  }

  #processPending(): void {
    const pending = this.#pending
    if (pending === null || this.#state !== S_HEAD) return
    const svc = this.#source.current()
    if (svc === null) {
      this.#destroy()
      return
    }
    this.#svc = svc
    const head = parseRequestHead(pending, 0, pending.length, svc.headLimits)
    if (head === null) return
    if (isHeadError(head)) {
      this.#sendError(head.status === 414 ? 414 : head.status === 431 ? 431 : 400, true)
      return
    }
    this.#pending = head.headBytes === pending.length ? null : pending.subarray(head.headBytes)
    this.#startTransaction(svc, head)
  }

  #onClientEnd(): void {
    this.#clientEnded = true
    if (this.#state === S_TUNNEL) {
      this.#conn?.socket.end()
      return
    }
    if (this.#state === S_HEAD && this.#pending === null) this.#socket.end()
  }

  #onClientClose(): void {
    const wasActive = this.#state !== S_HEAD && this.#state !== S_CLOSED
    this.#state = S_CLOSED
    this.#deps.sweeper.delete(this)
    if (wasActive) {
      this.#conn?.close()
      this.#conn = null
      this.#releaseNode()
    }
  }

  // ---- transaction -------------------------------------------------------------------------

  #startTransaction(svc: HttpService, head: RequestHead): void {
    this.#req = head
    this.#startMono = this.#deps.clock.monoMs()
    this.#startWall = this.#deps.clock.nowMs()
    this.#reqChunked = head.isChunked
    this.#reqLeft = head.contentLength > 0 ? head.contentLength : 0
    this.#reqDone = false
    this.#isUpgrade = head.upgrade !== '' && head.connection !== null && head.connection.includes('upgrade')
    const pool = svc.pool
    if (pool === null) {
      // The built-in discard pool drops the connection.
      this.#destroy()
      return
    }
    this.#pool = pool
    this.#attempts = 0
    this.#tried = null
    this.#state = S_CONNECTING
    this.#pickAndConnect()
  }

  #pickAndConnect(): void {
    const pool = this.#pool
    const svc = this.#svc
    const req = this.#req
    if (pool === null || svc === null || req === null) return
    const limit = pool.settings.maxConnectionAttempts
    const node = limit !== 0 && this.#attempts >= limit ? undefined : pool.pick(this.#tried)
    if (node === undefined) {
      this.#sendError(this.#attempts === 0 ? 503 : 502, !this.#bodyFullyBuffered())
      return
    }
    this.#attempts++
    this.#node = node
    node.status.activeConnections++
    node.status.requests++
    const idempotent = isIdempotent(req.method)
    this.#keepNode =
      pool.settings.keepalive &&
      !this.#isUpgrade &&
      req.versionMinor === 1 &&
      (idempotent || pool.settings.keepaliveNonIdempotent)
    const idle = this.#keepNode ? NodeConnection.unpark(node.status, this) : undefined
    if (idle !== undefined) {
      this.#conn = idle
      this.#sendRequest()
      return
    }
    this.#conn = new NodeConnection(node.status, this, !pool.settings.nagle)
    this.#arm(T_CONNECT, pool.settings.maxConnectTimeMs)
  }

  onNodeConnect(conn: NodeConnection): void {
    if (conn !== this.#conn) return
    if (this.#node !== null) this.#node.status.consecutiveFailures = 0
    this.#sendRequest()
  }

  #sendRequest(): void {
    const svc = this.#svc
    const req = this.#req
    const conn = this.#conn
    const pool = this.#pool
    if (svc === null || req === null || conn === null || pool === null) return
    this.#state = S_EXCHANGE
    this.#res = null
    this.#resBuf = null
    const socket = conn.socket
    socket.cork()
    if (this.#sentHead !== '') {
      // A resend after a kept-alive connection closed under us: same head, same body.
      socket.write(this.#sentHead, 'latin1')
      if (this.#sentBody !== null) socket.write(this.#sentBody)
    } else {
      this.#sentHead = buildNodeRequestHead(req, svc.forwarding, this.#clientIp, svc.scheme, this.#isUpgrade, this.#keepNode)
      socket.write(this.#sentHead, 'latin1')
      this.#reqChunks.reset()
      const pending = this.#pending
      this.#pending = null
      if (!this.#reqChunked && this.#reqLeft === 0) {
        this.#reqDone = true
        this.#canResend = true
        if (pending !== null) this.#pending = pending
      } else if (pending !== null) {
        this.#canResend = this.#forwardRequestBody(pending)
        if (this.#canResend && this.#reqDone) this.#sentBody = pending.subarray(0, pending.length - this.#pendingBytes())
      }
    }
    socket.uncork()
    this.#sentMono = this.#deps.clock.monoMs()
    this.#arm(T_REPLY, pool.settings.maxReplyTimeMs)
    if (!this.#reqDone && this.#state === S_EXCHANGE) this.#socket.resume()
  }

  /** Forwards request body bytes; keeps what follows the body as the next pipelined request. */
  #forwardRequestBody(chunk: Buffer): boolean {
    const conn = this.#conn
    if (conn === null) return false
    let used: number
    if (this.#reqChunked) {
      used = this.#reqChunks.scan(chunk, 0, chunk.length)
      if (this.#reqChunks.error !== '') {
        this.#conn?.close()
        this.#conn = null
        this.#releaseNode()
        this.#sendError(400, true)
        return false
      }
      if (this.#reqChunks.isDone) this.#reqDone = true
    } else {
      used = Math.min(this.#reqLeft, chunk.length)
      this.#reqLeft -= used
      if (this.#reqLeft === 0) this.#reqDone = true
    }
    const body = used === chunk.length ? chunk : chunk.subarray(0, used)
    if (used < chunk.length) {
      const rest = chunk.subarray(used)
      this.#pending = this.#pending === null ? rest : Buffer.concat([this.#pending, rest])
    }
    if (used > 0) {
      this.#bytesIn += used
      conn.status.bytesToNode += used
      if (!conn.socket.write(body)) this.#socket.pause()
    }
    if (this.#timer === T_IDLE) this.#arm(T_IDLE, this.#svc?.idleTimeoutMs ?? 0)
    return this.#reqDone
  }

  #pendingBytes(): number {
    return this.#pending === null ? 0 : this.#pending.length
  }

  #bodyFullyBuffered(): boolean {
    return this.#reqDone || (!this.#reqChunked && this.#reqLeft === 0)
  }

  // ---- node side ---------------------------------------------------------------------------

  onNodeDrain(): void {
    if (this.#state === S_EXCHANGE || this.#state === S_TUNNEL) this.#socket.resume()
  }

  onNodeData(conn: NodeConnection, chunk: Buffer): void {
    if (conn !== this.#conn) return
    if (this.#state === S_TUNNEL) {
      this.#writeClient(chunk)
      return
    }
    if (this.#res === null) {
      const buf = this.#resBuf === null ? chunk : Buffer.concat([this.#resBuf, chunk])
      this.#resBuf = buf
      this.#onResponseBytes(buf)
      return
    }
    this.#forwardResponseBody(chunk, 0)
  }

  #onResponseBytes(buf: Buffer): void {
    let start = 0
    for (;;) {
      const head = parseResponseHead(buf, start, buf.length)
      if (head === null) {
        this.#resBuf = start === 0 ? buf : buf.subarray(start)
        return
      }
      if (isHeadError(head)) {
        this.#failNode(502)
        return
      }
      start += head.headBytes
      if (head.status >= 100 && head.status < 200 && head.status !== 101) {
        // Interim responses (100 Continue, 103 Early Hints) pass through to HTTP/1.1 clients.
        if (this.#req?.versionMinor === 1) this.#writeClient(Buffer.from(head.raw, 'latin1'))
        continue
      }
      this.#resBuf = null
      this.#onResponseHead(head, buf, start)
      return
    }
  }

  #onResponseHead(res: ResponseHead, buf: Buffer, bodyStart: number): void {
    const req = this.#req
    const svc = this.#svc
    if (req === null || svc === null) return
    this.#res = res
    const now = this.#deps.clock.monoMs()
    this.#nodeResponseMs = now - this.#sentMono
    this.#node?.status.recordResponseTime(this.#nodeResponseMs)
    this.#sentHead = ''
    this.#sentBody = null
    if (res.status === 101) {
      if (!this.#isUpgrade) {
        this.#failNode(502)
        return
      }
      this.#state = S_TUNNEL
      this.#arm(T_NONE, 0)
      this.#writeClient(Buffer.from(buildClientResponseHead(res, CLIENT_UPGRADE), 'latin1'))
      if (bodyStart < buf.length) this.#writeClient(buf.subarray(bodyStart))
      this.#socket.resume()
      if (this.#pending !== null) {
        const early = this.#pending
        this.#pending = null
        this.#conn?.socket.write(early)
      }
      return
    }
    if (req.method === 'HEAD' || res.status === 204 || res.status === 304) this.#resFraming = 0
    else if (res.isChunked) this.#resFraming = 2
    else if (res.contentLength >= 0) this.#resFraming = 1
    else this.#resFraming = 3
    this.#resLeft = this.#resFraming === 1 ? res.contentLength : 0
    this.#resChunks.reset()
    this.#resMode = this.#clientMode(req, svc)
    this.#arm(T_IDLE, svc.idleTimeoutMs)
    const head = buildClientResponseHead(res, this.#resMode)
    this.#socket.cork()
    this.#socket.write(head, 'latin1')
    if (this.#resFraming === 0) {
      this.#socket.uncork()
      this.#endResponse(bodyStart < buf.length)
      return
    }
    if (bodyStart < buf.length) this.#forwardResponseBody(buf, bodyStart)
    this.#socket.uncork()
  }

  #clientMode(req: RequestHead, svc: HttpService): number {
    const tokens = req.connection
    if (!svc.keepalive || this.#clientEnded || this.#deps.lifecycle.isDraining || this.#resFraming === 3 || !this.#bodyFullyBuffered()) return CLIENT_CLOSE
    if (tokens !== null && tokens.includes('close')) return CLIENT_CLOSE
    if (req.versionMinor === 0) return tokens !== null && tokens.includes('keep-alive') ? CLIENT_KEEP_10 : CLIENT_CLOSE
    return CLIENT_KEEP
  }

  #forwardResponseBody(chunk: Buffer, start: number): void {
    let end = chunk.length
    let done = false
    switch (this.#resFraming) {
      case 1: {
        const take = Math.min(this.#resLeft, end - start)
        this.#resLeft -= take
        end = start + take
        done = this.#resLeft === 0
        break
      }
      case 2:
        end = this.#resChunks.scan(chunk, start, end)
        if (this.#resChunks.error !== '') {
          // Part of the response is already with the client: all we can do is cut it off.
          this.#destroy()
          return
        }
        done = this.#resChunks.isDone
        break
      default:
        break
    }
    if (end > start) this.#writeClient(start === 0 && end === chunk.length ? chunk : chunk.subarray(start, end))
    if (this.#timer === T_IDLE) this.#arm(T_IDLE, this.#svc?.idleTimeoutMs ?? 0)
    if (done) this.#endResponse(end < chunk.length)
  }

  #writeClient(data: Buffer): void {
    this.#bytesOut += data.length
    if (!this.#socket.write(data)) this.#conn?.socket.pause()
  }

  onNodeEnd(conn: NodeConnection): void {
    if (conn !== this.#conn) return
    if (this.#state === S_TUNNEL) {
      this.#socket.end()
      return
    }
    if (this.#res !== null && this.#resFraming === 3) {
      this.#endResponse(false)
      return
    }
    conn.close()
  }

  onNodeClose(conn: NodeConnection): void {
    if (conn !== this.#conn) return
    this.#conn = null
    if (this.#state === S_TUNNEL) {
      this.#releaseNode()
      this.#socket.end()
      return
    }
    if (this.#res !== null) {
      // The node closed mid-body: the client cannot be told cleanly.
      this.#releaseNode()
      this.#destroy()
      return
    }
    const neverConnected = !conn.isConnected
    const resendable = conn.isReused && conn.bytesReceived === 0 && this.#canResend && this.#reqDone
    this.#nodeFailed(neverConnected)
    if (neverConnected || (resendable && this.#req !== null && isIdempotent(this.#req.method))) {
      this.#state = S_CONNECTING
      this.#pickAndConnect()
      return
    }
    this.#sendError(502, true)
  }

  /** Records a failed attempt on the current node and frees it for the next pick. */
  #nodeFailed(countAsFailure: boolean): void {
    const node = this.#node
    if (node !== null) {
      if (countAsFailure) {
        node.status.failures++
        node.status.consecutiveFailures++
      }
      this.#tried ??= []
      this.#tried.push(node)
    }
    this.#releaseNode()
  }

  #failNode(status: ErrorStatus): void {
    this.#conn?.close()
    this.#conn = null
    this.#releaseNode()
    if (this.#bytesOut === 0 || this.#res === null) this.#sendError(status, true)
    else this.#destroy()
  }

  #releaseNode(): void {
    const node = this.#node
    if (node !== null) {
      node.status.activeConnections--
      this.#node = null
    }
  }

  #endResponse(nodeSentExtra: boolean): void {
    const conn = this.#conn
    const res = this.#res
    const pool = this.#pool
    if (conn !== null && pool !== null && res !== null) {
      const reusable =
        this.#keepNode &&
        this.#reqDone &&
        !nodeSentExtra &&
        this.#resFraming !== 3 &&
        res.versionMinor === 1 &&
        (res.connection === null || !res.connection.includes('close'))
      if (reusable) conn.park(pool.settings.maxIdleConnectionsPerNode)
      else conn.close()
    }
    this.#conn = null
    this.#finish(res?.status ?? 0, res?.headers ?? null, this.#resMode === CLIENT_CLOSE)
  }

  /** Ends the transaction: log, count, then read the next request or close. */
  #finish(status: number, responseHeaders: readonly string[] | null, close: boolean): void {
    const svc = this.#svc
    const req = this.#req
    const node = this.#node
    this.#releaseNode()
    if (svc !== null && req !== null && svc.onTransactionEnd !== null) {
      svc.onTransactionEnd({
        service: svc,
        clientIp: this.#clientIp,
        startWallMs: this.#startWall,
        request: req,
        status,
        responseHeaders,
        bytesIn: this.#bytesIn,
        bytesOut: this.#bytesOut,
        durationMs: this.#deps.clock.monoMs() - this.#startMono,
        nodeResponseMs: this.#nodeResponseMs,
        pool: this.#pool,
        node,
      })
    }
    this.#resetTransaction()
    if (close) {
      this.#state = S_CLOSED
      this.#arm(T_NONE, 0)
      this.#socket.end()
      return
    }
    this.#state = S_HEAD
    this.#arm(this.#pending === null ? T_KEEPALIVE : T_HEADER, this.#pending === null ? (svc?.keepaliveTimeoutMs ?? 0) : (svc?.headerTimeoutMs ?? 0))
    this.#socket.resume()
    if (this.#pending !== null) this.#processPending()
    else if (this.#clientEnded) this.#socket.end()
  }

  #resetTransaction(): void {
    this.#req = null
    this.#pool = null
    this.#node = null
    this.#tried = null
    this.#conn = null
    this.#res = null
    this.#resBuf = null
    this.#sentHead = ''
    this.#sentBody = null
    this.#canResend = false
    this.#nodeResponseMs = -1
    this.#bytesIn = 0
    this.#bytesOut = 0
  }

  #sendError(status: ErrorStatus, close: boolean): void {
    const svc = this.#svc ?? this.#source.current()
    if (svc === null) {
      this.#destroy()
      return
    }
    const mustClose = close || !svc.keepalive || this.#clientEnded || this.#deps.lifecycle.isDraining
    const page = svc.errors.get(status, mustClose)
    this.#bytesOut += page.length
    this.#socket.write(page)
    if (this.#req === null) {
      // No parsed request (a malformed head): nothing to log as a transaction; close.
      this.#state = S_CLOSED
      this.#arm(T_NONE, 0)
      this.#socket.end()
      return
    }
    this.#conn?.close()
    this.#conn = null
    this.#finish(status, null, mustClose)
  }

  #destroy(): void {
    this.#state = S_CLOSED
    this.#arm(T_NONE, 0)
    this.#conn?.close()
    this.#conn = null
    this.#releaseNode()
    this.#socket.destroy()
  }

  onDeadline(): void {
    switch (this.#timer) {
      case T_HEADER:
        if (this.#pending !== null) this.#sendError(408, true)
        else this.#destroy()
        return
      case T_KEEPALIVE:
        this.#destroy()
        return
      case T_CONNECT:
        // Treated like a refused connection: try the next node.
        this.#conn?.socket.destroy()
        return
      case T_REPLY:
        this.#conn?.close()
        this.#conn = null
        this.#nodeFailed(true)
        this.#sendError(504, true)
        return
      case T_IDLE:
        this.#destroy()
        return
      default:
        return
    }
  }

  /** Closes the connection at once, whatever it is doing (end of a shutdown's drain time). */
  destroy(): void {
    this.#destroy()
  }

  /** Closes the connection if it is between requests (graceful shutdown). */
  closeIfIdle(): void {
    if (this.#state === S_HEAD && this.#pending === null) this.#destroy()
  }
}
