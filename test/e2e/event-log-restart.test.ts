/**
 * Issue #21 item 5: the event log is kept across restarts, in DIR/.sluice/events.log; the
 * REST API lists the events of the earlier run with their ids, and new ones come after them.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { basic, vsDoc, writeConfigDir } from '../api/harness.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { startSluice } from './cli-harness.ts'

interface ListedEvent {
  id: number
  name: string
  message: string
}

test('events survive a restart: the file holds them, the API lists them again, ids go on', async (t) => {
  const node = await startHttpNode(t, 'n1')
  const pool = { properties: { basic: { nodes_table: [{ node: node.address }] } } }
  const dir = await writeConfigDir(t, { 'virtual_servers/vs': vsDoc(0, 'web'), 'pools/web': pool })

  const first = startSluice(['start', '--config', dir, '--api', '127.0.0.1:0'])
  t.after(() => first.stop('SIGKILL'))
  const created = await first.waitFor(/REST API: created user "admin" with password (\S+)/)
  const auth = basic('admin', /with password (\S+)/.exec(created)?.[1] ?? '')
  await first.waitFor(/press Ctrl-C/)
  await writeFile(join(dir, 'pools', 'other'), JSON.stringify(pool))
  first.child.kill('SIGHUP')
  await first.waitFor(/config\/confok/)
  assert.equal(await first.stop('SIGTERM'), 0)
  const lines = (await readFile(join(dir, '.sluice', 'events.log'), 'utf8')).trimEnd().split('\n')
  const written = lines.map((l) => JSON.parse(l) as ListedEvent)
  const confok = written.find((e) => e.name === 'confok')
  assert.ok(confok !== undefined, lines.join('\n'))

  const second = startSluice(['start', '--config', dir, '--api', '127.0.0.1:0'])
  t.after(() => second.stop('SIGKILL'))
  const line = await second.waitFor(/REST API: http:\/\/127\.0\.0\.1:(\d+)\/api\/tm\//)
  await second.waitFor(/press Ctrl-C/)
  await writeFile(join(dir, 'pools', 'third'), JSON.stringify(pool))
  second.child.kill('SIGHUP')
  await second.waitFor(/config\/confok/)
  const api = `http://127.0.0.1:${/:(\d+)\//.exec(line)?.[1] ?? ''}/api/tm/8.3/status/local_tm/events?category=config`
  const listed = ((await (await fetch(api, { headers: { authorization: auth } })).json()) as { events: ListedEvent[] }).events
  assert.deepEqual(listed[0], { ...listed[0], id: confok.id, name: 'confok', message: confok.message }, 'the earlier run\'s event, as it was')
  const latest = listed.at(-1)
  assert.match(latest?.message ?? '', /added pools\/third/)
  assert.ok((latest?.id ?? 0) > Math.max(...written.map((e) => e.id)), 'numbering goes on after the earlier run')
  assert.equal(await second.stop('SIGTERM'), 0)
})
