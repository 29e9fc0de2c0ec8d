// Rules run inside the handling of a read, while the data plane holds the clock; the rules
// watchdog must still see wall time pass.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { App } from '../../src/app.ts'
import { formatDiagnostic, loadConfigFromObjects } from '../../src/config/index.ts'
import { SeededRandom, memoryLogger, systemClock } from '../../src/core/index.ts'
import { onCleanup } from '../helpers/cleanup.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { boundPort } from '../helpers/bound-port.ts'

test('a request rule that never yields is warned about at 500 ms and aborted at 2000 ms', async (t) => {
  const node = await startHttpNode(t, 'web')
  const files: Record<string, string> = {
    'pools/web': JSON.stringify({ properties: { basic: { nodes_table: [{ node: node.address }] } } }),
    // Only the wall-time watchdog can stop it: the instruction budget would take far longer.
    'rules/busy': '$i = 0;\nwhile( 1 ) { $i++; }',
    global_settings: JSON.stringify({ properties: { trafficscript: { max_instr: 2000000000 } } }),
    'virtual_servers/vs': JSON.stringify({
      properties: { basic: { enabled: true, port: 0, protocol: 'http', pool: 'web', listen_on_any: false, listen_on_hosts: ['127.0.0.1'], request_rules: ['busy'] } },
    }),
  }
  const config = loadConfigFromObjects(files)
  if (!config.ok) throw new Error(config.error.map(formatDiagnostic).join('\n'))
  const logger = memoryLogger()
  const app = new App({ clock: systemClock, random: new SeededRandom(1), logger })
  const applied = await app.apply(config.value)
  if (!applied.ok) throw new Error(applied.error.map(formatDiagnostic).join('\n'))
  const port = boundPort(app, 'vs')
  onCleanup(t, () => app.stop(0))
  const started = performance.now()
  const res = await fetch(`http://127.0.0.1:${String(port)}/`)
  await res.text()
  const tookMs = performance.now() - started
  const log = logger.lines.join(' | ')
  assert.ok(logger.lines.some((l) => l.includes('rules/executiontime') && l.includes('more than 500 ms')), `no warning: ${log}`)
  assert.ok(logger.lines.some((l) => l.includes('ran for more than 2000 ms')), `not aborted: ${log}`)
  assert.ok(tookMs >= 2000 && tookMs < 10000, `answered after ${tookMs.toFixed(0)} ms`)
})
