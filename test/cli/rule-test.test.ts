/**
 * `sluice rule test`, run as the real command on rule files in a temporary directory.
 */
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runSluice } from '../e2e/cli-harness.ts'

async function tempDir(t: TestContext, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-rule-test-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true })
    await writeFile(join(dir, path), content)
  }
  return dir
}

interface JsonReport {
  checked: boolean
  aborted: boolean
  outcomes: { rule: string; kind: string; reason?: string; line?: number }[]
  decision: {
    action: string
    pool: string | null
    node: string | null
    response: { status: number; headers: [string, string][]; body: string } | null
    settings: Record<string, unknown>
  }
  request: {
    method: { before: string; after: string } | null
    url: { before: string; after: string } | null
    headers: { added: [string, string][]; removed: [string, string][]; changed: { name: string; before: string[]; after: string[] }[] }
    body: string | null
  }
  response: {
    status: { before: string; after: string } | null
    headers: { added: [string, string][]; removed: [string, string][] }
    body: string | null
  } | null
  logs: { level: string; message: string }[]
  events: { name: string; message: string }[]
  outbound: { url: string; status: number; mocked: boolean }[]
}

async function runJson(args: readonly string[]): Promise<{ code: number | null; report: JsonReport }> {
  const r = await runSluice(['rule', 'test', ...args, '--json'])
  let report: JsonReport
  try {
    report = JSON.parse(r.output) as JsonReport
  } catch {
    throw new Error(`not JSON (exit ${String(r.code)}):\n${r.output}`)
  }
  return { code: r.code, report }
}

const ROUTE = `
import helpers as h;
$path = http.getPath();
if( string.startsWith( $path, "/old/" ) ) http.redirect( "https://www.example.com/new/" . string.skip( $path, 5 ) );
http.setHeader( "X-User", h.user() );
http.removeHeader( "Cookie" );
if( http.getHeader( "X-Debug" ) != "" ) http.setHeader( "X-Debug", "seen" );
log.info( "routing " . $path . " from " . request.getRemoteIP() );
if( http.getHostHeader() == "api.example.com" ) pool.use( "api" );
`
const HELPERS = 'sub user() { return http.getCookie( "user" ); }\n'

test('rule test prints the pool decision, header changes and log lines; imports come from the same directory', async (t) => {
  const dir = await tempDir(t, { 'route.zts': ROUTE, 'helpers.zts': HELPERS })
  const r = await runSluice([
    'rule', 'test', join(dir, 'route.zts'), '--url', 'http://api.example.com/v1/items?x=1',
    '--header', 'Cookie: user=bob', '--header', 'X-Debug: 1', '--client', '203.0.113.7',
  ])
  assert.equal(r.code, 0, r.output)
  assert.match(r.output, /decision: use pool "api"/)
  assert.match(r.output, /\+ X-User: bob/)
  assert.match(r.output, /- Cookie: user=bob/)
  assert.match(r.output, /~ X-Debug: 1 -> seen/)
  assert.match(r.output, /info: routing \/v1\/items from 203\.0\.113\.7/)
  assert.match(r.output, /aborted: no/)
})

test('rule test shows a redirect with its Location, and the default pool when nothing is chosen', async (t) => {
  const dir = await tempDir(t, { 'route.zts': ROUTE, 'helpers.zts': HELPERS })
  const redirect = await runJson([join(dir, 'route.zts'), '--url', '/old/a/b'])
  assert.equal(redirect.code, 0)
  assert.equal(redirect.report.decision.action, 'respond')
  assert.equal(redirect.report.decision.response?.status, 302)
  assert.deepEqual(redirect.report.decision.response.headers.find(([n]) => n === 'Location'), ['Location', 'https://www.example.com/new/a/b'])
  const plain = await runJson([join(dir, 'route.zts'), '--url', '/x'])
  assert.equal(plain.report.decision.action, 'none')
  assert.equal(plain.report.decision.pool, null)
  assert.deepEqual(plain.report.outcomes, [{ kind: 'completed', rule: 'route' }])
})

test('rule test reports method, URL and body changes, and reads the request body', async (t) => {
  const dir = await tempDir(t, {
    'rewrite.zts': `
      $b = http.getBody();
      if( string.contains( $b, "secret" ) ) http.setBody( string.replaceAll( $b, "secret", "xxx" ) );
      http.setMethod( "PUT" );
      http.setPath( "/v2" . http.getPath() );
    `,
  })
  const { code, report } = await runJson([join(dir, 'rewrite.zts'), '--method', 'POST', '--url', '/items', '--body', 'a secret here'])
  assert.equal(code, 0)
  assert.deepEqual(report.request.method, { before: 'POST', after: 'PUT' })
  assert.deepEqual(report.request.url, { before: '/items', after: '/v2/items' })
  assert.equal(report.request.body, 'a xxx here')
  assert.deepEqual(report.request.headers.changed, [{ name: 'Content-Length', before: ['13'], after: ['10'] }])
})

test('rule test runs response rules against a described response', async (t) => {
  const dir = await tempDir(t, {
    'fix.zts': `
      if( http.getResponseCode() == 404 ) {
        http.setResponseCode( 200 );
        http.setResponseBody( "replaced" );
      }
      http.removeResponseHeader( "Server" );
      http.setResponseHeader( "X-Seen", http.getResponseBody() );
    `,
  })
  const { code, report } = await runJson([
    join(dir, 'fix.zts'), '--phase', 'response', '--response-status', '404', '--response-header', 'Server: old', '--response-body', 'gone',
  ])
  assert.equal(code, 0, JSON.stringify(report))
  assert.deepEqual(report.response?.status, { before: '404 Not Found', after: '200 OK' })
  assert.deepEqual(report.response.headers.removed, [['Server', 'old']])
  assert.deepEqual(report.response.headers.added, [['X-Seen', 'replaced']])
  assert.equal(report.response.body, 'replaced')
})

