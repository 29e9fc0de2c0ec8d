/**
 * An HTTP transaction as TrafficScript sees it: the request head (and later the response head)
 * that rules read and change in place. Changes mark the head for rewriting, so the node and the
 * client receive exactly what the rules left.
 * @module
 */
import { sameFieldName, type HeaderField, type TlsFacts, type TransactionView, type Value } from '../rules/index.ts'
import type { HttpService } from '../snapshot/index.ts'
import { isCachedFor } from './cache-lookup.ts'
import type { RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'
import { equalsLower } from './syntax.ts'

/** What the view needs from the connection for bodies, which may still be arriving. */
export interface RuleBodySource {
  /** The request body (so far); complete bodies only are ever handed to rules. */
  requestBody(maxBytes: number): string | Promise<string>
  replaceRequestBody(body: string): void
  responseBody(maxBytes: number): string | Promise<string>
  replaceResponseBody(body: string): void
}

/** Fields whose meaning is the message framing: rules may not change them (Sluice frames bodies). */
function isFramingField(name: string): boolean {
  return equalsLower(name, 'content-length') || equalsLower(name, 'transfer-encoding')
}

function find(list: readonly string[], name: string): string | undefined {
  for (let i = 0; i < list.length; i += 2) if (sameFieldName(list[i] ?? '', name)) return list[i + 1]
  return undefined
}

/** Removes every field named `name`, in place; compacting by hand, as splice allocates its result. */
function remove(list: string[], name: string): boolean {
  let to = 0
  for (let from = 0; from < list.length; from += 2) {
    const n = list[from] ?? ''
    if (sameFieldName(n, name)) continue
    if (to !== from) {
      list[to] = n
      list[to + 1] = list[from + 1] ?? ''
    }
    to += 2
  }
  if (to === list.length) return false
  // pop, not `length = to`: assigning length is a runtime call, popping is not.
  while (list.length > to) list.pop()
  return true
}

function pairs(list: readonly string[]): HeaderField[] {
  const out: HeaderField[] = []
  for (let i = 0; i < list.length; i += 2) out.push([list[i] ?? '', list[i + 1] ?? ''])
  return out
}

/** Connection facts fixed for the whole client connection. */
export interface RuleConnectionInfo {
  readonly clientIp: string
  readonly clientPort: number
  readonly localIp: string
  readonly localPort: number
  readonly isTls: boolean
  /** The decrypted connection's TLS facts; absent or null on plain connections. */
  readonly tls?: TlsFacts | null
  readonly virtualServer: string
  /** `connection.data.*`, shared by every transaction on the connection. */
  readonly data: Map<string, Value>
}

export class HttpRuleView implements TransactionView {
  #req: RequestHead
  readonly #conn: RuleConnectionInfo
  readonly #bodies: RuleBodySource
  #startMs: number
  readonly #now: () => number
  res: ResponseHead | null = null
  /** listHeaders() as pairs, kept until a rule changes the request headers. */
  #pairs: HeaderField[] | null = null
  node = ''
  retries = 0
  serverResponseMs = 0
  queueMs = 0
  /** The virtual server when it caches (http.cache.exists asks its cache), else null. */
  cacheService: HttpService | null = null

  constructor(req: RequestHead, conn: RuleConnectionInfo, bodies: RuleBodySource, startMs: number, now: () => number) {
    this.#req = req
    this.#conn = conn
    this.#bodies = bodies
    this.#startMs = startMs
    this.#now = now
  }

  /** Makes this view show the next transaction on the same connection, as a new one would. */
  restart(req: RequestHead, startMs: number): void {
    this.#req = req
    this.#startMs = startMs
    this.res = null
    this.#pairs = null
    this.node = ''
    this.retries = 0
    this.serverResponseMs = 0
    this.queueMs = 0
  }

  isCached(extraKey: string): boolean {
    return this.cacheService !== null && isCachedFor(this.cacheService, this.#req, extraKey, this.#now())
  }

  getMethod(): string {
    return this.#req.method
  }
  setMethod(method: string): void {
    this.#req.method = method
    this.#req.needsRewrite = true
  }
  getRawUrl(): string {
    return this.#req.target
  }
  setRawUrl(url: string): void {
    this.#req.target = url
    this.#req.needsRewrite = true
  }
  getVersion(): string {
    return this.#req.versionMinor === 1 ? 'HTTP/1.1' : 'HTTP/1.0'
  }
  listHeaders(): readonly HeaderField[] {
    // Library functions (cookies, form fields) list the headers many times per run.
    this.#pairs ??= pairs(this.#req.headers)
    return this.#pairs
  }
  getHeader(name: string): string | undefined {
    return find(this.#req.headers, name)
  }
  getHeaderAt(name: string, index: number): string | undefined {
    const list = this.#req.headers
    let seen = 0
    for (let i = 0; i < list.length; i += 2) {
      if (sameFieldName(list[i] ?? '', name) && seen++ === index) return list[i + 1]
    }
    return undefined
  }
  setHeader(name: string, value: string): void {
    if (isFramingField(name)) return
    remove(this.#req.headers, name)
    this.#pairs = null
    this.addHeader(name, value)
  }
  addHeader(name: string, value: string): void {
    if (isFramingField(name)) return
    this.#req.headers.push(name, value)
    this.#pairs = null
    if (equalsLower(name, 'host')) this.#req.host = value
    this.#req.needsRewrite = true
  }
  removeHeader(name: string): void {
    if (isFramingField(name)) return
    if (remove(this.#req.headers, name)) {
      this.#pairs = null
      this.#req.needsRewrite = true
    }
  }
  getBody(maxBytes: number): string | Promise<string> {
    return this.#bodies.requestBody(maxBytes)
  }
  setBody(body: string): void {
    this.#bodies.replaceRequestBody(body)
  }

  getRemoteIp(): string {
    return this.#conn.clientIp
  }
  getRemotePort(): number {
    return this.#conn.clientPort
  }
  getLocalIp(): string {
    return this.#conn.localIp
  }
  getLocalPort(): number {
    return this.#conn.localPort
  }
  isTls(): boolean {
    return this.#conn.isTls
  }
  tls(): TlsFacts | null {
    return this.#conn.tls ?? null
  }
  getVirtualServer(): string {
    return this.#conn.virtualServer
  }
  getNode(): string {
    return this.node
  }

  hasResponse(): boolean {
    return this.res !== null
  }
  getResponseStatus(): number {
    return this.res?.status ?? 0
  }
  getResponseReason(): string {
    return this.res?.reason ?? ''
  }
  getResponseVersion(): string {
    return this.res === null ? '' : this.res.versionMinor === 1 ? 'HTTP/1.1' : 'HTTP/1.0'
  }
  setResponseStatus(status: number, reason: string): void {
    if (this.res === null) return
    this.res.status = status
    this.res.reason = reason
    this.res.needsRewrite = true
  }
  listResponseHeaders(): readonly HeaderField[] {
    return this.res === null ? [] : pairs(this.res.headers)
  }
  getResponseHeader(name: string): string | undefined {
    return this.res === null ? undefined : find(this.res.headers, name)
  }
  setResponseHeader(name: string, value: string): void {
    if (this.res === null || isFramingField(name)) return
    remove(this.res.headers, name)
    this.addResponseHeader(name, value)
  }
  addResponseHeader(name: string, value: string): void {
    if (this.res === null || isFramingField(name)) return
    this.res.headers.push(name, value)
    this.res.needsRewrite = true
  }
  removeResponseHeader(name: string): void {
    if (this.res === null || isFramingField(name)) return
    if (remove(this.res.headers, name)) this.res.needsRewrite = true
  }
  getResponseBody(maxBytes: number): string | Promise<string> {
    return this.res === null ? '' : this.#bodies.responseBody(maxBytes)
  }
  setResponseBody(body: string): void {
    if (this.res !== null) this.#bodies.replaceResponseBody(body)
  }

  getConnectionData(key: string): Value | undefined {
    return this.#conn.data.get(key)
  }
  setConnectionData(key: string, value: Value): void {
    this.#conn.data.set(key, value)
  }
  getRetries(): number {
    return this.retries
  }
  getTransactionDurationMs(): number {
    return this.#now() - this.#startMs
  }
  getQueueTimeMs(): number {
    return this.queueMs
  }
  getServerResponseTimeMs(): number {
    return this.serverResponseMs
  }
}
