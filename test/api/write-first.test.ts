/**
 * A change through the API is written to the configuration directory first and applied second
 * (issue #11, item 5): a failed write leaves traffic on the old configuration and says why, and
 * a change that fails to apply is taken off the disk again.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { access, mkdir, readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { test } from 'node:test'
import { startHttpNode } from '../helpers/nodes.ts'
import { pick, startApi } from './harness.ts'
import { boundPort } from '../helpers/bound-port.ts'

const V = '/api/tm/8.3/config/active'

test('a write that fails changes nothing: traffic keeps the old configuration and the API says why', async (t) => {
  const one = await startHttpNode(t, 'one')
  const two = await startHttpNode(t, 'two')
  const yaml = `properties:\n  basic:\n    nodes_table:\n      - node: "${one.address}"\n`
  const h = await startApi(t, { 'pools/web.yaml': yaml }, 'web')
  const served = async () => (await fetch(`http://127.0.0.1:${String(h.vsPort)}/`)).text()
  assert.equal(await served(), 'one')
  // A directory where the change's file must go: the rename that would write it fails.
  await mkdir(join(h.dir, 'pools', 'web'))

  const put = await h.call('PUT', `${V}/pools/web`, { properties: { basic: { nodes_table: [{ node: two.address }] } } })
  assert.equal(put.status, 500, put.text)
  assert.equal(pick(put.body, 'error', 'error_id'), 'resource.write_failed')
  assert.match(String(pick(put.body, 'error', 'error_text')), /cannot write .*pools\/web/)
  assert.equal(await served(), 'one', 'traffic still follows the configuration on disk')
  assert.equal(await served(), 'one')
  assert.deepEqual(h.app.snapshot?.pools.get('web')?.nodes.map((n) => n.config.id), [one.address])
  assert.equal(await readFile(join(h.dir, 'pools', 'web.yaml'), 'utf8'), yaml, 'the stored object is untouched')
  const audit = await h.call('GET', '/api/tm/8.3/status/local_tm/audit')
  assert.deepEqual(pick(audit.body, 'audit'), [], 'nothing happened, so nothing is audited')
})

test('a change that fails to apply is taken off the disk again', async (t) => {
  const busy = createServer()
  busy.listen(0, '127.0.0.1')
  await once(busy, 'listening')
  t.after(() => busy.close())
  const port = (busy.address() as { port: number }).port
  const h = await startApi(t, { 'pools/web': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:9' }] } } } })
  const vs = { properties: { basic: { enabled: true, port, protocol: 'http', pool: 'web', listen_on_any: false, listen_on_hosts: ['127.0.0.1'] } } }
  const put = await h.call('PUT', `${V}/virtual_servers/clash`, vs)
  assert.equal(put.status, 400, put.text)
  assert.match(put.text, /cannot listen/)
  await assert.rejects(access(join(h.dir, 'virtual_servers', 'clash')), 'the file written before the apply is removed')
  assert.equal((await h.call('GET', `${V}/virtual_servers/clash`)).status, 404)

  // An update of an object stored as YAML: the JSON written for it goes, the YAML comes back.
  const front = await startHttpNode(t, 'front')
  const yaml = `properties:\n  basic:\n    enabled: true\n    port: 0\n    pool: web\n    listen_on_any: false\n    listen_on_hosts: ["127.0.0.1"]\n`
  await mkdir(join(h.dir, 'virtual_servers'), { recursive: true })
  await writeFile(join(h.dir, 'virtual_servers', 'front.yaml'), yaml)
  const pool = await h.call('PUT', `${V}/pools/web`, { properties: { basic: { nodes_table: [{ node: front.address }] } } })
  assert.equal(pool.status, 200, pool.text)
  const frontPort = boundPort(h.app, 'front')
  assert.equal(await (await fetch(`http://127.0.0.1:${String(frontPort)}/`)).text(), 'front')
  const move = await h.call('PUT', `${V}/virtual_servers/front`, { properties: { basic: { port } } })
  assert.equal(move.status, 400, move.text)
  assert.equal(await readFile(join(h.dir, 'virtual_servers', 'front.yaml'), 'utf8'), yaml)
  await assert.rejects(access(join(h.dir, 'virtual_servers', 'front')))
  assert.equal(await (await fetch(`http://127.0.0.1:${String(frontPort)}/`)).text(), 'front', 'still served where it was')
})
