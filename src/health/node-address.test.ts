import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseNodeAddress } from './node-address.ts'

test('parseNodeAddress reads host:port, [v6]:port and bare hosts when allowed', () => {
  assert.deepEqual(parseNodeAddress('10.0.0.1:80'), { ok: true, value: { host: '10.0.0.1', port: 80, label: '10.0.0.1:80' } })
  assert.deepEqual(parseNodeAddress('[::1]:8080'), { ok: true, value: { host: '::1', port: 8080, label: '[::1]:8080' } })
  assert.deepEqual(parseNodeAddress('web1', true), { ok: true, value: { host: 'web1', label: 'web1' } })
  assert.deepEqual(parseNodeAddress('::1', true), { ok: true, value: { host: '::1', label: '::1' } })
})

test('parseNodeAddress rejects missing or bad ports', () => {
  for (const bad of ['web1', 'web1:', 'web1:0', 'web1:65536', 'web1:8x', '[::1', '[::1]x', ':80', '']) {
    assert.equal(parseNodeAddress(bad).ok, false, bad)
  }
})
