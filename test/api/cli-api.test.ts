/**
 * `sluice start --api HOST:PORT`: the real command creates the first admin and prints its
 * password once, serves the API, a change made through it is live and on disk, the directory
 * watcher does not apply it a second time, and still sees a later edit of the file by hand.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { startSluice } from '../e2e/cli-harness.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { basic, pick, vsDoc, writeConfigDir } from './harness.ts'
import { bannerPort } from '../helpers/bound-port.ts'

test('sluice start --api serves the API; changes are live, written, and applied once', async (t) => {
  const node = await startHttpNode(t, 'n1')
  const dir = await writeConfigDir(t, {
    'virtual_servers/vs': vsDoc(0, 'web'),
    'pools/web': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:1', state: 'disabled' }] } } },
  })
  const sluice = startSluice(['start', '--config', dir, '--api', '127.0.0.1:0'])
  t.after(() => sluice.stop())
  const created = await sluice.waitFor(/REST API: created user "admin" with password (\S+)/)
  const auth = basic('admin', /with password (\S+)/.exec(created)?.[1] ?? '')
  const line = await sluice.waitFor(/REST API: http:\/\/127\.0\.0\.1:(\d+)\/api\/tm\//)
  const api = `http://127.0.0.1:${/:(\d+)\//.exec(line)?.[1] ?? ''}`
  const vsPort = bannerPort(await sluice.waitFor(/listening: virtual server "vs" on http:\/\/127\.0\.0\.1:\d+\//))
  await sluice.waitFor(/press Ctrl-C/)
  const users = await readFile(join(dir, '.sluice', 'users.json'), 'utf8')
  assert.doesNotMatch(users, new RegExp(/with password (\S+)/.exec(created)?.[1] ?? 'x'), 'only the hash is stored')

  const body = JSON.stringify({ properties: { basic: { nodes_table: [{ node: node.address }] } } })
  const anonymous = await fetch(`${api}/api/tm/8.3/config/active/pools/web`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body })
  assert.equal(anonymous.status, 401, 'no anonymous changes, even from loopback')
  await anonymous.text()

  const before = await fetch(`http://127.0.0.1:${String(vsPort)}/`)
  assert.equal(before.status, 503, 'no usable node yet')
  await before.text()
  const put = await fetch(`${api}/api/tm/8.3/config/active/pools/web`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: auth },
    body,
  })
  assert.equal(put.status, 200, await put.text())
  const after = await fetch(`http://127.0.0.1:${String(vsPort)}/`)
  assert.equal(await after.text(), 'n1', 'live before the PUT returned')
  const disk = JSON.parse(await readFile(join(dir, 'pools', 'web'), 'utf8')) as unknown
  assert.deepEqual(pick(disk, 'properties', 'basic', 'nodes_table'), [{ node: node.address }], 'only the keys given are stored')
  // The watcher sees the write (debounced 150 ms) and finds the configuration already applied.
  await sleep(600)
  const events = (await (await fetch(`${api}/api/tm/8.3/status/local_tm/events?category=config`, { headers: { authorization: auth } })).json()) as {
    events: { name: string }[]
  }
  assert.deepEqual(events.events.map((e) => e.name), ['confmod'])

  // The API replaced the file by a rename; an edit made to it by hand later is still seen.
  await writeFile(join(dir, 'pools', 'web'), JSON.stringify({ properties: { basic: { nodes_table: [{ node: node.address, state: 'disabled' }] } } }))
  let status = 0
  for (let polls = 0; polls < 80 && status !== 503; polls++) {
    const res = await fetch(`http://127.0.0.1:${String(vsPort)}/`)
    status = res.status
    await res.text()
    if (status !== 503) await sleep(25)
  }
  assert.equal(status, 503, 'the hand edit after the API change was applied')
})

test('sluice start refuses a non-loopback --api without TLS', async (t) => {
  const dir = await writeConfigDir(t, { 'pools/web': { properties: { basic: { nodes_table: [] } } } })
  const sluice = startSluice(['start', '--config', dir, '--api', '0.0.0.0:0'])
  t.after(() => sluice.stop())
  await sluice.waitFor(/not starting: API: .*needs a TLS certificate/)
  const exited = sluice.child.exitCode === null ? ((await once(sluice.child, 'exit')) as [number | null])[0] : sluice.child.exitCode
  assert.equal(exited, 1)
})

test('a restart keeps the first admin and prints no password again', async (t) => {
  const dir = await writeConfigDir(t, { 'pools/web': { properties: { basic: { nodes_table: [] } } } })
  const first = startSluice(['start', '--config', dir, '--api', '127.0.0.1:0'])
  const created = await first.waitFor(/created user "admin" with password (\S+)/)
  await first.waitFor(/press Ctrl-C/)
  assert.equal(await first.stop(), 0)
  const second = startSluice(['start', '--config', dir, '--api', '127.0.0.1:0'])
  t.after(() => second.stop())
  const line = await second.waitFor(/REST API: http:\/\/127\.0\.0\.1:(\d+)\/api\/tm\//)
  await second.waitFor(/press Ctrl-C/)
  assert.doesNotMatch(second.output(), /password/)
  const api = `http://127.0.0.1:${/:(\d+)\//.exec(line)?.[1] ?? ''}`
  const password = /with password (\S+)/.exec(created)?.[1] ?? ''
  const res = await fetch(`${api}/api/tm/8.3/config/active/pools/web`, { headers: { authorization: basic('admin', password) } })
  assert.equal(res.status, 200, await res.text())
})
