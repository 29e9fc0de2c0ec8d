/**
 * Closing the loop: a node fails under traffic, Sluice's webhook action tells the utility
 * manager, which starts a replacement and adds it with a PUT; then a node is drained (its
 * connections reach zero, read from statistics), "moved" and undrained. No client request fails.
 */
import assert from 'node:assert/strict'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { ApiClient, UtilityManager, startLocalNode } from '../../examples/utility-manager/orchestrator.ts'
import { createLogger } from '../../src/core/index.ts'
import { ActionRunner } from '../../src/events/index.ts'
import { onCleanup } from '../helpers/cleanup.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'
import { startApi } from './harness.ts'

const V = '/api/tm/8.3/config/active'

test('webhook-driven replacement and a drain/undrain loop with zero failed requests', async (t) => {
  // Slow answers keep connections open on each node, so draining has something to wait for.
  const slow = (name: string) => async (req: IncomingMessage, res: ServerResponse) => {
    req.resume()
    await sleep(15)
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': name.length })
    res.end(name)
  }
  const a = await startHttpNode(t, 'a', (req, res) => void slow('a')(req, res))
  const b = await startHttpNode(t, 'b', (req, res) => void slow('b')(req, res))
  const pool = { properties: { basic: { nodes_table: [{ node: a.address }, { node: b.address }], node_connection_attempts: 1 } } }
  const h = await startApi(t, { 'pools/web': pool }, 'web')

  const launched: { address: string; close(): Promise<void> }[] = []
  const log: string[] = []
  const manager = new UtilityManager({
    api: new ApiClient(h.apiUrl, h.admin.user, h.admin.password),
    log: (line) => log.push(line),
    pollMs: 10,
    launch: async () => {
      const node = await startLocalNode(`replacement-${String(launched.length + 1)}`)
      launched.push(node)
      return node.address
    },
  })
  const hookPort = await manager.listen('127.0.0.1', 0)
  onCleanup(t, async () => {
    await manager.close()
    for (const n of launched) await n.close()
  })
  const runner = new ActionRunner({ logger: createLogger('error'), objects: () => h.app.snapshot?.config.objects, configDir: h.dir, retryDelayMs: 20 })
  onCleanup(t, runner.attach(h.app.events))

  const hook = { properties: { basic: { type: 'webhook', timeout: 5 }, webhook: { url: `http://127.0.0.1:${String(hookPort)}/events` } } }
  assert.equal((await h.call('PUT', `${V}/actions/utility-manager`, hook)).status, 201)
  const trouble = { properties: { basic: { actions: ['utility-manager'] }, pools: { event_tags: ['nodefail', 'pooldied'], objects: ['web'] } } }
  assert.equal((await h.call('PUT', `${V}/event_types/pool-trouble`, trouble)).status, 201)

  // Client traffic: four loops until told to stop; every answer must be a 200.
  let running = true
  let ok = 0
  const failures: string[] = []
  const client = async () => {
    while (running) {
      try {
        const res = await fetch(`http://127.0.0.1:${String(h.vsPort)}/`)
        await res.text()
        if (res.status === 200) ok++
        else failures.push(`HTTP ${String(res.status)}`)
      } catch (e: unknown) {
        failures.push(String(e))
      }
    }
  }
  const clients = [client(), client(), client(), client()]
  onCleanup(t, async () => {
    running = false
    await Promise.all(clients)
  })
  await waitFor(() => ok >= 20, 'traffic flowing')

  // Node b dies: passive monitoring reports nodefail, the manager adds a replacement.
  b.server.close()
  b.server.closeAllConnections()
  await waitFor(() => launched.length === 1 && h.app.snapshot?.pools.get('web')?.nodes.length === 3, 'replacement added', 10_000)
  const fresh = launched[0]?.address ?? ''
  const served = new Set<string>()
  const seeFresh = async () => {
    for (let i = 0; i < 200 && !served.has('replacement-1'); i++) served.add(await (await fetch(`http://127.0.0.1:${String(h.vsPort)}/`)).text())
  }
  await seeFresh()
  assert.ok(served.has('replacement-1'), 'the replacement takes traffic')

  // Drain a, wait for zero connections, "move" it, undrain it.
  const before = a.requests
  let movedWithConnections = -1
  let requestsWhileMoving = -1
  await manager.drainAndMove('web', a.address, async () => {
    movedWithConnections = await manager.connections('web', a.address)
    const at = a.requests
    await sleep(100)
    requestsWhileMoving = a.requests - at
  })
  assert.equal(movedWithConnections, 0, 'no connections when moved')
  assert.equal(requestsWhileMoving, 0, 'a drained node gets no new requests')
  assert.equal(h.app.snapshot?.pools.get('web')?.nodes.find((n) => n.config.id === a.address)?.config.state, 'active')
  await waitFor(() => a.requests > before + 5, 'a takes traffic again after undrain')

  running = false
  await Promise.all(clients)
  assert.deepEqual(failures, [], 'no client request failed')
  assert.ok(ok > 50, `traffic flowed throughout (${String(ok)} requests)`)
  assert.ok(log.some((l) => l.includes(`added ${fresh} to replace ${b.address}`)), log.join('\n'))
  const audit = (await h.call('GET', '/api/tm/8.3/status/local_tm/audit')).body as { audit: { objectName: string }[] }
  assert.ok(audit.audit.filter((e) => e.objectName === 'web').length >= 3, 'replacement, drain and undrain are audited')
})
