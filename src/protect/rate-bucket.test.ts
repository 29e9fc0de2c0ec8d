import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RateBucket, rateLimits, type Abandoned, type RateCounters } from './rate-bucket.ts'

function counters(): RateCounters {
  return { admitted: 0, queued: 0, dropped: 0, refused: 0, backlog: 0 }
}

test('the stricter of the two rates sets the spacing; 0 is no limit', () => {
  assert.equal(rateLimits(0, 0).intervalMs, 0)
  assert.equal(rateLimits(600, 0).intervalMs, 100)
  assert.equal(rateLimits(600, 5).intervalMs, 200)
  assert.equal(rateLimits(60, 50).intervalMs, 1000)
})

test('tryTake lets one through per interval and none while others are queued', () => {
  let now = 1000
  const c = counters()
  const b = new RateBucket(c, () => now)
  const limits = rateLimits(0, 10)
  assert.equal(b.tryTake(limits, now), true)
  assert.equal(b.tryTake(limits, now + 50), false)
  now += 100
  assert.equal(b.tryTake(limits, now), true)
  const outcomes: (Abandoned | null)[] = []
  b.enqueue(() => limits, { maxQueued: 5, maxWaitMs: 1000 }, (o) => outcomes.push(o))
  now += 100
  assert.equal(b.tryTake(limits, now), false, 'the queued request goes first')
  b.close()
  assert.deepEqual(outcomes, ['class-removed'])
  assert.deepEqual(c, { admitted: 0, queued: 1, dropped: 1, refused: 0, backlog: 0 })
})

test('the queue is bounded across the keys of a class', () => {
  const c = counters()
  const now = () => 0
  const a = new RateBucket(c, now)
  const b = new RateBucket(c, now)
  const limits = () => rateLimits(1, 0)
  const outcomes: (Abandoned | null)[] = []
  a.tryTake(limits(), 0)
  b.tryTake(limits(), 0)
  a.enqueue(limits, { maxQueued: 2, maxWaitMs: 60000 }, (o) => outcomes.push(o))
  b.enqueue(limits, { maxQueued: 2, maxWaitMs: 60000 }, (o) => outcomes.push(o))
  b.enqueue(limits, { maxQueued: 2, maxWaitMs: 60000 }, (o) => outcomes.push(o))
  assert.deepEqual(outcomes, ['full'])
  assert.equal(c.backlog, 2)
  a.close()
  b.close()
})
