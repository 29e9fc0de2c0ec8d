import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { request, Agent } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { App } from '../../src/app.ts'
import { loadAndCheck } from '../../src/cli/index.ts'
import { createLogger, systemClock, systemRandom } from '../../src/core/index.ts'
import { startNode, type TestNode } from './app-harness.ts'
import { waitFor } from '../helpers/wait.ts'
import { boundPort } from '../helpers/bound-port.ts'

const CHANGES = 1000
const ALGORITHMS = ['round_robin', 'weighted_round_robin', 'least_connections', 'random', 'perceptive', 'fastest_response_time', 'weighted_least_connections']

function openFds(): number {
  return readdirSync('/proc/self/fd').length
}

function get(agent: Agent, port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume()
      res.on('end', () => {
        resolve(res.statusCode ?? 0)
      })
      res.on('error', () => {
        resolve(-1)
      })
    })
    req.on('error', () => {
      resolve(-1)
    })
    req.end()
  })
}

test(`${String(CHANGES)} configuration changes under load: no failed request, no leaked socket`, { timeout: 120_000 }, async (t) => {
  const nodes: TestNode[] = []
  for (let i = 0; i < 4; i++) nodes.push(await startNode(`n${String(i)}`))
  const dir = await mkdtemp(join(tmpdir(), 'sluice-reload-'))
  t.after(async () => {
    await Promise.all(nodes.map((n) => n.close()))
    await rm(dir, { recursive: true, force: true })
  })
  await mkdir(join(dir, 'virtual_servers'))
  await mkdir(join(dir, 'pools'))
  // Port 0 for both: each listener gets its port when it opens and keeps it while it stays.
  const vs = (p: number, pool: string) =>
    JSON.stringify({ properties: { basic: { enabled: true, port: p, protocol: 'http', pool, listen_on_any: false, listen_on_hosts: ['127.0.0.1'] } } })
  await writeFile(join(dir, 'virtual_servers', 'main'), vs(0, 'web'))

  const writeGeneration = async (i: number) => {
    // Always keep node 0; the others come and go, with changing weights and algorithms.
    const table = [{ node: nodes[0]!.address, weight: 1 + (i % 5) }]
    for (let k = 1; k < nodes.length; k++) if ((i >> (k - 1)) % 2 === 0) table.push({ node: nodes[k]!.address, weight: 1 + ((i + k) % 3) })
    await writeFile(
      join(dir, 'pools', 'web'),
      JSON.stringify({ properties: { basic: { nodes_table: table }, load_balancing: { algorithm: ALGORITHMS[i % ALGORITHMS.length] } } }),
    )
    // A second listener appears and disappears.
    if (i % 10 === 5) await writeFile(join(dir, 'virtual_servers', 'extra'), vs(0, 'web'))
    if (i % 10 === 9) await rm(join(dir, 'virtual_servers', 'extra'), { force: true })
  }

  await writeGeneration(0)
  const app = new App({ clock: systemClock, random: systemRandom, logger: createLogger('error') })
  const first = await loadAndCheck(dir)
  assert.ok(first.ok)
  assert.ok((await app.apply(first.value)).ok)
  const port = boundPort(app, 'main')
  const fdsBefore = openFds()

  const agent = new Agent({ keepAlive: true, maxSockets: 8 })
  let sent = 0
  let failed = 0
  let done = false
  const deadline = Date.now() + 100_000
  const clients = Array.from({ length: 8 }, async () => {
    while (!done && Date.now() < deadline && sent < 200_000) {
      sent++
      const status = await get(agent, port)
      if (status !== 200) failed++
    }
  })

  // Whatever fails, the clients stop, the agent and the traffic manager close: a failed
  // assertion must not leave a listener that keeps this test file's process alive.
  t.after(async () => {
    done = true
    await Promise.all(clients)
    agent.destroy()
    await app.stop(1000)
  })
  for (let i = 1; i <= CHANGES; i++) {
    await writeGeneration(i)
    const loaded = await loadAndCheck(dir)
    assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.error))
    const applied = await app.apply(loaded.value)
    assert.ok(applied.ok, JSON.stringify(!applied.ok && applied.error))
    if (i % 50 === 0) await new Promise((r) => setImmediate(r))
  }
  done = true
  await Promise.all(clients)
  agent.destroy()

  assert.equal(failed, 0, `${String(failed)} of ${String(sent)} requests failed`)
  assert.ok(sent > CHANGES, `traffic kept flowing during the changes (${String(sent)} requests)`)
  for (const pool of app.snapshot?.pools.values() ?? []) {
    for (const node of pool.nodes) assert.equal(node.status.activeConnections, 0, `${node.id} active count returns to 0`)
  }
  await app.stop(1000)
  // Closed sockets leave the descriptor table soon after, not at once.
  await waitFor(() => openFds() <= fdsBefore, 'descriptors to be released', 2000).catch(() => undefined)
  assert.ok(openFds() <= fdsBefore, `open descriptors before ${String(fdsBefore)}, after ${String(openFds())}`)
})
