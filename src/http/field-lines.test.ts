import assert from 'node:assert/strict'
import { test } from 'node:test'
import { headString } from './field-lines.ts'

const head = (padTo: number): string => {
  const base = 'GET / HTTP/1.1\r\nHost: h\r\nX-Pad: '
  return base + 'p'.repeat(padTo - base.length - 4) + '\r\n\r\n'
}

test('headString gives exactly the head, whatever follows it in the read', () => {
  const h = head(200)
  assert.equal(headString(Buffer.from(h, 'latin1'), 0, h.length), h)
  const withBody = Buffer.from(h + 'body bytes\r\n\r\nmore', 'latin1')
  assert.equal(headString(withBody, 0, withBody.length), h)
  const offset = Buffer.from('xx' + h, 'latin1')
  assert.equal(headString(offset, 2, offset.length), h)
})

test('headString finds heads longer than its probe and ends that straddle it', () => {
  for (const length of [2046, 2047, 2048, 2049, 2050, 2051, 2052, 5000]) {
    const h = head(length)
    const buf = Buffer.from(h + 'tail'.repeat(600), 'latin1')
    assert.equal(headString(buf, 0, buf.length), h, `a head of ${String(length)} bytes`)
  }
})

test('headString says null until the empty line has arrived within the range', () => {
  const h = head(3000)
  const buf = Buffer.from(h, 'latin1')
  assert.equal(headString(buf, 0, buf.length - 1), null)
  assert.equal(headString(buf, 0, 100), null)
  assert.equal(headString(buf.subarray(0, 2500), 0, 2500), null)
})
