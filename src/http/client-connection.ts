/**
 * One client connection on an HTTP virtual server: parses requests, picks nodes, streams
 * bodies both ways with backpressure and answers pipelined requests in order.
 * Transaction state lives in fields reused for every request on the connection; the response
 * side is in response-relay.ts, body framing in message-body.ts.
 * @module
 */
import type { Socket } from 'node:net'
import { POOL_BUSY, resolveFailover, type Pool, type PoolNode, type QueueWaiter } from '../pool/index.ts'
import type { GeneratedResponse, Value } from '../rules/index.ts'
import { tlsInfoOf } from '../tls/index.ts'
import type { ErrorStatus } from './error-pages.ts'
import type { HttpEngineDeps, HttpService } from './http-service.ts'
import { BODY_CHUNKED, BODY_LENGTH, BODY_NONE, BODY_UNTIL_CLOSE, MessageBody } from './message-body.ts'
import { isIdempotent } from './node-attempt.ts'
import { NodeConnection, type NodeConnectionOwner } from './node-connection.ts'
import { CLIENT_CLOSE, CLIENT_KEEP, CLIENT_KEEP_10, CLIENT_UPGRADE, buildClientResponseHead, buildNodeRequestHead } from './outgoing-head.ts'
import { isHeadError, parseRequestHead, type RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'
import { ResponseRelay, type ResponseSink } from './response-relay.ts'
import type { HasDeadline } from './timeout-sweeper.ts'
import { NO_RULES } from './rule-runner.ts'
import { completeBody, RuleSession, type RuleSessionHost } from './rule-session.ts'
import type { RuleConnectionInfo } from './rule-view.ts'

const S_HEAD = 0
const S_CONNECTING = 1
const S_EXCHANGE = 2
const S_TUNNEL = 3
const S_CLOSED = 4
/** Request rules are running (possibly waiting for a body, a sleep or outbound HTTP). */
const S_RULES = 5

/** What deadlineMs currently guards. */
const T_NONE = 0
const T_HEADER = 1
const T_KEEPALIVE = 2
const T_CONNECT = 3
const T_REPLY = 4
const T_IDLE = 5
const T_QUEUE = 6


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

export class ClientConnection implements NodeConnectionOwner, ResponseSink, HasDeadline, QueueWaiter, RuleSessionHost {
  readonly #socket: Socket
  readonly #deps: HttpEngineDeps
  readonly #source: ServiceSource
  readonly #clientIp: string
  /** Fields describing a decrypted connection (client certificate, cipher), fixed per connection. */
  readonly #tlsFields: readonly string[]
  #state = S_HEAD
  #pending: Buffer | null = null
  #clientEnded = false
  #processing = false
  deadlineMs = 0
  #timer = T_NONE
  /** Requests started on this connection (rules marked only_first run for the first). */
  #requestCount = 0
  #ruleConn: RuleConnectionInfo | null = null
  #dataWaiters: (() => void)[] = []

  // Transaction state, reset by #resetTransaction.
  #svc: HttpService | null = null
  #req: RequestHead | null = null
  #pool: Pool | null = null
  #node: PoolNode | null = null
  #tried: PoolNode[] | null = null
  #attempts = 0
  #conn: NodeConnection | null = null
  /** Set after a kept-alive connection turned out closed: the retry opens a fresh one. */
  #freshOnly = false
  /** Waiting in the pool's too-busy queue since this monotonic time (0 = not queued). */
  #queuedSinceMs = 0
  #isUpgrade = false
  #keepNode = false
  readonly #reqBody = new MessageBody()
  #reqDone = false
  /** The head and complete body as sent, kept while a resend is still possible. */
  #sentHead = ''
  #sentBody: Buffer | null = null
  #canResend = false
  readonly #relay = new ResponseRelay(this)
  #resMode = 0
  #startMono = 0
  #startWall = 0
  #sentMono = 0
  #nodeResponseMs = -1
  #bytesIn = 0
  #bytesOut = 0
  /** The rules side of the transaction; null when the virtual server has no rules. */
  #rules: RuleSession | null = null

  constructor(socket: Socket, deps: HttpEngineDeps, source: ServiceSource) {
    this.#socket = socket
    this.#deps = deps
    this.#source = source
    this.#clientIp = plainClientIp(socket.remoteAddress ?? '')
    this.#tlsFields = tlsInfoOf(socket)?.requestHeaders ?? []
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
    deps.sweeper.add(this)
    this.#arm(T_HEADER, source.current()?.headerTimeoutMs ?? 0)
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
      case S_CLOSED:
        return
      default:
        break
    }
    // Pipelined bytes (or a body still waiting for the node): keep them for later.
    this.#pending = this.#pending === null ? chunk : Buffer.concat([this.#pending, chunk])
    if (this.#pending.length > (this.#svc?.maxClientBufferBytes ?? 65536)) this.#socket.pause()
    this.#wakeDataWaiters()
  }

  #wakeDataWaiters(): void {
    if (this.#dataWaiters.length === 0) return
    for (const wake of this.#dataWaiters.splice(0)) wake()
  }

  // ---- what rules may ask of the connection (RuleSessionHost) ------------------------------

  pendingBytes(): Buffer | null {
    return this.#pending
  }

  moreClientData(): Promise<void> {
    return new Promise((resolve) => {
      this.#dataWaiters.push(resolve)
    })
  }

  isClientDataFinal(): boolean {
    return this.#clientEnded || this.#state === S_CLOSED || this.#socket.isPaused()
  }

  dropPending(n: number): void {
    const pending = this.#pending
    if (pending === null || n <= 0) return
    this.#pending = n >= pending.length ? null : pending.subarray(n)
  }

  #ruleConnection(svc: HttpService): RuleConnectionInfo {
    this.#ruleConn ??= {
      clientIp: this.#clientIp,
      clientPort: this.#socket.remotePort ?? 0,
      localIp: plainClientIp(this.#socket.localAddress ?? ''),
      localPort: this.#socket.localPort ?? 0,
      isTls: tlsInfoOf(this.#socket) !== null,
      virtualServer: svc.name,
      data: new Map<string, Value>(),
    }
    return this.#ruleConn
  }

  /** Starts every complete request waiting in `#pending`, one after another (not recursively). */
  #processPending(): void {
    if (this.#processing) return
    this.#processing = true
    while (this.#state === S_HEAD && this.#pending !== null) {
      const pending = this.#pending
      const svc = this.#source.current()
      if (svc === null) {
        this.#destroy()
        break
      }
      this.#svc = svc
      const head = parseRequestHead(pending, 0, pending.length, svc.headLimits)
      if (head === null) break
      if (isHeadError(head)) {
        this.#sendError(head.status, true)
        break
      }
      this.#pending = head.headBytes === pending.length ? null : pending.subarray(head.headBytes)
      this.#startTransaction(svc, head)
    }
    this.#processing = false
  }

  #onClientEnd(): void {
    this.#clientEnded = true
    this.#wakeDataWaiters()
    if (this.#state === S_TUNNEL) {
      this.#conn?.socket.end()
      return
    }
    // Between requests, or with a request head that can no longer be completed: close.
    if (this.#state === S_HEAD) {
      this.#state = S_CLOSED
      this.#arm(T_NONE, 0)
      this.#socket.end()
    }
  }

  #onClientClose(): void {
    const wasActive = this.#state !== S_HEAD && this.#state !== S_CLOSED
    this.#state = S_CLOSED
    this.#wakeDataWaiters()
    this.#deps.sweeper.delete(this)
    if (wasActive) {
      this.#leaveQueue()
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
    this.#reqBody.start(head.isChunked ? BODY_CHUNKED : head.contentLength > 0 ? BODY_LENGTH : BODY_NONE, head.contentLength)
    this.#reqDone = false
    this.#isUpgrade = head.upgrade !== '' && head.connection !== null && head.connection.includes('upgrade')
    this.#state = S_CONNECTING
    const pending = this.#pending
    if (head.isChunked && pending !== null && !MessageBody.chunkedPrefixIsValid(pending, 0, pending.length)) {
      // Refused before any node hears of it.
      this.#sendError(400, true)
      return
    }
    this.#requestCount++
    if (svc.rules !== NO_RULES) {
      const rules = new RuleSession(svc, head, this.#ruleConnection(svc), this, this.#requestCount === 1, this.#startMono, () =>
        this.#deps.clock.monoMs(),
      )
      this.#rules = rules
      if (svc.rules.request.length > 0) {
        this.#state = S_RULES
        // Rules limit their own run time; waiting on a client body is bounded like any idle wait.
        this.#arm(T_IDLE, svc.idleTimeoutMs)
        rules.runRequest(() => {
          if (this.#state === S_RULES && this.#rules === rules) this.#afterRequestRules(svc, rules)
        })
        return
      }
    }
    this.#route(svc.pool, null)
  }

  /** Carries out what the request rules decided. */
  #afterRequestRules(svc: HttpService, rules: RuleSession): void {
    this.#state = S_CONNECTING
    const d = rules.decision
    switch (d.action) {
      case 'respond':
        this.#sendGenerated(d.response)
        return
      case 'discard':
        this.#destroy()
        return
      case 'close':
        if (d.clientData !== '') this.#socket.write(Buffer.from(d.clientData, 'latin1'))
        this.#state = S_CLOSED
        this.#arm(T_NONE, 0)
        this.#socket.end()
        return
      case 'none':
      case 'use-pool':
        break
    }
    let pool = svc.pool
    if (d.pool !== null) {
      if (d.pool === 'discard') {
        this.#destroy()
        return
      }
      // An unknown pool was reported by the rule engine (rules/pooluseunknown); keep the default.
      pool = svc.pools.get(d.pool) ?? pool
    }
    this.#route(pool, d.avoidNodes.length > 0 || d.poolHost !== null ? d : null)
  }

  /** Sends the transaction to `base` (or its failure pool); `steer` narrows the nodes tried. */
  #route(base: Pool | null, steer: { avoidNodes: readonly string[]; poolHost: string | null; poolPort: number | null } | null): void {
    // A pool whose nodes have all failed hands its traffic to its failure pool.
    const pool = base === null ? null : resolveFailover(base, this.#svc?.pools ?? new Map<string, Pool>(), this.#deps.clock.monoMs())
    if (pool === null) {
      // The built-in discard pool drops the connection.
      this.#destroy()
      return
    }
    this.#pool = pool
    this.#attempts = 0
    this.#tried = null
    this.#freshOnly = false
    if (steer !== null) {
      // pool.use(pool, host, port) names one node: every other node counts as already tried.
      const only = steer.poolHost === null ? null : `${steer.poolHost}:${String(steer.poolPort ?? 80)}`
      const tried = pool.nodes.filter((n) => steer.avoidNodes.includes(n.id) || (only !== null && n.id !== only))
      if (tried.length > 0) this.#tried = tried
    }
    this.#pickAndConnect()
  }

  /** A response made by a rule (http.sendResponse, http.redirect, ...). */
  #sendGenerated(r: GeneratedResponse | null): void {
    const svc = this.#svc
    const req = this.#req
    if (svc === null || req === null) return
    const status = r?.status ?? 200
    const body = Buffer.from(r?.body ?? '', 'latin1')
    const headers: string[] = []
    if (r !== null && r.contentType !== '') headers.push('Content-Type', r.contentType)
    for (const [name, value] of r?.headers ?? []) headers.push(name, value)
    for (const [name, value] of this.#rules?.decision.addResponseHeaders ?? []) headers.push(name, value)
    headers.push('Content-Length', String(body.length))
    const tokens = req.connection
    const close =
      !this.#dropRequestBody() ||
      !svc.keepalive ||
      this.#clientEnded ||
      this.#deps.lifecycle.isDraining ||
      (tokens !== null && tokens.includes('close')) ||
      (req.versionMinor === 0 && (tokens === null || !tokens.includes('keep-alive')))
    let head = `HTTP/1.1 ${String(status)} ${r?.reason ?? 'OK'}\r\n`
    for (let i = 0; i < headers.length; i += 2) head += `${headers[i] ?? ''}: ${headers[i + 1] ?? ''}\r\n`
    head += close ? 'Connection: close\r\n\r\n' : req.versionMinor === 0 ? 'Connection: keep-alive\r\n\r\n' : '\r\n'
    this.#socket.cork()
    this.#socket.write(head, 'latin1')
    if (req.method !== 'HEAD' && body.length > 0) this.#socket.write(body)
    this.#socket.uncork()
    this.#bytesOut += body.length
    this.#finish(status, headers, close)
  }

  /** Skips the request body when it is already here; false when it is still arriving. */
  #dropRequestBody(): boolean {
    const req = this.#req
    if (req === null || this.#rules?.requestBodyOverride != null) return true
    if (!req.isChunked && req.contentLength <= 0) return true
    const found = completeBody(this.#pending, 0, req.isChunked, req.contentLength)
    if (found === null) return false
    this.dropPending(found.rawBytes)
    return true
  }

  #pickAndConnect(): void {
    const pool = this.#pool
    const svc = this.#svc
    const req = this.#req
    if (pool === null || svc === null || req === null) return
    const limit = pool.settings.maxConnectionAttempts
    const node = limit !== 0 && this.#attempts >= limit ? undefined : pool.choose(this.#tried)
    if (node === POOL_BUSY) {
      this.#enterQueue(pool)
      return
    }
    if (node === undefined) {
      // The last usable node just failed: the failure pool may still answer this request.
      const next = resolveFailover(pool, svc.pools, this.#deps.clock.monoMs())
      if (next === null) {
        this.#destroy()
        return
      }
      if (next !== pool && this.#canSwitchPool()) {
        this.#pool = next
        this.#tried = null
        this.#pickAndConnect()
        return
      }
      this.#sendError(this.#attempts === 0 ? 503 : 502, !this.#reqBody.isDone)
      return
    }
    this.#attempts++
    this.#node = node
    pool.acquire(node)
    this.#keepNode =
      pool.settings.keepalive &&
      !this.#isUpgrade &&
      req.versionMinor === 1 &&
      (isIdempotent(req.method) || pool.settings.keepaliveNonIdempotent)
    const idle = this.#keepNode && !this.#freshOnly ? NodeConnection.unpark(node.status, this) : undefined
    if (idle !== undefined) {
      this.#conn = idle
      this.#sendRequest()
      return
    }
    this.#conn = new NodeConnection(node.status, this, !pool.settings.nagle)
    this.#arm(T_CONNECT, pool.settings.maxConnectTimeMs)
  }

  /** Nothing of the request has reached a node that could have acted on it. */
  #canSwitchPool(): boolean {
    return this.#sentHead === '' || (this.#req !== null && isIdempotent(this.#req.method) && this.#canResend)
  }

  /** Every usable node is at max_connections_per_node: wait for a slot, or 503 Too Busy. */
  #enterQueue(pool: Pool): void {
    const requeue = this.#queuedSinceMs !== 0
    if (!pool.enqueue(this, requeue)) {
      this.#sendError(503, !this.#reqBody.isDone)
      return
    }
    if (!requeue) {
      this.#queuedSinceMs = this.#deps.clock.monoMs()
      this.#arm(T_QUEUE, pool.settings.queueTimeoutMs)
    }
  }

  /** The pool released a slot: try again (first in line). */
  wake(): void {
    if (this.#queuedSinceMs === 0 || this.#state !== S_CONNECTING) return
    const pool = this.#pool
    const before = this.#node
    this.#pickAndConnect()
    if (this.#node !== before && this.#node !== null && pool !== null) {
      pool.runtime.recordWait(this.#deps.clock.monoMs() - this.#queuedSinceMs)
      this.#queuedSinceMs = 0
    }
  }

  #leaveQueue(): void {
    if (this.#queuedSinceMs === 0) return
    this.#pool?.runtime.remove(this)
    this.#queuedSinceMs = 0
  }

  onNodeConnect(conn: NodeConnection): void {
    if (conn !== this.#conn) return
    if (this.#node !== null) this.#pool?.noteConnectSuccess(this.#node)
    this.#sendRequest()
  }

  #sendRequest(): void {
    const svc = this.#svc
    const req = this.#req
    const conn = this.#conn
    if (svc === null || req === null || conn === null) return
    this.#state = S_EXCHANGE
    this.#relay.reset()
    const socket = conn.socket
    socket.cork()
    if (this.#sentHead !== '') {
      // A resend after a kept-alive connection closed under us: same head, same body.
      socket.write(this.#sentHead, 'latin1')
      if (this.#sentBody !== null) socket.write(this.#sentBody)
    } else {
      this.#sentHead = buildNodeRequestHead(req, svc.forwarding, this.#clientIp, svc.scheme, this.#isUpgrade, this.#keepNode, this.#tlsFields)
      socket.write(this.#sentHead, 'latin1')
      const override = this.#rules?.requestBodyOverride ?? null
      if (override !== null) {
        // A rule replaced the body (its original bytes were dropped already).
        socket.write(override)
        this.#sentBody = override
        this.#reqBody.start(BODY_NONE, 0)
      }
      const pending = this.#pending
      this.#pending = null
      if (this.#reqBody.isDone) {
        this.#reqDone = true
        this.#canResend = true
        this.#pending = pending
      } else if (pending !== null) {
        this.#canResend = this.#forwardRequestBody(pending)
        if (this.#canResend) this.#sentBody = pending.subarray(0, pending.length - this.#pendingBytes())
      }
    }
    socket.uncork()
    if (this.#state !== S_EXCHANGE) return
    this.#sentMono = this.#deps.clock.monoMs()
    this.#armExchange()
    if (!this.#reqDone) this.#socket.resume()
  }

  #pendingBytes(): number {
    return this.#pending === null ? 0 : this.#pending.length
  }

  /** While the request body streams the idle timeout applies; then max_reply_time. */
  #armExchange(): void {
    if (this.#reqDone) this.#arm(T_REPLY, this.#pool?.settings.maxReplyTimeMs ?? 0)
    else this.#arm(T_IDLE, this.#svc?.idleTimeoutMs ?? 0)
  }

  /** Forwards request body bytes; keeps what follows the body as the next pipelined request. */
  #forwardRequestBody(chunk: Buffer): boolean {
    const conn = this.#conn
    if (conn === null) return false
    const used = this.#reqBody.consume(chunk, 0, chunk.length)
    if (this.#reqBody.error !== '') {
      this.#conn?.close()
      this.#conn = null
      this.#releaseNode()
      if (this.#relay.head === null) this.#sendError(400, true)
      else this.#destroy()
      return false
    }
    if (used < chunk.length) {
      const rest = chunk.subarray(used)
      this.#pending = this.#pending === null ? rest : Buffer.concat([this.#pending, rest])
    }
    if (used > 0) {
      this.#bytesIn += used
      conn.status.bytesToNode += used
      if (!conn.socket.write(used === chunk.length ? chunk : chunk.subarray(0, used))) this.#socket.pause()
    }
    if (this.#reqBody.isDone) {
      this.#reqDone = true
      if (this.#relay.head === null && this.#state === S_EXCHANGE) this.#arm(T_REPLY, this.#pool?.settings.maxReplyTimeMs ?? 0)
    } else if (this.#timer === T_IDLE) {
      this.#arm(T_IDLE, this.#svc?.idleTimeoutMs ?? 0)
    }
    return this.#reqDone
  }

  // ---- node side ---------------------------------------------------------------------------

  onNodeDrain(): void {
    if (this.#state === S_EXCHANGE || this.#state === S_TUNNEL) this.#socket.resume()
  }

  onNodeData(conn: NodeConnection, chunk: Buffer): void {
    if (conn !== this.#conn) return
    if (this.#state === S_TUNNEL) this.#writeClient(chunk)
    else this.#relay.push(chunk)
  }

  onInterim(raw: string): void {
    // Interim responses (100 Continue, 103 Early Hints) pass through to HTTP/1.1 clients.
    if (this.#req?.versionMinor === 1) this.#socket.write(raw, 'latin1')
  }

  onInvalid(): void {
    this.#failNode(502)
  }

  onHead(res: ResponseHead, buf: Buffer, headStart: number, bodyStart: number): void {
    const req = this.#req
    const svc = this.#svc
    if (req === null || svc === null) return
    this.#nodeResponseMs = this.#deps.clock.monoMs() - this.#sentMono
    this.#node?.status.recordResponseTime(this.#nodeResponseMs)
    this.#sentHead = ''
    this.#sentBody = null
    if (res.status === 101) {
      this.#startTunnel(res, bodyStart < buf.length ? buf.subarray(bodyStart) : null)
      return
    }
    if (!this.#relay.frame(res, req.method === 'HEAD', buf, bodyStart)) {
      this.#failNode(502)
      return
    }
    const rules = this.#rules
    if (rules !== null) {
      rules.view.res = res
      for (const [name, value] of rules.decision.addResponseHeaders) res.headers.push(name, value)
      if (rules.decision.addResponseHeaders.length > 0) res.needsRewrite = true
      if (svc.rules.response.length > 0) {
        rules.view.node = this.#node?.id ?? ''
        rules.view.serverResponseMs = this.#nodeResponseMs
        const conn = this.#conn
        conn?.socket.pause()
        rules.runResponse(res, buf, bodyStart, () => {
          if (this.#conn !== conn || this.#state !== S_EXCHANGE) return
          conn?.socket.resume()
          this.#afterResponseRules(res, buf, headStart, bodyStart)
        })
        return
      }
    }
    this.#forwardResponse(res, buf, headStart, bodyStart)
  }

  #afterResponseRules(res: ResponseHead, buf: Buffer, headStart: number, bodyStart: number): void {
    const rules = this.#rules
    const d = rules?.decision
    if (d?.action === 'respond' || d?.action === 'discard' || rules?.responseBodyOverride != null) {
      // The node's response is not used (or not all of it): its connection cannot be reused.
      this.#conn?.close()
      this.#conn = null
      if (d?.action === 'respond') this.#sendGenerated(d.response)
      else if (d?.action === 'discard') this.#destroy()
      else this.#sendReplacedResponse(res, rules?.responseBodyOverride ?? Buffer.alloc(0))
      return
    }
    this.#forwardResponse(res, buf, headStart, bodyStart)
  }

  #sendReplacedResponse(res: ResponseHead, body: Buffer): void {
    const req = this.#req
    const svc = this.#svc
    if (req === null || svc === null) return
    this.#resMode = this.#clientMode(req, svc)
    this.#socket.cork()
    this.#socket.write(buildClientResponseHead(res, this.#resMode), 'latin1')
    if (req.method !== 'HEAD') this.#socket.write(body)
    this.#socket.uncork()
    this.#bytesOut += body.length
    this.#finish(res.status, res.headers, this.#resMode === CLIENT_CLOSE)
  }

  #forwardResponse(res: ResponseHead, buf: Buffer, headStart: number, bodyStart: number): void {
    const req = this.#req
    const svc = this.#svc
    if (req === null || svc === null) return
    this.#resMode = this.#clientMode(req, svc)
    this.#arm(T_IDLE, svc.idleTimeoutMs)
    const head = buildClientResponseHead(res, this.#resMode)
    if (head === res.raw && headStart === 0) {
      // Nothing to rewrite: the node's bytes go to the client as they are, in one write.
      this.#bytesOut -= res.headBytes
      this.#relay.pushBody(buf, bodyStart, 0)
      return
    }
    this.#socket.cork()
    this.#socket.write(head, 'latin1')
    this.#relay.pushBody(buf, bodyStart)
    this.#socket.uncork()
  }

  #startTunnel(res: ResponseHead, rest: Buffer | null): void {
    if (!this.#isUpgrade) {
      this.#failNode(502)
      return
    }
    this.#state = S_TUNNEL
    this.#arm(T_NONE, 0)
    this.#writeClient(Buffer.from(buildClientResponseHead(res, CLIENT_UPGRADE), 'latin1'))
    if (rest !== null) this.#writeClient(rest)
    this.#socket.resume()
    if (this.#pending !== null) {
      const early = this.#pending
      this.#pending = null
      this.#conn?.socket.write(early)
    }
    if (this.#clientEnded) this.#conn?.socket.end()
  }

  #clientMode(req: RequestHead, svc: HttpService): number {
    const tokens = req.connection
    if (!svc.keepalive || this.#clientEnded || this.#deps.lifecycle.isDraining) return CLIENT_CLOSE
    if (this.#relay.body.framing === BODY_UNTIL_CLOSE || !this.#reqDone) return CLIENT_CLOSE
    if (tokens !== null && tokens.includes('close')) return CLIENT_CLOSE
    if (req.versionMinor === 0) return tokens !== null && tokens.includes('keep-alive') ? CLIENT_KEEP_10 : CLIENT_CLOSE
    return CLIENT_KEEP
  }

  onBody(data: Buffer): void {
    this.#writeClient(data)
    if (this.#timer === T_IDLE) this.#arm(T_IDLE, this.#svc?.idleTimeoutMs ?? 0)
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
    if (this.#relay.head !== null && this.#relay.body.framing === BODY_UNTIL_CLOSE) {
      this.onComplete(false)
      return
    }
    // Destroy the socket but stay its owner: onNodeClose decides between a retry and an error.
    conn.socket.destroy()
  }

  onNodeClose(conn: NodeConnection): void {
    if (conn !== this.#conn) return
    this.#conn = null
    if (this.#state === S_TUNNEL) {
      this.#releaseNode()
      this.#socket.end()
      return
    }
    if (this.#relay.head !== null) {
      // The node closed mid-body: the client cannot be told cleanly.
      this.#destroy()
      return
    }
    const req = this.#req
    if (req !== null && conn.isReused && conn.bytesReceived === 0 && this.#canResend && this.#reqDone && isIdempotent(req.method)) {
      // The node closed a kept-alive connection as we reused it: not the node's failure, and
      // not the client's. Send again on a fresh connection; this costs no attempt.
      this.#releaseNode()
      this.#attempts--
      this.#freshOnly = true
      this.#state = S_CONNECTING
      this.#pickAndConnect()
      return
    }
    const neverConnected = !conn.isConnected
    this.#nodeFailed(neverConnected || !conn.isReused)
    if (neverConnected) {
      this.#state = S_CONNECTING
      this.#pickAndConnect()
      return
    }
    // Part of a request that cannot be repeated may have been processed: no retry.
    this.#sendError(502, true)
  }

  /** Records a failed attempt on the current node and frees it for the next pick. */
  #nodeFailed(countAsFailure: boolean): void {
    const node = this.#node
    if (node !== null) {
      if (countAsFailure) this.#pool?.noteConnectFailure(node)
      this.#tried ??= []
      this.#tried.push(node)
    }
    this.#releaseNode()
  }

  #failNode(status: ErrorStatus): void {
    this.#conn?.close()
    this.#conn = null
    this.#releaseNode()
    if (this.#bytesOut === 0) this.#sendError(status, true)
    else this.#destroy()
  }

  #releaseNode(): void {
    const node = this.#node
    if (node !== null) {
      this.#node = null
      if (this.#pool !== null) this.#pool.release(node)
      else node.status.activeConnections--
    }
  }

  onComplete(extra: boolean): void {
    const conn = this.#conn
    const res = this.#relay.head
    const pool = this.#pool
    if (conn !== null && pool !== null && res !== null) {
      const reusable =
        this.#keepNode &&
        this.#reqDone &&
        !extra &&
        this.#relay.body.framing !== BODY_UNTIL_CLOSE &&
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
    const rules = this.#rules
    this.#releaseNode()
    if (rules !== null && svc !== null && svc.rules.completion.length > 0) {
      rules.view.node = node?.id ?? ''
      rules.runCompletion()
    }
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
        isLogged: rules?.decision.requestLog !== 'exclude',
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
    if (this.#pending === null) this.#arm(T_KEEPALIVE, svc?.keepaliveTimeoutMs ?? 0)
    else this.#arm(T_HEADER, svc?.headerTimeoutMs ?? 0)
    this.#socket.resume()
    if (this.#pending !== null) this.#processPending()
    else if (this.#clientEnded) this.#onClientEnd()
  }

  #resetTransaction(): void {
    this.#leaveQueue()
    this.#rules = null
    this.#req = null
    this.#pool = null
    this.#node = null
    this.#tried = null
    this.#conn = null
    this.#relay.reset()
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
    const req = this.#req
    // HTTP/1.0 clients get a closing error page: it carries no keep-alive acknowledgement.
    const clientCloses = req !== null && (req.versionMinor === 0 || (req.connection?.includes('close') ?? false))
    const mustClose = close || clientCloses || !svc.keepalive || this.#clientEnded || this.#deps.lifecycle.isDraining
    const page = svc.errors.get(status, mustClose)
    this.#bytesOut += page.length
    this.#socket.write(page)
    this.#conn?.close()
    this.#conn = null
    if (req === null) {
      // No parsed request (a malformed head): nothing to log as a transaction; close.
      this.#state = S_CLOSED
      this.#arm(T_NONE, 0)
      this.#socket.end()
      return
    }
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
      case T_IDLE:
        this.#destroy()
        return
      case T_CONNECT:
        // Treated like a refused connection: try the next node.
        this.#conn?.socket.destroy()
        return
      case T_QUEUE:
        if (this.#pool !== null) this.#pool.runtime.queueTimeouts++
        this.#leaveQueue()
        this.#sendError(503, !this.#reqBody.isDone)
        return
      case T_REPLY:
        this.#conn?.close()
        this.#conn = null
        this.#nodeFailed(true)
        this.#sendError(504, true)
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
