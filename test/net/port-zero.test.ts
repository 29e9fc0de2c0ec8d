// basic.port 0 (a Sluice extension, issue #20): the kernel picks a free port as the listener
// binds, and Sluice reports it; a reload keeps the listener on its port; two virtual servers on
// port 0 get a port each. Tests use it instead of choosing a port and hoping it stays free.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { App } from '../../src/app.ts'
import { formatDiagnostic, loadConfigFromObjects } from '../../src/config/index.ts'
import { SeededRandom, memoryLogger, systemClock } from '../../src/core/index.ts'
import { startHttpNode } from '../helpers/nodes.ts'

function configFor(node: string, names: readonly string[]) {
  const files: Record<string, string> = { 'pools/p': JSON.stringify({ properties: { basic: { nodes_table: [{ node }] } } }) }
  for (const name of names) {
    files[`virtual_servers/${name}`] = JSON.stringify({
      properties: { basic: { enabled: true, protocol: 'http', port: 0, pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'] } },
    })
  }
  const config = loadConfigFromObjects(files)
  if (!config.ok) throw new Error(config.error.map(formatDiagnostic).join('\n'))
  return config.value
}

test('port 0: a port of its own for each virtual server, reported, kept across reloads', async (t) => {
  const node = await startHttpNode(t, 'n')
  const app = new App({ clock: systemClock, random: new SeededRandom(1), logger: memoryLogger() })
  t.after(() => app.stop(0))
  assert.ok((await app.apply(configFor(node.address, ['one', 'two']))).ok)
  const ports = () => new Map(app.bound().map((b) => [b.virtualServer, b.port]))
  const before = ports()
  const one = before.get('one') ?? 0
  const two = before.get('two') ?? 0
  assert.ok(one > 0 && two > 0 && one !== two, `two ports of their own: ${String(one)}, ${String(two)}`)
  assert.ok(app.listeners().some((l) => l.url === `http://127.0.0.1:${String(one)}/`), 'the listener URL names the real port')
  assert.equal(await (await fetch(`http://127.0.0.1:${String(one)}/`)).text(), 'n')
  assert.ok((await app.apply(configFor(node.address, ['one', 'two']))).ok)
  assert.deepEqual(ports(), before, 'a reload keeps each listener on its port')
  assert.equal(await (await fetch(`http://127.0.0.1:${String(two)}/`)).text(), 'n')
})
