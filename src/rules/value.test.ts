import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  GUARDED_SUBJECT_CHARS, TIMED_OUT, compileRegex, execRegex, expandReplacement, replaceRegex, wildcardToRegex,
} from './regex.ts'
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

test('regex translation and refusals', () => {
  const ok = (p: string, s: string, f = ''): boolean => {
    const r = compileRegex(p, f)
    assert.ok(r.ok, p)
    return r.re.test(s)
  }
  assert.ok(ok('(?i)^abc$', 'ABC'))
  assert.ok(ok('\\Aab\\z', 'ab'))
  assert.ok(ok('^[[:digit:]]+$', '123'))
  assert.ok(!ok('^[[:alpha:]]+$', '12'))
  assert.ok(ok('\\Qa.b\\E', 'a.b'))
  assert.ok(!ok('\\Qa.b\\E', 'axb'))
  assert.ok(ok('(?P<n>x)', 'x'))
  assert.ok(ok('a{2,3}', 'aa'))
  assert.ok(ok('(ab)+c', 'ababc'), 'single repetition of a group is fine')
  assert.ok(ok('^(foo|bar)+$', 'foobarfoo'), 'alternatives with distinct starts may repeat')
  assert.ok(ok('^(?:\\.[a-z]+|/[a-z]+)*$', '.ab/cd'))
  assert.ok(ok('^(a|b)?(a|ab)c$', 'abc'), 'overlapping alternatives are fine when not repeated')
  assert.ok(ok('^([a-z0-9-]+\\.)+[a-z]+$', 'www.example.com'), 'a mandatory separator makes repetition safe')
  assert.ok(ok('^(/[^/]+)*$', '/a/b'))
  assert.ok(ok('^((ab)+c)+$', 'ababcabc'))
  for (const bad of ['(a|a)*b', '(a|ab)*c', '(?:a|A)+y'.toLowerCase(), '(?:a+)+', '(?<n>a+)*', '(a+)+', '(a*)*b', '((a)+)*', '(\\w+\\s?)+$', '(x+x+)+y', '(\\d+,?)+$', '(a+.)*', '(a+b?)+', '(a)\\1', '(?>a)', 'a*+', '(', '[[:nope:]]', 'x\\']) {
    assert.equal(compileRegex(bad, '').ok, false, bad)
  }
  assert.equal(compileRegex('[[:constructor:]]', '').ok, false, 'inherited names are not classes')
  assert.equal(expandReplacement('$2-$1 \\1', ['ab', 'a', 'b']), 'b-a a')
})

test('long subjects run under a time limit; short ones and matches behave normally', () => {
  const poly = compileRegex('a.*b.*c.*d.*e', '')
  assert.ok(poly.ok && poly.repeats)
  const hostile = 'a' + 'b'.repeat(GUARDED_SUBJECT_CHARS * 4)
  const started = performance.now()
  assert.equal(execRegex(poly, hostile), TIMED_OUT)
  assert.ok(performance.now() - started < 2000)
  const m = execRegex(poly, 'x'.repeat(GUARDED_SUBJECT_CHARS * 2) + 'abcde')
  assert.ok(m !== TIMED_OUT && m !== null && m.index === GUARDED_SUBJECT_CHARS * 2)
  assert.equal(replaceRegex(poly, 'y'.repeat(GUARDED_SUBJECT_CHARS + 1) + 'abcde', () => 'Z'), 'y'.repeat(GUARDED_SUBJECT_CHARS + 1) + 'Z')
  assert.equal(replaceRegex(poly, hostile, () => 'Z'), TIMED_OUT)
  const w = wildcardToRegex('*.html')
  assert.ok(w.repeats)
  assert.notEqual(execRegex(w, 'x'.repeat(GUARDED_SUBJECT_CHARS + 10) + '.html'), null)
})
