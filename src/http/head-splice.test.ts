import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spliceHeadInPlace } from './head-splice.ts'
import { isDroppedForKeptClient } from './outgoing-head.ts'
import { isHeadError } from './request-head.ts'
import { parseResponseHead } from './response-head.ts'

/** Parses `head` followed by `body` from one buffer, splices, and returns what would be sent. */
function splice(head: string, body: string): string | null {
  const buf = Buffer.from(head + body, 'latin1')
  const res = parseResponseHead(buf, 0, buf.length)
  assert.ok(res !== null && !isHeadError(res))
  const from = spliceHeadInPlace(buf, 0, res, isDroppedForKeptClient)
  return from === -1 ? null : buf.toString('latin1', from)
}

test('cuts a trailing Connection line out and keeps the body in place', () => {
  const out = splice('HTTP/1.1 200 OK\r\nServer: n\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\n', 'hello')
  assert.equal(out, 'HTTP/1.1 200 OK\r\nServer: n\r\nContent-Length: 5\r\n\r\nhello')
})

test('cuts lines anywhere: first, middle and ones named by Connection', () => {
  const out = splice(
    'HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nA: 1\r\nKeep-Alive: timeout=5\r\nX-Hop: y\r\nB:  2 \r\nUpgrade: h2c\r\n\r\n',
    'body',
  )
  assert.equal(out, 'HTTP/1.1 200 OK\r\nA: 1\r\nB:  2 \r\n\r\nbody')
})

test('leaves a head with nothing to drop as it is', () => {
  assert.equal(splice('HTTP/1.1 204 No Content\r\nA: 1\r\n\r\n', ''), 'HTTP/1.1 204 No Content\r\nA: 1\r\n\r\n')
})

test('refuses when there are more pieces to move than it keeps track of', () => {
  let head = 'HTTP/1.1 200 OK\r\n'
  for (let i = 0; i < 70; i++) head += `A${String(i)}: 1\r\nKeep-Alive: 1\r\n`
  assert.equal(splice(head + '\r\n', ''), null)
})
