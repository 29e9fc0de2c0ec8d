import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { RoundRobinBalancer } from './round-robin.ts'
import {
  makeContext,
  makeNode,
  makeNodes,
  pickIds,
  runBalancerContract,
} from './balancer.contract.ts'

runBalancerContract('round_robin', () => new RoundRobinBalancer())

describe('round_robin', () => {
  test('goes through the nodes in order and wraps', () => {
    const nodes = makeNodes(3)
    assert.deepEqual(pickIds(new RoundRobinBalancer(), nodes, makeContext(), 7), [
      'n0', 'n1', 'n2', 'n0', 'n1', 'n2', 'n0',
    ])
  })

  test('ignores weight, connections and response time', () => {
    const nodes = [
      makeNode('a', { weight: 100, activeConnections: 50 }),
      makeNode('b', { responseTimeMs: 900 }),
    ]
    assert.deepEqual(pickIds(new RoundRobinBalancer(), nodes, makeContext(), 4), [
      'a', 'b', 'a', 'b',
    ])
  })

  test('continues after the last node when that node dies', () => {
    const [a, b, c, d] = [makeNode('n0'), makeNode('n1'), makeNode('n2'), makeNode('n3')]
    const balancer = new RoundRobinBalancer()
    const ctx = makeContext()
    assert.deepEqual(pickIds(balancer, [a, b, c, d], ctx, 2), ['n0', 'n1'])
    // n1 died: its successor n2 is next, then the rotation carries on.
    assert.deepEqual(pickIds(balancer, [a, c, d], ctx, 4), ['n2', 'n3', 'n0', 'n2'])
  })

  test('finds its place by id when nodes are added in front', () => {
    const [a, b, c] = [makeNode('n0'), makeNode('n1'), makeNode('n2')]
    const x = makeNode('x')
    const balancer = new RoundRobinBalancer()
    const ctx = makeContext()
    assert.deepEqual(pickIds(balancer, [a, b, c], ctx, 2), ['n0', 'n1'])
    assert.deepEqual(pickIds(balancer, [x, a, b, c], ctx, 4), ['n2', 'x', 'n0', 'n1'])
  })

  test('gives every node an equal share over any full window', () => {
    const nodes = makeNodes(5)
    const ids = pickIds(new RoundRobinBalancer(), nodes, makeContext(), 1000)
    for (let start = 0; start + 5 <= ids.length; start += 37) {
      assert.equal(new Set(ids.slice(start, start + 5)).size, 5)
    }
  })
})
