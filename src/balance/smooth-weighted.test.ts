import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SmoothWeightedSelector } from './smooth-weighted.ts'
import { makeNode } from './balancer.contract.ts'
import type { BalanceNode } from './balancer.ts'

const byWeight = (node: BalanceNode): number => node.weight

test('credit for ids that left is pruned, so churn cannot grow the table without bound', () => {
  const selector = new SmoothWeightedSelector()
  let maxTracked = 0
  for (let i = 0; i < 1000; i++) {
    selector.select([makeNode(`gone${i}`), makeNode(`gone${i}b`), makeNode('stays')], byWeight)
    maxTracked = Math.max(maxTracked, selector.trackedNodes)
  }
  assert.ok(maxTracked <= 2 * 3 + 32 + 3, `tracked ${maxTracked} ids`)
})

test('when every weight is 0 the choice rotates', () => {
  const selector = new SmoothWeightedSelector()
  const nodes = [makeNode('a'), makeNode('b'), makeNode('c')]
  const picks = Array.from({ length: 6 }, () => selector.select(nodes, () => 0))
  assert.deepEqual(picks, [0, 1, 2, 0, 1, 2])
})

test('returns -1 for no nodes', () => {
  assert.equal(new SmoothWeightedSelector().select([], byWeight), -1)
})
