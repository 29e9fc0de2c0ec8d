// HealthManager end to end with real timers, sockets and processes on 127.0.0.1.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import net from 'node:net'
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HealthManager } from '../../src/health/index.ts'
import type { HealthEvent, HealthManagerDeps } from '../../src/health/index.ts'
import { closeServer, listen, refusedPort, spec, tracked, waitFor } from './helpers.ts'

function recorder(extra: Partial<HealthManagerDeps> = {}) {
  const calls: string[] = []
  const events: HealthEvent[] = []
  const manager = new HealthManager({
    statusSink: {
      setNodeHealth: (pool, node, alive, reason) => {
        calls.push(`${pool} ${node} ${alive ? 'alive' : 'dead'}: ${reason}`)
        return true
      },
    },
    onEvent: (e) => events.push(e),
    ...extra,
  })
  return { calls, events, manager }
}

test('http node 200, 500, 500, 200: dead after two failures with the status reason, alive after one success', async (t) => {
  const statuses = [200, 500, 500]
  let requests = 0
  const server = http.createServer((_req, res) => {
    requests++
    res.writeHead(statuses.shift() ?? 200)
    res.end()
  })
  const sockets = tracked(server)
  const node = await listen(server)
  t.after(() => closeServer(server, sockets))
  const { calls, events, manager } = recorder()
  t.after(() => manager.stop())
  manager.update([{ pool: 'web', nodes: [node], monitors: [spec({ name: 'hc', type: 'http', failures: 2 })] }])
  await waitFor(() => calls.length >= 2, 'death and recovery')
  const reason = 'status 500 did not match ^[234][0-9][0-9]$'
  assert.deepEqual(calls.slice(0, 2), [`web ${node} dead: ${reason}`, `web ${node} alive: status 200`])
  assert.ok(requests >= 4)
  assert.deepEqual(events.map((e) => [e.kind, e.pool, e.node, e.monitor, e.reason]), [
    ['monitorfail', 'web', node, 'hc', reason],
    ['nodefail', 'web', node, 'hc', reason],
    ['pooldied', 'web', undefined, 'hc', reason],
    ['monitorok', 'web', node, 'hc', 'status 200'],
    ['nodeworking', 'web', node, 'hc', 'status 200'],
    ['poolok', 'web', undefined, 'hc', 'status 200'],
  ])
})

test('a hanging node and a refused node each die with their own reason; the healthy one stays alive', async (t) => {
  const hang = net.createServer((s) => s.resume())
  const hangSockets = tracked(hang)
  const hanging = await listen(hang)
  const okServer = http.createServer((_req, res) => res.end('ok'))
  const okSockets = tracked(okServer)
  const healthy = await listen(okServer)
  t.after(() => closeServer(hang, hangSockets))
  t.after(() => closeServer(okServer, okSockets))
  const refused = `127.0.0.1:${await refusedPort()}`
  const { calls, manager } = recorder()
  t.after(() => manager.stop())
  manager.update([{ pool: 'p', nodes: [hanging, refused, healthy], monitors: [spec({ type: 'http', failures: 1, timeoutMs: 60 })] }])
  await waitFor(() => calls.length >= 2, 'two deaths')
  await new Promise((resolve) => setTimeout(resolve, 100))
  assert.deepEqual(calls.sort(), [
    `p ${hanging} dead: timed out after 60 ms waiting for a response from ${hanging}`,
    `p ${refused} dead: request to ${refused} failed: ECONNREFUSED`,
  ].sort())
  assert.equal(manager.isPoolDead('p'), false)
  assert.deepEqual(manager.nodeHealth('p', healthy), { alive: true, reason: '' })
})

test('poolwide: one machine is probed and its failure kills every node of the pool', async (t) => {
  const nodeServer = net.createServer((s) => s.destroy())
  let nodeConnections = 0
  nodeServer.on('connection', () => nodeConnections++)
  const nodeSockets = tracked(nodeServer)
  const node = await listen(nodeServer)
  t.after(() => closeServer(nodeServer, nodeSockets))
  const machine = `127.0.0.1:${await refusedPort()}`
  const { calls, events, manager } = recorder()
  t.after(() => manager.stop())
  manager.update([{ pool: 'p', nodes: [node, '127.0.0.1:9'], monitors: [spec({ name: 'db', scope: 'poolwide', machine, failures: 1 })] }])
  await waitFor(() => events.some((e) => e.kind === 'pooldied'), 'pooldied')
  assert.deepEqual(calls.sort(), [
    `p 127.0.0.1:9 dead: connecting to ${machine} failed: ECONNREFUSED`,
    `p ${node} dead: connecting to ${machine} failed: ECONNREFUSED`,
  ].sort())
  assert.equal(nodeConnections, 0, 'the nodes themselves are not probed')
  assert.deepEqual(manager.monitorStates().map((s) => s.target), [machine])
})

test('update keeps the consecutive-failure count of a monitor that survives a reload', async (t) => {
  let requests = 0
  let requestsAtDeath = -1
  const server = http.createServer((_req, res) => {
    requests++
    res.writeHead(503)
    res.end()
  })
  const sockets = tracked(server)
  const node = await listen(server)
  t.after(() => closeServer(server, sockets))
  const { manager } = recorder({
    statusSink: { setNodeHealth: () => { requestsAtDeath = requests; return true } },
  })
  t.after(() => manager.stop())
  const monitor = (delayMs: number) => spec({ name: 'hc', type: 'http', failures: 3, delayMs })
  manager.update([{ pool: 'p', nodes: [node], monitors: [monitor(40)] }])
  await waitFor(() => requests >= 1, 'the first failure')
  // A reload with fresh objects and a new delay: the same monitor on the same node.
  manager.update([{ pool: 'p', nodes: [node], monitors: [monitor(30)] }, { pool: 'q', nodes: [], monitors: [] }])
  await waitFor(() => requestsAtDeath >= 0, 'the node to be marked dead')
  assert.equal(requestsAtDeath, 3, 'dead after three failures in total, not three after the reload')
})

test('stop() aborts probes in flight and leaves no sockets, processes or timers behind', async (t) => {
  const hang = net.createServer((s) => s.resume())
  const sockets = tracked(hang)
  const hanging = await listen(hang)
  t.after(() => closeServer(hang, sockets))
  const dir = mkdtempSync(join(tmpdir(), 'sluice-health-stop-'))
  t.after(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  const program = join(dir, 'slow.sh')
  writeFileSync(program, `#!/bin/sh\ntouch ${join(dir, 'started')}\nsleep 30\n`)
  chmodSync(program, 0o755)
  const { manager } = recorder({ programEnv: { PATH: '/usr/bin:/bin' } })
  manager.update([{
    pool: 'p',
    nodes: [hanging],
    monitors: [
      spec({ name: 'web', type: 'http', timeoutMs: 10_000 }),
      spec({ name: 'prog', type: 'program', program, timeoutMs: 10_000 }),
      spec({ name: 'idle', delayMs: 60_000 }),
    ],
  }])
  await waitFor(() => sockets.size === 1 && existsSync(join(dir, 'started')), 'both probes to be in flight')
  const started = performance.now()
  await manager.stop()
  assert.ok(performance.now() - started < 1000, 'stop does not wait for the probe timeouts')
  await waitFor(() => sockets.size === 0, 'the monitor connection to close')
  // The program was reaped before stop() resolved; its handle closes on the next turn of the loop.
  await waitFor(() => !process.getActiveResourcesInfo().includes('ProcessWrap'), 'no process to be left', 500)
  assert.deepEqual(manager.monitorStates(), [])
})
