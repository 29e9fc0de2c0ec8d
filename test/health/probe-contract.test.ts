// The contract every Probe keeps: never throw, settle soon after the signal aborts, fail (not
// hang) on an already-aborted signal. Run against each monitor type.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MONITOR_TYPES, createProbe, parseNodeAddress } from '../../src/health/index.ts'
import type { MonitorType } from '../../src/health/index.ts'
import { closeServer, listen, spec, tracked } from './helpers.ts'

const SETTLE_LIMIT_MS = 1000

test('every probe type settles soon after its signal aborts and reports a failure', async (t) => {
  const hang = net.createServer((s) => s.resume())
  const sockets = tracked(hang)
  const label = await listen(hang)
  t.after(() => closeServer(hang, sockets))
  const dir = mkdtempSync(join(tmpdir(), 'sluice-health-contract-'))
  t.after(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  const slow = join(dir, 'slow')
  writeFileSync(slow, '#!/bin/sh\nsleep 30\n')
  chmodSync(slow, 0o755)
  const parsed = parseNodeAddress(label)
  assert.ok(parsed.ok)
  const checked = new Set<MonitorType>()
  for (const type of MONITOR_TYPES) {
    // A connect probe to a listener succeeds at once, so only an already-aborted run tests it.
    const probe = createProbe(spec({ type, timeoutMs: 50, program: slow, pingProgram: slow, responseRegex: /never/ }),
      { programEnv: { PATH: '/usr/bin:/bin' } })
    if (type !== 'connect') {
      const started = performance.now()
      const result = await probe.run(parsed.value, AbortSignal.timeout(50))
      assert.equal(result.ok, false, type)
      assert.match(result.reason, /timed out after 50 ms/, type)
      assert.ok(performance.now() - started < SETTLE_LIMIT_MS, type)
    }
    const pre = AbortSignal.abort()
    const early = await probe.run(parsed.value, pre)
    assert.equal(early.ok, false, type)
    assert.match(early.reason, /aborted/, type)
    checked.add(type)
  }
  assert.equal(checked.size, MONITOR_TYPES.length)
})

test('socket probes fail, without throwing, on a target with no port', async () => {
  for (const type of ['connect', 'http', 'tcp_transaction'] as const) {
    const probe = createProbe(spec({ type }), { programEnv: {} })
    const result = await probe.run({ host: '127.0.0.1', label: '127.0.0.1' }, AbortSignal.timeout(500))
    assert.deepEqual(result, { ok: false, reason: '127.0.0.1 has no port' }, type)
  }
})
