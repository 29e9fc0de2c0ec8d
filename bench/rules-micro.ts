/**
 * Micro-benchmark of the rules engine: a typical request rule (about ten header, path and cookie
 * checks, then pool.use) run against an in-memory transaction. Prints ns per run, the bytes
 * allocated per run (engine, library and the fake transaction together) and the lasting heap
 * growth per run (should be about zero). Run with `npx node bench/rules-micro.ts`.
 * @module
 */
import { systemClock } from '../src/core/index.ts'
import { Decision, checkRules, runRule } from '../src/rules/index.ts'
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

const checked = checkRules(new Map([['typical', RULE]]))
if (!checked.ok) throw new Error(JSON.stringify(checked.error))
const rule = checked.value.rules.get('typical')
if (rule === undefined) throw new Error('rule missing')
const services = new FakeServices({ pools: { web: { active: ['10.0.0.1:80'] }, api: { active: ['10.0.0.2:80'] }, static: { active: ['10.0.0.3:80'] } } })
const view = new FakeTransaction({
  url: '/products/42?ref=home',
  headers: [['Host', 'www.example.com'], ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64)'], ['Accept', 'text/html'], ['Cookie', 'sid=abc; theme=dark'], ['X-Debug', '']],
})

function once(): void {
  const o = runRule(rule as NonNullable<typeof rule>, { view, services, decision: new Decision(), phase: 'REQUEST' })
  if (o instanceof Promise || o.kind !== 'stopped') throw new Error('unexpected outcome')
}

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
  bench: 'rules-micro typical request rule',
  runs: RUNS * TRIALS,
  nsPerRun: Math.round(nsPerRun),
  medianNsPerRun: Math.round(medianNsPerRun),
  runsPerSecond: Math.round(1e9 / nsPerRun),
  heapGrowthBytesPerRun: Math.round((heapAfter - heapBefore) / (RUNS * TRIALS)),
  allocatedBytesPerRun,
}))
