import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runSluice, startSluice } from './cli-harness.ts'
import { bannerPort } from '../helpers/bound-port.ts'

async function tempConfig(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-e2e-'))
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true })
    await writeFile(join(dir, path), content)
  }
  return dir
}

async function namedNode(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    req.resume()
    res.end(name + ' ' + String(req.headers['x-cluster-client-ip'] ?? '-'))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 }
}

test('sluice --help lists the commands; an unknown command is refused', async () => {
  const help = await runSluice(['--help'])
  assert.equal(help.code, 0)
  assert.match(help.output, /start/)
  assert.match(help.output, /check/)
  const bad = await runSluice(['frobnicate'])
  assert.equal(bad.code, 2)
  assert.match(bad.output, /unknown command "frobnicate"/)
})

test('sluice check accepts the issue\'s minimal example and exits 0', async (t) => {
  const dir = await tempConfig({
    'virtual_servers/web': '{"properties":{"basic":{"enabled":true,"port":8080,"protocol":"http","pool":"web-pool"}}}',
    'pools/web-pool':
      '{"properties":{"basic":{"nodes_table":[{"node":"127.0.0.1:9001"},{"node":"127.0.0.1:9002"}]},"load_balancing":{"algorithm":"round_robin"}}}',
  })
  t.after(() => rm(dir, { recursive: true, force: true }))
  const r = await runSluice(['check', '--config', dir])
  assert.equal(r.code, 0, r.output)
  assert.match(r.output, /configuration OK: 1 virtual server, 1 pool, 0 rules/)
})

test('sluice check reports every problem with file, object, key and reason, and exits 1', async (t) => {
  const dir = await tempConfig({
    'virtual_servers/web': '{"properties":{"basic":{"enabled":true,"port":"80a","protocol":"htp","pool":"nope","colour":1}}}',
    'pools/p': '{"properties":{"basic":{"nodes_table":[{"node":"127.0.0.1"}]},"load_balancing":{"algorithm":"fastest"}}}',
    'pools/broken': '{"properties": ',
  })
  t.after(() => rm(dir, { recursive: true, force: true }))
  const r = await runSluice(['check', '--config', dir])
  assert.equal(r.code, 1)
  for (const expected of [
    /virtual_servers\/web .*basic\.port/,
    /virtual_servers\/web .*basic\.protocol/,
    /virtual_servers\/web .*basic\.colour/,
    /virtual_servers\/web .*basic\.pool.*nope/,
    /pools\/p .*nodes_table\[0\]\.node/,
    /pools\/p .*load_balancing\.algorithm/,
    /pools\/broken/,
  ]) {
    assert.match(r.output, expected)
  }
  assert.match(r.output, /problems found/)
})

test('sluice start refuses an invalid configuration and exits non-zero', async (t) => {
  const dir = await tempConfig({ 'virtual_servers/web': '{"properties":{"basic":{"enabled":true,"protocol":"http"}}}' })
  t.after(() => rm(dir, { recursive: true, force: true }))
  const r = await runSluice(['start', '--config', dir])
  assert.equal(r.code, 1)
  assert.match(r.output, /basic\.port/)
  assert.match(r.output, /not starting/)
})

test('sluice start --config balances across the nodes and stops cleanly on SIGTERM', async (t) => {
  const a = await namedNode('alpha')
  const b = await namedNode('beta')
  t.after(() => {
    a.server.close()
    b.server.close()
  })
  const dir = await tempConfig({
    'virtual_servers/web': JSON.stringify({
      properties: { basic: { enabled: true, port: 0, protocol: 'http', pool: 'web', listen_on_any: false, listen_on_hosts: ['127.0.0.1'] } },
    }),
    'pools/web.yaml': `properties:\n  basic:\n    nodes_table:\n      - node: 127.0.0.1:${String(a.port)}\n      - node: 127.0.0.1:${String(b.port)}\n`,
  })
  t.after(() => rm(dir, { recursive: true, force: true }))
  const sluice = startSluice(['start', '--config', dir])
  t.after(() => sluice.stop('SIGKILL'))
  const port = bannerPort(await sluice.waitFor(/listening: virtual server "web" on http:\/\/127\.0\.0\.1:\d+\//))
  assert.match(sluice.output(), new RegExp(`configuration: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
  const bodies: string[] = []
  for (let i = 0; i < 4; i++) bodies.push(await (await fetch(`http://127.0.0.1:${String(port)}/`)).text())
  assert.deepEqual(bodies, ['alpha 127.0.0.1', 'beta 127.0.0.1', 'alpha 127.0.0.1', 'beta 127.0.0.1'])
  assert.equal(await sluice.stop('SIGTERM'), 0)
  assert.match(sluice.output(), /stopped/)
})

test('quick start: sluice start with no --config runs the demo and balances over three nodes', async (t) => {
  const sluice = startSluice(['start'])
  t.after(() => sluice.stop('SIGKILL'))
  await sluice.waitFor(/listening: virtual server "demo" on http:\/\/127\.0\.0\.1:8080/)
  assert.match(sluice.output(), /examples\/quickstart\/config/)
  const seen = new Set<string>()
  for (let i = 0; i < 6; i++) {
    const text = await (await fetch('http://127.0.0.1:8080/')).text()
    const m = /Hello from (node-[abc])/.exec(text)
    assert.ok(m, text)
    seen.add(m[1] ?? '')
  }
  assert.deepEqual([...seen].sort(), ['node-a', 'node-b', 'node-c'])
  assert.equal(await sluice.stop('SIGINT'), 0)
})
