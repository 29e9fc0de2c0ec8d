/**
 * What a rule can see and do: the interfaces the data plane implements for the rules engine, and
 * the Decision a run leaves behind. Data that is already in memory is reached synchronously; only
 * reading more body, outbound HTTP, DNS and sleeping may return a Promise (and suspend the rule).
 * @module
 */
import type { Clock, Random } from '../core/index.ts'
import type { XmlCatalog } from './lib/xml-catalog.ts'
import type { Value } from './value.ts'

/** Which rule list is running; `rule.getState()` returns it. */
export type RulePhase = 'REQUEST' | 'RESPONSE' | 'COMPLETION'

/** A header as it appears on the wire: original name spelling and value (latin1 text). */
export type HeaderField = readonly [name: string, value: string]

/** A certificate as ssl.clientCert* and ssl.serverCert* report it. */
export interface TlsCertFacts {
  readonly pem: string
  /** One-line form: `/C=GB/O=Example/CN=alice`. */
  readonly subject: string
  readonly issuer: string
  readonly commonName: string
  /** Upper-case hex. */
  readonly serialHex: string
  readonly serialDecimal: string
  /** Seconds since the epoch. */
  readonly notBefore: number
  readonly notAfter: number
  /** Lower-case hex digests of the DER bytes. */
  readonly md5: string
  readonly sha1: string
  readonly signatureAlgorithm: string
  readonly publicKeyPem: string
  readonly version: number
}

/** The client connection's TLS session, read when a rule asks. */
export interface TlsFacts {
  /** `TLS_AES_256_GCM_SHA384, version=TLSv1.3, bits=256`. */
  readonly cipherDescription: string
  /** The SNI name the client sent, lower case. */
  readonly serverName: string
  readonly sessionIdHex: string
  readonly clientCertStatus: 'ok' | 'invalid' | 'none'
  /** Why the client certificate did not verify (OpenSSL code). */
  readonly clientCertError: string
  clientCert(): TlsCertFacts | null
  clientCertChainPem(): string
  serverCert(): TlsCertFacts | null
  /** Catalog name of the certificate presented. */
  readonly serverCertName: string
}

/**
 * One transaction, as a rule sees it. Implemented by the HTTP (or generic TCP) data plane.
 * Header names are matched case-insensitively by the implementation. Strings are byte strings
 * (each char code 0–255, i.e. latin1), as TrafficScript strings are.
 */
export interface TransactionView {
  /** Request line. */
  getMethod(): string
  setMethod(method: string): void
  /** Request-target exactly as received: path and query, undecoded; may be an absolute URI. */
  getRawUrl(): string
  /** Replaces the request-target (path and query); the caller has already encoded it. */
  setRawUrl(url: string): void
  /** `HTTP/1.1`, `HTTP/1.0`; `""` for HTTP/0.9 or non-HTTP. */
  getVersion(): string

  /** Request headers in order. */
  listHeaders(): readonly HeaderField[]
  /** First value of a request header, or undefined when absent. */
  getHeader(name: string): string | undefined
  /**
   * Optional: the value of the `index`-th (0-based) request header named `name`, or undefined
   * when there are fewer. Hot library functions (cookies) use it to read a repeatable header
   * without listHeaders building its list; a view without it is read through listHeaders.
   */
  getHeaderAt?(name: string, index: number): string | undefined
  /** Replaces every header of that name with one field (adds it if absent). */
  setHeader(name: string, value: string): void
  /** Adds a field, keeping existing ones of the same name. */
  addHeader(name: string, value: string): void
  removeHeader(name: string): void

  /**
   * Up to `maxBytes` of the request body (0 = all, within the data plane's limit). May return a
   * Promise when the body has not been read yet; the rule then suspends. For generic (non-HTTP)
   * protocols this is the client data read so far (`request.get`).
   */
  getBody(maxBytes: number): string | Promise<string>
  setBody(body: string): void

  /** Client and listener addresses. */
  getRemoteIp(): string
  getRemotePort(): number
  getLocalIp(): string
  getLocalPort(): number
  /** Whether the client connection is TLS. */
  isTls(): boolean
  /**
   * `http.cache.exists`: whether the web cache holds a usable response for this request, with
   * `extraKey` (http.cache.setkey) added to its key; absent where there is no cache.
   */
  isCached?(extraKey: string): boolean
  /** What the client connection's TLS session is (ssl.*), or null when it is not decrypted. */
  tls(): TlsFacts | null
  getVirtualServer(): string
  /** The node in use (`host:port`), or `""` before one is chosen (request rules). */
  getNode(): string

