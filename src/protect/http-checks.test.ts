import assert from 'node:assert/strict'
import { test } from 'node:test'
import { compileHttpChecks, hasBinary, isRfc2396 } from './http-checks.ts'

test('RFC 2396 targets: allowed characters and complete escapes only', () => {
  assert.equal(isRfc2396("/a/b;c?d=e&f=g%20h+i$,!~*'()@:"), true)
  assert.equal(isRfc2396('/a b'), false)
  assert.equal(isRfc2396('/a"b'), false)
  assert.equal(isRfc2396('/a%2'), false)
  assert.equal(isRfc2396('/a%zz'), false)
  assert.equal(isRfc2396('/caf\u00e9'), false)
})

test('binary data is found after escapes are decoded', () => {
  assert.equal(hasBinary('/a%01b', true), true)
  assert.equal(hasBinary('/a%7fb', true), true)
  assert.equal(hasBinary('/a%01b', false), false)
  assert.equal(hasBinary('tab\there', false), false)
  assert.equal(hasBinary('/caf%C3%A9', true), false)
})

test('a class that sets no http key compiles no checks', () => {
  const none = compileHttpChecks({ maxUrlLength: 0, maxHeaderLength: 0, maxRequestLength: 0, maxBodyLength: 0, rejectBinary: false, checkRfc2396: false })
  assert.equal(none.length, 0)
})
