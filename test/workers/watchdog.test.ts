// The primary replaces a worker that hangs (no heartbeat for watchdog.timeout) or exits, and
// says so with an event (issue #15), using real worker threads that really hang or exit.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ValidConfig } from '../../src/config/index.ts'
import { createLogger } from '../../src/core/index.ts'
import type { EventInput } from '../../src/events/index.ts'
import { NodeSlots } from '../../src/pool/index.ts'
import { WorkerGroup } from '../../src/workers/index.ts'
import { waitFor } from '../helpers/wait.ts'

function faultyGroup(fault: 'hang' | 'exit', events: EventInput[]): WorkerGroup {
  return new WorkerGroup({
    extra: 1,
    entry: new URL('./fixtures/faulty-worker.ts', import.meta.url),
    start: { nodeCounts: NodeSlots.allocate(), persistenceSecret: new Uint8Array(32), heartbeatMs: 50, closeLingerMs: 100, fault } as never,
    stallMs: 400,
    host: {
      logger: createLogger('error'),
      emit: (e) => events.push(e),
      applyNews: () => undefined,
      current: () => null,
      deadNodes: () => [],
      sessionsNow: () => [],
      reclaimed: () => undefined,
      rates: { has: () => false, use: () => 0, tryUse: () => -1, backlog: () => 0 },
    },
  })
}

const FIRST = { config: {} as ValidConfig, placements: [], ports: [] }

test('a worker that stops sending heartbeats is ended and replaced, with a workerhung event', async (t) => {
  const events: EventInput[] = []
  const group = faultyGroup('hang', events)
  t.after(() => group.stop(0))
  assert.equal(await group.start(FIRST), null)
  await waitFor(() => events.some((e) => e.name === 'workerhung'), 'the watchdog to replace the hung worker', 5000)
  const list = await group.list()
  assert.ok((list.at(0)?.restarts ?? 0) >= 1)
})

test('a worker that exits is replaced, with a workerdied event naming it', async (t) => {
  const events: EventInput[] = []
  const group = faultyGroup('exit', events)
  t.after(() => group.stop(0))
  assert.equal(await group.start(FIRST), null)
  await waitFor(() => events.some((e) => e.name === 'workerdied'), 'the worker to be replaced', 5000)
  const died = events.find((e) => e.name === 'workerdied')
  assert.ok(died !== undefined)
  assert.equal(died.objects['worker'], '1')
  assert.match(died.message, /exited \(code 3\)/)
})
