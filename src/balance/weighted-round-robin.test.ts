import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { WeightedRoundRobinBalancer } from './weighted-round-robin.ts'
import {
  countPicks,
  makeContext,
  makeNode,
  pickIds,
  runBalancerContract,
} from './balancer.contract.ts'
import type { Balancer } from './balancer.ts'

runBalancerContract('weighted_round_robin', () => new WeightedRoundRobinBalancer())

function longestRun(ids: readonly string[], id: string): number {
  let longest = 0
  let run = 0
  for (const x of ids) {
    run = x === id ? run + 1 : 0
    longest = Math.max(longest, run)
  }
  return longest
}

describe('weighted_round_robin', () => {
  test('weights 5, 1, 1 interleave smoothly instead of sending a burst', () => {
    const nodes = [makeNode('a', { weight: 5 }), makeNode('b'), makeNode('c')]
    const ids = pickIds(new WeightedRoundRobinBalancer(), nodes, makeContext(), 14)
    assert.deepEqual(ids, ['a', 'a', 'b', 'a', 'c', 'a', 'a', 'a', 'a', 'b', 'a', 'c', 'a', 'a'])
    assert.ok(longestRun(ids.slice(0, 7), 'a') <= 2)
  })

  test('weights 1, 2, 7 give an exact 10/20/70 split over 10,000 picks', () => {
    const nodes = [
      makeNode('a', { weight: 1 }),
      makeNode('b', { weight: 2 }),
      makeNode('c', { weight: 7 }),
    ]
    const balancer: Balancer = new WeightedRoundRobinBalancer()
    assert.deepEqual(pickIds(balancer, nodes, makeContext(), 10), [
      'c', 'b', 'c', 'c', 'a', 'c', 'c', 'b', 'c', 'c',
    ])
    const counts = countPicks(balancer, nodes, makeContext(), 10_000)
    assert.deepEqual(Object.fromEntries(counts), { a: 1000, b: 2000, c: 7000 })
  })

  test('equal weights behave as plain round robin', () => {
    const nodes = ['a', 'b', 'c'].map((id) => makeNode(id, { weight: 3 }))
    assert.deepEqual(pickIds(new WeightedRoundRobinBalancer(), nodes, makeContext(), 6), [
      'a', 'b', 'c', 'a', 'b', 'c',
    ])
  })

  test('invalid weights count as 1', () => {
    const nodes = [
      makeNode('a', { weight: 0 }),
      makeNode('b', { weight: Number.NaN }),
      makeNode('c', { weight: -4 }),
    ]
    const counts = countPicks(new WeightedRoundRobinBalancer(), nodes, makeContext(), 300)
    assert.deepEqual(Object.fromEntries(counts), { a: 100, b: 100, c: 100 })
  })

  test('keeps proportions when a node leaves, and restarts it on return', () => {
    const a = makeNode('a', { weight: 3 })
    const b = makeNode('b', { weight: 1 })
    const c = makeNode('c', { weight: 4 })
    const balancer: Balancer = new WeightedRoundRobinBalancer()
    const ctx = makeContext()
    pickIds(balancer, [a, b, c], ctx, 5)
    const without = countPicks(balancer, [a, b], ctx, 400)
    assert.deepEqual(Object.fromEntries(without), { a: 300, b: 100 })
    const back = countPicks(balancer, [a, b, c], ctx, 800)
    assert.deepEqual(Object.fromEntries(back), { a: 300, b: 100, c: 400 })
  })

  test('keeps per-node state bounded when node ids churn', () => {
    const balancer: Balancer = new WeightedRoundRobinBalancer()
    const ctx = makeContext()
    for (let i = 0; i < 2000; i++) {
      const nodes = [makeNode(`x${i}`), makeNode('stable', { weight: 2 })]
      assert.ok(balancer.pick(nodes, ctx) >= 0)
    }
    // The stable node keeps its two-thirds share even though 2000 other ids came and went.
    const after = [makeNode('y'), makeNode('stable', { weight: 2 })]
    const counts = countPicks(balancer, after, ctx, 300)
    assert.equal(counts.get('stable'), 200)
  })
})
