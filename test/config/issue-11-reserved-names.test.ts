/**
 * Issue #11 item 5: names that plain JavaScript objects already answer to (`constructor`,
 * `toString`, `__proto__`) are refused as section, key, column and object names, in files and
 * through the REST API, and a `__proto__` section is reported, not silently dropped.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { formatDiagnostic, loadConfigFromObjects } from '../../src/config/index.ts'
import { startApi } from '../api/harness.ts'

const POOL = '{"properties":{"basic":{"nodes_table":[{"node":"127.0.0.1:9001"}]}}}'
const V = '/api/tm/8.3/config/active'

function problemLines(files: Record<string, string>): string[] {
  const r = loadConfigFromObjects(files, 'config')
  assert.ok(!r.ok, 'expected problems')
  return r.error.map(formatDiagnostic)
}

test('reserved section, key and column names in files are refused, each named', () => {
  const lines = problemLines({
    'pools/a': '{"properties":{"__proto__":{"note":"x"},"basic":{"nodes_table":[{"node":"127.0.0.1:1"}]}}}',
    'pools/b': '{"properties":{"constructor":{},"basic":{"toString":"x","nodes_table":[{"node":"127.0.0.1:1","valueOf":1}]}}}',
    'pools/c.yaml': 'properties:\n  basic:\n    __proto__: 1\n    nodes_table: [{node: "127.0.0.1:1"}]\n',
  })
  const text = lines.join('\n')
  assert.match(text, /pools\/a \(config\/pools\/a\): __proto__: unknown section: "__proto__" is a reserved name/)
  assert.match(text, /pools\/b \(config\/pools\/b\): constructor: unknown section: "constructor" is a reserved name/)
  assert.match(text, /pools\/b \(config\/pools\/b\): basic\.toString: unknown key: "toString" is a reserved name/)
  assert.match(text, /pools\/b \(config\/pools\/b\): basic\.nodes_table\[0\]\.valueOf: unknown column: "valueOf" is a reserved name/)
  assert.match(text, /pools\/c \(config\/pools\/c\.yaml\): basic\.__proto__: unknown key: "__proto__" is a reserved name/)
})

test('reserved object names are not safe names', () => {
  const text = problemLines({ 'pools/constructor': POOL, 'pools/toString.yaml': 'properties: {}\n' }).join('\n')
  assert.match(text, /pools\/constructor .*not a safe file name: "constructor" is a reserved name/)
  assert.match(text, /pools\/toString .*not a safe file name: "toString" is a reserved name/)
})

test('the API refuses reserved names and stores nothing', async (t) => {
  const h = await startApi(t, { 'pools/web': JSON.parse(POOL) as unknown })
  const proto = await h.call('PUT', `${V}/pools/web`, '{"properties":{"__proto__":{"note":"x"}}}', { contentType: 'application/json' })
  assert.equal(proto.status, 400, proto.text)
  assert.match(proto.text, /__proto__/)
  const ctor = await h.call('PUT', `${V}/pools/web`, { properties: { basic: { constructor: 'x' } } })
  assert.equal(ctor.status, 400, ctor.text)
  assert.match(ctor.text, /reserved name/)
  assert.doesNotMatch(await readFile(join(h.dir, 'pools', 'web'), 'utf8'), /constructor|__proto__/)
  const named = await h.call('PUT', `${V}/pools/toString`, JSON.parse(POOL) as unknown)
  assert.equal(named.status, 400, named.text)
  await assert.rejects(stat(join(h.dir, 'pools', 'toString')))
})
