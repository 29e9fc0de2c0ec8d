/**
 * The configuration API over real HTTP: every object type created, read, partially updated,
 * listed and deleted; validation errors; references; changes on disk and live.
 */
import assert from 'node:assert/strict'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { listObjectTypes, type ObjectTypeSchema } from '../../src/config/index.ts'
import { selfSigned } from '../helpers/self-signed.ts'
import { pick, startApi } from './harness.ts'

const V = '/api/tm/8.3/config/active'

/** The smallest valid document of a type, and a key to change in a partial update. */
function sample(type: ObjectTypeSchema): { create: Record<string, unknown>; section: string; key: string; value: unknown } {
  const create: Record<string, Record<string, unknown>> = {}
  for (const [section, keys] of Object.entries(type.sections)) {
    for (const [key, schema] of Object.entries(keys)) {
      if (schema.required !== true) continue
      create[section] ??= {}
      create[section][key] = schema.enum?.[0] ?? (schema.type === 'int' ? 1 : 'x')
    }
  }
  const basic = type.sections['basic'] ?? {}
  const key = 'note' in basic ? 'note' : (Object.entries(basic).find(([, s]) => s.type === 'string' && s.enum === undefined)?.[0] ?? '')
  if (key !== '') return { create, section: 'basic', key, value: `changed ${type.uri}` }
  const list = Object.entries(basic).find(([, s]) => s.type === 'stringList')?.[0]
  if (list !== undefined) return { create, section: 'basic', key: list, value: ['a', 'b'] }
  return { create, section: 'basic', key: 'string_lists', value: [{ name: 'a', value: ['b'] }] }
}

test('every object type: create, read, partial update, list, delete', async (t) => {
  const ca = selfSigned()
  if (ca === undefined) {
    t.skip('openssl is not available')
    return
  }
  // Raw objects whose content is checked: a rule must parse, a CA file must hold a certificate.
  const RAW_CONTENT: Readonly<Record<string, readonly [string, string]>> = {
    rules: ['$a = "one";\n', '$a = "two";\n'],
    'ssl/cas': [ca.cert.toString(), `${ca.cert.toString()}\n`],
  }
  const h = await startApi(t, {})
  for (const type of listObjectTypes()) {
    if (type.kind === 'singleton') continue
    const name = `t-${type.uri.replace('/', '-')}`
    const url = `${V}/${type.uri}/${name}`
    if (type.kind === 'raw') {
      const [one, two] = RAW_CONTENT[type.uri] ?? ['content one\n', 'content two\n']
      const created = await h.call('PUT', url, one)
      assert.equal(created.status, 201, `${type.uri}: ${created.text}`)
      assert.equal((await h.call('GET', url)).text, one)
      assert.equal((await h.call('PUT', url, two)).status, 204)
      assert.equal((await h.call('GET', url)).text, two)
    } else {
      const s = sample(type)
      const created = await h.call('PUT', url, { properties: s.create })
      assert.equal(created.status, 201, `${type.uri}: ${created.text}`)
      const before = await h.call('GET', url)
      assert.equal(before.status, 200)
      assert.ok(pick(before.body, 'properties', 'basic') !== undefined, `${type.uri} has a filled basic section`)
      const updated = await h.call('PUT', url, { properties: { [s.section]: { [s.key]: s.value } } })
      assert.equal(updated.status, 200, `${type.uri}: ${updated.text}`)
      assert.deepEqual(pick(updated.body, 'properties', s.section, s.key), s.value)
      // Partial: the keys given at creation are still there.
      for (const [section, keys] of Object.entries(s.create)) {
        for (const [key, value] of Object.entries(keys as Record<string, unknown>)) {
          assert.deepEqual(pick(updated.body, 'properties', section, key), value, `${type.uri} kept ${section}.${key}`)
        }
      }
      const onDisk = JSON.parse(await readFile(join(h.dir, type.uri, name), 'utf8')) as unknown
      assert.deepEqual(pick(onDisk, 'properties', s.section, s.key), s.value, 'written to the configuration directory')
    }
    const list = await h.call('GET', `${V}/${type.uri}/`)
    assert.deepEqual(list.body, { children: [{ name, href: `/api/tm/8.3/config/active/${type.uri}/${name}` }] })
    assert.equal((await h.call('DELETE', url)).status, 204, type.uri)
    assert.equal((await h.call('GET', url)).status, 404)
    assert.equal((await h.call('DELETE', url)).status, 404)
    await assert.rejects(stat(join(h.dir, type.uri, name)), `${type.uri}/${name} removed from disk`)
  }
  const audit = await h.call('GET', '/api/tm/8.3/status/local_tm/audit')
  const entries = pick(audit.body, 'audit') as { action: string; objectType: string; user: string }[]
  const typeCount = listObjectTypes().filter((x) => x.kind !== 'singleton').length
  assert.equal(entries.length, typeCount * 3, 'create, update and delete of each type are audited')
  assert.ok(entries.every((e) => e.user === 'admin'))
  const lines = (await readFile(join(h.dir, '.sluice', 'audit.log'), 'utf8')).trim().split('\n')
  assert.equal(lines.length, typeCount * 3)
})

