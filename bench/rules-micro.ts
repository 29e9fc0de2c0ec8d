/**
 * Micro-benchmark of the rules engine. Two cases, one JSON line each:
 * - `rules-micro typical request rule`: a typical request rule (about ten header, path and cookie
 *   checks, then pool.use) run against the in-memory FakeTransaction. Measures the engine and the
 *   library (and the fake, which is meant to cost next to nothing).
 * - `rules-micro realistic.zts via HTTP session`: bench/rules/realistic.zts run the way the HTTP
 *   engine runs it for each request (a RuleSession over a parsed request head, as wrk sends it),
 *   so the HTTP binding's per-request objects count too.
 * - `rules-micro realistic.zts via restarted HTTP session`: the same with one session per
 *   connection, restarted for each request instead of made anew.
 * Each prints ns per run, the bytes allocated per run and the lasting heap growth per run (should
 * be about zero). Run with `taskset -c 1 npx node bench/rules-micro.ts`.
 * @module
 */
import { readFileSync } from 'node:fs'
import { systemClock } from '../src/core/index.ts'
import { isHeadError, parseRequestHead } from '../src/http/index.ts'
import { DEFAULT_HEAD_LIMITS, buildErrorResponses, type HttpService } from '../src/snapshot/index.ts'
import type { RuleBinding } from '../src/rules/index.ts'
// The session is the HTTP engine's own per-request object and not part of its public face.
import { RuleSession } from '../src/http/index.ts'
import type { RuleSessionHost } from '../src/http/index.ts'
import { NO_PERSISTENCE } from '../src/persist/index.ts'
import { Decision, runRule } from '../src/rules/index.ts'
import { compileRule as compile } from './lib/compile-rule.ts'
import { FakeServices, FakeTransaction } from '../src/rules/testing/index.ts'

const RULE = `
$path = http.getPath();
$host = http.getHostHeader();
if( http.getMethod() == "OPTIONS" ) { http.sendResponse("204 No Content", "text/plain", "", ""); }
if( string.startsWith($path, "/admin") && !string.ipmaskmatch(request.getRemoteIP(), "10.0.0.0/8") ) {
  http.sendResponse("403 Forbidden", "text/plain", "no", "");
}
if( http.getHeader("X-Debug") != "" ) { http.removeHeader("X-Debug"); }
$ua = http.getHeader("User-Agent");
if( string.containsI($ua, "bot") ) { connection.setPersistenceKey($ua); }
if( http.getCookie("beta") == "1" ) { pool.use("api"); }
if( $host == "static.example.com" || string.endsWith($path, ".png") ) { pool.use("static"); }
if( http.getHeader("Accept") == "application/json" ) { http.setHeader("X-Wants", "json"); }
switch( $path, string.startsWith ) {
  case "/api/", "/v2/": pool.select("api");
  default: http.setHeader("X-Route", "web");
}
pool.use("web");
`

/** Times `once` and measures what it allocates; prints one JSON line. */
function measure(bench: string, once: () => void): void {
  const WARMUP = 20_000
  const TRIALS = 7
  const RUNS = 50_000
  for (let i = 0; i < WARMUP; i++) once()
  // The machine is shared, so several trials are timed and the fastest and the median reported.
  const heapBefore = process.memoryUsage().heapUsed
  const trialsNs: number[] = []
  for (let t = 0; t < TRIALS; t++) {
    const t0 = systemClock.monoMs()
    for (let i = 0; i < RUNS; i++) once()
    trialsNs.push(((systemClock.monoMs() - t0) * 1e6) / RUNS)
  }
  const heapAfter = process.memoryUsage().heapUsed
  trialsNs.sort((x, y) => x - y)
  const nsPerRun = trialsNs[0] ?? 0
  const medianNsPerRun = trialsNs[Math.floor(TRIALS / 2)] ?? 0

  // Allocation per run: heap growth over small batches; a batch during which a GC ran shrinks the
  // heap instead, so only growing batches count and the median of those is reported.
  const BATCH = 500
  const growth: number[] = []
  for (let b = 0; b < 60; b++) {
    const before = process.memoryUsage().heapUsed
    for (let i = 0; i < BATCH; i++) once()
    const delta = process.memoryUsage().heapUsed - before
    if (delta > 0) growth.push(delta / BATCH)
  }
  growth.sort((x, y) => x - y)
  const allocatedBytesPerRun = Math.round(growth[Math.floor(growth.length / 2)] ?? 0)
  console.log(JSON.stringify({
    bench,
    runs: RUNS * TRIALS,
    nsPerRun: Math.round(nsPerRun),
    medianNsPerRun: Math.round(medianNsPerRun),
    runsPerSecond: Math.round(1e9 / nsPerRun),
    heapGrowthBytesPerRun: Math.round((heapAfter - heapBefore) / (RUNS * TRIALS)),
    allocatedBytesPerRun,
  }))
}