test('rule test with --config takes rules by name and knows the pools', async (t) => {
  const dir = await tempDir(t, {
    'rules/choose': 'if( pool.activeNodes( "api" ) > 1 ) pool.use( "api" ); else pool.use( "web" );',
    'pools/api': JSON.stringify({ properties: { basic: { nodes_table: [{ node: '127.0.0.1:9001' }, { node: '127.0.0.1:9002' }] } } }),
    'pools/web': JSON.stringify({ properties: { basic: { nodes_table: [{ node: '127.0.0.1:9003' }] } } }),
  })
  const { code, report } = await runJson(['choose', '--config', dir])
  assert.equal(code, 0)
  assert.equal(report.decision.action, 'use-pool')
  assert.equal(report.decision.pool, 'api')
  const unknown = await runSluice(['rule', 'test', 'nope', '--config', dir])
  assert.equal(unknown.code, 1)
  assert.match(unknown.output, /"nope" is neither a rule file nor a rule of the configuration/)
})

test('rule test answers http.request.get from --http-response and records the call', async (t) => {
  const dir = await tempDir(t, {
    'auth.zts': `
      $r = http.request.get( "http://auth.internal/check?u=" . http.getCookie( "user" ) );
      if( $r != "ok" ) http.sendResponse( "403 Forbidden", "text/plain", "no", "" );
      $other = http.request.get( "http://other.internal/" );
    `,
  })
  const ok = await runJson([join(dir, 'auth.zts'), '--header', 'Cookie: user=ann', '--http-response', 'http://auth.internal/check?u=ann=200:ok'])
  assert.equal(ok.code, 0)
  assert.equal(ok.report.decision.action, 'none')
  assert.deepEqual(ok.report.outbound.map((o) => [o.url, o.mocked]), [['http://auth.internal/check?u=ann', true], ['http://other.internal/', false]])
  const denied = await runJson([join(dir, 'auth.zts')])
  assert.equal(denied.report.decision.action, 'respond')
  assert.equal(denied.report.decision.response?.status, 403)
  assert.equal(denied.report.decision.response.body, 'no')
})

test('rule test exits 3 when a rule is aborted, and says where', async (t) => {
  const dir = await tempDir(t, { 'loop.zts': 'http.setHeader( "X-A", "1" );\nwhile( 1 ) { $i = $i + 1; }\n' })
  const r = await runSluice(['rule', 'test', join(dir, 'loop.zts'), '--max-instr', '1000'])
  assert.equal(r.code, 3, r.output)
  assert.match(r.output, /loop: ABORTED \(budget\) at line 2/)
  assert.match(r.output, /\+ X-A: 1/, 'changes made before the abort are shown')
  assert.match(r.output, /rules_ruleabort/)
  assert.match(r.output, /aborted: yes \(loop\)/)
})

test('rule test prints every check error with line and caret and exits 1 without running', async (t) => {
  const dir = await tempDir(t, { 'bad.zts': 'http.setHeader( "X" );\n$x = nosuch.function( 1 );\n' })
  const r = await runSluice(['rule', 'test', join(dir, 'bad.zts')])
  assert.equal(r.code, 1)
  assert.match(r.output, /rule bad: line 1, column \d+: /)
  assert.match(r.output, /rule bad: line 2, column \d+: /)
  assert.match(r.output, /\^/)
  assert.match(r.output, /2 errors: the rules did not run/)
  assert.doesNotMatch(r.output, /decision:/)
})

test('rule test refuses a bad command line with exit 2', async () => {
  const none = await runSluice(['rule', 'test'])
  assert.equal(none.code, 2)
  assert.match(none.output, /name at least one rule file/)
  const badHeader = await runSluice(['rule', 'test', 'x.zts', '--header', 'no colon'])
  assert.equal(badHeader.code, 2)
  assert.match(badHeader.output, /--header must look like 'Name: value'/)
  const badPhase = await runSluice(['rule', 'test', 'x.zts', '--phase', 'later'])
  assert.equal(badPhase.code, 2)
})

test('rule test runs several rules in order and stops after one that ends rule processing', async (t) => {
  const dir = await tempDir(t, {
    'first.zts': 'http.addHeader( "X-Order", "first" );',
    'second.zts': 'pool.use( "web" );',
    'third.zts': 'http.addHeader( "X-Order", "third" );',
  })
  const { report } = await runJson([join(dir, 'first.zts'), join(dir, 'second.zts'), join(dir, 'third.zts')])
  assert.deepEqual(report.outcomes.map((o) => [o.rule, o.kind]), [['first', 'completed'], ['second', 'stopped']])
  assert.deepEqual(report.request.headers.added, [['X-Order', 'first']])
  assert.equal(report.decision.pool, 'web')
})

test('rule test shows what http.compress.enable and disable decided', async (t) => {
  const dir = await tempDir(t, { 'zip.zts': 'if( http.getPath() == "/raw" ) http.compress.disable(); else http.compress.enable();' })
  const on = await runJson([join(dir, 'zip.zts'), '--url', '/page'])
  assert.equal(on.report.decision.settings['compress'], 'enable')
  const off = await runJson([join(dir, 'zip.zts'), '--url', '/raw'])
  assert.equal(off.report.decision.settings['compress'], 'disable')
})
