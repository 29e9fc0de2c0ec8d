import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startHttpNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'

test('a virtual server with log.enabled writes one line per request in its format', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-log-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const node = await startHttpNode(t, 'n1')
  const proxy = await startProxy(t, {
    nodes: [node.address],
    vs: { log: { enabled: true, filename: join(dir, '%v.log'), format: '%h %l %u "%r" %s %b "%{User-agent}i" %n %p %v %{Content-Type}o' } },
  })
  for (const path of ['a', 'b?x=1']) {
    const res = await fetch(proxy.url + '/' + path, { headers: { 'user-agent': 'test "agent"' } })
    await res.text()
  }
  await proxy.app.stop(0)
  const lines = (await readFile(join(dir, 'web.log'), 'utf8')).trimEnd().split('\n')
  assert.equal(lines.length, 2)
  assert.match(lines[0] ?? '', new RegExp(`^127\\.0\\.0\\.1 - - "GET /a HTTP/1\\.1" 200 2 "test \\\\"agent\\\\"" ${node.address} p web text/plain$`))
  assert.match(lines[1] ?? '', /"GET \/b\?x=1 HTTP\/1\.1" 200 2 /)
})

test('log.json writes JSON lines', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-log-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const node = await startHttpNode(t, 'n1')
  const proxy = await startProxy(t, { nodes: [node.address], vs: { log: { enabled: true, json: true, filename: join(dir, 'access.json') } } })
  await (await fetch(proxy.url + '/x')).text()
  await proxy.app.stop(0)
  const record = JSON.parse((await readFile(join(dir, 'access.json'), 'utf8')).trim()) as Record<string, unknown>
  assert.equal(record['method'], 'GET')
  assert.equal(record['url'], '/x')
  assert.equal(record['status'], 200)
  assert.equal(record['node'], node.address)
  assert.equal(record['pool'], 'p')
  assert.equal(record['virtual_server'], 'web')
})

test('an invalid log format is a configuration error naming the key', async (t) => {
  const node = await startHttpNode(t, 'n1')
  await assert.rejects(startProxy(t, { nodes: [node.address], vs: { log: { enabled: true, format: '%h %Z' } } }), /log\.format/)
})
