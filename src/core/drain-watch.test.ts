import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DrainWatch } from './drain-watch.ts'

test('a drain watch waits while queued bytes move, and gives up after they stall for the idle time', () => {
  const w = new DrainWatch()
  w.start(1000)
  assert.equal(w.keepWaiting(900, 100, 300), true, 'moving')
  assert.equal(w.keepWaiting(900, 100, 300), true, 'stalled 100 ms')
  assert.equal(w.keepWaiting(900, 100, 300), true, 'stalled 200 ms')
  assert.equal(w.keepWaiting(800, 100, 300), true, 'moving again: the stall starts over')
  assert.equal(w.keepWaiting(800, 100, 300), true)
  assert.equal(w.keepWaiting(800, 100, 300), true)
  assert.equal(w.keepWaiting(800, 100, 300), false, 'stalled 300 ms')
})

test('a drain watch stops waiting once nothing is queued, and never gives up without an idle limit', () => {
  const w = new DrainWatch()
  w.start(10)
  assert.equal(w.keepWaiting(0, 100, 300), false)
  w.start(10)
  for (let i = 0; i < 100; i++) assert.equal(w.keepWaiting(10, 100, 0), true)
})
