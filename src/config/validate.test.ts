import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatDiagnostic, getObjects, loadConfigFromObjects, validateConfig } from './index.ts'
import type { Diagnostic, ValidConfig } from './index.ts'

const WEB = { properties: { basic: { enabled: true, port: 8080, protocol: 'http', pool: 'web-pool' } } }
const POOL = {
  properties: {
    basic: { nodes_table: [{ node: '127.0.0.1:9001' }, { node: '127.0.0.1:9002' }] },
    load_balancing: { algorithm: 'round_robin' },
  },
}

function files(extra: Record<string, unknown> = {}): Record<string, string> {
  const all: Record<string, unknown> = { 'virtual_servers/web': WEB, 'pools/web-pool': POOL, ...extra }
  return Object.fromEntries(
    Object.entries(all)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  )
}

function valid(input: Record<string, string>): ValidConfig {
  const r = loadConfigFromObjects(input)
  assert.ok(r.ok, r.ok ? '' : r.error.map(formatDiagnostic).join('\n'))
  return r.value
}

function problems(input: Record<string, string>): Diagnostic[] {
  const r = loadConfigFromObjects(input, 'config')
  assert.ok(!r.ok, 'expected problems')
  return r.error
}

function vs(basic: Record<string, unknown>, more: Record<string, unknown> = {}): { properties: unknown } {
  return { properties: { basic: { enabled: true, port: 80, pool: 'web-pool', ...basic }, ...more } }
}

test('the minimal example loads clean with defaults filled', () => {
  const c = valid(files())
  const web = c.virtualServers.get('web')
  assert.ok(web)
  assert.equal(web.basic.port, 8080)
  assert.equal(web.connection.timeout, 300)
  assert.equal(web.log.enabled, false)
  assert.equal(web.log.json, false)
  assert.deepEqual(web.basic.request_rules, [])
  const pool = c.pools.get('web-pool')
  assert.deepEqual(pool?.basic.nodes_table[1], {
    node: '127.0.0.1:9002', priority: 1, weight: 1, state: 'active', source_ip: '',
  })
  assert.equal(c.globalSettings.trafficscript.max_instr, 100000)
  assert.equal(c.objects.get('global_settings')?.size, 1)
  assert.equal(getObjects(c, 'monitors').size, 0)
  assert.equal(c.dir, undefined)
  assert.ok(Object.isFrozen(web.basic))
})

test('every problem is reported at once, with file, object, key and reason', () => {
  const ds = problems(files({ 'virtual_servers/web': vs({ port: '80a', protocol: 'htttp' }, { bogus: {} }) }))
  const lines = ds.map(formatDiagnostic)
  assert.ok(lines.includes('virtual_servers/web (config/virtual_servers/web): basic.port: must be an integer from 0 to 65535, got "80a"'), lines.join('\n'))
  assert.ok(lines.some((l) => l.includes('basic.protocol: must be one of client_first, dns,') && l.endsWith('got "htttp"')))
  assert.ok(lines.some((l) => l.endsWith('bogus: unknown section')))
  assert.equal(ds.length, 3)
})

test('unknown key, with a suggestion when close', () => {
  const ds = problems(files({ 'virtual_servers/web': vs({ portt: 80, listen_on_anyy: true }) }))
  const reasons = ds.map((d) => `${d.key ?? ''}: ${d.reason}`)
  assert.ok(reasons.includes('basic.portt: unknown key; did you mean "port"?'), reasons.join('\n'))
  assert.ok(reasons.includes('basic.listen_on_anyy: unknown key; did you mean "listen_on_any"?'))
})

test('wrong types are caught', () => {
  const ds = problems(files({ 'virtual_servers/web': vs({ enabled: 'yes', listen_on_hosts: 'a,b' }, { connection: 5 }) }))
  const byKey = new Map(ds.map((d) => [d.key, d.reason]))
  assert.equal(byKey.get('basic.enabled'), 'must be true or false, got "yes"')
  assert.equal(byKey.get('basic.listen_on_hosts'), 'must be a list of strings, got "a,b"')
  assert.equal(byKey.get('connection'), 'must be an object of keys, got 5')
})

