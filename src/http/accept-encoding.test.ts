import assert from 'node:assert/strict'
import { test } from 'node:test'
import { chooseCoding } from './accept-encoding.ts'
import { rewriteEtag } from './compression-phase.ts'

test('the client’s highest q-value wins; ties go to the order the virtual server prefers', () => {
  assert.equal(chooseCoding('gzip, br', ['br', 'gzip']), 'br')
  assert.equal(chooseCoding('gzip, br', ['gzip', 'br']), 'gzip')
  assert.equal(chooseCoding('gzip;q=0.8, br;q=0.9', ['gzip', 'br']), 'br')
  assert.equal(chooseCoding('GZIP;Q=1', ['gzip']), 'gzip')
  assert.equal(chooseCoding('x-gzip', ['gzip']), 'gzip')
  assert.equal(chooseCoding(' gzip ; q=0.001 ', ['gzip']), 'gzip')
})

test('q=0 refuses a coding, * covers the ones not named, identity changes nothing', () => {
  assert.equal(chooseCoding('gzip;q=0', ['gzip']), null)
  assert.equal(chooseCoding('gzip;q=0.000, br', ['gzip', 'br']), 'br')
  assert.equal(chooseCoding('*', ['zstd', 'gzip']), 'zstd')
  assert.equal(chooseCoding('*;q=0.5, zstd;q=0', ['zstd', 'gzip']), 'gzip')
  assert.equal(chooseCoding('*;q=0', ['gzip']), null)
  assert.equal(chooseCoding('identity;q=0', ['gzip']), null)
  assert.equal(chooseCoding('identity;q=0, gzip', ['gzip']), 'gzip')
  assert.equal(chooseCoding('identity', ['gzip']), null)
})

test('no header, an empty one, bad q-values and oversized values compress nothing', () => {
  assert.equal(chooseCoding(null, ['gzip']), null)
  assert.equal(chooseCoding('', ['gzip']), null)
  assert.equal(chooseCoding('gzip;q=2', ['gzip']), null)
  assert.equal(chooseCoding('gzip;q=abc', ['gzip']), null)
  assert.equal(chooseCoding('gzip;q=0.5555', ['gzip']), null)
  assert.equal(chooseCoding('deflate, compress', ['gzip']), null)
  assert.equal(chooseCoding('gzip,' + ' '.repeat(5000), ['gzip']), null)
})

test('etag_rewrite keeps tags well-formed', () => {
  assert.equal(rewriteEtag('"abc"', 'wrap', 'gzip'), '"abc-gzip"')
  assert.equal(rewriteEtag('W/"abc"', 'wrap', 'br'), 'W/"abc-br"')
  assert.equal(rewriteEtag('abc', 'wrap', 'gzip'), null)
  assert.equal(rewriteEtag('"abc"', 'weaken', 'gzip'), 'W/"abc"')
  assert.equal(rewriteEtag('W/"abc"', 'weaken', 'gzip'), 'W/"abc"')
  assert.equal(rewriteEtag('"abc"', 'delete', 'gzip'), null)
  assert.equal(rewriteEtag('"abc"', 'ignore', 'gzip'), '"abc"')
})