test('global settings: read and partial update, no delete', async (t) => {
  const h = await startApi(t, {})
  const got = await h.call('GET', `${V}/global_settings`)
  assert.equal(got.status, 200)
  const put = await h.call('PUT', `${V}/global_settings`, { properties: { rest_api: { auth_timeout: 60 } } })
  assert.equal(put.status, 200, put.text)
  assert.equal(pick(put.body, 'properties', 'rest_api', 'auth_timeout'), 60)
  assert.equal((await h.call('DELETE', `${V}/global_settings`)).status, 405)
  const disk = JSON.parse(await readFile(join(h.dir, 'global_settings'), 'utf8')) as unknown
  assert.equal(pick(disk, 'properties', 'rest_api', 'auth_timeout'), 60)
})

test('navigation: versions, families, types, nested types', async (t) => {
  const h = await startApi(t, {})
  const versions = await h.call('GET', '/api/tm/')
  assert.deepEqual((pick(versions.body, 'children') as { name: string }[]).map((c) => c.name), ['7.0', '8.0', '8.1', '8.2', '8.3'])
  assert.deepEqual(pick(await h.call('GET', '/api/tm/7.0/'), 'body', 'children'), [
    { name: 'config', href: '/api/tm/7.0/config' },
    { name: 'status', href: '/api/tm/7.0/status' },
  ])
  const types = (pick((await h.call('GET', `${V}/`)).body, 'children') as { name: string }[]).map((c) => c.name)
  assert.ok(types.includes('pools') && types.includes('ssl') && types.includes('virtual_servers'))
  const ssl = (pick((await h.call('GET', `${V}/ssl/`)).body, 'children') as { name: string }[]).map((c) => c.name)
  assert.deepEqual(ssl, ['cas', 'client_keys', 'server_keys'])
  assert.equal((await h.call('GET', '/api/tm/6.0/config/active/')).status, 404)
  assert.equal((await h.call('GET', `${V}/no_such_type/x`)).status, 404)
})

