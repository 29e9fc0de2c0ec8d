import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock } from '../core/index.ts'
import { TlsRuntime, TlsSessionCache } from './session-cache.ts'

test('sessions expire and the oldest goes first when full', () => {
  const clock = new ManualClock()
  const cache = new TlsSessionCache(clock, 2, 1000)
  cache.store(Buffer.from('a'), Buffer.from('A'))
  cache.store(Buffer.from('b'), Buffer.from('B'))
  cache.store(Buffer.from('c'), Buffer.from('C'))
  assert.equal(cache.find(Buffer.from('a')), null)
  assert.deepEqual(cache.find(Buffer.from('b')), Buffer.from('B'))
  clock.advance(1000)
  assert.equal(cache.find(Buffer.from('c')), null)
  assert.equal(cache.size, 1)
})

test('a zero-size cache stores nothing', () => {
  const cache = new TlsSessionCache(new ManualClock(), 0, 1000)
  cache.store(Buffer.from('a'), Buffer.from('A'))
  assert.equal(cache.find(Buffer.from('a')), null)
})

test('ticket keys are stable per scope until the scope goes', () => {
  const runtime = new TlsRuntime(new ManualClock())
  const k1 = runtime.ticketKeys('vs')
  assert.equal(k1.length, 48)
  assert.equal(runtime.ticketKeys('vs'), k1)
  assert.notDeepEqual(runtime.ticketKeys('other'), k1)
  assert.equal(runtime.sessionCache('vs', 10, 1000), runtime.sessionCache('vs', 20, 1000))
  runtime.retain(new Set(['other']))
  assert.notEqual(runtime.ticketKeys('vs'), k1)
})
