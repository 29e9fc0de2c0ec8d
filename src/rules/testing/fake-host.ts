/**
 * An in-memory host for tests and the conformance suite: a TransactionView over plain data and
 * RuleServices that record what rules did. Not for production use.
 * @module
 */
import { ManualClock, SeededRandom } from '../../core/index.ts'
import type {
  DataStore, HeaderField, NodeState, OutboundRequest, OutboundResponse, PoolInfo, RuleServices, TlsFacts, TransactionView,
} from '../host.ts'
import { sameFieldName } from '../field-name.ts'
import { MemoryDataStore } from '../lib/index.ts'
import type { Value } from '../value.ts'

/** The request (and optional response) a fake transaction starts with. */
export interface FakeRequest {
  readonly method?: string
  readonly url?: string
  readonly version?: string
  readonly headers?: readonly HeaderField[]
  readonly body?: string
  /** When true, getBody returns a Promise (as if the body still had to be read). */
  readonly bodyIsAsync?: boolean
  readonly remoteIp?: string
  readonly remotePort?: number
  readonly localIp?: string
  readonly localPort?: number
  readonly tls?: boolean
  /** What ssl.* functions read (implies `tls`). */
  readonly tlsFacts?: TlsFacts
  readonly virtualServer?: string
  readonly node?: string
  readonly response?: {
    readonly status: number
    readonly reason?: string
    readonly version?: string
    readonly headers?: readonly HeaderField[]
    readonly body?: string
  }
}

/** A record lookup that ignores inherited properties such as `constructor`. */
function own<T>(rec: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return rec !== undefined && Object.hasOwn(rec, key) ? rec[key] : undefined
}

/**
 * Header fields. Reading allocates nothing and changes are made in place: the micro-benchmark
 * runs rules on this fake, and what it measures should be the engine, not the fake.
 */
class HeaderList {
  fields: HeaderField[]
  constructor(initial: readonly HeaderField[]) {
    this.fields = [...initial]
  }
  get(name: string): string | undefined {
    const fields = this.fields
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]
      if (field !== undefined && sameFieldName(field[0], name)) return field[1]
    }
    return undefined
  }
  set(name: string, value: string): void {
    this.remove(name)
    this.fields.push([name, value])
  }
  add(name: string, value: string): void {
    this.fields.push([name, value])
  }
  remove(name: string): void {
    // In place, as the data plane's header list is changed.
    const fields = this.fields
    let to = 0
    for (const field of fields) if (!sameFieldName(field[0], name)) fields[to++] = field
    // pop, not `length = to`: assigning length is a runtime call, popping is not.
    while (fields.length > to) fields.pop()
  }
}

/** A TransactionView over plain data; changes are visible through its public fields. */
export class FakeTransaction implements TransactionView {
  method: string
  url: string
  readonly version: string
  readonly headers: HeaderList
  body: string
  readonly #bodyIsAsync: boolean
  readonly #req: FakeRequest
  responseStatus: number
  responseReason: string
  readonly responseHeaders: HeaderList
  responseBody: string
  readonly connectionData = new Map<string, Value>()

  constructor(req: FakeRequest = {}) {
    this.#req = req
    this.method = req.method ?? 'GET'
    this.url = req.url ?? '/'
    this.version = req.version ?? 'HTTP/1.1'
    this.headers = new HeaderList(req.headers ?? [['Host', 'www.example.com']])
    this.body = req.body ?? ''
    this.#bodyIsAsync = req.bodyIsAsync ?? false
    this.responseStatus = req.response?.status ?? 0
    this.responseReason = req.response?.reason ?? ''
    this.responseHeaders = new HeaderList(req.response?.headers ?? [])
    this.responseBody = req.response?.body ?? ''
  }