  /** Response (response and completion rules; `undefined`/no-ops before a response exists). */
  hasResponse(): boolean
  getResponseStatus(): number
  getResponseReason(): string
  getResponseVersion(): string
  setResponseStatus(status: number, reason: string): void
  listResponseHeaders(): readonly HeaderField[]
  getResponseHeader(name: string): string | undefined
  setResponseHeader(name: string, value: string): void
  addResponseHeader(name: string, value: string): void
  removeResponseHeader(name: string): void
  /** De-chunked, decoded response body, like getBody. */
  getResponseBody(maxBytes: number): string | Promise<string>
  setResponseBody(body: string): void

  /** Per-connection store (`connection.data.*`); lives until the client connection closes. */
  getConnectionData(key: string): Value | undefined
  setConnectionData(key: string, value: Value): void

  /** How often this request has been retried against another node. */
  getRetries(): number
  /** Milliseconds since the first byte of the transaction, and queue/response times when known. */
  getTransactionDurationMs(): number
  getQueueTimeMs(): number
  getServerResponseTimeMs(): number
}

/** Node states as pool.* functions report them. */
export type NodeState = 'active' | 'failed' | 'draining' | 'disabled'

/** Read-only pool information for pool.* functions. */
export interface PoolInfo {
  exists(pool: string): boolean
  /** `host:port` of every node of the pool in that state, or undefined when the pool is unknown. */
  listNodes(pool: string, state: NodeState | 'all'): readonly string[] | undefined
}

/** An outbound HTTP request made by `http.request.*`. */
export interface OutboundRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD'
  readonly url: string
  readonly headers: readonly HeaderField[]
  readonly body: string
  readonly timeoutMs: number
}

/** Its result; `status` 0 and `error` set on failure (no exception crosses this interface). */
export interface OutboundResponse {
  readonly status: number
  readonly statusLine: string
  readonly headers: readonly HeaderField[]
  readonly body: string
  readonly error: string
}

/** Shared key/value store behind `data.*`. The engine ships an in-process one (`MemoryDataStore`). */
export interface DataStore {
  get(key: string): Value | undefined
  /** Returns false when the store is full. */
  set(key: string, value: Value): boolean
  remove(key: string): boolean
  reset(prefix: string): void
  usedBytes(): number
  freeBytes(): number
}

/**
 * Rate classes as `rate.*` uses them (`key` is the optional per-key sub-class, '' for none).
 * `use` answers 1 at once or a promise of 1 when the class lets the request through, 0 for a
 * class that does not exist (or went away while the request waited), and rejects when the
 * request waited too long or the queue is full: the rule is then abandoned.
 */
export interface RateShaper {
  has(cls: string): boolean
  use(cls: string, key: string): number | Promise<number>
  /**
   * 1 let through now (and counted), 0 over the limit, -1 no such class. A promise where the
   * classes are kept elsewhere (a worker asks the primary, which keeps them for all workers).
   */
  tryUse(cls: string, key: string): number | Promise<number>
  backlog(cls: string, key: string): number | Promise<number>
}

/** Process-wide services a rule may use, injected once per snapshot. */
export interface RuleServices {
  readonly clock: Clock
  readonly random: Random
  /** `log.info/warn/error`, `lang.warn` and engine warnings. */
  log(level: 'info' | 'warn' | 'error', rule: string, message: string): void
  /** `event.emit`, and engine events such as a rule abort (`rules_ruleabort`), raised by rule `rule`. */
  emitEvent(name: string, message: string, rule: string): void
  readonly pools: PoolInfo
  readonly data: DataStore
  /** `counter.increment`. */
  incrementCounter(counter: number, amount: number): void
  /** Outbound HTTP; must resolve (never reject) with status 0 and `error` on failure. */
  httpRequest(req: OutboundRequest): Promise<OutboundResponse>
  /** `connection.sleep`. */
  sleep(ms: number): Promise<void>
  /** `net.dns.*`: resolves to `""` when there is no answer. */
  resolveHost(name: string, family: 4 | 6): Promise<string>
  resolveIp(ip: string): Promise<string>
  /** `resource.*` (extra files), or undefined when missing. */
  getResource(name: string): { readonly content: string; readonly mtimeS: number } | undefined
  /** `sys.hostname()`. */
  readonly hostname: string
  /**
   * `xml.*`: this configuration's compiled stylesheets, schemas and DTDs and its XML limits;
   * without it, xml.* takes inline text only, under the default limits.
   */
  readonly xml?: XmlCatalog
  /** `rate.*`; absent when the host has no rate classes (every class is then unknown). */
  readonly rates?: RateShaper
  /** `slm.*`; absent when the host has no service level monitors. */
  readonly slm?: ServiceLevels
}

/** Service level monitoring classes as `slm.*` reads them. */
export interface ServiceLevels {
  has(cls: string): boolean
  /** Conforming responses over the recent window, in percent (100 with none). */
  conforming(cls: string): number
  /** The warning threshold: below it (or at it) the class is not OK. */
  threshold(cls: string): number
  /** The class virtual server `name` attaches (`basic.slm_class`; '' none). */
  classOf(virtualServer: string): string
}

