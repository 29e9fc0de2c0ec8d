/**
 * The in-memory transaction `sluice rule test` runs rules against: request and response heads
 * parsed by the real HTTP parsers and seen through the data plane's own HttpRuleView (so header
 * rules behave as on the wire), plus RuleServices that record what the rules did instead of
 * doing it: log lines, events, counters, sleeps and outbound HTTP (answered from mocks).
 * @module
 */
import { lookup, reverse } from 'node:dns/promises'
import { hostname } from 'node:os'
import type { ValidConfig } from '../config/index.ts'
import { err, ok, systemClock, systemRandom, type Result } from '../core/index.ts'
import { HttpRuleView, isHeadError, parseRequestHead, parseResponseHead, type RequestHead, type ResponseHead } from '../http/index.ts'
import { DEFAULT_HEAD_LIMITS, STATUS_TEXT } from '../snapshot/index.ts'
import {
  MemoryDataStore, type NodeState, type OutboundRequest, type OutboundResponse, type PoolInfo, type RuleServices, type Value,
} from '../rules/index.ts'
import type { MockedHttp } from './rule-test-args.ts'

/** Largest shared data store the command makes (rules under test rarely need more). */
const DATA_STORE_BYTES = 16 << 20

function isFraming(name: string): boolean {
  const n = name.toLowerCase()
  return n === 'content-length' || n === 'transfer-encoding'
}

function headText(startLine: string, headers: readonly (readonly [string, string])[], body: Buffer): Buffer {
  let s = `${startLine}\r\n`
  for (const [name, value] of headers) if (!isFraming(name)) s += `${name}: ${value}\r\n`
  if (body.length > 0) s += `Content-Length: ${body.length}\r\n`
  return Buffer.from(s + '\r\n', 'utf8')
}

/** The described request as a parsed head; an absolute URL supplies Host and TLS. */
export function buildRequestHead(
  method: string, url: string, headers: readonly (readonly [string, string])[], body: Buffer,
): Result<{ head: RequestHead; isTls: boolean }, string> {
  let target = url
  let host = 'www.example.com'
  let isTls = false
  if (/^https?:\/\//i.test(url)) {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      return err(`--url "${url}" is not a valid URL`)
    }
    target = parsed.pathname + parsed.search
    host = parsed.host
    isTls = parsed.protocol === 'https:'
  }
  const list = headers.some(([n]) => n.toLowerCase() === 'host') ? headers : [['Host', host] as const, ...headers]
  const buf = headText(`${method} ${target} HTTP/1.1`, list, body)
  const head = parseRequestHead(buf, 0, buf.length, DEFAULT_HEAD_LIMITS)
  if (head === null) return err('the request head is incomplete')
  if (isHeadError(head)) return err(`Sluice would refuse this request with ${head.status}: ${head.reason}`)
  return ok({ head, isTls })
}

