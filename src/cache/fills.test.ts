import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Fills } from './fills.ts'

test('a fill whose request ended, or that is older than its bound, is dropped when another begins, and its waiters resume', () => {
  const fills = new Fills()
  let alive = true
  let resumed = 0
  fills.begin('a', 0, 1000, () => alive)
  assert.ok(fills.wait('a', () => resumed++))
  fills.begin('b', 10, 1000, () => true)
  assert.equal(fills.size, 2, 'a live, young fill stays')
  alive = false
  fills.begin('c', 20, 1000, () => true)
  assert.equal(resumed, 1)
  assert.equal(fills.isFilling('a', 20, 1000), false)
  fills.begin('d', 5000, 1000, () => true)
  assert.equal(fills.size, 1, 'b and c were older than the bound')
})
