import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { defaultRegistry } from './lib/index.ts'

test('docs/rules/functions.md lists every registered function with its arity', () => {
  const doc = readFileSync(join(import.meta.dirname, '../../docs/rules/functions.md'), 'utf8')
  const r = defaultRegistry()
  const missing: string[] = []
  for (const name of r.names()) {
    const d = r.lookup(name)?.def
    assert.ok(d)
    const args = d.min === d.max ? String(d.min) : d.max === Infinity ? `${d.min} or more` : `${d.min}–${d.max}`
    if (!doc.includes(`| \`${name}\` | ${args} |`)) missing.push(`${name} (${args})`)
  }
  assert.deepEqual(missing, [], 'regenerate docs/rules/functions.md')
  const listed = [...doc.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1] ?? '')
  assert.deepEqual(listed.filter((n) => r.lookup(n) === undefined), [], 'the doc lists no unknown function')
})
