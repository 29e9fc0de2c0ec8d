import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isHeadError, parseRequestHead, type RequestHead } from './request-head.ts'
import { DEFAULT_HEAD_LIMITS } from '../snapshot/index.ts'
import { isValidHost } from './syntax.ts'

test('Host syntax: reg-names, IPv4, IP literals and ports', () => {
  for (const ok of ['', 'a', 'a.example', 'A-b_c~d.example', '%41.example', '127.0.0.1', '[::1]', '[fe80::1]:8080', '[v1.x]', '[vF.a:b]', '[::ffff:127.0.0.1]', 'h:', 'h:65535', "a!$&'()*+,;=b"]) {
    assert.equal(isValidHost(Buffer.from(ok, 'latin1'), 0, ok.length), true, ok)
  }
  for (const bad of ['a@b', 'a/b', 'a?b', 'a#b', 'a b', 'a\\b', '[::1', '[]', '[zz]', '[1.2.3.4]', '[1:::2]', '[v1.]', '[v.x]', '[vz.x]', '[::1]x', 'h:1x', 'h:123456', '%4', '%zz', 'é.example', 'a:b:c']) {
    assert.equal(isValidHost(Buffer.from(bad, 'latin1'), 0, bad.length), false, bad)
  }
})

function parse(text: string): RequestHead | string {
  const buf = Buffer.from(text, 'latin1')
  const head = parseRequestHead(buf, 0, buf.length, DEFAULT_HEAD_LIMITS)
  if (head === null) return 'incomplete'
  return isHeadError(head) ? head.reason : head
}

test('an absolute-form target becomes origin-form, and its authority the Host', () => {
  const head = parse('GET http://internal.example:81/a/b?c=d HTTP/1.1\r\nHost: a\r\nX: y\r\n\r\n')
  assert.ok(typeof head !== 'string')
  assert.equal(head.target, '/a/b?c=d')
  assert.equal(head.host, 'internal.example:81')
  assert.deepEqual(head.headers, ['Host', 'internal.example:81', 'X', 'y'])
  assert.equal(head.needsRewrite, true)
  for (const [text, reason] of [
    ['GET http://u:p@h/ HTTP/1.1\r\nHost: a\r\n\r\n', /target/],
    ['GET http://h/#frag HTTP/1.1\r\nHost: a\r\n\r\n', /target/],
    ['GET http://:80/ HTTP/1.1\r\nHost: a\r\n\r\n', /target/],
    ['GET mailto:x HTTP/1.1\r\nHost: a\r\n\r\n', /target/],
  ] as const) {
    const got = parse(text)
    assert.match(typeof got === 'string' ? got : 'parsed', reason, text)
  }
  const star = parse('OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n')
  assert.ok(typeof star !== 'string' && star.target === '*')
  const connect = parse('CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n')
  assert.ok(typeof connect !== 'string' && connect.target === 'h:443')
})
