import assert from 'node:assert/strict'
import { test } from 'node:test'
import { systemClock } from './clock.ts'

function spin(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // Let real time pass.
  }
}

test('a held clock reads the same until the last hold is released, then moves again', () => {
  systemClock.hold()
  const held = systemClock.monoMs()
  spin(2)
  assert.equal(systemClock.monoMs(), held)
  systemClock.hold()
  spin(2)
  systemClock.release()
  assert.equal(systemClock.monoMs(), held, 'an inner release keeps the outer hold')
  systemClock.release()
  assert.ok(systemClock.monoMs() >= held + 4, 'released, it reads the real time')
  spin(2)
  const a = systemClock.monoMs()
  spin(2)
  assert.ok(systemClock.monoMs() > a, 'unheld, every read is fresh')
})
