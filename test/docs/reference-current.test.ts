/**
 * Issue #21 item 7: docs/reference is generated from the schema, the support table and the
 * command table; this fails when a committed page is not what the generator writes now.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { REFERENCE_DIR, pageName, referencePages } from '../../scripts/gen-reference.ts'
import { NOT_APPLIED, getObjectType, keySupport, listObjectTypes } from '../../src/config/index.ts'

const FIX = 'run `node scripts/gen-reference.ts` and commit docs/reference'

test('every page of docs/reference is what scripts/gen-reference.ts writes, and there is no other', () => {
  const pages = referencePages()
  assert.deepEqual(readdirSync(REFERENCE_DIR).sort(), [...pages.keys()].sort(), FIX)
  for (const [name, text] of pages) assert.equal(readFileSync(join(REFERENCE_DIR, name), 'utf8'), text, `docs/reference/${name} is out of date: ${FIX}`)
})

test('every type, section and key of the schema has its row, with the level NOT_APPLIED gives it', () => {
  const pages = referencePages()
  for (const type of listObjectTypes()) {
    const page = pages.get(pageName(type.uri)) ?? ''
    for (const [section, keys] of Object.entries(type.sections)) {
      assert.ok(page.includes(`\n## ${section}\n`), `${type.uri}: section ${section}`)
      for (const key of Object.keys(keys)) assert.ok(page.includes(`\n| \`${key}\` |`), `${type.uri}: ${section}.${key}`)
    }
  }
  // Spot checks against the table the checks use.
  assert.equal(keySupport('virtual_servers', 'recent_connections', 'enabled').level, 'not yet supported')
  assert.equal(keySupport('virtual_servers', 'basic', 'protocol').level, 'partial')
  assert.equal(keySupport('pools', 'basic', 'nodes_table').level, 'partial')
  assert.equal(keySupport('virtual_servers', 'basic', 'port').level, 'supported')
  assert.equal(keySupport('pools', 'basic', 'note').level, 'descriptive')
  assert.ok(NOT_APPLIED.every((row) => getObjectType(row.type) !== undefined))
  assert.match(pages.get('virtual_servers.md') ?? '', /\| `enabled` \| bool \| `false` \| {2}\| not yet supported \| .*\|\n/)
  assert.match(pages.get('ssl-server_keys.md') ?? '', /\| `public_file` \| string \| `""` \| {2}\| supported \| A PEM file .* Sluice extension\. \|/)
  assert.match(pages.get('cli.md') ?? '', /## sluice check\n\n```\nUsage: sluice check --config DIR \[--effective\]/)
})
