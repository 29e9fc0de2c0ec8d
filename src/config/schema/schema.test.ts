import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultValue, getKeySchema, getObjectType, listObjectTypes } from './index.ts'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const SPEC = join(ROOT, '..', 'shared', 'spec', 'config-schema.md')

test('every object type from the spec is present with its URI', () => {
  const uris = listObjectTypes().map((t) => t.uri)
  for (const uri of [
    'virtual_servers', 'pools', 'monitors', 'persistence', 'protection', 'rate', 'bandwidth',
    'service_level_monitors', 'actions', 'event_types', 'ssl/server_keys', 'ssl/cas',
    'ssl/client_keys', 'traffic_ip_groups', 'global_settings', 'rules', 'extra_files',
    'dns_server/zones', 'glb_services', 'locations', 'custom',
  ]) {
    assert.ok(uris.includes(uri), uri)
  }
  assert.equal(getObjectType('global_settings')?.kind, 'singleton')
  assert.equal(getObjectType('rules')?.kind, 'raw')
  assert.equal(getObjectType('ssl/cas')?.kind, 'raw')
  assert.equal(getObjectType('pools')?.kind, 'object')
})

test('pool balancing algorithms are the seven vTM names, round_robin by default', () => {
  const algorithm = getKeySchema('pools', 'load_balancing', 'algorithm')
  assert.deepEqual([...(algorithm?.enum ?? [])].sort(), [
    'fastest_response_time', 'least_connections', 'perceptive', 'random', 'round_robin',
    'weighted_least_connections', 'weighted_round_robin',
  ])
  assert.equal(algorithm?.default, 'round_robin')
})

test('defaults, ranges and required keys come through', () => {
  assert.equal(getKeySchema('virtual_servers', 'connection', 'timeout')?.default, 300)
  const port = getKeySchema('virtual_servers', 'basic', 'port')
  // 0 is Sluice's extension (the system picks the port); vTM's range starts at 1.
  assert.deepEqual([port?.min, port?.max, port?.required, port?.default], [0, 65535, true, undefined])
  assert.equal(getKeySchema('virtual_servers', 'basic', 'enabled')?.default, false)
  assert.equal(getKeySchema('virtual_servers', 'basic', 'listen_on_any')?.default, true)
  assert.equal(getKeySchema('global_settings', 'trafficscript', 'max_instr')?.default, 100000)
  assert.equal(getKeySchema('monitors', 'basic', 'delay')?.min, 1)
  const note = getKeySchema('pools', 'basic', 'note')
  assert.ok(note !== undefined)
  assert.equal(defaultValue(note), '')
})

test('virtual server log section has vTM keys and the Sluice-only json key', () => {
  const log = getObjectType('virtual_servers')?.sections['log'] ?? {}
  for (const key of ['enabled', 'filename', 'format', 'save_all', 'always_flush', 'ssl_failures']) {
    assert.ok(key in log, key)
  }
  assert.equal(log['format']?.default, '%h %l %u %t "%r" %s %b "%{Referer}i" "%{User-agent}i"')
  assert.equal(log['filename']?.default, '.sluice/logs/%v.log')
  assert.equal(log['filename'].vtmDefault, '%zeushome%/zxtm/log/%v.log')
  assert.deepEqual(log['json'], { type: 'bool', default: false, sluiceOnly: true })
  for (const section of ['recent_connections', 'request_tracing', 'rtsp', 'sip']) {
    assert.ok(getObjectType('virtual_servers')?.sections[section], section)
  }
})

test('pool nodes_table has the corrected columns', () => {
  const columns = getKeySchema('pools', 'basic', 'nodes_table')?.columns
  assert.deepEqual(columns?.['weight'], { type: 'int', default: 1, min: 1, max: 100 })
  assert.deepEqual(columns['priority'], { type: 'int', default: 1, min: 0 })
  assert.deepEqual(columns['state']?.enum, ['active', 'draining', 'disabled'])
  assert.equal(columns['node']?.required, true)
})

test('rule lists are the Sluice rule-list type', () => {
  for (const key of ['request_rules', 'response_rules', 'completion_rules']) {
    assert.equal(getKeySchema('virtual_servers', 'basic', key)?.type, 'ruleList')
  }
})

test('the committed generated.ts matches the generator output, and the generator copies no prose', { skip: !existsSync(SPEC) }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-gen-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const out = join(dir, 'generated.ts')
  await new Promise<void>((resolve, reject) => {
    execFile(process.execPath, [join(ROOT, 'scripts', 'gen-config-schema.ts'), SPEC, out], { timeout: 20_000 }, (e) => {
      if (e === null) resolve()
      else reject(new Error('the generator failed', { cause: e }))
    })
  })
  const fresh = await readFile(out, 'utf8')
  assert.equal(fresh, await readFile(join(ROOT, 'src', 'config', 'schema', 'generated.ts'), 'utf8'))
  // The spec quotes vTM's description of every key; none of it may reach the output.
  assert.deepEqual(await readdir(dir), ['generated.ts'])
  const line = (await readFile(SPEC, 'utf8')).split('\n').find((l) => l.includes('`algorithm` (string; default "round_robin"')) ?? ''
  const prose = line.slice(line.indexOf('}): ') + '}): '.length)
  assert.ok(prose.length > 20, 'the spec still describes pools/load_balancing.algorithm')
  assert.ok(!fresh.includes(prose))
})
