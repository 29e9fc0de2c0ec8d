import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import { getWithHost } from '../helpers/get-with-host.ts'
import { App } from '../../src/app.ts'
import { formatDiagnostic, loadConfigFromObjects } from '../../src/config/index.ts'
import { SeededRandom, memoryLogger, systemClock } from '../../src/core/index.ts'
import { onCleanup } from '../helpers/cleanup.ts'
import { startHttpNode, type HttpNode } from '../helpers/nodes.ts'
import { boundPort } from '../helpers/bound-port.ts'
import { waitFor } from '../helpers/wait.ts'

interface Rig {
  readonly app: App
  readonly url: string
  readonly nodes: Record<string, HttpNode>
}

/** Pools `web`, `api` and `static`, one node each (named after the pool); virtual server `vs`. */
async function rig(
  t: TestContext,
  rules: Record<string, string>,
  vsBasic: Record<string, unknown>,
  extraPools: Record<string, string> = {},
  globalSettings: Record<string, Record<string, unknown>> | null = null,
): Promise<Rig> {
  const nodes: Record<string, HttpNode> = {}
  const files: Record<string, string> = {}
  for (const [name, address] of Object.entries(extraPools)) {
    files[`pools/${name}`] = JSON.stringify({ properties: { basic: { nodes_table: [{ node: address }] } } })
  }
  for (const name of ['web', 'api', 'static']) {
    nodes[name] = await startHttpNode(t, name)
    files[`pools/${name}`] = JSON.stringify({ properties: { basic: { nodes_table: [{ node: nodes[name].address }] } } })
  }
  for (const [name, text] of Object.entries(rules)) files[`rules/${name}`] = text
  if (globalSettings !== null) files['global_settings'] = JSON.stringify({ properties: globalSettings })
  files['virtual_servers/vs'] = JSON.stringify({
    properties: { basic: { enabled: true, port: 0, protocol: 'http', pool: 'web', listen_on_any: false, listen_on_hosts: ['127.0.0.1'], ...vsBasic } },
  })
  const config = loadConfigFromObjects(files)
  if (!config.ok) throw new Error(config.error.map(formatDiagnostic).join('\n'))
  const app = new App({ clock: systemClock, random: new SeededRandom(1), logger: memoryLogger() })
  const applied = await app.apply(config.value)
  if (!applied.ok) throw new Error(applied.error.map(formatDiagnostic).join('\n'))
  onCleanup(t, () => app.stop(0))
  return { app, url: `http://127.0.0.1:${String(boundPort(app, 'vs'))}`, nodes }
}

async function get(url: string, init: RequestInit = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(url, { redirect: 'manual', ...init })
  return { status: res.status, text: await res.text(), headers: res.headers }
}

test('pool.use routes by Host, path and cookie; no decision uses the default pool', async (t) => {
  const r = await rig(
    t,
    {
      route: `
        $path = http.getPath();
        if( string.startsWith( $path, "/api/" ) ) pool.use( "api" );
        if( http.getHostHeader() == "static.example.com" ) { pool.use( "static" ); }
        if( http.getCookie( "beta" ) == "1" ) pool.use( "api" );
      `,
    },
    { request_rules: ['route'] },
  )
  assert.equal((await get(r.url + '/api/x')).text, 'api')
  assert.equal(await getWithHost(r.url + '/x', 'static.example.com'), 'static')
  assert.equal((await get(r.url + '/x', { headers: { cookie: 'a=b; beta=1' } })).text, 'api')
  assert.equal((await get(r.url + '/x')).text, 'web')
})

test('request and response rules rewrite headers in both directions', async (t) => {
  const r = await rig(
    t,
    {
      req: `http.setHeader( "X-Added", "yes" ); http.removeHeader( "X-Secret" ); http.setPath( "/rewritten" );`,
      res: `http.setResponseHeader( "X-Served-By", connection.getNode() ); http.removeResponseHeader( "X-Node" );`,
    },
    { request_rules: ['req'], response_rules: ['res'] },
  )
  const res = await get(r.url + '/original?q=1', { headers: { 'x-secret': 'hush' } })
  assert.equal(res.text, 'web')
  const seen = r.nodes['web']?.seen[0]
  assert.ok(seen)
  assert.equal(seen.headers['x-added'], 'yes')
  assert.equal(seen.headers['x-secret'], undefined)
  assert.equal(seen.url, '/rewritten?q=1')
  assert.equal(res.headers.get('x-served-by'), r.nodes['web']?.address)
  assert.equal(res.headers.get('x-node'), null)
})

