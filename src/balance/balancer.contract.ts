/**
 * The contract every balancer must honour, as a reusable test suite (after hono's
 * `common.case.test.ts`), plus small helpers the algorithm tests share.
 * @module
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock, SeededRandom } from '../core/index.ts'
import type { Balancer, BalanceContext, BalanceNode } from './balancer.ts'

/** A node with neutral defaults; override what a test cares about. */
export function makeNode(
  id: string,
  overrides: Partial<Omit<BalanceNode, 'id'>> = {},
): BalanceNode {
  return {
    id,
    weight: 1,
    priority: 1,
    activeConnections: 0,
    responseTimeMs: 0,
    usableSinceMs: 0,
    ...overrides,
  }
}

/** `count` neutral nodes named n0, n1, ... */
export function makeNodes(count: number): BalanceNode[] {
  return Array.from({ length: count }, (_, i) => makeNode(`n${i}`))
}

/** A deterministic context: a manual clock (far past any slow-start ramp) and a seeded random. */
export function makeContext(
  seed = 1,
  startMs = 1_000_000,
): BalanceContext & { clock: ManualClock } {
  return { clock: new ManualClock(startMs), random: new SeededRandom(seed) }
}

/** Picks `count` times and returns the picked ids. */
export function pickIds(
  balancer: Balancer,
  nodes: readonly BalanceNode[],
  ctx: BalanceContext,
  count: number,
): string[] {
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const node = nodes[balancer.pick(nodes, ctx)]
    assert.ok(node, 'pick returned an index outside the list')
    ids.push(node.id)
  }
  return ids
}

/** Picks `count` times and counts picks per id. */
export function countPicks(
  balancer: Balancer,
  nodes: readonly BalanceNode[],
  ctx: BalanceContext,
  count: number,
): Map<string, number> {
  const counts = new Map<string, number>()
  for (const id of pickIds(balancer, nodes, ctx, count)) counts.set(id, (counts.get(id) ?? 0) + 1)
  return counts
}

function assertValid(index: number, length: number): void {
  assert.ok(Number.isInteger(index), `index ${index} is not an integer`)
  assert.ok(index >= 0 && index < length, `index ${index} out of range for ${length} nodes`)
}

/**
 * Runs the shared contract against a balancer factory; call it at the top level of each
 * algorithm's test file. (`void` marks the suite promises as handled by the test runner.)
 */
export function runBalancerContract(name: string, create: () => Balancer): void {
  void describe(`${name}: Balancer contract`, () => {
    void test('returns -1 for an empty list', () => {
      assert.equal(create().pick([], makeContext()), -1)
    })

    void test('returns a valid index for 1..8 nodes', () => {
      for (let n = 1; n <= 8; n++) {
        const balancer = create()
        const ctx = makeContext(n)
        const nodes = makeNodes(n)
        for (let i = 0; i < 50; i++) assertValid(balancer.pick(nodes, ctx), n)
      }
    })

    void test('a single node is always picked', () => {
      const balancer = create()
      const ctx = makeContext()
      const nodes = [makeNode('only', { activeConnections: 9, responseTimeMs: 500 })]
      for (let i = 0; i < 20; i++) assert.equal(balancer.pick(nodes, ctx), 0)
    })

    void test('copes with the candidate list shrinking and growing between picks', () => {
      const balancer = create()
      const ctx = makeContext(7)
      const all = makeNodes(6)
      const shapes = [all, all.slice(0, 2), all.slice(3), all.slice(4, 5), all.slice(1, 5), all, []]
      for (let round = 0; round < 30; round++) {
        const nodes = shapes[round % shapes.length] ?? []
        const index = balancer.pick(nodes, ctx)
        if (nodes.length === 0) assert.equal(index, -1)
        else assertValid(index, nodes.length)
        ctx.clock.advance(100)
      }
    })

    void test('every node of an even list is eventually picked', () => {
      const balancer = create()
      const ctx = makeContext(3)
      const nodes = makeNodes(4)
      const seen = new Set(pickIds(balancer, nodes, ctx, 200))
      assert.equal(seen.size, 4)
    })
  })
}

/** A copy of `nodes` in which the node at `index` has one more active connection. */
export function withConnectionOpened(nodes: readonly BalanceNode[], index: number): BalanceNode[] {
  return nodes.map((n, j) =>
    j === index ? { ...n, activeConnections: n.activeConnections + 1 } : n,
  )
}
