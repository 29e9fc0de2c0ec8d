import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Value } from './value.ts'
import {
  TsDouble, arith, bitwise, compare, copyValue, equals, indexGet, indexSet, parseNumber, toInt, toStr, truthy,
} from './value.ts'

test('numeric prefixes follow strtod', () => {
  assert.equal(parseNumber('10xxx'), 10)
  assert.equal(parseNumber('!!!'), 0)
  assert.equal(parseNumber(''), 0)
  assert.equal(parseNumber('  -12'), -12)
  assert.deepEqual(parseNumber('1.5e2px'), new TsDouble(150))
  assert.deepEqual(parseNumber('.5'), new TsDouble(0.5))
  assert.equal(parseNumber('-'), 0)
  assert.equal(parseNumber('0x1f'), 0)
  assert.equal(toInt(new TsDouble(-2.9)), -2)
})

test('arithmetic keeps ints as ints and promotes to double', () => {
  assert.equal(arith('/', 7, 2), 3)
  assert.equal(arith('/', -7, 2), -3)
  assert.deepEqual(arith('/', new TsDouble(7), 2), new TsDouble(3.5))
  assert.equal(arith('%', -7, 3), -1)
  assert.deepEqual(arith('/', 1, 0), { error: 'division by zero' })
  assert.deepEqual(arith('%', 1, 0), { error: 'modulo by zero' })
  assert.deepEqual(arith('+', '1.5', 1), new TsDouble(2.5))
  assert.equal(arith('*', '3', '4'), 12)
})

test('bitwise operators are 64-bit', () => {
  assert.equal(bitwise('<<', 1, 40), 2 ** 40)
  assert.equal(bitwise('>>', -8, 1), -4)
  assert.equal(bitwise('&', 2 ** 40 + 3, 1), 1)
  assert.equal(bitwise('<<', 1, 64), 0)
})

test('comparison: strings as strings, otherwise numbers', () => {
  assert.ok(compare('9', '10') > 0)
  assert.ok(compare('9', 10) < 0)
  assert.ok(compare(new TsDouble(1.5), 1) > 0)
  assert.ok(equals('1.0', 1))
  assert.ok(!equals('1.0', '1'))
})

test('truthiness and string forms', () => {
  const cases: [Value, boolean][] = [['', false], ['0', true], [0, false], [new TsDouble(0), false], [[], false], [[0], true], [new Map(), false]]
  for (const [v, want] of cases) assert.equal(truthy(v), want, JSON.stringify(v))
  assert.equal(toStr(new TsDouble(3)), '3')
  assert.equal(toStr(new TsDouble(2.5)), '2.5')
  assert.equal(toStr(['a', 1]), 'a 1')
  assert.equal(toStr(new Map()), '')
})

test('copies are deep; index helpers create and bound containers', () => {
  const inner: Value[] = [1]
  const outer: Value[] = [inner]
  const c = copyValue(outer) as Value[]
  ;(c[0] as Value[]).push(2)
  assert.deepEqual(inner, [1])
  assert.equal(indexGet(['a', 'b'], -1), 'b')
  assert.equal(indexGet('abc', 1), 'b')
  assert.ok(indexSet('', 'k', 1) instanceof Map)
  assert.ok(Array.isArray(indexSet('', 2, 1)))
  assert.deepEqual(indexSet([], 2_000_000, 1), { error: 'array index 2000000 is too large' })
  assert.deepEqual(indexSet([], -1, 1), { error: 'array index -1 is out of range' })
})

