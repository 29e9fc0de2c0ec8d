// A response rule that waits is not cut short by the pool's max_reply_time: the node has
// already replied, so its reply time is over.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { App } from '../../src/app.ts'
import { formatDiagnostic, loadConfigFromObjects } from '../../src/config/index.ts'
import { SeededRandom, memoryLogger, systemClock } from '../../src/core/index.ts'
import { onCleanup } from '../helpers/cleanup.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { boundPort } from '../helpers/bound-port.ts'

test('a response rule may wait longer than max_reply_time', async (t) => {
  const node = await startHttpNode(t, 'n1')
  const config = loadConfigFromObjects({
    'pools/p': JSON.stringify({ properties: { basic: { nodes_table: [{ node: node.address }] }, connection: { max_reply_time: 1 } } }),
    'rules/slow': 'connection.sleep( 1300 ); http.setResponseHeader( "X-Waited", "yes" );',
    'virtual_servers/vs': JSON.stringify({
      properties: { basic: { enabled: true, port: 0, protocol: 'http', pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'], response_rules: ['slow'] } },
    }),
  })
  if (!config.ok) throw new Error(config.error.map(formatDiagnostic).join('\n'))
  const app = new App({ clock: systemClock, random: new SeededRandom(1), logger: memoryLogger() })
  const applied = await app.apply(config.value)
  if (!applied.ok) throw new Error(applied.error.map(formatDiagnostic).join('\n'))
  const port = boundPort(app, 'vs')
  onCleanup(t, () => app.stop(0))
  const res = await fetch(`http://127.0.0.1:${String(port)}/`)
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('x-waited'), 'yes')
  assert.equal(await res.text(), 'n1')
})
