// Protection classes in the configuration: what `sluice check` reports, the class's rule, and
// runtime state across reloads (issue #13).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatDiagnostic } from '../../src/config/index.ts'
import { diagnoseConfig } from '../../src/snapshot/index.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'
import { RawClient } from '../helpers/raw-client.ts'

const files = (guard: unknown, vsClass = 'guard') => ({
  dir: 'config',
  files: Object.entries({
    'virtual_servers/web': { properties: { basic: { enabled: true, port: 8080, pool: 'p', protection_class: vsClass } } },
    'pools/p': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:9001' }] } } },
    'protection/guard': guard,
  }).map(([path, doc]) => ({ path, content: JSON.stringify(doc) })),
})

test('an address that is not one is an error naming the class, the key and the entry', () => {
  const report = diagnoseConfig(files({ properties: { access_restriction: { banned: ['10.0.0.0/8', '10.0.0.300'] } } }))
  assert.deepEqual(report.errors.map(formatDiagnostic), [
    'protection/guard (config/protection/guard): access_restriction.banned: "10.0.0.300" is not an IPv4 or IPv6 address',
  ])
})

test('a virtual server naming a class that does not exist is an error naming both', () => {
  const report = diagnoseConfig(files({ properties: {} }, 'nope'))
  const messages = report.errors.map(formatDiagnostic).join('\n')
  assert.match(messages, /virtual_servers\/web/)
  assert.match(messages, /nope/)
})

test("the class's rule runs after the checks and before the virtual server's rules", async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, {
    nodes: [node.address],
    vs: { basic: { protection_class: 'guard', request_rules: ['vs-rule'] } },
    files: {
      'protection/guard': JSON.stringify({ properties: { basic: { rule: 'guard-rule' }, http: { max_url_length: 20 } } }),
      'rules/guard-rule': 'http.setHeader("X-Order", "guard");',
      'rules/vs-rule': 'http.sendResponse(200, "text/plain", http.getHeader("X-Order") . " then vs", "");',
    },
  })
  const c = await RawClient.connect(t, proxy.port)
  c.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n')
  assert.equal((await c.readResponse()).body.toString(), 'guard then vs')
  // A request the checks refuse never reaches the rule.
  c.write(`GET /${'x'.repeat(30)} HTTP/1.1\r\nHost: h\r\n\r\n`)
  assert.equal((await c.readResponse()).status, 414)
})

test('counts and counters of a class that stays survive a reload', async (t) => {
  const node = await startHttpNode(t, 'n')
  const proxy = await startProxy(t, {
    nodes: [node.address],
    vs: { basic: { protection_class: 'guard' } },
    files: { 'protection/guard': JSON.stringify({ properties: { connection_rate: { max_connection_rate: 2 } } }) },
  })
  const c = await RawClient.connect(t, proxy.port)
  for (let i = 0; i < 2; i++) {
    c.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n')
    assert.equal((await c.readResponse()).status, 200)
  }
  const config = proxy.app.snapshot?.config
  assert.ok(config !== undefined)
  const reapplied = await proxy.app.apply(config)
  assert.ok(reapplied.ok)
  c.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n')
  assert.equal((await c.readResponse()).status, 503, 'the rate count carried over')
  assert.equal(proxy.app.protection.get('guard').refused.connection_rate, 1)
})
