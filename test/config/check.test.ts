import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { checkConfig } from '../../src/cli/index.ts'
import { configDir } from '../helpers/config-dir.ts'

const POOL = '{"properties":{"basic":{"nodes_table":[{"node":"127.0.0.1:9001"},{"node":"127.0.0.1:9002"}]},"load_balancing":{"algorithm":"round_robin"}}}'

test('sluice check reports a good configuration and exits 0', async (t) => {
  const dir = await configDir(t, {
    'virtual_servers/web': '{"properties":{"basic":{"enabled":true,"port":8080,"protocol":"http","pool":"web-pool","request_rules":["r"]}}}',
    'pools/web-pool': POOL,
    'rules/r': 'pool.use("web-pool");',
  })
  const lines: string[] = []
  assert.equal(await checkConfig(dir, (l) => lines.push(l)), 0)
  assert.deepEqual(lines, [`configuration OK: 1 virtual server, 1 pool, 1 rule (${dir})`])
})

test('sluice check prints every problem and a count, and exits 1', async (t) => {
  const dir = await configDir(t, {
    'virtual_servers/web': '{"properties":{"basic":{"enabled":true,"port":"80a","pool":"nope"}}}',
    'pools/web-pool': POOL,
  })
  const lines: string[] = []
  assert.equal(await checkConfig(dir, (l) => lines.push(l)), 1)
  const file = join(dir, 'virtual_servers', 'web')
  assert.deepEqual(lines, [
    `virtual_servers/web (${file}): basic.port: must be an integer from 0 to 65535, got "80a"`,
    `virtual_servers/web (${file}): basic.pool: names pools/nope, which does not exist`,
    `2 problems found in ${dir}`,
  ])
})
