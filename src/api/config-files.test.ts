import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { getObjectType } from '../config/index.ts'
import { mergeProperties, objectPaths, readFileSet, storedProperties } from './config-files.ts'

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

test('the file set follows symbolic links to files and skips hidden paths', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-fileset-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  await mkdir(join(dir, 'pools'))
  await mkdir(join(dir, '.sluice'))
  await writeFile(join(dir, 'elsewhere.json'), '{"properties":{}}')
  await symlink(join(dir, 'elsewhere.json'), join(dir, 'pools', 'linked'))
  await writeFile(join(dir, 'pools', 'web~'), 'backup')
  await writeFile(join(dir, '.sluice', 'users.json'), '{}')
  assert.deepEqual([...(await readFileSet(dir)).keys()].sort(), ['elsewhere.json', 'pools/linked'])
})
