import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setImmediate as flush } from 'node:timers/promises'
import { HealthManager } from './health-manager.ts'
import type { HealthTimers } from './timers.ts'
import type { HealthEvent, MonitorSpec, Probe, ProbeResult, ProbeTarget } from './types.ts'

/** Timers that fire only when `advance` is called. */
class ManualTimers implements HealthTimers {
  nowMs = 0
  #pending: { at: number; fn: () => void; live: boolean }[] = []

  set(fn: () => void, delayMs: number): () => void {
    const entry = { at: this.nowMs + delayMs, fn, live: true }
    this.#pending.push(entry)
    return () => {
      entry.live = false
    }
  }

  get pendingCount(): number {
    return this.#pending.filter((p) => p.live).length
  }

  /** Fires due timers in order, letting probe promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.nowMs + ms
    for (let guard = 0; guard < 10_000; guard++) {
      this.#pending = this.#pending.filter((p) => p.live)
      const next = this.#pending.filter((p) => p.at <= end).sort((a, b) => a.at - b.at)[0]
      if (next === undefined) break
      this.nowMs = next.at
      next.live = false
      next.fn()
      await flush()
      await flush()
    }
    this.nowMs = end
  }
}

/** Answers from a script per target; the last answer repeats. Records probe times. */
class ScriptedProbe implements Probe {
  readonly script = new Map<string, boolean[]>()
  readonly calls: { label: string; atMs: number }[] = []
  readonly #timers: ManualTimers

  constructor(timers: ManualTimers) {
    this.#timers = timers
  }

