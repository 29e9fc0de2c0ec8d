import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  ALGORITHMS,
  createBalancer,
  FastestResponseTimeBalancer,
  LeastConnectionsBalancer,
  PerceptiveBalancer,
  RandomBalancer,
  RoundRobinBalancer,
  WeightedLeastConnectionsBalancer,
  WeightedRoundRobinBalancer,
} from './index.ts'
import type { BalanceNode } from './index.ts'
import { makeContext } from './balancer.contract.ts'

test('createBalancer maps every vTM name to its algorithm, a fresh instance each time', () => {
  const expected = {
    round_robin: RoundRobinBalancer,
    weighted_round_robin: WeightedRoundRobinBalancer,
    perceptive: PerceptiveBalancer,
    least_connections: LeastConnectionsBalancer,
    weighted_least_connections: WeightedLeastConnectionsBalancer,
    fastest_response_time: FastestResponseTimeBalancer,
    random: RandomBalancer,
  } as const
  assert.equal(ALGORITHMS.length, Object.keys(expected).length)
  for (const name of ALGORITHMS) {
    const balancer = createBalancer(name)
    assert.ok(balancer instanceof expected[name], name)
    assert.notEqual(balancer, createBalancer(name))
  }
})

// Any number, including the ones config validation should have kept out.
const anyNumber = fc.oneof(
  fc.integer({ min: -5, max: 200 }),
  fc.double(),
  fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity),
)

const arbNode = fc.record({
  id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
  weight: anyNumber,
  priority: anyNumber,
  activeConnections: anyNumber,
  responseTimeMs: anyNumber,
  usableSinceMs: anyNumber,
})

test('property: pick always returns a valid index for arbitrary node lists', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...ALGORITHMS),
      fc.array(fc.array(arbNode, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 15 }),
      fc.integer(),
      fc.array(fc.integer({ min: 0, max: 60_000 }), { minLength: 1, maxLength: 15 }),
      (name, lists: BalanceNode[][], seed, steps) => {
        const balancer = createBalancer(name)
        const ctx = makeContext(seed)
        lists.forEach((nodes, i) => {
          const index = balancer.pick(nodes, ctx)
          const valid = Number.isInteger(index) && index >= 0 && index < nodes.length
          assert.ok(valid, `${name}: ${index}`)
          ctx.clock.advance(steps[i % steps.length] ?? 0)
        })
        assert.equal(balancer.pick([], ctx), -1)
      },
    ),
    { numRuns: 500, seed: 20240601 },
  )
})
