import assert from 'node:assert/strict'
import { test } from 'node:test'
import { KEY_DESCRIPTIONS } from './key-descriptions.ts'
import { listObjectTypes } from './schema/index.ts'

/** `uri/section.key` of every key in the schema. */
function schemaKeys(): Set<string> {
  const keys = new Set<string>()
  for (const type of listObjectTypes()) {
    for (const [section, sectionKeys] of Object.entries(type.sections)) {
      for (const key of Object.keys(sectionKeys)) keys.add(`${type.uri}/${section}.${key}`)
    }
  }
  return keys
}

test('every key of every object type has a description', () => {
  const missing = [...schemaKeys()].filter((path) => (KEY_DESCRIPTIONS[path] ?? '').trim() === '')
  assert.deepEqual(missing, [], 'describe these keys in src/config/key-descriptions/')
})

test('the descriptions name no key the schema lacks', () => {
  const keys = schemaKeys()
  const unknown = Object.keys(KEY_DESCRIPTIONS).filter((path) => !keys.has(path))
  assert.deepEqual(unknown, [])
})

test('each description ends its sentence and has no stray whitespace', () => {
  for (const [path, text] of Object.entries(KEY_DESCRIPTIONS)) {
    assert.match(text, /\.$/, path)
    assert.equal(text, text.trim(), path)
  }
})
