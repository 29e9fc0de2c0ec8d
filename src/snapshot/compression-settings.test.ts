import assert from 'node:assert/strict'
import { test } from 'node:test'
import { diagnoseConfig } from './diagnose.ts'
import { compileHttpPhases } from './http-phases.ts'
import { MAX_WHOLE_BODY_BYTES, wholeBodyLimits } from './compression-settings.ts'
import { NO_RULES } from '../rules/index.ts'

function diagnose(gzip: Record<string, unknown>): string[] {
  const report = diagnoseConfig({
    dir: 'config',
    files: [
      { path: 'virtual_servers/web', content: JSON.stringify({ properties: { basic: { enabled: true, port: 8080, pool: 'p' }, gzip } }) },
      { path: 'pools/p', content: JSON.stringify({ properties: { basic: { nodes_table: [{ node: '127.0.0.1:9001' }] } } }) },
    ],
  })
  return report.errors.map((d) => `${d.key ?? ''}: ${d.reason}`)
}

test('a virtual server without gzip.enabled compiles no compression phase', () => {
  assert.deepEqual(compileHttpPhases(NO_RULES).response, [])
  assert.deepEqual(compileHttpPhases(NO_RULES, { protection: false, compression: true, cache: false }).response, ['compression'])
})

test('the Sluice compression keys are validated, naming the key and the reason', () => {
  assert.deepEqual(diagnose({ enabled: true }), [])
  assert.deepEqual(diagnose({ enabled: true, encodings: ['gzip', 'deflate'] }), ['gzip.encodings: item 1 must be one of br, gzip, zstd; got "deflate"'])
  assert.deepEqual(diagnose({ enabled: true, encodings: ['gzip', 'gzip'] }), ['gzip.encodings: names gzip twice'])
  assert.match(diagnose({ enabled: true, encodings: [] })[0] ?? '', /^gzip.encodings: is empty/)
  assert.match(diagnose({ enabled: true, brotli_level: 12 })[0] ?? '', /^gzip.brotli_level: must be an integer from 0 to 11/)
  assert.match(diagnose({ enabled: true, zstd_level: 0 })[0] ?? '', /^gzip.zstd_level: must be an integer from 1 to 19/)
  assert.match(diagnose({ enabled: true, min_size: 5000, max_size: 100 })[0] ?? '', /^gzip.max_size: 100 is below gzip.min_size/)
  // A section that is off is not checked beyond its keys' types.
  assert.deepEqual(diagnose({ enabled: false, encodings: [] }), [])
})

test('slow levels compress smaller bodies whole, the slowest none', () => {
  assert.deepEqual(wholeBodyLimits(1, 4, 3), { gzip: MAX_WHOLE_BODY_BYTES, br: MAX_WHOLE_BODY_BYTES, zstd: MAX_WHOLE_BODY_BYTES })
  assert.deepEqual(wholeBodyLimits(9, 6, 12), { gzip: 32 * 1024, br: 16 * 1024, zstd: 16 * 1024 })
  assert.deepEqual(wholeBodyLimits(6, 11, 19), { gzip: MAX_WHOLE_BODY_BYTES, br: 0, zstd: 0 })
})