  getMethod(): string { return this.method }
  setMethod(m: string): void { this.method = m }
  getRawUrl(): string { return this.url }
  setRawUrl(u: string): void { this.url = u }
  getVersion(): string { return this.version }
  listHeaders(): readonly HeaderField[] { return this.headers.fields }
  getHeader(n: string): string | undefined { return this.headers.get(n) }
  setHeader(n: string, v: string): void { this.headers.set(n, v) }
  addHeader(n: string, v: string): void { this.headers.add(n, v) }
  removeHeader(n: string): void { this.headers.remove(n) }
  getBody(maxBytes: number): string | Promise<string> {
    const b = maxBytes > 0 ? this.body.slice(0, maxBytes) : this.body
    return this.#bodyIsAsync ? new Promise((resolve) => setImmediate(() => { resolve(b) })) : b
  }
  setBody(b: string): void { this.body = b }
  getRemoteIp(): string { return this.#req.remoteIp ?? '192.0.2.10' }
  getRemotePort(): number { return this.#req.remotePort ?? 40000 }
  getLocalIp(): string { return this.#req.localIp ?? '127.0.0.1' }
  getLocalPort(): number { return this.#req.localPort ?? 80 }
  isTls(): boolean { return this.#req.tls ?? this.#req.tlsFacts !== undefined }
  tls(): TlsFacts | null { return this.#req.tlsFacts ?? null }
  getVirtualServer(): string { return this.#req.virtualServer ?? 'vs' }
  getNode(): string { return this.#req.node ?? '' }
  hasResponse(): boolean { return this.#req.response !== undefined }
  getResponseStatus(): number { return this.responseStatus }
  getResponseReason(): string { return this.responseReason }
  getResponseVersion(): string { return this.#req.response?.version ?? 'HTTP/1.1' }
  setResponseStatus(status: number, reason: string): void {
    this.responseStatus = status
    this.responseReason = reason
  }
  listResponseHeaders(): readonly HeaderField[] { return this.responseHeaders.fields }
  getResponseHeader(n: string): string | undefined { return this.responseHeaders.get(n) }
  setResponseHeader(n: string, v: string): void { this.responseHeaders.set(n, v) }
  addResponseHeader(n: string, v: string): void { this.responseHeaders.add(n, v) }
  removeResponseHeader(n: string): void { this.responseHeaders.remove(n) }
  getResponseBody(maxBytes: number): string | Promise<string> {
    return maxBytes > 0 ? this.responseBody.slice(0, maxBytes) : this.responseBody
  }
  setResponseBody(b: string): void { this.responseBody = b }
  getConnectionData(k: string): Value | undefined { return this.connectionData.get(k) }
  setConnectionData(k: string, v: Value): void { this.connectionData.set(k, v) }
  getRetries(): number { return 0 }
  getTransactionDurationMs(): number { return 12 }
  getQueueTimeMs(): number { return 0 }
  getServerResponseTimeMs(): number { return 5 }
}

/** Pools for the fake: name → node lists per state. */
export type FakePools = Readonly<Record<string, Partial<Record<NodeState, readonly string[]>>>>

class FakePoolInfo implements PoolInfo {
  readonly #pools: FakePools
  constructor(pools: FakePools) {
    this.#pools = pools
  }
  exists(pool: string): boolean {
    return Object.hasOwn(this.#pools, pool)
  }
  listNodes(pool: string, state: NodeState | 'all'): readonly string[] | undefined {
    if (!this.exists(pool)) return undefined
    const p = this.#pools[pool] ?? {}
    if (state !== 'all') return p[state] ?? []
    return [...(p.active ?? []), ...(p.draining ?? []), ...(p.disabled ?? []), ...(p.failed ?? [])]
  }
}

export interface FakeServicesOptions {
  readonly pools?: FakePools
  readonly outbound?: Readonly<Record<string, Partial<OutboundResponse>>>
  readonly resources?: Readonly<Record<string, string>>
  readonly dns?: Readonly<Record<string, string>>
  readonly nowMs?: number
  readonly dataBytes?: number
}

/** RuleServices that record logs, events, counters and outbound requests in public arrays. */
export class FakeServices implements RuleServices {
  readonly clock: ManualClock
  readonly random = new SeededRandom(42)
  readonly pools: PoolInfo
  readonly data: DataStore
  readonly hostname = 'sluice1.example.com'
  readonly logs: string[] = []
  readonly events: string[] = []
  readonly counters = new Map<number, number>()
  readonly requests: OutboundRequest[] = []
  readonly sleeps: number[] = []
  readonly #opts: FakeServicesOptions

  constructor(opts: FakeServicesOptions = {}) {
    this.#opts = opts
    this.clock = new ManualClock(opts.nowMs ?? Date.UTC(2024, 0, 15, 12, 30, 45))
    this.pools = new FakePoolInfo(opts.pools ?? { web: { active: ['10.0.0.1:80', '10.0.0.2:80'] } })
    this.data = new MemoryDataStore(opts.dataBytes ?? 1 << 20)
  }

  log(level: 'info' | 'warn' | 'error', _rule: string, message: string): void {
    this.logs.push(`${level}: ${message}`)
  }
  emitEvent(name: string, message: string): void {
    this.events.push(`${name}: ${message}`)
  }
  incrementCounter(counter: number, amount: number): void {
    this.counters.set(counter, (this.counters.get(counter) ?? 0) + amount)
  }
  httpRequest(req: OutboundRequest): Promise<OutboundResponse> {
    this.requests.push(req)
    const r = own(this.#opts.outbound, req.url)
    const res: OutboundResponse = r === undefined
      ? { status: 0, statusLine: '', headers: [], body: '', error: 'connection refused' }
      : { status: 200, statusLine: `HTTP/1.1 ${r.status ?? 200} OK`, headers: [], body: '', error: '', ...r }
    return new Promise((resolve) => setImmediate(() => { resolve(res) }))
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms)
    return new Promise((resolve) => setImmediate(resolve))
  }
  resolveHost(name: string): Promise<string> {
    return Promise.resolve(own(this.#opts.dns, name) ?? '')
  }
  resolveIp(ip: string): Promise<string> {
    const hit = Object.entries(this.#opts.dns ?? {}).find(([, v]) => v === ip)
    return Promise.resolve(hit?.[0] ?? ip)
  }
  getResource(name: string): { content: string; mtimeS: number } | undefined {
    const c = own(this.#opts.resources, name)
    return c === undefined ? undefined : { content: c, mtimeS: 1_700_000_000 }
  }
}
