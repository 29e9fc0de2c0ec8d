import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { SeededRandom } from '../core/index.ts'
import { RandomBalancer } from './random.ts'
import {
  countPicks,
  makeContext,
  makeNode,
  makeNodes,
  pickIds,
  runBalancerContract,
} from './balancer.contract.ts'

runBalancerContract('random', () => new RandomBalancer())

describe('random', () => {
  test('the sequence is fixed by the seed', () => {
    const nodes = [makeNode('a'), makeNode('b'), makeNode('c')]
    assert.deepEqual(pickIds(new RandomBalancer(), nodes, makeContext(42), 10), [
      'b', 'b', 'c', 'c', 'a', 'b', 'a', 'b', 'c', 'b',
    ])
  })

  test('is uniform within tolerance and ignores weight and load', () => {
    const nodes = makeNodes(4).map((n, i) => ({
      ...n,
      weight: 1 + i * 30,
      activeConnections: i * 10,
    }))
    const counts = countPicks(new RandomBalancer(), nodes, makeContext(2024), 20_000)
    for (const node of nodes) {
      const share = (counts.get(node.id) ?? 0) / 20_000
      assert.ok(Math.abs(share - 0.25) < 0.02, `${node.id} got ${share}`)
    }
  })

  test('stays in range even if the random source misbehaves', () => {
    const nodes = makeNodes(3)
    const balancer = new RandomBalancer()
    for (const value of [1, 1.5, -0.1, Number.NaN]) {
      const ctx = { clock: makeContext().clock, random: { next: () => value } }
      assert.equal(balancer.pick(nodes, ctx), 0)
    }
    const ctx = { clock: makeContext().clock, random: new SeededRandom(5) }
    assert.ok(balancer.pick(nodes, ctx) < 3)
  })
})
