import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AddressTable, classId } from './address-table.ts'

test('counts open connections and rate windows per class and address; a full table sweeps what ended', () => {
  const table = new AddressTable(AddressTable.allocate(16), 1)
  const a = classId('a')
  const b = classId('b')
  table.opened(a, '10.0.0.1')
  table.opened(a, '10.0.0.1')
  table.opened(b, '10.0.0.1')
  assert.equal(table.open(a, '10.0.0.1'), 2)
  assert.equal(table.open(b, '10.0.0.1'), 1)
  table.closed(a, '10.0.0.1')
  table.closed(a, '10.0.0.1')
  table.closed(a, '10.0.0.1')
  assert.equal(table.open(a, '10.0.0.1'), 0, 'never below zero')
  assert.equal(table.countRate(a, '10.0.0.2', 1000, 500), 1)
  assert.equal(table.countRate(a, '10.0.0.2', 1200, 500), 2)
  assert.equal(table.countRate(a, '10.0.0.2', 1600, 500), 1, 'a new window')
  // Twelve of sixteen entries in use fill the table; ended windows are swept to make room.
  for (let i = 0; i < 30; i++) assert.equal(table.countRate(a, `192.0.2.${String(i)}`, 0, 10), 1)
  table.opened(b, '198.51.100.1')
  assert.equal(table.open(b, '198.51.100.1'), 1)
  assert.equal(table.open(b, '10.0.0.1'), 1, 'live entries survive a sweep')
  // Busiest ten of a class only.
  for (let i = 0; i < 12; i++) for (let j = 0; j <= i; j++) table.opened(a, `203.0.113.${String(i)}`)
  assert.equal(table.busiestTen(b), 2)
})