/** A response generated by a rule (`http.sendResponse`, `http.redirect`, `http.changeSite`). */
export interface GeneratedResponse {
  readonly status: number
  readonly reason: string
  readonly contentType: string
  readonly body: string
  readonly headers: readonly HeaderField[]
}

/** What an untouched Decision lists: shared, so a Decision allocates its lists only when used. */
const NO_NAMES: readonly string[] = Object.freeze([])
const NO_FIELDS: readonly HeaderField[] = Object.freeze([])
/** Never written: Decision hands it out only as a ReadonlyMap. */
const NO_SETTINGS: ReadonlyMap<string, Value> = new Map()

/**
 * What the rules decided for one transaction. The data plane creates one per transaction (or
 * resets one with {@link Decision.reset}), passes it to every rule run, and reads it afterwards.
 * `final` means request-rule processing has ended. The lists and settings start as shared empty
 * ones, so most transactions allocate nothing for them.
 */
export class Decision {
  /** Pool chosen by `pool.use` / `pool.select`, or null for the virtual server's default. */
  pool: string | null = null
  /** Explicit machine from `pool.use(pool, host, port)`. */
  poolHost: string | null = null
  poolPort: number | null = null
  /** What ends processing: using a pool, a generated response, a discard, or a close. */
  action: 'none' | 'use-pool' | 'respond' | 'discard' | 'close' = 'none'
  /** Set when a rule ended rule processing (pool.use, a generated response, discard, close). */
  final = false
  response: GeneratedResponse | null = null
  /** `connection.close(data)` / `request.sendResponse(data)` raw data for the client. */
  clientData = ''
  /** null = pool default; '' = explicitly reverted. */
  persistenceClass: string | null = null
  persistenceKey: string | null = null
  persistenceNode: string | null = null
  retry = false
  idempotent: boolean | null = null
  requestLog: 'include' | 'exclude' | null = null
  /** `request.setBandwidthClass`: the class for what is written to the node (server side). */
  bandwidthClass: string | null = null
  /** `response.setBandwidthClass`: the class for what is written to the client (client side). */
  responseBandwidthClass: string | null = null
  serviceLevelClass: string | null = null
  maxReplyTimeS: number | null = null
  /** `request.setRemoteIP`: the client address to log and use for transparency. */
  remoteIpOverride: string | null = null
  /** `http.compress.enable` / `disable`: overrides the virtual server's compression settings. */
  compress: 'enable' | 'disable' | null = null
  #avoidNodes: string[] | null = null
  #addResponseHeaders: HeaderField[] | null = null
  #settings: Map<string, Value> | null = null
  #abortedRules: string[] | null = null

  /** Nodes (`host:port`) `request.avoidNode` asked not to use. */
  get avoidNodes(): readonly string[] {
    return this.#avoidNodes ?? NO_NAMES
  }
  avoidNode(node: string): void {
    this.#avoidNodes ??= []
    this.#avoidNodes.push(node)
  }

  /** Headers to add to the response (e.g. `http.setResponseCookie` called from a request rule). */
  get addResponseHeaders(): readonly HeaderField[] {
    return this.#addResponseHeaders ?? NO_FIELDS
  }
  addResponseHeader(name: string, value: string): void {
    this.#addResponseHeaders ??= []
    this.#addResponseHeaders.push([name, value])
  }

  /** Other per-request settings rules made, keyed by the function that set them (e.g. `request.setDSCP`). */
  get settings(): ReadonlyMap<string, Value> {
    return this.#settings ?? NO_SETTINGS
  }
  setSetting(key: string, value: Value): void {
    this.#settings ??= new Map()
    this.#settings.set(key, value)
  }

  /** Names of rules whose run was aborted in this transaction. */
  get abortedRules(): readonly string[] {
    return this.#abortedRules ?? NO_NAMES
  }
  noteAborted(rule: string): void {
    this.#abortedRules ??= []
    this.#abortedRules.push(rule)
  }

  /** Makes this Decision as good as a new one, for the next transaction on the same connection. */
  reset(): void {
    this.pool = null
    this.poolHost = null
    this.poolPort = null
    this.action = 'none'
    this.final = false
    this.response = null
    this.clientData = ''
    this.persistenceClass = null
    this.persistenceKey = null
    this.persistenceNode = null
    this.retry = false
    this.idempotent = null
    this.requestLog = null
    this.bandwidthClass = null
    this.responseBandwidthClass = null
    this.serviceLevelClass = null
    this.maxReplyTimeS = null
    this.remoteIpOverride = null
    this.compress = null
    this.#avoidNodes = null
    this.#addResponseHeaders = null
    this.#settings = null
    this.#abortedRules = null
  }
}
