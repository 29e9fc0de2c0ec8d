import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { renderFunctionsDoc } from './functions-doc.ts'

test('docs/rules/functions.md is the registry, rendered (regenerate it with the command in functions-doc.ts)', () => {
  const doc = readFileSync(join(import.meta.dirname, '../../docs/rules/functions.md'), 'utf8')
  assert.equal(doc, renderFunctionsDoc())
})
