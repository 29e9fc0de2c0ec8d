/**
 * One HTTP request and its response: the exchange owns the transaction's state from the parsed
 * request head to the last response byte, runs its request phases (rules, then routing), has the
 * dialer find a node, sends the request through its upstream leg, runs its response phases and
 * sends the response through its Downstream (the client connection's codec). One exchange serves
 * every request of an HTTP/1.1 connection in turn (reset() between them); an HTTP/2 connection
 * will hold one per stream.
 * @module
 */
import type { HasDeadline } from '../core/index.ts'
import { Dialer, resolveFailover, type DialerOwner, type NoNodeReason, type Pool, type PoolNode, type SessionChooser } from '../pool/index.ts'
import { NO_RULES, type GeneratedResponse } from '../rules/index.ts'
import type { CacheTicket } from './cache-lookup.ts'
import type { GenerationTicket } from '../generations/index.ts'
import type { BodyPusher, Downstream } from './downstream.ts'
import type { ErrorStatus } from '../snapshot/index.ts'
import type { HttpEngineDeps } from './http-service.ts'
import type { HttpService } from '../snapshot/index.ts'
import { recordServiceLevel } from './service-level.ts'
import { transactionRecord } from './transaction-record.ts'
import { BODY_CHUNKED, BODY_LENGTH, BODY_NONE, BODY_UNTIL_CLOSE, MessageBody } from './message-body.ts'
import { isIdempotent } from './node-attempt.ts'
import type { NodeConnection } from './node-connection.ts'
import { NodeLeg } from './node-leg.ts'
import { PersistenceRequestView, persistResponse } from './persistence-fields.ts'
import type { PersistenceSession } from '../persist/index.ts'
import { CLIENT_CLOSE } from './outgoing-head.ts'
import { CONTINUE, type PhaseExchange } from './phases.ts'
import { TransformedBody } from './transformed-body.ts'
import { runRequestPhase, runResponsePhase } from './phase-list.ts'
import type { RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'
import { RuleSession } from './rule-session.ts'
import { dropRequestBody } from './request-body-drop.ts'

/**
 * Where an exchange is. `idle` between requests; `request-phases` while the request phases run
 * (rules may wait for a body, a sleep or outbound HTTP); `connecting` while the dialer looks for
 * a node (balancing, the too-busy queue, connecting, retries); `exchange` while the request goes
 * to the node and its response comes back; `response-phases` while response rules run;
 * `tunnel` after a 101 answer, when bytes flow both ways untouched.
 */
export type ExchangeState = 'idle' | 'request-phases' | 'connecting' | 'exchange' | 'response-phases' | 'tunnel'

const D_NONE = 0
/** Waiting on a rule, the request body or a slow client: vTM `connection.timeout`. */
const D_IDLE = 1
/** Waiting for the node's response head: pool `max_reply_time`. */
const D_REPLY = 2

/** Where a rule steered the transaction: the pool, and nodes it must or must not use. */
interface Steer {
  readonly avoidNodes: readonly string[]
  readonly poolHost: string | null
  readonly poolPort: number | null
}

export class Exchange implements HasDeadline, DialerOwner, PhaseExchange, BodyPusher {
  readonly down: Downstream
  readonly deps: HttpEngineDeps
  readonly dialer: Dialer
  readonly leg: NodeLeg
  readonly reqBody = new MessageBody()
  state: ExchangeState = 'idle'
  deadlineMs = 0
  #deadline = D_NONE
  svc: HttpService | null = null
  req: RequestHead | null = null
  isUpgrade = false
  /** Every byte of the request body has gone to the node. */
  reqDone = false
  /** How the client goes on after this response (CLIENT_*). */
  resMode = 0
  startMono = 0
  bytesIn = 0
  bytesOut = 0
  /** What the cache lookup learnt about this request (it sets this for every request it sees). */
  cacheTicket: CacheTicket | null = null
  /** The application's generation serving this request (virtual servers with generations). */
  generationTicket: GenerationTicket | null = null
  /** The rules side of the transaction; null when the virtual server has no rules. */
  rules: RuleSession | null = null
  #spareRules: RuleSession | null = null
  /** The pool a rule chose (undefined: the virtual server's), and how it narrowed the nodes. */
  #routePool: Pool | null | undefined = undefined
  #steer: Steer | null = null
  /** The transaction's persistence session, when its pool has a class. */
  #persist: PersistenceSession | null = null
  /** The phase running (or waiting) now, an index into the request or response list. */
  #phase = 0
  #res: ResponseHead | null = null
  #resBuf: Buffer | null = null
  #resHeadStart = -1
  #resBodyStart = 0
  /**
   * The response body when it goes through a transform: response phases chain theirs with
   * `transformed.use` (a rule's body, compression) or wrap what came before with `wrap` (the cache).
   */
  readonly transformed: TransformedBody
  readonly #monoNow = (): number => this.deps.clock.monoMs()
  /** The request as persistence classes and generations read it (cookies, fields). */
  readonly persistRequest = new PersistenceRequestView()

  constructor(down: Downstream, deps: HttpEngineDeps) {
    this.down = down
    this.deps = deps
    this.dialer = new Dialer(this, deps.clock, deps.sweeper)
    this.leg = new NodeLeg(this)
    this.transformed = new TransformedBody(this)
    deps.sweeper.add(this)
  }

  // ---- the request -------------------------------------------------------------------------

  /** Starts the exchange for a parsed request head; the codec has counted the request. */
  start(svc: HttpService, head: RequestHead): void {
    this.svc = svc
    this.req = head
    this.persistRequest.req = head
    this.startMono = this.deps.clock.monoMs()
    this.reqBody.start(head.isChunked ? BODY_CHUNKED : head.contentLength > 0 ? BODY_LENGTH : BODY_NONE, head.contentLength)
    this.reqDone = false
    this.isUpgrade = head.upgrade !== '' && head.connection !== null && head.connection.includes('upgrade')
    this.state = 'request-phases'
    const pending = this.down.pendingBytes()
    if (head.isChunked && pending !== null && !MessageBody.chunkedPrefixIsValid(pending, 0, pending.length)) {
      // Refused before any node hears of it.
      this.sendError(400, true)
      return
    }
    if (svc.rules !== NO_RULES) {
      // The previous request's session is reused unless one of its rules waited (its callbacks
      // may still come); then a new one is made.
      const isFirst = this.down.requestCount === 1
      const spare = this.#spareRules
      this.#spareRules = null
      this.rules =
        spare !== null && spare.restart(svc, head, isFirst, this.startMono)
          ? spare
          : new RuleSession(svc, head, this.down.ruleConnection(svc), this.down, isFirst, this.startMono, this.#monoNow)
    }
    this.#runRequestPhases(0)
  }

  #runRequestPhases(from: number): void {
    const list = (this.svc as HttpService).phases.request
    for (let i = from; i < list.length; i++) {
      this.#phase = i
      if (runRequestPhase(list[i] ?? 'routing', this) !== CONTINUE) return
    }
  }

  /** A phase that waited is done: the next one runs. */
  resumePhases(): void {
    if (this.state === 'request-phases') this.#runRequestPhases(this.#phase + 1)
    else if (this.state === 'response-phases') this.#runResponsePhases(this.#phase + 1)
  }

  /** The generation phase's pool, unless a rule chose one. */
  defaultRoute(pool: Pool): void {
    if (this.#routePool === undefined) this.#routePool = pool
  }

  /** Request rules chose a pool (null: discard) and possibly narrowed its nodes. */
  chooseRoute(pool: Pool | null, steer: Steer | null): void {
    this.#routePool = pool
    this.#steer = steer
  }

  /** The routing phase: hands the transaction to the dialer. */
  route(): void {
    const svc = this.svc as HttpService
    this.state = 'connecting'
    this.#disarm()
    const base = this.#routePool === undefined ? svc.pool : this.#routePool
    const steer = this.#steer
    if (steer === null || base === null) {
      this.dialer.start(base, svc.pools, null)
      return
    }
    // pool.use(pool, host, port) names one node: every other node counts as already tried.
    const pool = resolveFailover(base, svc.pools, this.deps.clock.monoMs())
    if (pool === null) {
      this.down.destroyNow()
      return
    }
    const only = steer.poolHost === null ? null : `${steer.poolHost}:${String(steer.poolPort ?? 80)}`
    const ruledOut = pool.nodes.filter((n) => steer.avoidNodes.includes(n.id) || (only !== null && n.id !== only))
    this.dialer.start(pool, svc.pools, ruledOut)
  }

  // ---- the dialer's owner ------------------------------------------------------------------

  openConnection(node: PoolNode, pool: Pool): void {
    this.leg.open(node, pool)
  }

  noNode(reason: NoNodeReason): void {
    if (reason === 'discard') this.down.destroyNow()
    else this.sendError(reason === 'no-node' && this.dialer.attempts > 0 ? 502 : 503, !this.reqBody.isDone)
  }

  redirect(url: string): void {
    this.sendMade({ status: 302, reason: 'Found', contentType: 'text/plain', body: `Moved to ${url}\n`, headers: [['Location', url]] })
  }

  /** Nothing of the request has reached a node that could have acted on it. */
  canSwitchPool(): boolean {
    return this.leg.sentHead === '' || (this.req !== null && isIdempotent(this.req.method) && this.leg.canResend)
  }

  sessionFor(pool: Pool): SessionChooser | null {
    this.#persist = (this.svc as HttpService).persistence.open(pool, this.down.clientIp, this.rules?.decision ?? null, this.persistRequest, this.down.tlsSession)
    return this.#persist
  }

  connectTimedOut(): void {
    // Treated like a refused connection: the next node is tried.
    this.leg.conn?.socket.destroy()
  }

  /** The node connection closed before the exchange was over. */
  onNodeClosed(conn: NodeConnection, hadHead: boolean): void {
    if (this.state === 'tunnel') {
      // Nothing is left to talk to: the client gets the linger time to close.
      this.dialer.release()
      this.down.endNow()
      return
    }
    if (hadHead) {
      // The node closed mid-body: the client cannot be told cleanly.
      this.down.destroyNow()
      return
    }
    if (this.leg.canRetryAfterClose(conn)) {
      // The node closed a kept-alive connection as we reused it: not the node's failure, and
      // not the client's. Send again on a fresh connection; this costs no attempt.
      this.dialer.retryFresh()
      this.leg.freshOnly = true
      this.state = 'connecting'
      this.dialer.next()
      return
    }
    const neverConnected = !conn.isConnected
    this.dialer.failed(neverConnected || !conn.isReused)
    if (neverConnected) {
      this.state = 'connecting'
      this.dialer.next()
      return
    }
    // Part of a request that cannot be repeated may have been processed: no retry.
    this.sendError(502, true)
  }

  /** The node sent something unusable (or broke its framing). */
  failNode(status: ErrorStatus): void {
    this.leg.close()
    this.dialer.release()
    if (this.bytesOut === 0) this.sendError(status, true)
    else this.down.destroyNow()
  }

  // ---- the response ------------------------------------------------------------------------

  onInterim(head: ResponseHead): void {
    // Interim responses (100 Continue, 103 Early Hints) pass on to HTTP/1.1 clients.
    if (this.req?.versionMinor === 1) this.down.sendInterim(head)
  }

  onResponseHead(res: ResponseHead, buf: Buffer, headStart: number, bodyStart: number): void {
    const req = this.req
    if (req === null) return
    if (res.status === 101) {
      this.#startTunnel(res, bodyStart < buf.length ? buf.subarray(bodyStart) : null)
      return
    }
    if (!this.leg.relay.frame(res, req.method === 'HEAD', buf, bodyStart)) {
      this.failNode(502)
      return
    }
    if (this.#persist !== null && persistResponse(this.#persist, res)) this.transformed.headEdited = true
    const rules = this.rules
    if (rules !== null) {
      rules.view.res = res
      const added = rules.decision.addResponseHeaders
      for (const [name, value] of added) res.headers.push(name, value)
      if (added.length > 0) res.needsRewrite = true
    }
    this.#res = res
    this.#resBuf = buf
    this.#resHeadStart = headStart
    this.#resBodyStart = bodyStart
    this.state = 'response-phases'
    this.#runResponsePhases(0)
  }

  #runResponsePhases(from: number): void {
    const list = (this.svc as HttpService).phases.response
    const res = this.#res as ResponseHead
    const buf = this.#resBuf as Buffer
    for (let i = from; i < list.length; i++) {
      this.#phase = i
      if (runResponsePhase(list[i] ?? 'response-rules', this, res, buf, this.#resBodyStart) !== CONTINUE) return
    }
    this.state = 'exchange'
    this.#resBuf = null
    if (this.transformed.isActive) this.transformed.start(res, buf, this.#resBodyStart)
    else this.#forwardResponse(res, buf, this.#resHeadStart, this.#resBodyStart)
  }

  #forwardResponse(res: ResponseHead, buf: Buffer, headStart: number, bodyStart: number): void {
    const req = this.req as RequestHead
    const svc = this.svc as HttpService
    this.resMode = this.down.responseMode(req, svc, this.leg.relay.body.framing === BODY_UNTIL_CLOSE, this.reqDone)
    this.armIdle()
    const rewritten =
      this.transformed.headEdited || (this.rules !== null && (svc.rules.response.length > 0 || this.rules.decision.addResponseHeaders.length > 0))
    const queuedBefore = this.down.queuedBytes
    this.down.sendNodeHead(res, this.resMode, buf, headStart, bodyStart, rewritten, this)
    if (this.down.holdsWrittenBytes(queuedBefore)) this.leg.conn?.pinReadBuffer()
  }

  /** The codec sends the node's body bytes that came with its head (and maybe the head too). */
  pushNodeBody(chunk: Buffer, start: number, from: number, headBytes: number): void {
    // Head bytes that go out with the body are not body bytes.
    this.bytesOut -= headBytes
    this.leg.relay.pushBody(chunk, start, from)
  }

  /** Node body bytes (as the node framed them) on their way to the client. */
  onResponseBody(data: Buffer): void {
    if (this.transformed.isActive) this.transformed.input(data)
    else this.writeClient(data)
    this.refreshIdle()
  }

  /** Writes node bytes to the client, pausing the node while the client is full. */
  writeClient(data: Buffer): void {
    this.bytesOut += data.length
    const queuedBefore = this.down.queuedBytes
    if (!this.down.writeBody(data)) this.leg.conn?.socket.pause()
    // A write that may still read the bytes later keeps the node connection off its read buffer.
    if (this.down.holdsWrittenBytes(queuedBefore)) this.leg.conn?.pinReadBuffer()
  }

  /** The client took what was queued: the node may send more. */
  onClientDrain(): void {
    this.transformed.clientDrained()
  }

  onResponseComplete(res: ResponseHead | null): void {
    if (this.transformed.isActive) {
      // The transform flushes what it holds; the exchange finishes when its output ends.
      this.transformed.end()
      return
    }
    this.finish(res?.status ?? 0, res, this.resMode === CLIENT_CLOSE)
  }

  #startTunnel(res: ResponseHead, rest: Buffer | null): void {
    if (!this.isUpgrade) {
      this.failNode(502)
      return
    }
    this.state = 'tunnel'
    this.#disarm()
    this.writeClient(this.down.upgradeHead(res))
    if (rest !== null) this.writeClient(rest)
    const early = this.down.startTunnel()
    if (early !== null) this.leg.writeTunnel(early)
    if (this.down.clientEnded) this.leg.conn?.socket.end()
  }

  // ---- answers Sluice makes ---------------------------------------------------------------

  /** Answers with the virtual server's error page, then ends the exchange. */
  sendError(status: ErrorStatus, close: boolean): void {
    const svc = this.svc
    const req = this.req
    if (svc === null || req === null) {
      this.down.destroyNow()
      return
    }
    // HTTP/1.0 clients get a closing error page: it carries no keep-alive acknowledgement.
    const mustClose = close || req.versionMinor === 0 || this.down.mustClose(req, svc)
    const page = svc.errors.get(status, mustClose)
    this.bytesOut += page.length
    this.down.sendErrorPage(page)
    this.leg.close()
    this.finish(status, null, mustClose)
  }

  /** A response made by a rule (http.sendResponse, http.redirect, ...) or a redirect. */
  sendMade(r: GeneratedResponse | null): void {
    const svc = this.svc
    const req = this.req
    if (svc === null || req === null) return
    const status = r?.status ?? 200
    const body = Buffer.from(r?.body ?? '', 'latin1')
    const headers: string[] = []
    if (r !== null && r.contentType !== '') headers.push('Content-Type', r.contentType)
    for (const [name, value] of r?.headers ?? []) headers.push(name, value)
    for (const [name, value] of this.rules?.decision.addResponseHeaders ?? []) headers.push(name, value)
    headers.push('Content-Length', String(body.length))
    const close = !dropRequestBody(this.down, req, this.rules?.requestBodyOverride != null) || this.down.mustClose(req, svc)
    this.down.sendMade(status, r?.reason ?? 'OK', headers, req.method === 'HEAD' ? null : body, req, close)
    this.bytesOut += body.length
    this.finish(status, { headers }, close)
  }

  // ---- the end -------------------------------------------------------------------------

  /** Ends the exchange: completion rules, counters, the request log, then the codec goes on. */
  finish(status: number, response: { readonly headers: readonly string[] } | null, close: boolean): void {
    const svc = this.svc
    const req = this.req
    const node = this.dialer.node
    const pool = this.dialer.pool
    const rules = this.rules
    this.dialer.release()
    if (rules !== null && svc !== null && svc.rules.completion.length > 0) {
      rules.view.node = node?.id ?? ''
      rules.runCompletion()
    }
    if (svc !== null && req !== null) {
      const durationMs = this.deps.clock.monoMs() - this.startMono
      svc.counters?.recordResponse(status, this.bytesIn, this.bytesOut, durationMs)
      if (this.generationTicket !== null) this.generationTicket.generation.counters.record(status, durationMs, this.deps.clock.monoMs())
      if (svc.slm != null) recordServiceLevel(svc.slm, rules?.decision.serviceLevelClass ?? null, this.leg, this.startMono, durationMs)
      if (svc.onTransactionEnd !== null && rules?.decision.requestLog !== 'exclude') {
        svc.onTransactionEnd(transactionRecord(this, svc, req, { status, response, durationMs, pool, node }))
      }
    }
    this.reset()
    this.down.exchangeDone(close)
  }

  /** Forgets the finished request; the exchange is ready for the next one. */
  reset(): void {
    this.dialer.reset()
    this.leg.reset()
    this.#disarm()
    this.state = 'idle'
    this.#spareRules = this.rules
    this.rules = null
    this.req = null
    this.#routePool = undefined
    this.#steer = null
    this.#persist = null
    this.generationTicket = null
    this.#res = null
    this.#resBuf = null
    this.transformed.reset()
    this.bytesIn = 0
    this.bytesOut = 0
  }

  /** The client connection is gone (or being destroyed): drop everything the exchange holds. */
  abort(): void {
    this.dialer.cancel()
    this.leg.close()
    this.transformed.abort()
    this.#disarm()
    this.state = 'idle'
  }

  /** The client connection is closed for good. */
  dispose(): void {
    this.abort()
    this.dialer.dispose()
    this.deps.sweeper.delete(this)
  }

  // ---- deadlines ---------------------------------------------------------------------------

  armIdle(): void {
    this.#arm(D_IDLE, this.svc?.idleTimeoutMs ?? 0)
  }

  armReply(): void {
    this.#arm(D_REPLY, this.dialer.pool?.settings.maxReplyTimeMs ?? 0)
  }

  /** While the request body streams the idle timeout applies; then max_reply_time. */
  armExchange(): void {
    if (this.reqDone) this.armReply()
    else this.armIdle()
  }

  /** Data moved: an idle deadline starts again. */
  refreshIdle(): void {
    if (this.#deadline === D_IDLE) this.armIdle()
  }

  #arm(kind: number, ms: number): void {
    this.#deadline = kind
    this.deadlineMs = ms > 0 ? this.deps.clock.monoMs() + ms : 0
  }

  #disarm(): void {
    this.#deadline = D_NONE
    this.deadlineMs = 0
  }

  onDeadline(): void {
    const kind = this.#deadline
    this.#deadline = D_NONE
    if (kind === D_IDLE) {
      this.down.destroyNow()
    } else if (kind === D_REPLY) {
      this.leg.close()
      this.dialer.failed(true)
      this.sendError(504, true)
    }
  }
}
