// Service protection classes on generic TCP virtual servers: checked at accept (issue #13).
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { startRawNode, type RawNode } from '../helpers/nodes.ts'
import { startProxy, type Proxy } from '../helpers/proxy.ts'
import { RawClient } from '../helpers/raw-client.ts'
import { waitFor } from '../helpers/wait.ts'

async function echoProxy(t: TestContext, sections: Record<string, Record<string, unknown>>): Promise<{ proxy: Proxy; node: RawNode }> {
  const node = await startRawNode(t, (s, got) => {
    if (got.endsWith('\n')) s.write(`echo ${got}`)
  })
  const proxy = await startProxy(t, {
    nodes: [node.address],
    vs: { basic: { protocol: 'client_first', protection_class: 'guard' } },
    files: { 'protection/guard': JSON.stringify({ properties: sections }) },
  })
  return { proxy, node }
}

async function echoes(t: TestContext, port: number): Promise<boolean> {
  const c = await RawClient.connect(t, port)
  c.write('hi\n')
  try {
    await waitFor(() => c.unread === 'echo hi\n' || c.ended || c.closed, 'an echo or a close', 2000)
  } finally {
    c.close()
  }
  return c.unread === 'echo hi\n'
}

test('a banned address is dropped at accept on a TCP virtual server', async (t) => {
  const { proxy, node } = await echoProxy(t, { access_restriction: { banned: ['127.0.0.1/32'] } })
  assert.equal(await echoes(t, proxy.port), false)
  assert.equal(node.connections, 0)
  assert.equal(proxy.app.protection.get('guard').refused.banned, 1)
})

test('TCP connections beyond max_1_connections are dropped; the rest are relayed', async (t) => {
  const { proxy } = await echoProxy(t, { concurrent_connections: { max_1_connections: 1, min_connections: 1 } })
  const held = await RawClient.connect(t, proxy.port)
  held.write('one\n')
  await waitFor(() => held.unread === 'echo one\n', 'the first echo', 2000)
  assert.equal(await echoes(t, proxy.port), false)
  assert.equal(proxy.app.protection.get('guard').refused.max_1_connections, 1)
  held.close()
  await waitFor(() => proxy.app.protection.get('guard').connections.size === 0, 'the connections to be counted out', 2000)
  assert.equal(await echoes(t, proxy.port), true)
})

test('TCP connection_rate counts connections per rate_timer', async (t) => {
  const { proxy } = await echoProxy(t, { connection_rate: { max_connection_rate: 2, rate_timer: 60 } })
  assert.equal(await echoes(t, proxy.port), true)
  assert.equal(await echoes(t, proxy.port), true)
  assert.equal(await echoes(t, proxy.port), false)
  assert.equal(proxy.app.protection.get('guard').refused.connection_rate, 1)
})

test('testing mode relays a TCP connection that would have been refused', async (t) => {
  const { proxy } = await echoProxy(t, { basic: { testing: true }, access_restriction: { banned: ['127.0.0.1'] } })
  assert.equal(await echoes(t, proxy.port), true)
  assert.equal(proxy.app.protection.get('guard').testingPassed, 1)
})
