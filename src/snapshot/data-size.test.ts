import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseDataSize } from './data-size.ts'

test('data_size reads percentages of memory and absolute sizes', () => {
  const mem = 1000 * 1024 * 1024
  assert.equal(parseDataSize('5%', mem), 52428800)
  assert.equal(parseDataSize('200MB', mem), 200 * 1024 * 1024)
  assert.equal(parseDataSize('64kb', mem), 65536)
  assert.equal(parseDataSize('4096', mem), 4096)
  assert.equal(parseDataSize('lots', mem), 52428800)
})