test('bad enum values list the allowed ones', () => {
  const pool = { properties: { ...POOL.properties, load_balancing: { algorithm: 'fastest' } } }
  const [d, ...rest] = problems(files({ 'pools/web-pool': pool }))
  assert.equal(rest.length, 0)
  assert.equal(d?.key, 'load_balancing.algorithm')
  assert.equal(d.reason, 'must be one of fastest_response_time, least_connections, perceptive, random, round_robin, weighted_least_connections, weighted_round_robin; got "fastest"')
})

test('out-of-range integers, including table columns', () => {
  const pool = { properties: { basic: { nodes_table: [{ node: 'a:1' }, { node: 'b:2' }, { node: 'c:3', weight: 101, priority: -1 }] } } }
  const ds = problems(files({ 'pools/web-pool': pool, 'virtual_servers/web': vs({}, { connection: { timeout: 100000 } }) }))
  const lines = ds.map(formatDiagnostic)
  assert.ok(lines.includes('pools/web-pool (config/pools/web-pool): basic.nodes_table[2].weight: must be an integer from 1 to 100, got 101'), lines.join('\n'))
  assert.ok(lines.includes('pools/web-pool (config/pools/web-pool): basic.nodes_table[2].priority: must be an integer of at least 0, got -1'))
  assert.ok(lines.includes('virtual_servers/web (config/virtual_servers/web): connection.timeout: must be an integer from 0 to 99999, got 100000'))
})

test('missing required key: virtual server port', () => {
  const ds = problems(files({ 'virtual_servers/web': { properties: { basic: { pool: 'web-pool' } } } }))
  assert.deepEqual(ds.map((d) => [d.key, d.reason]), [['basic.port', 'required key is missing']])
})

test('malformed node addresses', () => {
  for (const node of ['10.0.0.1', '10.0.0.1:0', '10.0.0.1:65536', 'host:http', '::1:80', '[::1', '[zz::1]:80', '300.1.1.1:80', 'a b:80', ':80']) {
    const pool = { properties: { basic: { nodes_table: [{ node }] } } }
    const ds = problems(files({ 'pools/web-pool': pool }))
    assert.equal(ds.length, 1, node)
    assert.equal(ds[0]?.key, 'basic.nodes_table[0].node')
    assert.match(ds[0].reason, /must be "host:port"/)
  }
  const good = { properties: { basic: { nodes_table: [{ node: '[::1]:80' }, { node: 'web-1.example.com:443' }, { node: '192.168.0.1:65535' }] } } }
  valid(files({ 'pools/web-pool': good }))
})

test('nodes_table rows: missing node, unknown column, duplicates, bad state', () => {
  const pool = { properties: { basic: { nodes_table: [{ weight: 2 }, { node: 'a:1', colour: 'red' }, { node: 'a:1', state: 'up' }] } } }
  const ds = problems(files({ 'pools/web-pool': pool }))
  const byKey = new Map(ds.map((d) => [d.key, d.reason]))
  assert.equal(byKey.get('basic.nodes_table[0].node'), 'required column is missing')
  assert.match(byKey.get('basic.nodes_table[1].colour') ?? '', /^unknown column/)
  assert.equal(byKey.get('basic.nodes_table[2].state'), 'must be one of active, draining, disabled; got "up"')
  assert.ok(ds.some((d) => d.key === 'basic.nodes_table[2].node' && d.reason === 'duplicate of row 1'))
})

test('a virtual server pool must exist; discard always does', () => {
  const ds = problems(files({ 'virtual_servers/web': vs({ pool: 'nope' }) }))
  assert.deepEqual(ds.map((d) => [d.key, d.reason]), [['basic.pool', 'names pools/nope, which does not exist']])
  valid(files({ 'virtual_servers/web': vs({ pool: 'discard' }) }))
})

