import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { deleteConfigObject, formatDiagnostic, getObjects, loadConfigDir, writeConfigObject } from './index.ts'

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-config-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function put(dir: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true })
    await writeFile(join(dir, rel), content)
  }
}

const WEB = '{"properties":{"basic":{"enabled":true,"port":8080,"protocol":"http","pool":"web-pool"}}}'
const POOL_YAML = `properties:
  basic:
    nodes_table:
      - node: 127.0.0.1:9001
      - node: "[::1]:9002"
        weight: 5
  load_balancing:
    algorithm: weighted_round_robin
`

test('loads JSON, YAML, rules, extra files and nested types; skips hidden files and backups', async (t) => {
  const dir = await tempDir(t)
  await put(dir, {
    'virtual_servers/web': WEB,
    'virtual_servers/.web.swp': 'junk',
    'virtual_servers/web~': 'junk',
    'pools/web-pool.yaml': POOL_YAML,
    'rules/route.ts': 'if (http.getPath() == "/") { pool.use("web-pool"); }',
    'extra_files/page.html': Buffer.from([0x3c, 0x68, 0x31, 0xff]),
    'ssl/server_keys/site': '{"properties":{"basic":{"public":"P","private":"K"}}}',
    'ssl/cas/root': 'PEM',
    'monitors/ping.yml': 'properties:\n  basic:\n    type: ping\n',
    '.git/HEAD': 'ref',
  })
  const r = await loadConfigDir(dir)
  assert.ok(r.ok, r.ok ? '' : r.error.map(formatDiagnostic).join('\n'))
  const c = r.value
  assert.equal(c.dir, dir)
  assert.deepEqual([...c.virtualServers.keys()], ['web'])
  const pool = c.pools.get('web-pool')
  assert.equal(pool?.load_balancing.algorithm, 'weighted_round_robin')
  assert.equal(pool.basic.nodes_table[1]?.weight, 5)
  assert.equal(c.rules.get('route.ts'), 'if (http.getPath() == "/") { pool.use("web-pool"); }')
  assert.deepEqual(c.extraFiles.get('page.html'), Buffer.from([0x3c, 0x68, 0x31, 0xff]))
  assert.equal(getObjects(c, 'ssl/server_keys').get('site')?.basic.public, 'P')
  assert.equal(c.rawFiles.get('ssl/cas')?.get('root')?.toString(), 'PEM')
  assert.equal(getObjects(c, 'monitors').get('ping')?.basic.delay, 3)
})

test('directory problems are named with their paths', async (t) => {
  const dir = await tempDir(t)
  await put(dir, {
    'virtual_servers/web': WEB,
    'vservers/x': '{}',
    'ssl/keys/k': '{}',
    'pools/sub/p': '{}',
    'pools/broken.json.yaml': 'a: [',
    'global_settings/x': '{}',
  })
  const r = await loadConfigDir(dir)
  assert.ok(!r.ok)
  const lines = r.error.map(formatDiagnostic)
  const has = (text: string): void => {
    assert.ok(lines.some((l) => l.includes(text)), `${text}\n${lines.join('\n')}`)
  }
  has(`${join(dir, 'vservers')}: unknown top-level directory "vservers"`)
  has(`${join(dir, 'ssl/keys')}: unknown directory "ssl/keys"`)
  has(`${join(dir, 'pools/sub')}: unexpected directory inside pools`)
  has('global_settings is a single file, not a directory')
  has(`pools/broken.json (${join(dir, 'pools/broken.json.yaml')}): invalid YAML at line 1`)
  has('virtual_servers/web')
  assert.ok(lines.every((l) => !l.includes('vservers/x')), 'one problem per unknown directory')
})

test('a missing directory is a problem, not an exception', async (t) => {
  const dir = await tempDir(t)
  const r = await loadConfigDir(join(dir, 'nope'))
  assert.ok(!r.ok)
  assert.match(r.error[0]?.reason ?? '', /^cannot read the directory: /)
})

test('an empty directory is a valid configuration with default global settings', async (t) => {
  const r = await loadConfigDir(await tempDir(t))
  assert.ok(r.ok)
  assert.equal(r.value.globalSettings.trafficscript.max_instr, 100000)
  assert.equal(r.value.virtualServers.size, 0)
})

test('writeConfigObject writes canonical JSON atomically and replaces a YAML twin', async (t) => {
  const dir = await tempDir(t)
  await put(dir, { 'pools/web-pool.yaml': POOL_YAML })
  const props = { load_balancing: { algorithm: 'random' }, basic: { nodes_table: [{ weight: 2, node: 'a:1' }] } }
  const w = await writeConfigObject(dir, 'pools', 'web-pool', props)
  assert.ok(w.ok)
  assert.equal(w.value, join(dir, 'pools', 'web-pool'))
  const text = await readFile(w.value, 'utf8')
  assert.equal(text, `${JSON.stringify({ properties: { basic: { nodes_table: [{ node: 'a:1', weight: 2 }] }, load_balancing: { algorithm: 'random' } } }, null, 2)}\n`)
  assert.deepEqual(await readdir(join(dir, 'pools')), ['web-pool'])
  assert.ok((await writeConfigObject(dir, 'virtual_servers', 'web', (JSON.parse(WEB) as { properties: unknown }).properties)).ok)
  assert.ok((await writeConfigObject(dir, 'rules', 'r1', 'pool.use("web-pool");')).ok)
  assert.ok((await writeConfigObject(dir, 'global_settings', '', { trafficscript: { max_instr: 7 } })).ok)
  assert.ok((await writeConfigObject(dir, 'ssl/server_keys', 'k', { basic: { note: 'n' } })).ok)
  const r = await loadConfigDir(dir)
  assert.ok(r.ok, r.ok ? '' : r.error.map(formatDiagnostic).join('\n'))
  assert.equal(r.value.pools.get('web-pool')?.load_balancing.algorithm, 'random')
  assert.equal(r.value.rules.get('r1'), 'pool.use("web-pool");')
  assert.equal(r.value.globalSettings.trafficscript.max_instr, 7)
})

test('writeConfigObject refuses invalid objects, unsafe names and unknown types', async (t) => {
  const dir = await tempDir(t)
  const bad = await writeConfigObject(dir, 'pools', 'p', { basic: { nodes_table: [{ node: 'x' }] } })
  assert.ok(!bad.ok)
  assert.equal(bad.error[0]?.key, 'basic.nodes_table[0].node')
  const unsafe = await writeConfigObject(dir, 'pools', '../escape', {})
  assert.ok(!unsafe.ok)
  assert.match(unsafe.error[0]?.reason ?? '', /not a safe file name/)
  const unknown = await writeConfigObject(dir, 'nodes', 'x', {})
  assert.ok(!unknown.ok)
  assert.deepEqual(await readdir(dir), [])
})

test('deleteConfigObject removes every encoding of a name', async (t) => {
  const dir = await tempDir(t)
  await put(dir, { 'pools/a': '{"properties":{}}', 'pools/b.yml': 'properties: {}\n' })
  const a = await deleteConfigObject(dir, 'pools', 'a')
  const b = await deleteConfigObject(dir, 'pools', 'b')
  const c = await deleteConfigObject(dir, 'pools', 'c')
  assert.deepEqual([a.ok && a.value, b.ok && b.value, c.ok && c.value], [true, true, false])
  assert.deepEqual(await readdir(join(dir, 'pools')), [])
})
