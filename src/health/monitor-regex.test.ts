import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkMonitorRegex, MAX_MONITOR_REGEX_CHARS } from './monitor-regex.ts'

test('checkMonitorRegex compiles ordinary patterns', () => {
  const r = checkMonitorRegex('^[234][0-9][0-9]$')
  assert.ok(r.ok)
  assert.ok(r.value.test('200'))
  assert.ok(!r.value.test('500'))
  assert.ok(checkMonitorRegex(String.raw`a\\1`).ok, 'an escaped backslash before a digit is not a backreference')
})

test('checkMonitorRegex refuses invalid, backreferencing and oversized patterns', () => {
  const invalid = checkMonitorRegex('(')
  assert.ok(!invalid.ok && invalid.error.startsWith('invalid regular expression'))
  const backref = checkMonitorRegex(String.raw`(a+)\1`)
  assert.ok(!backref.ok && backref.error.includes('backreference'))
  assert.ok(!checkMonitorRegex(String.raw`(?<x>a)\k<x>`).ok)
  assert.ok(!checkMonitorRegex('a'.repeat(MAX_MONITOR_REGEX_CHARS + 1)).ok)
})
