import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { equalsLowerName, headerValue, hostName, isToken, splitTarget, targetPath, targetQuery } from './http-url.ts'

test('targetPath and targetQuery agree with splitTarget', () => {
  const fixed = [
    '/', '/a/b?x=1', '/a?', '/a#f', '/a#f?x', '/a?x#f', '/a?x?y', '?q', '', '#', 'http://h', 'http://h/p?q#f', 'http://h?q',
    'http://h#f', 'HTTPS://h:1/p', '*', 'x:/y', '/%2f?%3f',
  ]
  for (const raw of fixed) {
    const { path, query } = splitTarget(raw)
    assert.equal(targetPath(raw), path, raw)
    assert.equal(targetQuery(raw), query, raw)
  }
  const part = fc.string({ unit: fc.constantFrom('/', '?', '#', 'a', '=', ':', '.', 'h', '%'), maxLength: 12 })
  fc.assert(fc.property(fc.constantFrom('', '/', 'http://h', 'a:', '?'), part, (prefix, rest) => {
    const raw = prefix + rest
    const { path, query } = splitTarget(raw)
    assert.equal(targetPath(raw), path, raw)
    assert.equal(targetQuery(raw), query, raw)
  }), { numRuns: 2000 })
})

test('isToken and headerValue match their definitions (RFC 9110 tchar; CR, LF and NUL removed)', () => {
  const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
  for (let c = 0; c < 256; c++) {
    const ch = String.fromCharCode(c)
    assert.equal(isToken(ch), TOKEN.test(ch), `char ${c}`)
    assert.equal(isToken(`X-${ch}`), TOKEN.test(`X-${ch}`), `char ${c}`)
  }
  assert.equal(isToken(''), false)
  assert.equal(isToken('X-Request-Class'), true)
  assert.equal(headerValue('plain value'), 'plain value')
  assert.equal(headerValue('a\r\nSet-Cookie: x\0=1\n'), 'aSet-Cookie: x=1')
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '\r', '\n', '\0', '\t', 'é') }), (v) => {
    assert.equal(headerValue(v), v.replace(/[\r\n\0]/g, ''))
  }), { numRuns: 500 })
})

test('equalsLowerName is toLowerCase equality, Kelvin sign included', () => {
  for (const name of ['Cookie', 'COOKIE', 'cookie', 'Cookies', 'Cook1e', 'Coo\u212Aie', 'Accept', '']) {
    assert.equal(equalsLowerName(name, 'cookie'), name.toLowerCase() === 'cookie', name)
  }
})

test('hostName: lower case, no white space, port or trailing dot; the fast path agrees with the definition', () => {
  const reference = (raw: string): string => {
    let h = raw.trim().toLowerCase()
    if (h.startsWith('[')) {
      const end = h.indexOf(']')
      return end < 0 ? h : h.slice(0, end + 1)
    }
    const c = h.indexOf(':')
    if (c >= 0) h = h.slice(0, c)
    return h.endsWith('.') ? h.slice(0, -1) : h
  }
  for (const raw of ['www.example.com', '127.0.0.1:8080', 'WWW.Example.COM.', ' h.example:80 ', '[::1]:80', 'a.', '', ':80', 'h:', 'x\u00a0']) {
    assert.equal(hostName(raw), reference(raw), raw)
  }
  assert.equal(hostName('127.0.0.1:8080'), '127.0.0.1')
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', 'Z', '0', '.', '-', ':', '[', ']', ' ', '\t', '\u00a0', 'À', '_'), maxLength: 10 }), (raw) => {
    assert.equal(hostName(raw), reference(raw), JSON.stringify(raw))
  }), { numRuns: 3000 })
})
