// Fields Sluice sets for nodes cannot be forged with `_` for `-` (issue #11, item 5): a node
// that folds the two alike would otherwise read the client's value as Sluice's.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { replyOnHead, startRawNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'
import { RawClient } from '../helpers/raw-client.ts'

const FORGED =
  'X_Cluster_Client_Ip: 6.6.6.6\r\nx-cluster_client-ip: 6.6.6.7\r\nX_Forwarded_For: 6.6.6.8\r\n' +
  'X_FORWARDED_PROTO: https\r\nX-Forwarded-For: 10.0.0.1\r\nX_Other: kept\r\n'

/** Field lines of the request the node received, lower-cased names with their values. */
function fieldsSeen(received: string): string[] {
  return received
    .split('\r\n\r\n')[0]!
    .split('\r\n')
    .slice(1)
    .map((line) => line.toLowerCase())
}

test('forwarding fields spelt with underscores are removed when Sluice sets them', async (t) => {
  const node = await startRawNode(t, replyOnHead('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'))
  const proxy = await startProxy(t, {
    nodes: [node.address],
    vs: { http: { add_x_forwarded_for: true, add_x_forwarded_proto: true } },
  })
  const client = await RawClient.connect(t, proxy.port)
  client.write(`GET / HTTP/1.1\r\nHost: h\r\n${FORGED}\r\n`)
  assert.equal((await client.readResponse()).status, 200)
  const seen = fieldsSeen(node.received[0] ?? '')
  assert.deepEqual(
    seen.filter((f) => /^x[-_]/.test(f)).sort(),
    ['x-cluster-client-ip: 127.0.0.1', 'x-forwarded-for: 10.0.0.1, 127.0.0.1', 'x-forwarded-proto: http', 'x_other: kept'],
  )
})

test('with forwarding fields off, underscore spellings pass like the proper ones', async (t) => {
  const node = await startRawNode(t, replyOnHead('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'))
  const proxy = await startProxy(t, {
    nodes: [node.address],
    vs: { http: { add_cluster_ip: false, add_x_forwarded_for: false, strip_x_forwarded_proto: false } },
  })
  const client = await RawClient.connect(t, proxy.port)
  client.write(`GET / HTTP/1.1\r\nHost: h\r\n${FORGED}\r\n`)
  assert.equal((await client.readResponse()).status, 200)
  assert.equal(fieldsSeen(node.received[0] ?? '').filter((f) => /^x[-_]/.test(f)).length, 6)
})
