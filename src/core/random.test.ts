import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SeededRandom } from './random.ts'

test('SeededRandom repeats its sequence for the same seed and stays in [0, 1)', () => {
  const a = new SeededRandom(42)
  const b = new SeededRandom(42)
  for (let i = 0; i < 1000; i++) {
    const x = a.next()
    assert.equal(x, b.next())
    assert.ok(x >= 0 && x < 1)
  }
  assert.notEqual(new SeededRandom(1).next(), new SeededRandom(2).next())
})
