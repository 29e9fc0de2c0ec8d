import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BandwidthStore } from './bandwidth.ts'
import { RateStore } from './rate-classes.ts'
import { rateLimits } from './rate-bucket.ts'
import { systemClock } from '../core/index.ts'

test('in a cluster of n, a rate class spaces admissions n times wider; alone again, as configured', () => {
  const store = new RateStore(systemClock)
  store.apply(new Map([['r', rateLimits(0, 10)]]))
  assert.equal(store.get('r')?.limits.intervalMs, 100)
  store.setMembers(3)
  assert.equal(store.get('r')?.limits.intervalMs, 300)
  store.apply(new Map([['r', rateLimits(0, 20)]]))
  assert.equal(store.get('r')?.limits.intervalMs, 150, 'a reload keeps the share')
  store.setMembers(1)
  assert.equal(store.get('r')?.limits.intervalMs, 50)
})

test('in a cluster of n, only `cluster` bandwidth classes give each member 1/n of the maximum', () => {
  const store = new BandwidthStore(() => 0)
  store.apply(new Map([
    ['c', { name: 'c', kbitPerSecond: 900, sharing: 'cluster' as const }],
    ['m', { name: 'm', kbitPerSecond: 900, sharing: 'machine' as const }],
  ]))
  store.setMembers(3)
  assert.equal(store.get('c')?.settings.kbitPerSecond, 300)
  assert.equal(store.get('m')?.settings.kbitPerSecond, 900)
  store.setMembers(1)
  assert.equal(store.get('c')?.settings.kbitPerSecond, 900)
})
