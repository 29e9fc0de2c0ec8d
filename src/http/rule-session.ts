/**
 * The rules side of one HTTP transaction: its view, its Decision, and the bodies rules read or
 * replace. ClientConnection creates one per transaction when its virtual server has rules.
 * @module
 */
import { Decision, type RulePhase, type RunEnv } from '../rules/index.ts'
import { ChunkedScanner } from './chunked-scanner.ts'
import type { HttpService } from './http-service.ts'
import type { RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'
import { runRuleList, type RuleBinding } from './rule-runner.ts'
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

export class RuleSession implements RuleBodySource {
  readonly view: HttpRuleView
  readonly decision = new Decision()
  /** A request body set by a rule; sent instead of the client's. */
  requestBodyOverride: Buffer | null = null
  /** A response body set by a rule; sent instead of the node's. */
  responseBodyOverride: Buffer | null = null
  readonly #svc: HttpService
  readonly #req: RequestHead
  readonly #host: RuleSessionHost
  readonly #isFirstRequest: boolean
  #resBuf: Buffer | null = null
  #resStart = 0

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
  }

  #env(phase: RulePhase): RunEnv | null {
    const services = this.#svc.ruleServices
    if (services === null) return null
    return { view: this.view, services, decision: this.decision, phase, maxInstructions: this.#svc.maxInstructions }
  }

  #run(list: readonly RuleBinding[], phase: RulePhase, done: () => void): void {
    const env = this.#env(phase)
    if (env === null || list.length === 0) done()
    else runRuleList(list, 0, env, this.#isFirstRequest, done)
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
    return found === null ? '' : limit(found.body, maxBytes)
  }

  replaceResponseBody(body: string): void {
    const res = this.view.res
    if (res === null) return
    this.responseBodyOverride = Buffer.from(body, 'latin1')
    reframe(res, this.responseBodyOverride.length)
  }
}
