import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { LeastConnectionsBalancer } from './least-connections.ts'
import {
  makeContext,
  makeNode,
  pickIds,
  runBalancerContract,
  withConnectionOpened,
} from './balancer.contract.ts'
import type { Balancer, BalanceNode } from './balancer.ts'

runBalancerContract('least_connections', () => new LeastConnectionsBalancer())

describe('least_connections', () => {
  test('prefers the idle node', () => {
    const nodes = [
      makeNode('a', { activeConnections: 5 }),
      makeNode('b', { activeConnections: 0 }),
      makeNode('c', { activeConnections: 3 }),
    ]
    assert.deepEqual(pickIds(new LeastConnectionsBalancer(), nodes, makeContext(), 4), [
      'b', 'b', 'b', 'b',
    ])
  })

  test('breaks ties round robin, not always the first', () => {
    const nodes = [
      makeNode('a', { activeConnections: 2 }),
      makeNode('b', { activeConnections: 1 }),
      makeNode('c', { activeConnections: 1 }),
      makeNode('d', { activeConnections: 1 }),
    ]
    assert.deepEqual(pickIds(new LeastConnectionsBalancer(), nodes, makeContext(), 6), [
      'b', 'c', 'd', 'b', 'c', 'd',
    ])
  })

  test('levels the load when each pick opens a connection', () => {
    let nodes: BalanceNode[] = [
      makeNode('a', { activeConnections: 4 }),
      makeNode('b', { activeConnections: 0 }),
      makeNode('c', { activeConnections: 1 }),
    ]
    const balancer: Balancer = new LeastConnectionsBalancer()
    const ctx = makeContext()
    const order: string[] = []
    for (let i = 0; i < 10; i++) {
      const picked = balancer.pick(nodes, ctx)
      order.push(nodes[picked]!.id)
      nodes = withConnectionOpened(nodes, picked)
    }
    // The idle nodes catch up first, alternating, and only then does the busy one get picks.
    assert.deepEqual(order, ['b', 'c', 'b', 'c', 'b', 'c', 'b', 'c', 'a', 'b'])
    assert.deepEqual(nodes.map((n) => n.activeConnections), [5, 5, 5])
  })
})
