import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { WeightedLeastConnectionsBalancer } from './weighted-least-connections.ts'
import {
  makeContext,
  makeNode,
  pickIds,
  runBalancerContract,
  withConnectionOpened,
} from './balancer.contract.ts'
import type { Balancer, BalanceNode } from './balancer.ts'

runBalancerContract('weighted_least_connections', () => new WeightedLeastConnectionsBalancer())

describe('weighted_least_connections', () => {
  test('picks the lowest connections per weight, not the lowest count', () => {
    const nodes = [
      makeNode('a', { weight: 1, activeConnections: 1 }),
      makeNode('b', { weight: 4, activeConnections: 3 }),
    ]
    assert.deepEqual(pickIds(new WeightedLeastConnectionsBalancer(), nodes, makeContext(), 3), [
      'b', 'b', 'b',
    ])
  })

  test('equal ratios are ties and take turns', () => {
    const nodes = [
      makeNode('a', { weight: 1, activeConnections: 1 }),
      makeNode('b', { weight: 2, activeConnections: 2 }),
      makeNode('c', { weight: 3, activeConnections: 9 }),
    ]
    assert.deepEqual(pickIds(new WeightedLeastConnectionsBalancer(), nodes, makeContext(), 4), [
      'a', 'b', 'a', 'b',
    ])
  })

  test('under load, connections settle in proportion to weight', () => {
    let nodes: BalanceNode[] = [makeNode('a', { weight: 1 }), makeNode('b', { weight: 3 })]
    const balancer: Balancer = new WeightedLeastConnectionsBalancer()
    const ctx = makeContext()
    for (let i = 0; i < 40; i++) {
      const picked = balancer.pick(nodes, ctx)
      nodes = withConnectionOpened(nodes, picked)
    }
    assert.deepEqual(nodes.map((n) => n.activeConnections), [10, 30])
  })

  test('an invalid weight counts as 1 instead of dividing by zero', () => {
    const nodes = [
      makeNode('a', { weight: 0, activeConnections: 2 }),
      makeNode('b', { weight: 1, activeConnections: 1 }),
    ]
    assert.deepEqual(pickIds(new WeightedLeastConnectionsBalancer(), nodes, makeContext(), 2), [
      'b', 'b',
    ])
  })
})
