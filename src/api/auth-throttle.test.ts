import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock } from '../core/index.ts'
import { AuthThrottle, clientKey } from './auth-throttle.ts'

test('the table of addresses is bounded: the least recently seen are forgotten first', () => {
  const clock = new ManualClock(0)
  const throttle = new AuthThrottle(clock, { freeFailures: 1, maxAddresses: 3 })
  for (let i = 1; i <= 10; i++) {
    throttle.attempt(`10.0.0.${String(i)}`)
    clock.advance(1)
  }
  assert.equal(throttle.size, 3)
  assert.equal(throttle.waitMs('10.0.0.1'), 0, 'forgotten')
  assert.ok(throttle.waitMs('10.0.0.10') > 0, 'remembered')
})

test('an address is forgotten after forgetMs without failures', () => {
  const clock = new ManualClock(0)
  const throttle = new AuthThrottle(clock, { freeFailures: 1, firstDelayMs: 1000, maxDelayMs: 1000, forgetMs: 5000 })
  for (let i = 0; i < 5; i++) throttle.attempt('10.0.0.1')
  assert.equal(throttle.waitMs('10.0.0.1'), 1000, 'capped at maxDelayMs')
  clock.advance(5001)
  assert.equal(throttle.waitMs('10.0.0.1'), 0)
  assert.equal(throttle.size, 0)
})

test('IPv6 clients are throttled by their /64, IPv4-mapped ones as IPv4', () => {
  assert.equal(clientKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64')
  assert.equal(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64')
  assert.equal(clientKey('2001:db8::1'), '2001:db8:0:0::/64')
  assert.equal(clientKey('::1'), '0:0:0:0::/64')
  assert.equal(clientKey('::ffff:127.0.0.1'), '127.0.0.1')
  assert.equal(clientKey('192.0.2.7'), '192.0.2.7')
})