test('a pool failure_pool must exist', () => {
  const pool = { properties: { ...POOL.properties, basic: { ...POOL.properties.basic, failure_pool: 'backup' } } }
  const ds = problems(files({ 'pools/web-pool': pool }))
  assert.deepEqual(ds.map((d) => [d.objectName, d.key, d.reason]), [['web-pool', 'basic.failure_pool', 'names pools/backup, which does not exist']])
})

test('rules named by a virtual server must exist; entries may be objects', () => {
  const rules = ['one', { name: 'two', enabled: false }, { name: 'missing', run_frequency: 'only_first' }]
  const ds = problems(files({ 'virtual_servers/web': vs({ request_rules: rules }), 'rules/one': 'pool.use("web-pool");', 'rules/two': '' }))
  assert.deepEqual(ds.map((d) => [d.key, d.reason]), [['basic.request_rules[2]', 'names rules/missing, which does not exist']])
  const c = valid(files({ 'virtual_servers/web': vs({ request_rules: rules.slice(0, 2) }), 'rules/one': 'x', 'rules/two': '' }))
  assert.deepEqual(c.virtualServers.get('web')?.basic.request_rules, [
    { name: 'one', enabled: true, run_frequency: 'run_every' },
    { name: 'two', enabled: false, run_frequency: 'run_every' },
  ])
  assert.equal(c.rules.get('one'), 'x')
})

test('malformed rule entries', () => {
  const rules = [5, { name: '' }, { name: 'a', run_frequency: 'sometimes', extra: 1 }, { name: 'a', enabled: 'no' }]
  const ds = problems(files({ 'virtual_servers/web': vs({ response_rules: rules }), 'rules/a': '' }))
  const keys = ds.map((d) => d.key).sort()
  assert.deepEqual(keys, [
    'basic.response_rules[0]', 'basic.response_rules[1].name', 'basic.response_rules[2].extra',
    'basic.response_rules[2].run_frequency', 'basic.response_rules[3].enabled',
  ])
})

test('enabled virtual servers on one port with overlapping addresses clash', () => {
  const clash = (a: Record<string, unknown>, b: Record<string, unknown>): Diagnostic[] => {
    const r = loadConfigFromObjects(files({ 'virtual_servers/web': undefined, 'virtual_servers/a': JSON.stringify(vs(a)), 'virtual_servers/b': JSON.stringify(vs(b)) }))
    return r.ok ? [] : r.error
  }
  const any = clash({}, {})
  assert.equal(any.length, 1)
  assert.equal(any[0]?.objectName, 'b')
  assert.equal(any[0].reason, 'TCP port 80 on all addresses is also used by enabled virtual server "a"')
  const hostsVsAny = clash({ listen_on_any: false, listen_on_hosts: ['10.0.0.1'] }, {})
  assert.equal(hostsVsAny.length, 1)
  const shared = clash({ listen_on_any: false, listen_on_hosts: ['10.0.0.1', 'www'] }, { listen_on_any: false, listen_on_hosts: ['WWW'] })
  assert.match(shared[0]?.reason ?? '', /on www is also used/)
  assert.deepEqual(clash({ listen_on_any: false, listen_on_hosts: ['10.0.0.1'] }, { listen_on_any: false, listen_on_hosts: ['10.0.0.2'] }), [])
  assert.deepEqual(clash({}, { port: 81 }), [])
  assert.deepEqual(clash({}, { enabled: false }), [])
  assert.deepEqual(clash({ protocol: 'dns' }, { protocol: 'dns_tcp' }), [])
  assert.deepEqual(clash({ protocol: 'udp' }, { protocol: 'http' }), [])
  assert.equal(clash({ protocol: 'udp' }, { protocol: 'dns' }).length, 1)
})

test('unparsable JSON and YAML name the parser problem', () => {
  const ds = problems(files({ 'pools/broken': '{"properties": {', 'monitors/m.yaml': 'properties:\n  basic: {delay: 3\n' }))
  const byName = new Map(ds.map((d) => [d.objectName, d]))
  assert.match(byName.get('broken')?.reason ?? '', /^invalid JSON: /)
  assert.match(byName.get('m')?.reason ?? '', /^invalid YAML at line \d+, column \d+: /)
  assert.equal(byName.get('m')?.file, 'config/monitors/m.yaml')
})

