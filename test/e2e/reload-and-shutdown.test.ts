import { test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSluice } from './cli-harness.ts'
import { bannerPort } from '../helpers/bound-port.ts'
import { waitFor } from '../helpers/wait.ts'

async function node(name: string, delayMs = 0): Promise<{ server: Server; address: string; received: () => number }> {
  let received = 0
  const server = createServer((req, res) => {
    received++
    req.resume()
    setTimeout(() => res.end(name), delayMs)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const a = server.address()
  return { server, address: `127.0.0.1:${String(typeof a === 'object' && a !== null ? a.port : 0)}`, received: () => received }
}

const pool = (...nodes: string[]) => JSON.stringify({ properties: { basic: { nodes_table: nodes.map((n) => ({ node: n })) } } })

async function texts(url: string, n: number): Promise<string[]> {
  const out = new Set<string>()
  for (let i = 0; i < n; i++) out.add(await (await fetch(url)).text())
  return [...out].sort()
}

test('a changed configuration directory is applied; an invalid change is rejected and the old one stays', async (t) => {
  const a = await node('a')
  const b = await node('b')
  t.after(() => {
    a.server.close()
    b.server.close()
  })
  const dir = await mkdtemp(join(tmpdir(), 'sluice-watch-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  await mkdir(join(dir, 'virtual_servers'))
  await mkdir(join(dir, 'pools'))
  await writeFile(join(dir, 'virtual_servers', 'web'), JSON.stringify({ properties: { basic: { enabled: true, port: 0, protocol: 'http', pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'] } } }))
  await writeFile(join(dir, 'pools', 'p'), pool(a.address))
  const sluice = startSluice(['start', '--config', dir])
  t.after(() => sluice.stop('SIGKILL'))
  const port = bannerPort(await sluice.waitFor(/listening: virtual server "web" on http:\/\/127\.0\.0\.1:\d+\//))
  const url = `http://127.0.0.1:${String(port)}/`
  assert.deepEqual(await texts(url, 4), ['a'])

  await writeFile(join(dir, 'pools', 'p'), pool(a.address, b.address))
  await sluice.waitFor(/config\/confok/, 5000)
  assert.deepEqual(await texts(url, 4), ['a', 'b'])

  await writeFile(join(dir, 'pools', 'p'), '{"properties":{"basic":{"nodes_table":[{"node":"no-port"}]}}}')
  await sluice.waitFor(/config\/confrejected[\s\S]*nodes_table\[0\]\.node/, 5000)
  assert.deepEqual(await texts(url, 4), ['a', 'b'], 'the previous configuration keeps running')
  assert.equal(await sluice.stop('SIGTERM'), 0)
})

test('SIGTERM lets an in-flight request finish, then exits 0', async (t) => {
  const slow = await node('slow', 700)
  t.after(() => slow.server.close())
  const dir = await mkdtemp(join(tmpdir(), 'sluice-drain-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  await mkdir(join(dir, 'virtual_servers'))
  await mkdir(join(dir, 'pools'))
  await writeFile(join(dir, 'virtual_servers', 'web'), JSON.stringify({ properties: { basic: { enabled: true, port: 0, protocol: 'http', pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'] } } }))
  await writeFile(join(dir, 'pools', 'p'), pool(slow.address))
  const sluice = startSluice(['start', '--config', dir, '--drain-seconds', '5'])
  t.after(() => sluice.stop('SIGKILL'))
  const port = bannerPort(await sluice.waitFor(/listening: virtual server "web" on http:\/\/127\.0\.0\.1:\d+\//))
  await sluice.waitFor(/press Ctrl-C/)
  const inFlight = fetch(`http://127.0.0.1:${String(port)}/`).then((r) => r.text())
  await waitFor(() => slow.received() === 1, 'the request to reach the node')
  const exit = sluice.stop('SIGTERM')
  assert.equal(await inFlight, 'slow')
  assert.equal(await exit, 0)
  await assert.rejects(fetch(`http://127.0.0.1:${String(port)}/`), 'no longer accepting')
})
