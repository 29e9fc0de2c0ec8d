/**
 * Carrying out what TrafficScript rules decided: answering without a node, dropping or closing
 * the connection, steering to a pool or node, replacing a response.
 * @module
 */
import { resolveFailover, type Pool } from '../pool/index.ts'
import type { GeneratedResponse, Value } from '../rules/index.ts'
import { tlsInfoOf } from '../tls/index.ts'
import type { HttpService } from './http-service.ts'
import { NodeSide } from './node-side.ts'
import { CLIENT_CLOSE, buildClientResponseHead } from './outgoing-head.ts'
import type { RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'
import { completeBody, type RuleSession, type RuleSessionHost } from './rule-session.ts'
import type { RuleConnectionInfo } from './rule-view.ts'
import { S_CLOSED, S_CONNECTING, plainClientIp } from './transaction-base.ts'

export abstract class RuleSide extends NodeSide implements RuleSessionHost {
  /** Carries out what the request rules decided. */
  protected afterRequestRules(svc: HttpService, rules: RuleSession): void {
    this.state = S_CONNECTING
    const d = rules.decision
    switch (d.action) {
      case 'respond':
        this.sendGenerated(d.response)
        return
      case 'discard':
        this.destroyNow()
        return
      case 'close':
        if (d.clientData !== '') this.socket.write(Buffer.from(d.clientData, 'latin1'))
        this.endClient()
        return
      case 'none':
      case 'use-pool':
        break
    }
    let pool = svc.pool
    if (d.pool !== null) {
      if (d.pool === 'discard') {
        this.destroyNow()
        return
      }
      // An unknown pool was reported by the rule engine (rules/pooluseunknown); keep the default.
      pool = svc.pools.get(d.pool) ?? pool
    }
    this.route(pool, d.avoidNodes.length > 0 || d.poolHost !== null ? d : null)
  }

  /** Sends the transaction to `base` (or its failure pool); `steer` narrows the nodes tried. */
  protected route(base: Pool | null, steer: { avoidNodes: readonly string[]; poolHost: string | null; poolPort: number | null } | null): void {
    // A pool whose nodes have all failed hands its traffic to its failure pool.
    const pool = base === null ? null : resolveFailover(base, this.svc?.pools ?? new Map<string, Pool>(), this.deps.clock.monoMs())
    if (pool === null) {
      // The built-in discard pool drops the connection.
      this.destroyNow()
      return
    }
    this.pool = pool
    this.attempts = 0
    this.tried = null
    this.freshOnly = false
    this.openPersistence(pool)
    if (steer !== null) {
      // pool.use(pool, host, port) names one node: every other node counts as already tried.
      const only = steer.poolHost === null ? null : `${steer.poolHost}:${String(steer.poolPort ?? 80)}`
      const tried = pool.nodes.filter((n) => steer.avoidNodes.includes(n.id) || (only !== null && n.id !== only))
      if (tried.length > 0) this.tried = tried
    }
    this.pickAndConnect()
  }

  /** A response made by a rule (http.sendResponse, http.redirect, ...). */
  protected sendGenerated(r: GeneratedResponse | null): void {
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
    const tokens = req.connection
    const close =
      !this.dropRequestBody() ||
      !svc.keepalive ||
      this.clientEnded ||
      this.deps.lifecycle.isDraining ||
      (tokens !== null && tokens.includes('close')) ||
      (req.versionMinor === 0 && (tokens === null || !tokens.includes('keep-alive')))
    let head = `HTTP/1.1 ${String(status)} ${r?.reason ?? 'OK'}\r\n`
    for (let i = 0; i < headers.length; i += 2) head += `${headers[i] ?? ''}: ${headers[i + 1] ?? ''}\r\n`
    head += close ? 'Connection: close\r\n\r\n' : req.versionMinor === 0 ? 'Connection: keep-alive\r\n\r\n' : '\r\n'
    this.socket.cork()
    this.socket.write(head, 'latin1')
    if (req.method !== 'HEAD' && body.length > 0) this.socket.write(body)
    this.socket.uncork()
    this.bytesOut += body.length
    this.finish(status, { headers }, close)
  }

  /** Skips the request body when it is already here; false when it is still arriving. */
  protected dropRequestBody(): boolean {
    const req = this.req
    if (req === null || this.rules?.requestBodyOverride != null) return true
    if (!req.isChunked && req.contentLength <= 0) return true
    const found = completeBody(this.pending, 0, req.isChunked, req.contentLength)
    if (found === null) return false
    this.dropPending(found.rawBytes)
    return true
  }

  protected afterResponseRules(res: ResponseHead, buf: Buffer, headStart: number, bodyStart: number): void {
    const rules = this.rules
    const d = rules?.decision
    if (d?.action === 'respond' || d?.action === 'discard' || rules?.responseBodyOverride != null) {
      // The node's response is not used (or not all of it): its connection cannot be reused.
      this.conn?.close()
      this.conn = null
      if (d?.action === 'respond') this.sendGenerated(d.response)
      else if (d?.action === 'discard') this.destroyNow()
      else this.sendReplacedResponse(res, rules?.responseBodyOverride ?? Buffer.alloc(0))
      return
    }
    this.forwardResponse(res, buf, headStart, bodyStart)
  }

  protected sendReplacedResponse(res: ResponseHead, body: Buffer): void {
    const req = this.req
    const svc = this.svc
    if (req === null || svc === null) return
    this.resMode = this.clientMode(req, svc)
    this.socket.cork()
    this.socket.write(buildClientResponseHead(res, this.resMode), 'latin1')
    if (req.method !== 'HEAD') this.socket.write(body)
    this.socket.uncork()
    this.bytesOut += body.length
    this.finish(res.status, res, this.resMode === CLIENT_CLOSE)
  }

  protected redirectTo(url: string): void {
    this.sendGenerated({ status: 302, reason: 'Found', contentType: 'text/plain', body: `Moved to ${url}\n`, headers: [['Location', url]] })
  }

  /** Whether the client keeps its connection after this response (CLIENT_* modes). */
  protected abstract clientMode(req: RequestHead, svc: HttpService): number

  // ---- what rules may ask of the connection (RuleSessionHost) ------------------------------

  protected wakeDataWaiters(): void {
    if (this.dataWaiters.length === 0) return
    for (const wake of this.dataWaiters.splice(0)) wake()
  }

  pendingBytes(): Buffer | null {
    return this.pending
  }

  moreClientData(): Promise<void> {
    return new Promise((resolve) => {
      this.dataWaiters.push(resolve)
    })
  }

  isClientDataFinal(): boolean {
    return this.clientEnded || this.state === S_CLOSED || this.socket.isPaused()
  }

  dropPending(n: number): void {
    const pending = this.pending
    if (pending === null || n <= 0) return
    this.pending = n >= pending.length ? null : pending.subarray(n)
  }

  protected ruleConnection(svc: HttpService): RuleConnectionInfo {
    const tls = tlsInfoOf(this.socket)
    this.ruleConn ??= {
      clientIp: this.clientIp,
      clientPort: this.socket.remotePort ?? 0,
      localIp: plainClientIp(this.socket.localAddress ?? ''),
      localPort: this.socket.localPort ?? 0,
      isTls: tls !== null,
      tls,
      virtualServer: svc.name,
      data: new Map<string, Value>(),
    }
    return this.ruleConn
  }
}