test('the top level must be {"properties": {...}}', () => {
  for (const doc of ['[]', '{"basic": {}}', '{"properties": []}', '"x"', 'null']) {
    const ds = problems(files({ 'pools/odd': doc }))
    assert.ok(ds.length >= 1, doc)
    assert.match(ds[0]?.reason ?? '', /\{"properties": \{/, doc)
    assert.equal(ds[0]?.key, undefined)
  }
})

test('object names must be safe file names', () => {
  for (const name of ['a*b', 'a:b', ' lead', 'back\\slash']) {
    const ds = problems(files({ [`monitors/${name}`]: '{"properties": {}}' }))
    assert.match(ds[0]?.reason ?? '', /^not a safe file name/, name)
  }
})

test('unknown directories and stray files are named', () => {
  const ds = problems(files({ 'virtual_serverz/x': '{}', 'ssl/keys/k': '{}', 'README': 'hi' }))
  const reasons = ds.map((d) => d.reason)
  assert.ok(reasons.some((r) => r.startsWith('unknown top-level directory "virtual_serverz"')))
  assert.ok(reasons.some((r) => r.startsWith('unknown directory "ssl/keys"')))
  assert.ok(reasons.includes('unexpected file at the top of the configuration directory'))
})

test('a name given as both JSON and YAML is an error', () => {
  const ds = problems(files({ 'pools/web-pool.yaml': 'properties: {}\n' }))
  assert.equal(ds[0]?.reason, 'defined in more than one file: pools/web-pool, pools/web-pool.yaml')
})

test('global settings: optional, validated, YAML allowed', () => {
  const c = valid(files({ 'global_settings.yaml': 'properties:\n  trafficscript:\n    max_instr: 5000\n' }))
  assert.equal(c.globalSettings.trafficscript.max_instr, 5000)
  assert.equal(c.globalSettings.trafficscript.regex_match_limit, 10000000)
  const ds = problems(files({ global_settings: '{"properties": {"trafficscript": {"max_instr": "lots"}}}' }))
  assert.equal(formatDiagnostic(ds[0] ?? { objectType: '', objectName: '', reason: '' }), 'global_settings (config/global_settings): trafficscript.max_instr: must be an integer, got "lots"')
})

test('other references: protection, persistence, server keys', () => {
  const ds = problems(files({
    'virtual_servers/web': vs({ protection_class: 'p' }, { ssl: { server_cert_default: 'k' } }),
    'pools/web-pool': { properties: { ...POOL.properties, basic: { ...POOL.properties.basic, persistence_class: 's' } } },
  }))
  assert.deepEqual(ds.map((d) => d.key).sort(), ['basic.persistence_class', 'basic.protection_class', 'ssl.server_cert_default'])
  valid(files({
    'virtual_servers/web': vs({ protection_class: 'p' }, { ssl: { server_cert_default: 'k' } }),
    'protection/p': '{"properties": {}}',
    'ssl/server_keys/k': '{"properties": {"basic": {"public": "x", "private": "y"}}}',
  }))
})

test('validateConfig never throws on odd input', () => {
  const r = validateConfig({ dir: undefined, files: [{ path: 'pools/x', content: new Uint8Array([0xff, 0xfe, 0x00]) }, { path: '', content: '' }] })
  assert.ok(!r.ok)
})

test('formatDiagnostic without file or key', () => {
  assert.equal(formatDiagnostic({ objectType: 'pools', objectName: 'p', reason: 'r' }), 'pools/p: r')
  assert.equal(formatDiagnostic({ objectType: '', objectName: '', reason: 'r', file: 'f' }), 'f: r')
  assert.equal(formatDiagnostic({ objectType: 'global_settings', objectName: '', key: 'a.b', reason: 'r' }), 'global_settings: a.b: r')
})
