import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { selectPriorityGroup } from './priority.ts'
import { makeNode } from './balancer.contract.ts'
import type { BalanceNode } from './balancer.ts'

const ids = (nodes: readonly BalanceNode[]): string[] => nodes.map((n) => n.id)

describe('selectPriorityGroup', () => {
  const a = makeNode('a', { priority: 2 })
  const b = makeNode('b', { priority: 2 })
  const c = makeNode('c', { priority: 1 })
  const d = makeNode('d', { priority: 0 })
  const nodes = [a, b, c, d]

  test('uses the highest group alone while it has enough nodes', () => {
    assert.deepEqual(ids(selectPriorityGroup(nodes, 1)), ['a', 'b'])
    assert.deepEqual(ids(selectPriorityGroup(nodes, 2)), ['a', 'b'])
  })

  test('adds lower groups, highest first, until enough nodes are included', () => {
    assert.deepEqual(ids(selectPriorityGroup(nodes, 3)), ['a', 'b', 'c'])
    assert.deepEqual(ids(selectPriorityGroup(nodes, 4)), ['a', 'b', 'c', 'd'])
  })

  test('uses every group when there are too few nodes overall, returning the same list', () => {
    assert.equal(selectPriorityGroup(nodes, 10), nodes)
  })

  test('adds whole groups, even past the minimum', () => {
    const list = [a, makeNode('x', { priority: 1 }), makeNode('y', { priority: 1 }), d]
    assert.deepEqual(ids(selectPriorityGroup(list, 2)), ['a', 'x', 'y'])
  })

  test('when the top nodes die, the next usable group leads', () => {
    assert.deepEqual(ids(selectPriorityGroup([c, d], 1)), ['c'])
  })

  test('keeps the input order', () => {
    assert.deepEqual(ids(selectPriorityGroup([c, a, d, b], 3)), ['c', 'a', 'b'])
  })

  test('a single group comes back as the same array, without copying', () => {
    const same = [makeNode('p'), makeNode('q')]
    assert.equal(selectPriorityGroup(same, 1), same)
  })

  test('minNodes below 1 counts as 1, and an empty list stays empty', () => {
    assert.deepEqual(ids(selectPriorityGroup(nodes, 0)), ['a', 'b'])
    assert.deepEqual(ids(selectPriorityGroup(nodes, -3)), ['a', 'b'])
    assert.deepEqual(selectPriorityGroup([], 1), [])
  })

  test('property: whole groups, top-down, at least min(minNodes, n), never empty', () => {
    const arbNodes = fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 30 })
    fc.assert(
      fc.property(arbNodes, fc.integer({ min: 1, max: 40 }), (priorities, minNodes) => {
        const list = priorities.map((p, i) => makeNode(`n${i}`, { priority: p }))
        const chosen = selectPriorityGroup(list, minNodes)
        assert.ok(chosen.length >= Math.min(minNodes, list.length))
        const lowest = Math.min(...chosen.map((n) => n.priority))
        // Exactly the nodes at or above the lowest included priority, in input order.
        assert.deepEqual(ids(chosen), ids(list.filter((n) => n.priority >= lowest)))
        // Dropping the lowest included group would leave too few nodes.
        const above = list.filter((n) => n.priority > lowest).length
        assert.ok(above < minNodes || above === 0)
      }),
      { numRuns: 300, seed: 11 },
    )
  })
})
