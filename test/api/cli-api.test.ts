/**
 * `sluice start --api HOST:PORT`: the real command serves the API, a change made through it is
 * live and on disk, and the directory watcher does not apply it a second time.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort, startSluice } from '../e2e/cli-harness.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { pick, vsDoc, writeConfigDir } from './harness.ts'

test('sluice start --api serves the API; changes are live, written, and applied once', async (t) => {
  const node = await startHttpNode(t, 'n1')
  const vsPort = await freePort()
  const dir = await writeConfigDir(t, {
    'virtual_servers/vs': vsDoc(vsPort, 'web'),
    'pools/web': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:1', state: 'disabled' }] } } },
  })
  const sluice = startSluice(['start', '--config', dir, '--api', '127.0.0.1:0'])
  t.after(() => sluice.stop())
  const line = await sluice.waitFor(/REST API: http:\/\/127\.0\.0\.1:(\d+)\/api\/tm\//)
  const api = `http://127.0.0.1:${/:(\d+)\//.exec(line)?.[1] ?? ''}`
  await sluice.waitFor(/press Ctrl-C/)

  const before = await fetch(`http://127.0.0.1:${String(vsPort)}/`)
  assert.equal(before.status, 503, 'no usable node yet')
  await before.text()
  const put = await fetch(`${api}/api/tm/8.3/config/active/pools/web`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ properties: { basic: { nodes_table: [{ node: node.address }] } } }),
  })
  assert.equal(put.status, 200, await put.text())
  const after = await fetch(`http://127.0.0.1:${String(vsPort)}/`)
  assert.equal(await after.text(), 'n1', 'live before the PUT returned')
  const disk = JSON.parse(await readFile(join(dir, 'pools', 'web'), 'utf8')) as unknown
  assert.deepEqual(pick(disk, 'properties', 'basic', 'nodes_table'), [{ node: node.address }], 'only the keys given are stored')
  // The watcher sees the write (debounced 150 ms) and finds the configuration already applied.
  await sleep(600)
  const events = (await (await fetch(`${api}/api/tm/8.3/status/local_tm/events?category=config`)).json()) as { events: { name: string }[] }
  assert.deepEqual(events.events.map((e) => e.name), ['confmod'])
})

test('sluice start refuses a non-loopback --api without TLS', async (t) => {
  const dir = await writeConfigDir(t, { 'pools/web': { properties: { basic: { nodes_table: [] } } } })
  const sluice = startSluice(['start', '--config', dir, '--api', '0.0.0.0:0'])
  t.after(() => sluice.stop())
  await sluice.waitFor(/not starting: API: .*needs a TLS certificate/)
  const exited = sluice.child.exitCode === null ? ((await once(sluice.child, 'exit')) as [number | null])[0] : sluice.child.exitCode
  assert.equal(exited, 1)
})