test('http.redirect and http.sendResponse answer without a node; keep-alive continues', async (t) => {
  const r = await rig(
    t,
    {
      answer: `
        if( http.getPath() == "/old" ) http.redirect( "http://example.com/new" );
        if( http.getPath() == "/teapot" ) http.sendResponse( "418 I'm a teapot", "text/plain", "short and stout", "X-Tea: earl grey" );
      `,
    },
    { request_rules: ['answer'] },
  )
  const moved = await get(r.url + '/old')
  assert.ok(moved.status === 301 || moved.status === 302, String(moved.status))
  assert.equal(moved.headers.get('location'), 'http://example.com/new')
  const tea = await get(r.url + '/teapot')
  assert.equal(tea.status, 418)
  assert.equal(tea.text, 'short and stout')
  assert.equal(tea.headers.get('x-tea'), 'earl grey')
  assert.equal(r.nodes['web']?.requests, 0, 'no node saw these requests')
  assert.equal((await get(r.url + '/other')).text, 'web')
})

test('pool.select lets a later rule change its mind; only_first rules run once per connection', async (t) => {
  const r = await rig(
    t,
    {
      first: `pool.select( "api" ); connection.data.set( "n", connection.data.get( "n" ) + 1 );`,
      second: `if( http.getHeader( "X-Static" ) == "1" ) pool.use( "static" );`,
      once: `http.setHeader( "X-Count", connection.data.get( "n" ) );`,
    },
    { request_rules: ['first', 'second', { name: 'once', run_frequency: 'only_first' }] },
  )
  assert.equal((await get(r.url + '/a')).text, 'api')
  assert.equal((await get(r.url + '/b', { headers: { 'x-static': '1' } })).text, 'static')
  const api = r.nodes['api']?.seen ?? []
  assert.equal(api[0]?.headers['x-count'], '1', 'the only_first rule ran for the first request')
  const stat = r.nodes['static']?.seen ?? []
  assert.equal(stat[0]?.headers['x-count'], undefined, 'and not for the second on the same connection')
})

test('completion rules run after the response and can log to the event log', async (t) => {
  const r = await rig(t, { done: `log.info( "completed " . http.getPath() . " with " . http.getResponseCode() );` }, { completion_rules: ['done'] })
  assert.equal((await get(r.url + '/finished')).text, 'web')
  const messages = () => r.app.events.list().map((e) => `${e.category}/${e.name}: ${e.message}`)
  await waitFor(() => messages().includes('rules/rulelogmsginfo: completed /finished with 200'), `the completion rule's log line (${messages().join('; ')})`)
})

test('http.request.get calls a real HTTP service during a request', async (t) => {
  const directory = await startHttpNode(t, 'directory', (req, res) => {
    res.end(req.url === '/lookup?user=alice' ? 'api' : 'static')
  })
  const r = await rig(
    t,
    {
      lookup: `
        $answer = http.request.get( "http://${directory.address}/lookup?user=" . http.getFormParam( "user" ) );
        if( $1 == 200 ) pool.use( string.trim( $answer ) );
      `,
    },
    { request_rules: ['lookup'] },
    {},
    // The pool name comes from a variable, which vTM allows only with this setting.
    { trafficscript: { variable_pool_use: true } },
  )
  assert.equal((await get(r.url + '/?user=alice')).text, 'api')
  assert.equal((await get(r.url + '/?user=bob')).text, 'static')
})

test('a rule reads and replaces the request body', async (t) => {
  const bodies: string[] = []
  const echo = await startHttpNode(t, 'echo', (req, res) => {
    let body = ''
    req.setEncoding('latin1')
    req.on('data', (c: string) => (body += c))
    req.on('end', () => {
      bodies.push(`${String(req.headers['content-length'])}:${body}`)
      res.end('ok')
    })
  })
  const r = await rig(
    t,
    { body: `$b = http.getBody(); if( string.contains( $b, "secret" ) ) http.setBody( "redacted" ); pool.use( "echo" );` },
    { request_rules: ['body'] },
    { echo: echo.address },
  )
  assert.equal((await get(r.url + '/post', { method: 'POST', body: 'a secret value' })).text, 'ok')
  assert.equal((await get(r.url + '/post', { method: 'POST', body: 'plain' })).text, 'ok')
  assert.deepEqual(bodies, ['8:redacted', '5:plain'])
})

test('a runaway rule is aborted by the instruction budget; the request still goes to the default pool', async (t) => {
  const r = await rig(t, { loop: `while( 1 ) { $x = $x + 1; }` }, { request_rules: ['loop'] })
  assert.equal((await get(r.url + '/')).text, 'web')
  assert.ok(r.app.events.list().some((e) => e.category === 'rules' && e.name === 'ruleabort' && e.objects['rule'] === 'loop'), 'the event names the rule')
})
