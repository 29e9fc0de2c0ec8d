/**
 * The rules side of one HTTP transaction: its view, its Decision, and the bodies rules read or
 * replace. ClientConnection creates one for a transaction when its virtual server has rules,
 * and may restart it for the next transaction of the connection instead of making another.
 * @module
 */
import { Decision, runRuleList, type RuleBinding, type RulePhase, type RuleServices, type RunEnv } from '../rules/index.ts'
import { ChunkedScanner } from './chunked-scanner.ts'
import { decodedBody } from './decoded-body.ts'
import type { HttpService } from '../snapshot/index.ts'
import type { RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'
import { HttpRuleView, type RuleBodySource, type RuleConnectionInfo } from './rule-view.ts'

/** What the session needs from the client connection. */
export interface RuleSessionHost {
  /** Client bytes received and not yet forwarded: the request body, then pipelined requests. */
  pendingBytes(): Buffer | null
  /** Resolves when more client bytes arrive, the buffer is full, or the client is gone. */
  moreClientData(): Promise<void>
  /** True when no more client bytes can come (closed, or reading paused at the buffer limit). */
  isClientDataFinal(): boolean
  /** Removes the first `n` pending bytes (the original body, once a rule replaced it). */
  dropPending(n: number): void
}

/** A body complete in `buf` from `start`: its decoded bytes and how many raw bytes it took. */
export function completeBody(buf: Buffer | null, start: number, isChunked: boolean, length: number): { body: Buffer; rawBytes: number } | null {
  if (isChunked) {
    if (buf === null) return null
    const parts: Buffer[] = []
    const scanner = new ChunkedScanner()
    const end = scanner.scan(buf, start, buf.length, (b, s, e) => parts.push(b.subarray(s, e)))
    if (!scanner.isDone || scanner.error !== '') return null
    return { body: Buffer.concat(parts), rawBytes: end - start }
  }
  if (length <= 0) return { body: Buffer.alloc(0), rawBytes: 0 }
  if (buf === null || buf.length - start < length) return null
  return { body: buf.subarray(start, start + length), rawBytes: length }
}

function limit(body: Buffer, maxBytes: number): string {
  return (maxBytes > 0 && body.length > maxBytes ? body.subarray(0, maxBytes) : body).toString('latin1')
}

/** Replaces a head's framing fields with a Content-Length for a body of `length` bytes. */
export function reframe(head: RequestHead | ResponseHead, length: number): void {
  const h = head.headers
  for (let i = h.length - 2; i >= 0; i -= 2) {
    const name = (h[i] ?? '').toLowerCase()
    if (name === 'content-length' || name === 'transfer-encoding') h.splice(i, 2)
  }
  h.push('Content-Length', String(length))
  head.contentLength = length
  head.isChunked = false
  head.hasTransferEncoding = false
  head.needsRewrite = true
}

/** The RunEnv of a session: one object, its phase set before each list (phases never overlap). */
class SessionEnv implements RunEnv {
  readonly view: HttpRuleView
  readonly decision: Decision
  services: RuleServices
  phase: RulePhase = 'REQUEST'
  maxInstructions: number

  constructor(view: HttpRuleView, decision: Decision, services: RuleServices, maxInstructions: number) {
    this.view = view
    this.decision = decision
    this.services = services
    this.maxInstructions = maxInstructions
  }
}

export class RuleSession implements RuleBodySource {
  readonly view: HttpRuleView
  readonly decision = new Decision()
  /** A request body set by a rule; sent instead of the client's. */
  requestBodyOverride: Buffer | null = null
  /** A response body set by a rule; sent instead of the node's. */
  responseBodyOverride: Buffer | null = null
  #svc: HttpService
  #req: RequestHead
  readonly #host: RuleSessionHost
  #isFirstRequest: boolean
  #resBuf: Buffer | null = null
  #resStart = 0
  #env: SessionEnv | null = null
  /** A rule list of this session waited: its callbacks may still come, so the session is not restarted. */
  #waited = false

  constructor(
    svc: HttpService,
    req: RequestHead,
    conn: RuleConnectionInfo,
    host: RuleSessionHost,
    isFirstRequest: boolean,
    startMs: number,
    now: () => number,
  ) {
    this.#svc = svc
    this.#req = req
    this.#host = host
    this.#isFirstRequest = isFirstRequest
    this.view = new HttpRuleView(req, conn, this, startMs, now)
    this.view.cacheService = svc.cache === null ? null : svc
  }

  /**
   * Makes this session serve the next transaction of the same client connection, as a new one
   * would (same connection info, host and clock), so keep-alive requests allocate no session.
   * Returns false, changing nothing, when a rule of this session ever waited: its callbacks may
   * still arrive, so the caller must make a new session (and tell old callbacks apart by it).
   */
  restart(svc: HttpService, req: RequestHead, isFirstRequest: boolean, startMs: number): boolean {
    if (this.#waited) return false
    this.#svc = svc
    this.view.cacheService = svc.cache === null ? null : svc
    this.#req = req
    this.#isFirstRequest = isFirstRequest
    this.requestBodyOverride = null
    this.responseBodyOverride = null
    this.#resBuf = null
    this.#resStart = 0
    this.decision.reset()
    this.view.restart(req, startMs)
    return true
  }

  #envFor(phase: RulePhase): RunEnv | null {
    const services = this.#svc.ruleServices
    if (services === null) return null
    let env = this.#env
    if (env === null) {
      env = new SessionEnv(this.view, this.decision, services, this.#svc.maxInstructions)
      this.#env = env
    } else {
      env.services = services
      env.maxInstructions = this.#svc.maxInstructions
    }
    env.phase = phase
    return env
  }

  #run(list: readonly RuleBinding[], phase: RulePhase, done: () => void): void {
    const env = list.length === 0 ? null : this.#envFor(phase)
    if (env === null) done()
    else if (!runRuleList(list, 0, env, this.#isFirstRequest, done)) this.#waited = true
  }

  runRequest(done: () => void): void {
    this.#run(this.#svc.rules.request, 'REQUEST', done)
  }

  /** Response rules see the head and, when it is all there, the body read so far in `buf`. */
  runResponse(res: ResponseHead, buf: Buffer, bodyStart: number, done: () => void): void {
    this.view.res = res
    this.#resBuf = buf
    this.#resStart = bodyStart
    // Rules that ran for the request must not end response processing before it starts.
    this.decision.final = false
    this.#run(this.#svc.rules.response, 'RESPONSE', () => {
      this.#resBuf = null
      done()
    })
  }

  runCompletion(): void {
    this.decision.final = false
    this.#run(this.#svc.rules.completion, 'COMPLETION', () => undefined)
  }

  requestBody(maxBytes: number): string | Promise<string> {
    if (this.requestBodyOverride !== null) return limit(this.requestBodyOverride, maxBytes)
    const req = this.#req
    const found = completeBody(this.#host.pendingBytes(), 0, req.isChunked, req.contentLength)
    if (found !== null) return limit(found.body, maxBytes)
    if (this.#host.isClientDataFinal()) return ''
    return this.#host.moreClientData().then(() => this.requestBody(maxBytes))
  }

  replaceRequestBody(body: string): void {
    const req = this.#req
    const found = this.requestBodyOverride !== null ? { rawBytes: 0 } : completeBody(this.#host.pendingBytes(), 0, req.isChunked, req.contentLength)
    // A body still arriving cannot be replaced: its remaining bytes would reach the node.
    if (found === null) return
    this.#host.dropPending(found.rawBytes)
    this.requestBodyOverride = Buffer.from(body, 'latin1')
    reframe(req, this.requestBodyOverride.length)
  }

  responseBody(maxBytes: number): string | Promise<string> {
    if (this.responseBodyOverride !== null) return limit(this.responseBodyOverride, maxBytes)
    const res = this.view.res
    if (res === null) return ''
    const found = completeBody(this.#resBuf, this.#resStart, res.isChunked, res.contentLength)
    // Rules read the body decoded from the node's Content-Encoding (TrafficScript's promise).
    return found === null ? '' : limit(decodedBody(found.body, res.headers), maxBytes)
  }

  replaceResponseBody(body: string): void {
    const res = this.view.res
    if (res === null) return
    this.responseBodyOverride = Buffer.from(body, 'latin1')
    reframe(res, this.responseBodyOverride.length)
  }
}