  run(target: ProbeTarget): Promise<ProbeResult> {
    this.calls.push({ label: target.label, atMs: this.#timers.nowMs })
    const answers = this.script.get(target.label) ?? [true]
    const ok = answers.length > 1 ? (answers.shift() ?? true) : (answers[0] ?? true)
    return Promise.resolve(ok ? { ok, reason: 'fine' } : { ok, reason: `status 500 did not match ^2` })
  }
}

function spec(overrides: Partial<MonitorSpec> = {}): MonitorSpec {
  return {
    name: 'mon', type: 'connect', delayMs: 100, timeoutMs: 50, failures: 2, backOff: false, scope: 'pernode',
    useSsl: false, verbose: false, healthOnly: false, path: '/', hostHeader: '', authentication: '',
    statusRegex: /^2/, bodyRegex: undefined, writeString: '', responseRegex: /.+/, closeString: '',
    maxResponseLen: 2048, program: '', arguments: [], pingProgram: '', ...overrides,
  }
}

function setup() {
  const timers = new ManualTimers()
  const probe = new ScriptedProbe(timers)
  const calls: string[] = []
  const events: HealthEvent[] = []
  /** Nodes the pool layer keeps out of traffic whatever the monitors say. */
  const heldOut = new Set<string>()
  const manager = new HealthManager({
    statusSink: {
      setNodeHealth: (pool, node, alive, reason) => {
        calls.push(`${pool} ${node} ${alive} ${reason}`)
        return !heldOut.has(node)
      },
    },
    onEvent: (e) => events.push(e),
    timers,
    createProbe: () => probe,
  })
  const kinds = () => events.map((e) => `${e.kind} ${e.pool}${e.node === undefined ? '' : ' ' + e.node}`)
  return { timers, probe, calls, events, kinds, manager, heldOut }
}

test('a node dies after `failures` consecutive failures and lives after one success', async (t) => {
  const { timers, probe, calls, kinds, events, manager } = setup()
  t.after(() => manager.stop())
  probe.script.set('a:1', [true, false, false, false, true])
  manager.update([{ pool: 'p', nodes: ['a:1', 'b:1'], monitors: [spec()] }])
  await timers.advance(0)
  assert.deepEqual(calls, [])
  await timers.advance(100)
  assert.deepEqual(calls, [], 'one failure is not enough')
  await timers.advance(100)
  assert.deepEqual(calls, ['p a:1 false status 500 did not match ^2'])
  assert.deepEqual(kinds(), ['monitorfail p a:1', 'nodefail p a:1'])
  assert.equal(events[1]?.severity, 'warn')
  await timers.advance(100)
  assert.equal(calls.length, 1, 'a third failure reports nothing new')
  await timers.advance(100)
  assert.deepEqual(calls.slice(1), ['p a:1 true fine'])
  assert.deepEqual(kinds().slice(2), ['monitorok p a:1', 'nodeworking p a:1'])
  assert.deepEqual(manager.nodeHealth('p', 'a:1'), { alive: true, reason: 'fine' })
})

test('pooldied when every monitored node is dead, poolok when the first returns', async (t) => {
  const { timers, probe, kinds, events, manager } = setup()
  t.after(() => manager.stop())
  probe.script.set('a:1', [false, false, false, true])
  probe.script.set('b:1', [false, false, false, false, false])
  manager.update([{ pool: 'p', nodes: ['a:1', 'b:1'], monitors: [spec()] }])
  await timers.advance(100)
  assert.ok(manager.isPoolDead('p'))
  await timers.advance(200)
  assert.ok(!manager.isPoolDead('p'))
  assert.deepEqual(kinds(), [
    'monitorfail p a:1', 'nodefail p a:1', 'monitorfail p b:1', 'nodefail p b:1', 'pooldied p',
    'monitorok p a:1', 'nodeworking p a:1', 'poolok p',
  ])
  assert.equal(events.find((e) => e.kind === 'pooldied')?.severity, 'serious')
})

test('a verdict that does not change whether a node takes traffic is not a node event', async (t) => {
  const { timers, probe, calls, kinds, manager, heldOut } = setup()
  t.after(() => manager.stop())
  heldOut.add('a:1')
  probe.script.set('a:1', [false, true])
  manager.update([{ pool: 'p', nodes: ['a:1'], monitors: [spec({ failures: 1 })] }])
  await timers.advance(100)
  assert.deepEqual(calls, ['p a:1 false status 500 did not match ^2', 'p a:1 true fine'], 'the pool layer hears every verdict')
  assert.deepEqual(kinds(), ['monitorfail p a:1', 'pooldied p', 'monitorok p a:1', 'poolok p'])
  assert.deepEqual(manager.nodeHealth('p', 'a:1'), { alive: true, reason: 'fine' })
})

test('a poolwide monitor probes its machine once and decides every node of the pool', async (t) => {
  const { timers, probe, calls, kinds, manager } = setup()
  t.after(() => manager.stop())
  probe.script.set('db:5432', [false])
  manager.update([{ pool: 'p', nodes: ['a:1', 'b:1'], monitors: [spec({ scope: 'poolwide', machine: 'db:5432', failures: 1 })] }])
  await timers.advance(0)
  assert.deepEqual(probe.calls.map((c) => c.label), ['db:5432'])
  assert.deepEqual(calls.sort(), ['p a:1 false status 500 did not match ^2', 'p b:1 false status 500 did not match ^2'])
  assert.deepEqual(kinds(), ['monitorfail p db:5432', 'nodefail p a:1', 'nodefail p b:1', 'pooldied p'])
  // A node added later to a pool whose machine is down is reported dead at once.
  manager.update([{ pool: 'p', nodes: ['a:1', 'b:1', 'c:1'], monitors: [spec({ scope: 'poolwide', machine: 'db:5432', failures: 1 })] }])
  assert.equal(calls.at(-1), 'p c:1 false status 500 did not match ^2')
})

test('update keeps counters for surviving tuples, stops removed ones and revives their nodes', async (t) => {
  const { timers, probe, calls, manager } = setup()
  t.after(() => manager.stop())
  probe.script.set('a:1', [false])
  const plan = [{ pool: 'p', nodes: ['a:1', 'b:1'], monitors: [spec({ failures: 3 })] }]
  manager.update(plan)
  await timers.advance(100)
  const before = manager.monitorStates().find((s) => s.target === 'a:1')
  assert.equal(before?.consecutiveFailures, 2)
  // Same monitor, changed setting, one node dropped: the count carries on.
  manager.update([{ pool: 'p', nodes: ['a:1'], monitors: [spec({ failures: 3, path: '/x' })] }])
  assert.deepEqual(manager.monitorStates().map((s) => s.target), ['a:1'])
  await timers.advance(100)
  assert.equal(manager.monitorStates()[0]?.consecutiveFailures, 3)
  assert.deepEqual(calls, ['p a:1 false status 500 did not match ^2'])
  // Removing the monitor from the pool leaves the node unmonitored, hence alive.
  manager.update([{ pool: 'p', nodes: ['a:1'], monitors: [] }])
  assert.deepEqual(manager.monitorStates(), [])
  assert.deepEqual(calls.slice(1), ['p a:1 true configuration changed'])
  const probesSoFar = probe.calls.length
  await timers.advance(1000)
  assert.equal(probe.calls.length, probesSoFar, 'removed schedules do not probe')
  assert.equal(timers.pendingCount, 0)
})

test('a dead node that leaves the plan is reported alive so it starts clean if it returns', async (t) => {
  const { timers, probe, calls, manager } = setup()
  t.after(() => manager.stop())
  probe.script.set('a:1', [false])
  manager.update([{ pool: 'p', nodes: ['a:1'], monitors: [spec({ failures: 1 })] }])
  await timers.advance(0)
  manager.update([{ pool: 'p', nodes: [], monitors: [spec({ failures: 1 })] }])
  assert.deepEqual(calls, ['p a:1 false status 500 did not match ^2', 'p a:1 true no longer monitored'])
  assert.equal(manager.nodeHealth('p', 'a:1'), undefined)
})

test('back_off slows probes of a failed target and the first success restores the pace', async (t) => {
  const { timers, probe, manager } = setup()
  t.after(() => manager.stop())
  probe.script.set('a:1', [false, false, false, false, false, false, true, true])
  manager.update([{ pool: 'p', nodes: ['a:1'], monitors: [spec({ backOff: true, failures: 2 })] }])
  await timers.advance(10_000)
  const times = probe.calls.slice(0, 9).map((c) => c.atMs)
  const gaps = times.slice(1).map((at, i) => at - (times[i] ?? 0))
  assert.deepEqual(gaps, [100, 200, 400, 800, 800, 800, 100, 100])
})

test('stop clears every timer and a sink that throws does not break monitoring', async () => {
  const timers = new ManualTimers()
  const probe = new ScriptedProbe(timers)
  probe.script.set('a:1', [false])
  let sinkCalls = 0
  const manager = new HealthManager({
    statusSink: { setNodeHealth: () => { sinkCalls++; throw new Error('boom') } },
    onEvent: () => { throw new Error('bang') },
    timers,
    createProbe: () => probe,
  })
  manager.update([{ pool: 'p', nodes: ['a:1', 'b:1'], monitors: [spec({ failures: 1 })] }])
  await timers.advance(250)
  assert.equal(sinkCalls, 1)
  assert.equal(probe.calls.length, 6)
  await manager.stop()
  assert.equal(timers.pendingCount, 0)
  assert.deepEqual(manager.update([]), ['health manager is stopped'])
})

test('unparseable nodes are reported and skipped', (t) => {
  const { manager } = setup()
  t.after(() => manager.stop())
  const problems = manager.update([{ pool: 'p', nodes: ['nope', 'a:1'], monitors: [spec()] }])
  assert.equal(problems.length, 1)
  assert.match(problems[0] ?? '', /nope/)
  assert.deepEqual(manager.monitorStates().map((s) => s.target), ['a:1'])
})
