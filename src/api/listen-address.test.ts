import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isLoopbackHost, parseApiAddress } from './listen-address.ts'

test('API addresses parse as HOST:PORT and [V6]:PORT', () => {
  assert.deepEqual(parseApiAddress('127.0.0.1:9070'), { ok: true, value: { host: '127.0.0.1', port: 9070 } })
  assert.deepEqual(parseApiAddress('[::1]:0'), { ok: true, value: { host: '::1', port: 0 } })
  assert.deepEqual(parseApiAddress('localhost:80'), { ok: true, value: { host: 'localhost', port: 80 } })
  for (const bad of ['9070', '127.0.0.1', '::1:80', '127.0.0.1:65536', 'a:b', '']) assert.equal(parseApiAddress(bad).ok, false, bad)
})

test('only loopback addresses count as loopback', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) assert.equal(isLoopbackHost(h), true, h)
  for (const h of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'example.com']) assert.equal(isLoopbackHost(h), false, h)
})
