import { test } from 'node:test'
import assert from 'node:assert/strict'
import { constants } from 'node:crypto'
import { loadConfigFromObjects } from '../config/index.ts'
import { tlsVersions } from './tls-settings.ts'
import { engineFor } from './stream-settings.ts'

function versionsFor(ssl: Record<string, string>, globalSsl: Record<string, boolean> = {}) {
  const config = loadConfigFromObjects({
    'pools/p': JSON.stringify({ properties: { basic: { nodes_table: [{ node: '127.0.0.1:1' }] } } }),
    'virtual_servers/v': JSON.stringify({ properties: { basic: { port: 443, pool: 'p' }, ssl } }),
    global_settings: JSON.stringify({ properties: { ssl: globalSsl } }),
  })
  if (!config.ok) throw new Error(JSON.stringify(config.error))
  const vs = config.value.virtualServers.get('v')
  if (vs === undefined) throw new Error('no vs')
  return tlsVersions(vs, config.value)
}

test('TLS 1.2 and 1.3 by default, whatever the global switches for older versions say', () => {
  assert.deepEqual(versionsFor({}), { min: 'TLSv1.2', max: 'TLSv1.3', secureOptions: 0, hasLegacy: false })
  assert.deepEqual(versionsFor({}, { support_tls1: true, support_tls1_1: true }), { min: 'TLSv1.2', max: 'TLSv1.3', secureOptions: 0, hasLegacy: false })
})

test('per virtual server switches, global defaults, gaps and nothing at all', () => {
  assert.equal(versionsFor({ support_tls1_3: 'disabled' })?.max, 'TLSv1.2')
  assert.equal(versionsFor({}, { support_tls1_3: false })?.max, 'TLSv1.2')
  assert.equal(versionsFor({ support_tls1_3: 'enabled' }, { support_tls1_3: false })?.max, 'TLSv1.3')
  const gap = versionsFor({ support_tls1_1: 'enabled', support_tls1_2: 'disabled' })
  assert.deepEqual(gap, { min: 'TLSv1.1', max: 'TLSv1.3', secureOptions: constants.SSL_OP_NO_TLSv1_2, hasLegacy: true })
  assert.equal(versionsFor({ support_tls1_2: 'disabled', support_tls1_3: 'disabled' }), null)
})

test('protocols map to engines; TLS protocols pass through unless decrypting', () => {
  assert.deepEqual(engineFor('http', false), { engine: 'http' })
  assert.deepEqual(engineFor('https', true), { engine: 'http' })
  assert.deepEqual(engineFor('https', false), { engine: 'stream', plain: 'ssl_passthrough', decrypted: 'stream' })
  assert.deepEqual(engineFor('smtp', false), { engine: 'stream', plain: 'server_first', decrypted: 'server_first' })
  assert.deepEqual(engineFor('dns_tcp', false), { engine: 'stream', plain: 'client_first', decrypted: 'client_first' })
  assert.deepEqual(engineFor('dns', false), { engine: 'udp', kind: 'dns' })
  assert.deepEqual(engineFor('ftp', false), { engine: 'none' })
})
