import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { FastestResponseTimeBalancer } from './fastest-response-time.ts'
import { makeContext, makeNode, pickIds, runBalancerContract } from './balancer.contract.ts'

runBalancerContract('fastest_response_time', () => new FastestResponseTimeBalancer())

describe('fastest_response_time', () => {
  test('prefers the fast node', () => {
    const nodes = [
      makeNode('a', { responseTimeMs: 30 }),
      makeNode('b', { responseTimeMs: 10 }),
      makeNode('c', { responseTimeMs: 20 }),
    ]
    assert.deepEqual(pickIds(new FastestResponseTimeBalancer(), nodes, makeContext(), 3), [
      'b', 'b', 'b',
    ])
  })

  test('tries unmeasured nodes first, taking turns among them', () => {
    const nodes = [
      makeNode('a', { responseTimeMs: 5 }),
      makeNode('b', { responseTimeMs: 0 }),
      makeNode('c', { responseTimeMs: 0 }),
    ]
    assert.deepEqual(pickIds(new FastestResponseTimeBalancer(), nodes, makeContext(), 4), [
      'b', 'c', 'b', 'c',
    ])
  })

  test('equal times take turns', () => {
    const nodes = [
      makeNode('a', { responseTimeMs: 12 }),
      makeNode('b', { responseTimeMs: 12 }),
      makeNode('c', { responseTimeMs: 12 }),
    ]
    assert.deepEqual(pickIds(new FastestResponseTimeBalancer(), nodes, makeContext(), 4), [
      'a', 'b', 'c', 'a',
    ])
  })
})
