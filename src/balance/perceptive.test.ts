import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { PerceptiveBalancer, rampFraction } from './perceptive.ts'
import {
  countPicks,
  makeContext,
  makeNode,
  pickIds,
  runBalancerContract,
} from './balancer.contract.ts'

runBalancerContract('perceptive', () => new PerceptiveBalancer())

describe('perceptive', () => {
  test('shares picks in inverse proportion to response time', () => {
    const nodes = [
      makeNode('a', { responseTimeMs: 10 }),
      makeNode('b', { responseTimeMs: 20 }),
      makeNode('c', { responseTimeMs: 40 }),
    ]
    const balancer = new PerceptiveBalancer()
    const ctx = makeContext()
    assert.deepEqual(pickIds(balancer, nodes, ctx, 7), ['a', 'b', 'a', 'c', 'a', 'b', 'a'])
    assert.deepEqual(Object.fromEntries(countPicks(balancer, nodes, ctx, 7000)), {
      a: 4000,
      b: 2000,
      c: 1000,
    })
  })

  test('counts connections: a node with a queue gets a smaller share', () => {
    const nodes = [
      makeNode('busy', { responseTimeMs: 10, activeConnections: 3 }),
      makeNode('idle', { responseTimeMs: 10, activeConnections: 0 }),
    ]
    const counts = countPicks(new PerceptiveBalancer(), nodes, makeContext(), 500)
    assert.deepEqual(Object.fromEntries(counts), { busy: 100, idle: 400 })
  })

  test('treats an unmeasured node as average and floors tiny response times', () => {
    const nodes = [
      makeNode('a', { responseTimeMs: 10 }),
      makeNode('b', { responseTimeMs: 30 }),
      makeNode('new', { responseTimeMs: 0 }),
      makeNode('tiny', { responseTimeMs: 0.001 }),
    ]
    // The mean of the measured times is (10 + 30 + 0.001) / 3; tiny is floored to 5 ms.
    const balancer = new PerceptiveBalancer({ minResponseTimeMs: 5 })
    const counts = countPicks(balancer, nodes, makeContext(), 6000)
    const mean = (10 + 30 + 0.001) / 3
    const capacity = { a: 1 / 10, b: 1 / 30, new: 1 / mean, tiny: 1 / 5 }
    const total = capacity.a + capacity.b + capacity.new + capacity.tiny
    for (const [id, c] of Object.entries(capacity)) {
      const expected = (6000 * c) / total
      const got = counts.get(id) ?? 0
      assert.ok(Math.abs(got - expected) <= 2, `${id}: ${got} vs ${expected}`)
    }
  })

  test('equal nodes take turns', () => {
    const nodes = [makeNode('a', { responseTimeMs: 7 }), makeNode('b', { responseTimeMs: 7 })]
    assert.deepEqual(pickIds(new PerceptiveBalancer(), nodes, makeContext(), 4), [
      'a', 'b', 'a', 'b',
    ])
  })

  test('ramps a new node in gradually over the ramp window', () => {
    const ctx = makeContext(1, 100_000)
    const old1 = makeNode('old1', { responseTimeMs: 10, usableSinceMs: 0 })
    const old2 = makeNode('old2', { responseTimeMs: 10, usableSinceMs: 0 })
    const fresh = makeNode('fresh', { responseTimeMs: 10, usableSinceMs: 100_000 })
    const balancer = new PerceptiveBalancer()
    const shares: number[] = []
    for (let second = 0; second < 25; second++) {
      const counts = countPicks(balancer, [old1, old2, fresh], ctx, 200)
      shares.push((counts.get('fresh') ?? 0) / 200)
      ctx.clock.advance(1000)
    }
    assert.ok(shares[0]! < 0.04, `first second: ${shares[0]}`)
    assert.ok(Math.abs(shares[10]! - 0.5 / 2.5) < 0.02, `after 10 s: ${shares[10]}`)
    assert.ok(Math.abs(shares[24]! - 1 / 3) < 0.02, `after 24 s: ${shares[24]}`)
    for (let i = 1; i < shares.length; i++) {
      assert.ok(shares[i]! >= shares[i - 1]! - 0.01, `share fell at ${i} s: ${shares.join(', ')}`)
    }
  })

  test('a recovered node ramps again from its new usableSinceMs', () => {
    const ctx = makeContext(1, 100_000)
    const a = makeNode('a', { responseTimeMs: 10, usableSinceMs: 0 })
    const b = makeNode('b', { responseTimeMs: 10, usableSinceMs: 0 })
    const balancer = new PerceptiveBalancer()
    assert.equal(countPicks(balancer, [a, b], ctx, 100).get('b'), 50)
    // b dies for a while, then comes back with a fresh usableSinceMs.
    countPicks(balancer, [a], ctx, 100)
    const recovered = { ...b, usableSinceMs: ctx.clock.monoMs() }
    const counts = countPicks(balancer, [a, recovered], ctx, 210)
    assert.equal(counts.get('b'), 10)
  })

  test('rampFraction rises linearly and is never below its floor', () => {
    assert.equal(rampFraction(0, 20_000, 0.05), 0.05)
    assert.equal(rampFraction(-5, 20_000, 0.05), 0.05)
    assert.equal(rampFraction(500, 20_000, 0.05), 0.05)
    assert.equal(rampFraction(5_000, 20_000, 0.05), 0.25)
    assert.equal(rampFraction(20_000, 20_000, 0.05), 1)
    assert.equal(rampFraction(1e9, 20_000, 0.05), 1)
    assert.equal(rampFraction(Number.NaN, 20_000, 0.05), 0.05)
  })
})