function typicalCase(): void {
  const rule = compile('typical', RULE)
  const services = new FakeServices({ pools: { web: { active: ['10.0.0.1:80'] }, api: { active: ['10.0.0.2:80'] }, static: { active: ['10.0.0.3:80'] } } })
  const view = new FakeTransaction({
    url: '/products/42?ref=home',
    headers: [['Host', 'www.example.com'], ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64)'], ['Accept', 'text/html'], ['Cookie', 'sid=abc; theme=dark'], ['X-Debug', '']],
  })
  measure('rules-micro typical request rule', () => {
    const o = runRule(rule, { view, services, decision: new Decision(), phase: 'REQUEST' })
    if (o instanceof Promise || o.kind !== 'stopped') throw new Error('unexpected outcome')
  })
}

function httpSessionCase(): void {
  const rule = compile('realistic', readFileSync(new URL('rules/realistic.zts', import.meta.url), 'utf8'))
  const bindings: RuleBinding[] = [{ rule, isOnlyFirst: false }]
  const services = new FakeServices({ pools: { 'bench-pool': { active: ['127.0.0.1:8081'] } } })
  const svc: HttpService = {
    name: 'bench', pool: null, pools: new Map(),
    forwarding: { addClusterIp: false, addXForwardedFor: false, addXForwardedProto: false, stripXForwardedProto: false },
    scheme: 'http', keepalive: true, keepaliveTimeoutMs: 0, headerTimeoutMs: 0, idleTimeoutMs: 0,
    maxClientBufferBytes: 65536, headLimits: DEFAULT_HEAD_LIMITS, http2: null, errors: buildErrorResponses(undefined),
    counters: null,
    onTransactionEnd: null, persistence: NO_PERSISTENCE,
    rules: { request: bindings, response: [], completion: [] }, phases: { request: ['request-rules', 'routing'], response: [] }, compression: null, cache: null,
    ruleServices: services, maxInstructions: 100_000,
  }
  // What wrk sends for every request of the benchmark.
  const buf = Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n', 'latin1')
  const req = parseRequestHead(buf, 0, buf.length, DEFAULT_HEAD_LIMITS)
  if (req === null || isHeadError(req)) throw new Error('bad request head')
  const fieldCount = req.headers.length
  const host: RuleSessionHost = {
    pendingBytes: () => null,
    moreClientData: () => Promise.resolve(),
    isClientDataFinal: () => true,
    dropPending: () => undefined,
  }
  const conn = {
    clientIp: '127.0.0.1', clientPort: 40000, localIp: '127.0.0.1', localPort: 8080, isTls: false,
    virtualServer: 'bench', data: new Map(),
  }
  const now = (): number => 0
  let finished = 0
  const done = (): void => {
    finished++
  }
  const run = (session: RuleSession): void => {
    const before = finished
    session.runRequest(done)
    if (finished !== before + 1 || session.decision.pool !== 'bench-pool') throw new Error('unexpected outcome')
  }
  // The rule adds a header; the head goes back to what the parser made, without allocating.
  const resetHead = (): void => {
    while (req.headers.length > fieldCount) req.headers.pop()
    req.needsRewrite = false
  }
  // A new session per request, as ClientConnection makes them today.
  measure('rules-micro realistic.zts via HTTP session', () => {
    resetHead()
    run(new RuleSession(svc, req, conn, host, true, 0, now))
  })
  // One session per connection, restarted for each request (RuleSession.restart).
  const kept = new RuleSession(svc, req, conn, host, true, 0, now)
  measure('rules-micro realistic.zts via restarted HTTP session', () => {
    resetHead()
    if (!kept.restart(svc, req, false, 0)) throw new Error('session not restarted')
    run(kept)
  })
}

typicalCase()
httpSessionCase()
