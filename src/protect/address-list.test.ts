import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildAddressList, type AddressList } from './address-list.ts'

function list(entries: string[]): AddressList {
  const built = buildAddressList(entries)
  if (!('list' in built)) throw new Error(built.reason)
  return built.list
}

test('IPv4 and IPv6 addresses and ranges match', () => {
  const l = list(['192.0.2.7', '10.0.0.0/8', '2001:db8::/32', '::1'])
  assert.equal(l.matches('192.0.2.7'), true)
  assert.equal(l.matches('192.0.2.8'), false)
  assert.equal(l.matches('10.200.3.4'), true)
  assert.equal(l.matches('11.0.0.1'), false)
  assert.equal(l.matches('2001:db8:1::5'), true)
  assert.equal(l.matches('2001:db9::5'), false)
  assert.equal(l.matches('::1'), true)
  assert.equal(l.matches('::2'), false)
})

test('an IPv4 range matches the same address written IPv4-mapped', () => {
  assert.equal(list(['10.0.0.0/8']).matches('::ffff:10.1.2.3'), true)
})

test('an empty list matches nothing', () => {
  assert.equal(list([]).matches('127.0.0.1'), false)
})

test('entries that are not addresses or ranges are named with the reason', () => {
  assert.deepEqual(buildAddressList(['10.0.0.1', 'example.com']), { bad: 'example.com', reason: 'is not an IPv4 or IPv6 address' })
  assert.deepEqual(buildAddressList(['10.0.0.0/33']), { bad: '10.0.0.0/33', reason: 'has a prefix length outside 0-32' })
  assert.deepEqual(buildAddressList(['::/129']), { bad: '::/129', reason: 'has a prefix length outside 0-128' })
  assert.deepEqual(buildAddressList(['10.0.0.0/x']), { bad: '10.0.0.0/x', reason: 'has a prefix length outside 0-32' })
})

test('answers stay right past the size of the memo of recent addresses', () => {
  const l = list(['10.0.0.0/8'])
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 5000; i++) {
      assert.equal(l.matches(`10.0.${i >> 8}.${i & 255}`), true)
      assert.equal(l.matches(`11.0.${i >> 8}.${i & 255}`), false)
    }
  }
})
