import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HostMap, isValidHostPattern } from './host-map.ts'

test('exact names win over wildcards; a wildcard covers one label only', () => {
  const map = new HostMap<string>()
  map.add('*.example.com', 'wild')
  map.add('www.example.com', 'www')
  map.add('Other.Example.org.', 'other')
  assert.equal(map.lookup('www.example.com'), 'www')
  assert.equal(map.lookup('WWW.EXAMPLE.COM'), 'www')
  assert.equal(map.lookup('api.example.com'), 'wild')
  assert.equal(map.lookup('a.b.example.com'), undefined)
  assert.equal(map.lookup('example.com'), undefined)
  assert.equal(map.lookup('other.example.org'), 'other')
  assert.equal(map.lookup(''), undefined)
  assert.equal(map.size, 3)
})

test('the first mapping for a name wins', () => {
  const map = new HostMap<number>()
  map.add('a.test', 1)
  map.add('a.test', 2)
  assert.equal(map.lookup('a.test'), 1)
})

test('host patterns', () => {
  for (const ok of ['example.com', '*.example.com', 'localhost', 'a-b.c_d.test']) assert.equal(isValidHostPattern(ok), true, ok)
  for (const bad of ['', '*', 'a.*.com', 'exa mple.com', '-a.com', '*example.com']) assert.equal(isValidHostPattern(bad), false, bad)
})
