import { test } from 'node:test'
import assert from 'node:assert/strict'
import { nextDelayMs, BACK_OFF_MAX_FACTOR } from './back-off.ts'

test('back_off doubles the delay once the target is failed, up to the cap', () => {
  const spec = { delayMs: 3000, failures: 3, backOff: true }
  const waits = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => nextDelayMs(spec, n))
  assert.deepEqual(waits, [3000, 3000, 3000, 6000, 12000, 24000, 24000, 24000])
  assert.equal(Math.max(...waits), 3000 * BACK_OFF_MAX_FACTOR)
})

test('without back_off the delay never changes', () => {
  const spec = { delayMs: 50, failures: 1, backOff: false }
  assert.deepEqual([0, 1, 5, 100].map((n) => nextDelayMs(spec, n)), [50, 50, 50, 50])
})