/** The described response as a parsed head. */
export function buildResponseHead(status: number, headers: readonly (readonly [string, string])[], body: Buffer): Result<ResponseHead, string> {
  const buf = headText(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Unknown'}`, headers, body)
  const head = parseResponseHead(buf, 0, buf.length)
  if (head === null) return err('the response head is incomplete')
  if (isHeadError(head)) return err(`Sluice would refuse this response from a node (502): ${head.reason}`)
  return ok(head)
}

/** Replaces a head's framing fields, as the data plane does when a rule replaces a body. */
function reframe(head: RequestHead | ResponseHead, length: number): void {
  const h = head.headers
  for (let i = h.length - 2; i >= 0; i -= 2) if (isFraming(h[i] ?? '')) h.splice(i, 2)
  h.push('Content-Length', String(length))
  head.contentLength = length
  head.isChunked = false
  head.hasTransferEncoding = false
}

function limit(body: Buffer, maxBytes: number): string {
  return (maxBytes > 0 && body.length > maxBytes ? body.subarray(0, maxBytes) : body).toString('latin1')
}

/** Bodies of the test transaction: complete from the start, replaced in place. */
export class TestBodies {
  request: Buffer
  response: Buffer
  requestReplaced = false
  responseReplaced = false
  readonly #req: RequestHead
  readonly #res: () => ResponseHead | null

  constructor(req: RequestHead, requestBody: Buffer, res: () => ResponseHead | null, responseBody: Buffer) {
    this.#req = req
    this.#res = res
    this.request = requestBody
    this.response = responseBody
  }
  requestBody(maxBytes: number): string {
    return limit(this.request, maxBytes)
  }
  replaceRequestBody(body: string): void {
    this.request = Buffer.from(body, 'latin1')
    this.requestReplaced = true
    reframe(this.#req, this.request.length)
  }
  responseBody(maxBytes: number): string {
    return limit(this.response, maxBytes)
  }
  replaceResponseBody(body: string): void {
    const res = this.#res()
    if (res === null) return
    this.response = Buffer.from(body, 'latin1')
    this.responseReplaced = true
    reframe(res, this.response.length)
  }
}

/** Makes the view the data plane would give rules for this transaction. */
export function makeView(req: RequestHead, bodies: TestBodies, clientIp: string, isTls: boolean): HttpRuleView {
  const conn = {
    clientIp, clientPort: 40000, localIp: '127.0.0.1', localPort: isTls ? 443 : 80, isTls,
    virtualServer: 'rule-test', data: new Map<string, Value>(),
  }
  const start = systemClock.monoMs()
  return new HttpRuleView(req, conn, bodies, start, () => systemClock.monoMs())
}

function configPools(config: ValidConfig): PoolInfo {
  const state = (s: string): NodeState => (s === 'disabled' ? 'disabled' : s === 'draining' ? 'draining' : 'active')
  return {
    exists: (name) => config.pools.has(name),
    listNodes(name, wanted) {
      const pool = config.pools.get(name)
      if (pool === undefined) return undefined
      return pool.basic.nodes_table.filter((n) => wanted === 'all' || state(n.state) === wanted).map((n) => n.node)
    },
  }
}

/** Without a configuration every pool exists and has no nodes, so pool.use always shows its choice. */
const ANY_POOL: PoolInfo = { exists: () => true, listNodes: () => [] }

/** RuleServices that record instead of acting. */
export class RecordingServices implements RuleServices {
  readonly clock = systemClock
  readonly random = systemRandom
  readonly pools: PoolInfo
  readonly data = new MemoryDataStore(DATA_STORE_BYTES)
  readonly hostname = hostname()
  readonly logs: { level: string; rule: string; message: string }[] = []
  readonly events: { name: string; message: string }[] = []
  readonly counters = new Map<number, number>()
  readonly requests: { method: string; url: string; status: number; mocked: boolean }[] = []
  readonly sleepsMs: number[] = []
  readonly #mocks: readonly MockedHttp[]
  readonly #config: ValidConfig | null

  constructor(config: ValidConfig | null, mocks: readonly MockedHttp[]) {
    this.#config = config
    this.#mocks = mocks
    this.pools = config === null ? ANY_POOL : configPools(config)
  }

  log(level: 'info' | 'warn' | 'error', rule: string, message: string): void {
    this.logs.push({ level, rule, message })
  }
  emitEvent(name: string, message: string): void {
    this.events.push({ name, message })
  }
  incrementCounter(counter: number, amount: number): void {
    this.counters.set(counter, (this.counters.get(counter) ?? 0) + amount)
  }
  httpRequest(req: OutboundRequest): Promise<OutboundResponse> {
    const m = this.#mocks.find((x) => x.url === req.url)
    this.requests.push({ method: req.method, url: req.url, status: m?.status ?? 0, mocked: m !== undefined })
    const res: OutboundResponse = m === undefined
      ? { status: 0, statusLine: '', headers: [], body: '', error: 'not performed by sluice rule test (mock it with --http-response URL=STATUS:BODY)' }
      : { status: m.status, statusLine: `HTTP/1.1 ${m.status} ${STATUS_TEXT[m.status] ?? 'Unknown'}`, headers: [], body: m.body, error: '' }
    return Promise.resolve(res)
  }
  sleep(ms: number): Promise<void> {
    // Recorded, not waited for: a test run should not take as long as the rule's pauses.
    this.sleepsMs.push(ms)
    return Promise.resolve()
  }
  async resolveHost(name: string, family: 4 | 6): Promise<string> {
    try {
      return (await lookup(name, { family })).address
    } catch {
      return ''
    }
  }
  async resolveIp(ip: string): Promise<string> {
    try {
      return (await reverse(ip))[0] ?? ''
    } catch {
      return ''
    }
  }
  getResource(name: string): { content: string; mtimeS: number } | undefined {
    const content = this.#config?.extraFiles.get(name)
    return content === undefined ? undefined : { content: content.toString('latin1'), mtimeS: 0 }
  }
}