test('validation failures name every bad key and change nothing', async (t) => {
  const h = await startApi(t, { 'pools/web': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:1' }] } } } })
  const bad = await h.call('PUT', `${V}/pools/web`, {
    properties: { basic: { max_idle_connections_pernode: -5, nodes_table: [{ node: 'not an address' }], nope: 1 }, load_balancing: { algorithm: 'fastest' } },
  })
  assert.equal(bad.status, 400)
  assert.equal(pick(bad.body, 'error', 'error_id'), 'resource.validation_failed')
  const info = pick(bad.body, 'error', 'error_info', 'properties') as Record<string, Record<string, unknown> | undefined>
  const basicInfo = info['basic'] ?? {}
  assert.ok(basicInfo['nope'] !== undefined, 'unknown key named')
  assert.ok(basicInfo['max_idle_connections_pernode'] !== undefined, 'range named')
  assert.ok(basicInfo['nodes_table[0].node'] !== undefined, 'table cell named')
  assert.ok(info['load_balancing']?.['algorithm'] !== undefined, 'enum named')
  const after = await h.call('GET', `${V}/pools/web`)
  assert.deepEqual(pick(after.body, 'properties', 'basic', 'nodes_table', 0, 'node'), '127.0.0.1:1')
  const disk = await readFile(join(h.dir, 'pools', 'web'), 'utf8')
  assert.doesNotMatch(disk, /not an address/)
  assert.equal((await h.call('PUT', `${V}/pools/web`, '{"properties":')).status, 400)
  assert.equal((await h.call('PUT', `${V}/pools/web`, { basic: {} })).status, 400)
})

test('references: a dangling reference is refused; a referenced object cannot be deleted', async (t) => {
  const h = await startApi(t, { 'pools/web': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:1' }] } } } }, 'web')
  const dangling = await h.call('PUT', `${V}/virtual_servers/vs`, { properties: { basic: { pool: 'missing' } } })
  assert.equal(dangling.status, 400)
  assert.match(dangling.text, /pools\/missing/)
  const del = await h.call('DELETE', `${V}/pools/web`)
  assert.equal(del.status, 409)
  assert.deepEqual(pick(del.body, 'error', 'error_info', 'referrers'), ['virtual_servers/vs'])
  assert.equal((await h.call('PUT', `${V}/actions/hook`, { properties: { basic: { type: 'log' }, log: { file: 'hook.log' } } })).status, 201)
  const et = await h.call('PUT', `${V}/event_types/e`, { properties: { basic: { actions: ['nothere'] } } })
  assert.equal(et.status, 400, 'an event type naming a missing action is refused')
  assert.equal((await h.call('PUT', `${V}/event_types/e`, { properties: { basic: { actions: ['hook'] } } })).status, 201)
  const delAction = await h.call('DELETE', `${V}/actions/hook`)
  assert.equal(delAction.status, 409)
  assert.deepEqual(pick(delAction.body, 'error', 'error_info', 'referrers'), ['event_types/e'])
})

test('a change is live before the response returns', async (t) => {
  const h = await startApi(t, { 'pools/web': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:1' }] } } } })
  const put = await h.call('PUT', `${V}/pools/web`, { properties: { basic: { nodes_table: [{ node: '127.0.0.1:2' }, { node: '127.0.0.1:3', state: 'draining' }] } } })
  assert.equal(put.status, 200)
  const pool = h.app.snapshot?.pools.get('web')
  assert.deepEqual(pool?.nodes.map((n) => `${n.config.id}/${n.config.state}`), ['127.0.0.1:2/active', '127.0.0.1:3/draining'])
  const events = await h.call('GET', '/api/tm/8.3/status/local_tm/events?category=config')
  assert.deepEqual((pick(events.body, 'events') as { name: string }[]).map((e) => e.name), ['confmod'])
})

test('rules are raw text, syntax-checked before they are stored', async (t) => {
  const h = await startApi(t, {})
  const good = await h.call('PUT', `${V}/rules/r1`, 'http.setHeader("x-a", "1");\n')
  assert.equal(good.status, 201, good.text)
  const badRule = await h.call('PUT', `${V}/rules/r2`, 'if ( { \n')
  assert.equal(badRule.status, 400, badRule.text)
  assert.match(String(pick(badRule.body, 'error', 'error_info', 'diagnostics', 0, 'reason')), /^rule r2: line 1, column \d+: /, 'the same text sluice check prints')
  assert.equal((await h.call('GET', `${V}/rules/r2`)).status, 404)
})
