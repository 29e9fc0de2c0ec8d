/**
 * Password guessing (issue #11, item 5): unknown users cost the same scrypt work as known users
 * with a wrong password, and failed logins are throttled per client address (429 with
 * Retry-After), counted, not timed.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { verifyPassword } from '../../src/api/index.ts'
import { ManualClock } from '../../src/core/index.ts'
import { ADMIN, basic, rawCall, startApi } from './harness.ts'

const POOLS = '/api/tm/8.3/config/active/pools/'

test('an unknown user is checked with the same scrypt work as a known user with a wrong password', async (t) => {
  const checked: string[] = []
  const verify = (password: string, hash: string) => {
    // The parameters part of the hash: scrypt$N$r$p.
    checked.push(hash.split('$').slice(0, 4).join('$'))
    return verifyPassword(password, hash)
  }
  const h = await startApi(t, {}, undefined, { api: { verifyPassword: verify } })
  const unknown = await h.call('GET', POOLS, undefined, { auth: basic('nobody', 'guess') })
  const wrong = await h.call('GET', POOLS, undefined, { auth: basic(ADMIN.user, 'guess') })
  assert.equal(unknown.status, 401)
  assert.equal(wrong.status, 401)
  assert.equal(unknown.text, wrong.text, 'the same answer')
  assert.deepEqual(checked, ['scrypt$16384$8$1', 'scrypt$16384$8$1'], 'one full scrypt check each, same parameters')
})

test('failed logins are throttled per address with 429 and Retry-After; a success starts afresh', async (t) => {
  const clock = new ManualClock(1_000_000)
  const h = await startApi(t, {}, undefined, { clock, api: { throttle: { freeFailures: 3, firstDelayMs: 1000, maxDelayMs: 4000 } } })
  const from = (localAddress: string, password: string) =>
    rawCall(h.apiUrl, 'GET', POOLS, { headers: { authorization: basic(ADMIN.user, password) }, localAddress })
  const statuses = async (localAddress: string, password: string, n: number) => {
    const out: number[] = []
    for (let i = 0; i < n; i++) out.push((await from(localAddress, password)).status)
    return out
  }
  assert.deepEqual(await statuses('127.0.0.1', 'wrong', 4), [401, 401, 401, 429])
  const blocked = await from('127.0.0.1', ADMIN.password)
  assert.equal(blocked.status, 429, 'even the right password waits: guessing is what is slowed')
  assert.equal(blocked.headers['retry-after'], '1')
  assert.match(blocked.text, /auth\.throttled/)
  assert.deepEqual(await statuses('127.0.0.2', 'wrong', 1), [401], 'another address is not affected')

  clock.advance(1000)
  assert.deepEqual(await statuses('127.0.0.1', 'wrong', 2), [401, 429], 'one more try, then twice as long')
  assert.equal((await from('127.0.0.1', 'wrong')).headers['retry-after'], '2')
  clock.advance(2000)
  assert.deepEqual(await statuses('127.0.0.1', ADMIN.password, 1), [200], 'the right password after the wait')
  assert.deepEqual(await statuses('127.0.0.1', 'wrong', 4), [401, 401, 401, 429], 'a success starts afresh')

  // Guesses sent at once are counted as they start, so they do not slip through together.
  clock.advance(60_000)
  await statuses('127.0.0.1', ADMIN.password, 1)
  const parallel = await Promise.all(Array.from({ length: 12 }, () => from('127.0.0.1', 'wrong')))
  assert.deepEqual(parallel.map((r) => r.status).sort(), [...Array<number>(3).fill(401), ...Array<number>(9).fill(429)])
})
