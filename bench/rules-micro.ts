/**
 * Micro-benchmark of the rules engine: a typical request rule (about ten header, path and cookie
 * checks, then pool.use) run against an in-memory transaction. Prints ns per run and heap bytes
 * per run. Run with `npx node bench/rules-micro.ts`.
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
const RUNS = 200_000
for (let i = 0; i < WARMUP; i++) once()
globalThis.gc?.()
const heapBefore = process.memoryUsage().heapUsed
const t0 = systemClock.monoMs()
for (let i = 0; i < RUNS; i++) once()
const elapsedMs = systemClock.monoMs() - t0
const heapAfter = process.memoryUsage().heapUsed
const nsPerRun = (elapsedMs * 1e6) / RUNS
console.log(JSON.stringify({
  bench: 'rules-micro typical request rule',
  runs: RUNS,
  nsPerRun: Math.round(nsPerRun),
  runsPerSecond: Math.round(1e9 / nsPerRun),
  heapGrowthBytesPerRun: Math.round((heapAfter - heapBefore) / RUNS),
}))
