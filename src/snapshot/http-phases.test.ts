import assert from 'node:assert/strict'
import { test } from 'node:test'
import { NO_RULES } from '../rules/index.ts'
import { compileHttpPhases } from './http-phases.ts'

test('a virtual server without rules or a protection class runs routing only', () => {
  assert.deepEqual(compileHttpPhases(NO_RULES), { request: ['routing'], response: [] })
  assert.deepEqual(compileHttpPhases(NO_RULES, { protection: false, compression: false, cache: false }), { request: ['routing'], response: [] })
})

test('a protection class puts the protection phase first', () => {
  assert.deepEqual(compileHttpPhases(NO_RULES, { protection: true, compression: false, cache: false }).request, ['protection', 'routing'])
})
