// The linear-time engine gives the answer JavaScript's engine gives: the same match, index and
// captures, for generated patterns and subjects, with each flag.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { MAX_PROGRAM, OUT_OF_TIME, compileLinear, execLinear, replaceLinear } from './regex-linear.ts'
import type { LinearProgram } from './regex-linear.ts'
import { parseRegex } from './regex-syntax.ts'

const FAR = Number.POSITIVE_INFINITY

function program(source: string, flags = ''): LinearProgram {
  const p = compileLinear(parseRegex(source, flags.includes('s')), flags)
  assert.ok(typeof p !== 'string', `${source}: ${p as string}`)
  return p
}

function isLinear(source: string): boolean {
  return typeof compileLinear(parseRegex(source, false), '') !== 'string'
}

function linear(source: string, subject: string, flags = ''): unknown {
  const m = execLinear(program(source, flags), subject, FAR)
  if (m === OUT_OF_TIME) return m
  return m === null ? null : { groups: Array.from(m), index: m.index }
}

function native(source: string, subject: string, flags = ''): unknown {
  const m = new RegExp(source, flags).exec(subject)
  return m === null ? null : { groups: Array.from(m), index: m.index }
}

const atom = fc.constantFrom('a', 'b', '.', '[ab]', '[^a]', '\\w', '\\s', '\\d', 'A', '[a-c]', '\\x61', '\\n')
const quantifier = fc.constantFrom('', '', '*', '+', '?', '*?', '+?', '??', '{2}', '{1,3}', '{0,2}?', '{2,}')
const assertion = fc.constantFrom('^', '$', '\\b', '\\B')

const pattern: fc.Arbitrary<string> = fc.letrec<{ alt: string; seq: string; term: string }>((tie) => ({
  alt: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('seq'), fc.tuple(tie('seq'), tie('seq')).map(([x, y]) => `${x}|${y}`)),
  seq: fc.array(tie('term'), { minLength: 1, maxLength: 4 }).map((t) => t.join('')),
  term: fc.oneof(
    { depthSize: 'small' },
    fc.tuple(atom, quantifier).map(([x, q]) => x + q),
    assertion,
    fc.tuple(fc.constantFrom('(', '(?:', '(?<n>'), tie('alt'), quantifier).map(([o, x, q]) => `${o}${x})${q}`),
  ),
})).alt.map((p) => {
  // Only one group may carry the name n.
  let seen = false
  return p.replace(/\(\?<n>/g, () => (seen ? '(' : ((seen = true), '(?<n>')))
})

const subject = fc.array(fc.constantFrom('a', 'b', 'c', 'A', ' ', '\n', '1', '_'), { maxLength: 12 }).map((c) => c.join(''))

test('generated patterns: the same match as JavaScript, with and without flags', () => {
  fc.assert(
    fc.property(pattern, subject, fc.constantFrom('', 'i', 'm', 's', 'im'), (p, s, f) => {
      fc.pre(isLinear(p))
      assert.deepEqual(linear(p, s, f), native(p, s, f), `/${p}/${f} on ${JSON.stringify(s)}`)
    }),
    { numRuns: 2000 },
  )
})

test('generated patterns: global replacement as String.prototype.replace does it', () => {
  fc.assert(
    fc.property(pattern, subject, (p, s) => {
      fc.pre(isLinear(p))
      const fn = (...m: unknown[]): string => `<${m.filter((x) => typeof x === 'string' || x === undefined).map(String).join(',')}>`
      assert.equal(replaceLinear(program(p), s, true, fn, FAR), s.replace(new RegExp(p, 'g'), fn), `/${p}/g on ${JSON.stringify(s)}`)
    }),
    { numRuns: 1000 },
  )
})

test('the cases that differ between engines', () => {
  for (const [p, s, f = ''] of [
    ['(a|ab)(c|bcd)(d*)', 'abcd'], ['(a*){0,3}b', 'aaab'], ['(a|(b))+', 'ba'], ['(a*)?', ''], ['(a*){1,3}', 'b'], ['(?:a|b)*?b', 'aab'],
    ['(z)((a+)?(b+)?(c))*', 'zaacbbbcac'], ['(.*?)-(.*)', 'a-b-c'], ['(a|){2,5}b', 'aab'], ['(a*?\\B(a){0,2}?){0,4}', 'aa'], ['(?:(a)|b)+', 'ab'], ['^$', ''],
    ['x{0,3}?y', 'xxy'], ['[]', 'a'], ['[^]', '\n'], ['[\\d-z]+', '1-z'], ['\\u0041\\cJ', 'A\n'], ['[\\b]', '\b'],
    ['\u00ff', '\u0178', 'i'], ['[a-z]+', 'ABC', 'i'], ['\\W', 'k', 'i'], ['^b$', 'a\r\nb\r\n', 'm'], ['a.b', 'a\u2028b', 's'],
  ] as const) {
    assert.deepEqual(linear(p, s, f), native(p, s, f), `/${p}/${f} on ${JSON.stringify(s)}`)
  }
})

test('what the engine cannot run is left to the backtracking engine, with the reason', () => {
  for (const [p, why] of [
    ['a(?=b)', 'lookaround'], ['(?<!a)b', 'lookaround'], ['(?i:a)b', 'scoped options'], ['(a)\\k<x>(?<x>b)', 'backreferences'],
    ['\\01', 'escape'], ['(a*)*', 'empty string'], ['(a|b?)+c', 'empty string'], [`(?:a{1,${String(MAX_PROGRAM)}})`, 'instructions'],
  ]) {
    const r = compileLinear(parseRegex(p ?? '', false), '')
    assert.ok(typeof r === 'string' && r.includes(why ?? ''), `${p ?? ''}: ${typeof r === 'string' ? r : 'compiled'}`)
  }
})

test('the issue 11 host-name pattern on a hostile header takes linear time, and a deadline stops a long run', () => {
  const p = program('^([a-z0-9]{1,63}\\.?)+$')
  assert.equal(execLinear(p, 'a'.repeat(28) + '!', FAR), null)
  const ok = execLinear(p, 'www.example.com', FAR)
  assert.ok(ok !== null && ok !== OUT_OF_TIME)
  assert.deepEqual(Array.from(ok), ['www.example.com', 'com'])
  const started = performance.now()
  assert.equal(execLinear(p, 'a'.repeat(2_000_000) + '!', performance.now() + 20), OUT_OF_TIME)
  assert.ok(performance.now() - started < 1000)
  assert.equal(replaceLinear(p, 'a'.repeat(2_000_000), true, () => '', performance.now() + 20), OUT_OF_TIME)
})
