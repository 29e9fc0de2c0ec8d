/**
 * Issue #21 item 7: `sluice check` says where a known key belongs when it is given in the wrong
 * section, instead of only "unknown key".
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeConfigDir } from '../api/harness.ts'
import { runSluice } from '../e2e/cli-harness.ts'

test('a key in the wrong section is pointed to its section; a typo still gets "did you mean"', async (t) => {
  const dir = await writeConfigDir(t, {
    'virtual_servers/web': {
      properties: {
        basic: { enabled: true, port: 8080, protocol: 'http', pool: 'p', timeout: 30, max_client_buffer: 1 },
        log: { enabeld: true },
        port: 80,
      },
    },
    'pools/p': { properties: { basic: { nodes_table: [], algorithm: 'least_connections' } } },
  })
  const r = await runSluice(['check', '--config', dir])
  assert.equal(r.code, 1, r.output)
  assert.match(r.output, /virtual_servers\/web .*basic\.timeout: unknown key; "timeout" is a key of sections "connection\.timeout", "udp\.timeout"/)
  assert.match(r.output, /virtual_servers\/web .*basic\.max_client_buffer: unknown key; "max_client_buffer" belongs in section "connection" \("connection\.max_client_buffer"\)/)
  assert.match(r.output, /virtual_servers\/web .*log\.enabeld: unknown key; did you mean "enabled"\?/)
  assert.match(r.output, /virtual_servers\/web .*port: unknown section; "port" belongs in section "basic" \("basic\.port"\), inside that section's object/)
  assert.match(r.output, /pools\/p .*basic\.algorithm: unknown key; "algorithm" belongs in section "load_balancing" \("load_balancing\.algorithm"\)/)
})
