import assert from 'node:assert/strict'
import { test } from 'node:test'
import { keyHelp } from './key-help.ts'

test('help says when a key is accepted but not applied', () => {
  assert.equal(keyHelp('pools', 'load_balancing', 'algorithm'), 'How the next node is chosen.')
  assert.match(keyHelp('pools', 'basic', 'lard_size'), /not applied by Sluice yet/)
  assert.match(keyHelp('protection', 'basic', 'debug'), /not applied by Sluice yet/)
  assert.doesNotMatch(keyHelp('protection', 'basic', 'enabled'), /not applied/)
})

test('every key has help, also the ones Sluice does not apply yet', () => {
  assert.match(keyHelp('virtual_servers', 'recent_connections', 'enabled'), /^Show this virtual server.* not applied by Sluice yet\.$/)
  assert.notEqual(keyHelp('global_settings', 'ssl', 'cache_size'), '')
})
