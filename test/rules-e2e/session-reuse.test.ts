// A client connection restarts its rule session for each request instead of making a new one:
// nothing a rule decided for one request may leak into the next, and a session whose rule
// waited is not reused while its callbacks may still come.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { App } from '../../src/app.ts'
import { formatDiagnostic, loadConfigFromObjects } from '../../src/config/index.ts'
import { SeededRandom, memoryLogger, systemClock } from '../../src/core/index.ts'
import { onCleanup } from '../helpers/cleanup.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { RawClient } from '../helpers/raw-client.ts'
import { boundPort } from '../helpers/bound-port.ts'

const RULE = `
$n = connection.data.get( "n" ) + 1;
connection.data.set( "n", $n );
http.setHeader( "X-Count", $n );
if( http.getPath() == "/a" ) {
  http.setHeader( "X-Rule", "a" );
  pool.use( "api" );
}
if( http.getPath() == "/slow" ) connection.sleep( 30 );
`

test('decisions of one request on a kept-alive connection do not leak into the next', async (t) => {
  const web = await startHttpNode(t, 'web')
  const api = await startHttpNode(t, 'api')
  const config = loadConfigFromObjects({
    'pools/web': JSON.stringify({ properties: { basic: { nodes_table: [{ node: web.address }] } } }),
    'pools/api': JSON.stringify({ properties: { basic: { nodes_table: [{ node: api.address }] } } }),
    'rules/r': RULE,
    'virtual_servers/vs': JSON.stringify({
      properties: { basic: { enabled: true, port: 0, protocol: 'http', pool: 'web', listen_on_any: false, listen_on_hosts: ['127.0.0.1'], request_rules: ['r'] } },
    }),
  })
  if (!config.ok) throw new Error(config.error.map(formatDiagnostic).join('\n'))
  const app = new App({ clock: systemClock, random: new SeededRandom(1), logger: memoryLogger() })
  const applied = await app.apply(config.value)
  if (!applied.ok) throw new Error(applied.error.map(formatDiagnostic).join('\n'))
  const port = boundPort(app, 'vs')
  onCleanup(t, () => app.stop(0))

  const client = await RawClient.connect(t, port)
  const paths = ['/a', '/b', '/slow', '/a', '/b']
  const bodies: string[] = []
  for (const path of paths) {
    client.write(`GET ${path} HTTP/1.1\r\nHost: h\r\n\r\n`)
    bodies.push((await client.readResponse(3000)).body.toString())
  }
  assert.deepEqual(bodies, ['api', 'web', 'web', 'api', 'web'])
  const seen = [...web.seen, ...api.seen].map((r) => ({ url: r.url, rule: r.headers['x-rule'], count: r.headers['x-count'] }))
  seen.sort((x, y) => Number(x.count) - Number(y.count))
  // The header a rule set for /a never reached a request for another path; the connection's
  // own data (connection.data) carried on.
  assert.deepEqual(seen, [
    { url: '/a', rule: 'a', count: '1' },
    { url: '/b', rule: undefined, count: '2' },
    { url: '/slow', rule: undefined, count: '3' },
    { url: '/a', rule: 'a', count: '4' },
    { url: '/b', rule: undefined, count: '5' },
  ])
})
