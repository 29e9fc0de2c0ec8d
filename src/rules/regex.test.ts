// PCRE translation and refusals, and how each match is bounded: the backtracking engine for
// what the cost model trusts it with, the linear engine beyond, a time limit for the rest.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { TIMED_OUT, compileRegex, execRegex, expandReplacement, replaceRegex, wildcardToRegex } from './regex.ts'
import type { CompiledRegex } from './regex.ts'

function compiled(p: string, flags = ''): CompiledRegex {
  const r = compileRegex(p, flags)
  if (!r.ok) assert.fail(`${p}: ${r.error}`)
  return r
}

function matches(p: string, s: string, flags = ''): boolean {
  const m = execRegex(compiled(p, flags), s)
  assert.notEqual(m, TIMED_OUT)
  return m !== null
}

test('regex translation and refusals', () => {
  assert.ok(matches('(?i)^abc$', 'ABC'))
  assert.ok(matches('\\Aab\\z', 'ab'))
  assert.ok(matches('^[[:digit:]]+$', '123'))
  assert.ok(!matches('^[[:alpha:]]+$', '12'))
  assert.ok(matches('\\Qa.b\\E', 'a.b'))
  assert.ok(!matches('\\Qa.b\\E', 'axb'))
  assert.ok(matches('(?P<n>x)', 'x'))
  assert.ok(matches('a{2,3}', 'aa'))
  assert.ok(matches('a{,2}', 'a{,2}'), 'a brace that is no quantifier is a literal')
  assert.ok(matches('[]a]', ']'), 'a ] first in a class is a member')
  assert.ok(matches('^((ab)+c)+$', 'ababcabc'))
  // Nested repetition runs on the linear engine now, so these are accepted and fast.
  for (const p of ['(a|a)*b', '(a|ab)*c', '(?:a+)+', '(a+)+', '((a)+)*', '(\\w+\\s?)+$', '(x+x+)+y', '(\\d+,?)+$']) {
    assert.ok(!matches(p + 'z', 'a'.repeat(40) + '!'), p)
  }
  for (const bad of ['(a)\\1', '(?>a)', 'a*+', 'a{2}+', '(', '[[:nope:]]', 'x\\', '[[:constructor:]]']) {
    assert.equal(compileRegex(bad, '').ok, false, bad)
  }
  assert.equal(expandReplacement('$2-$1 \\1', ['ab', 'a', 'b']), 'b-a a')
})

test('nested repetition that only backtracking can run is refused, saying why', () => {
  for (const [p, why] of [
    ['(a+)+(?=x)', 'lookaround'], ['(a*)*b', 'empty string'], ['(?i:a+)+', 'scoped options'], ['((a|b)+)\\k<n>(?<n>x)', 'backreferences'],
  ] as const) {
    const r = compileRegex(p, '')
    assert.ok(!r.ok && r.error.startsWith('nested repetition can backtrack catastrophically, and ') && r.error.includes(why), `${p}: ${JSON.stringify(r)}`)
  }
})

test('the cost model: linear patterns run directly on any subject, risky ones only on short ones', () => {
  assert.equal(compiled('^/api/v\\d{1,3}/').directMaxChars, Infinity)
  assert.equal(compiled('\\.(gif|jpe?g|png)$', 'i').directMaxChars, Infinity)
  assert.ok(compiled('Mozilla.*MSIE').directMaxChars >= 256, 'one unbounded quantifier: a User-Agent fits')
  assert.ok(compiled('^/([^/]+)/(\\d+)$').directMaxChars >= 256, 'anchored: a path fits')
  assert.ok(compiled('^([a-z0-9]{1,63}\\.?)+$').directMaxChars < 8, 'nested repetition: almost nothing runs directly')
})

test('issue 11: the host-name check on a hostile header answers at once, and correctly', () => {
  const r = compiled('^([a-z0-9]{1,63}\\.?)+$')
  const started = performance.now()
  for (let extra = 0; extra < 8; extra++) assert.equal(execRegex(r, 'a'.repeat(28 + extra) + '!'), null)
  assert.ok(performance.now() - started < 500, 'linear, not exponential')
  const m = execRegex(r, 'www.example.com')
  assert.ok(m !== null && m !== TIMED_OUT)
  assert.deepEqual(Array.from(m), ['www.example.com', 'com'])
})

test('long subjects: the linear engine gives the same answers as the backtracking one', () => {
  const poly = compiled('a.*b.*c.*d.*e')
  // Sizes stay well under what 100 ms allows, even on a busy machine.
  const long = 'x'.repeat(3000) + 'abcde'
  const m = execRegex(poly, long)
  assert.ok(m !== null && m !== TIMED_OUT && m.index === 3000)
  assert.equal(execRegex(poly, 'a' + 'b'.repeat(3000)), null, 'computed, not timed out')
  assert.equal(replaceRegex(poly, 'y'.repeat(5000) + 'abcde', () => 'Z'), 'y'.repeat(5000) + 'Z')
  const g = compiled('(\\d+)-(\\d+)', 'g')
  const pairs = '12-34 '.repeat(1000)
  assert.equal(replaceRegex(g, pairs, (...x: unknown[]) => `${String(x[2])}-${String(x[1])}`), '34-12 '.repeat(1000))
  const w = wildcardToRegex('*.html')
  assert.ok(w.ok)
  assert.notEqual(execRegex(w, 'x'.repeat(20_000) + '.html'), null)
  assert.equal(execRegex(w, 'x'.repeat(20_000) + '.htm'), null)
})

test('every match is bounded in time: a huge subject on the linear engine, lookaround on the timed one', () => {
  const big = compiled('(?:[a-z]+[0-9]*){1,200}!')
  let started = performance.now()
  assert.equal(execRegex(big, 'a'.repeat(400_000)), TIMED_OUT)
  assert.equal(replaceRegex(big, 'a'.repeat(400_000), () => ''), TIMED_OUT)
  assert.ok(performance.now() - started < 2000)
  const look = compiled('(?=a).*b.*c.*d.*e')
  assert.equal(look.linear, null)
  started = performance.now()
  assert.equal(execRegex(look, 'a' + 'b'.repeat(20_000)), TIMED_OUT)
  assert.ok(performance.now() - started < 2000)
  const m = execRegex(look, 'x'.repeat(3000) + 'abcde')
  assert.ok(m !== null && m !== TIMED_OUT && m.index === 3000)
})
