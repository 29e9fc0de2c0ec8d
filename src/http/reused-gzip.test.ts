import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { canReuseGzip, gzipWhole } from './reused-gzip.ts'

test('this Node offers what reusing a gzip compressor needs', () => {
  assert.equal(canReuseGzip(), true)
})

test('bodies gzipped one after another on the reused compressor decode to themselves', () => {
  const page = Buffer.from('<tr><td>a row of a table</td></tr>\n'.repeat(600))
  const noise = randomBytes(70_000)
  for (const body of [page, noise, Buffer.from('x'), page.subarray(0, 1000), noise.subarray(0, 65_536), page]) {
    for (const level of [1, 6, 9]) {
      const zipped = gzipWhole(body, { level })
      assert.deepEqual(gunzipSync(zipped), body, `${String(body.length)} bytes at level ${String(level)}`)
    }
  }
  assert.ok(gzipWhole(page, { level: 1 }).length < page.length / 10)
})
