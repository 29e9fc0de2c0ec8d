import assert from 'node:assert/strict'
import { test } from 'node:test'
import { getObjectType } from '../config/index.ts'
import { mergeProperties, objectPaths, storedProperties } from './config-files.ts'

test('partial updates merge sections key by key and replace values whole', () => {
  const base = { basic: { note: 'a', nodes_table: [{ node: 'x:1' }, { node: 'y:1' }] }, load_balancing: { algorithm: 'random' } }
  const merged = mergeProperties(base, { basic: { nodes_table: [{ node: 'z:1' }] }, connection: { max_reply_time: 5 } })
  assert.deepEqual(merged, {
    basic: { note: 'a', nodes_table: [{ node: 'z:1' }] },
    load_balancing: { algorithm: 'random' },
    connection: { max_reply_time: 5 },
  })
  assert.deepEqual(base.basic.nodes_table.length, 2, 'the base is not modified')
})

test('stored properties are read from JSON or YAML files', () => {
  const pools = getObjectType('pools')
  assert.ok(pools)
  assert.deepEqual(objectPaths(pools, 'web').all, ['pools/web', 'pools/web.yaml', 'pools/web.yml'])
  const files = new Map([['pools/web.yaml', Buffer.from('properties:\n  basic:\n    note: hi\n')]])
  assert.deepEqual(storedProperties(files, pools, 'web'), { basic: { note: 'hi' } })
  assert.equal(storedProperties(files, pools, 'other'), undefined)
  const global = getObjectType('global_settings')
  assert.ok(global)
  assert.equal(objectPaths(global, 'global_settings').canonical, 'global_settings')
})
