import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SessionTable } from './session-table.ts'
import { PersistenceStore } from './persistence-store.ts'
import { ipv4Subnet, ipv6Subnet } from './ip-type.ts'

test('the least recently used mapping is evicted first', () => {
  const t = new SessionTable(2, 0)
  t.set('a', 'n1:1', 0)
  t.set('b', 'n2:1', 0)
  assert.equal(t.get('a', 1), 'n1:1')
  t.set('c', 'n3:1', 2)
  assert.equal(t.get('b', 3), undefined, 'b was least recently used')
  assert.equal(t.get('a', 3), 'n1:1')
  assert.equal(t.get('c', 3), 'n3:1')
  assert.equal(t.size, 2)
})

test('a mapping unused for longer than the expiry is forgotten; use keeps it alive', () => {
  const t = new SessionTable(10, 1000)
  t.set('a', 'n1:1', 0)
  t.set('b', 'n2:1', 0)
  assert.equal(t.get('a', 900), 'n1:1')
  assert.equal(t.get('a', 1800), 'n1:1', 'the read at 900 ms refreshed it')
  assert.equal(t.get('b', 1800), undefined)
  assert.equal(t.size, 1)
})

test('shrinking the limit evicts at once', () => {
  const t = new SessionTable(5, 0)
  for (let i = 0; i < 5; i++) t.set(String(i), 'n:1', i)
  t.configure(2, 0)
  assert.equal(t.size, 2)
  assert.equal(t.get('4', 9), 'n:1')
})

test('the store keeps a table per class name until the type changes or the class goes', () => {
  const store = new PersistenceStore()
  const limits = { maxEntries: 10, expiryMs: 0 }
  const a = store.table('c', 'ip', limits)
  a.set('k', 'n:1', 0)
  assert.equal(store.table('c', 'ip', limits), a)
  assert.equal(store.sessions('c'), 1)
  const b = store.table('c', 'universal', limits)
  assert.notEqual(b, a)
  assert.equal(store.sessions('c'), 0)
  store.retain(new Set())
  assert.equal(store.sessions('c'), 0)
  assert.notEqual(store.table('c', 'universal', limits), b)
})

test('ip keys: IPv4 and IPv6 subnets', () => {
  assert.equal(ipv4Subnet('10.1.2.3', 0), '10.1.2.3')
  assert.equal(ipv4Subnet('10.1.2.3', 24), '10.1.2.0/24')
  assert.equal(ipv4Subnet('10.1.200.3', 17), '10.1.128.0/17')
  assert.equal(ipv4Subnet('255.255.255.255', 31), '255.255.255.254/31')
  assert.equal(ipv6Subnet('2001:db8::1', 0), '2001:db8::1')
  assert.equal(ipv6Subnet('2001:db8:aaaa:bbbb::1', 48), '2001:db8:aaaa:0:0:0:0:0/48')
  assert.equal(ipv6Subnet('2001:db8:aaaa:bbbb::1', 52), '2001:db8:aaaa:b000:0:0:0:0/52')
  assert.equal(ipv6Subnet('2001:DB8:aaaa:bbbb::ffff', 64), ipv6Subnet('2001:db8:aaaa:bbbb:1:2:3:4', 64))
  assert.equal(ipv6Subnet('::ffff:10.1.2.3', 112), '0:0:0:0:0:ffff:a01:0/112')
})
