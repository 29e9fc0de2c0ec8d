import assert from 'node:assert/strict'
import { test } from 'node:test'
import { KEY_DESCRIPTIONS } from './key-descriptions.ts'
import { keyHelp } from './key-help.ts'
import { getKeySchema } from './schema/index.ts'

test('every key description names a key of the schema', () => {
  for (const path of Object.keys(KEY_DESCRIPTIONS)) {
    const m = /^(.+)\/([a-z0-9_]+)\.([a-z0-9_]+)$/.exec(path)
    assert.ok(m !== null, path)
    assert.ok(getKeySchema(m[1] ?? '', m[2] ?? '', m[3] ?? '') !== undefined, `${path} is not a key`)
  }
})

test('help says when a key is accepted but not applied', () => {
  assert.equal(keyHelp('pools', 'load_balancing', 'algorithm'), 'How the next node is chosen.')
  assert.match(keyHelp('pools', 'basic', 'lard_size'), /not applied by Sluice yet/)
  assert.match(keyHelp('protection', 'basic', 'enabled'), /not applied by Sluice yet/)
})
