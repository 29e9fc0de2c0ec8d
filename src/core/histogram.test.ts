import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Histogram } from './histogram.ts'

test('a value lands in the first bucket whose bound it does not exceed; beyond the last, +Inf', () => {
  const h = new Histogram([1, 10, 100])
  for (const ms of [0, 1, 1.5, 10, 99, 100, 100.1, 5000]) h.record(ms)
  assert.deepEqual([...h.counts], [2, 2, 2, 2])
  assert.deepEqual(h.cumulative(), [2, 4, 6, 8])
  assert.equal(h.count, 8)
  assert.equal(h.sumMs, 0 + 1 + 1.5 + 10 + 99 + 100 + 100.1 + 5000)
})
