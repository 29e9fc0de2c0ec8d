// Listeners by transport: a UDP and a TCP virtual server share a port number, UDP listens on
// every address when asked to, and a removed UDP virtual server stops answering.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import { connect } from 'node:net'
import { freePort } from '../helpers/nodes.ts'
import { onCleanup } from '../helpers/cleanup.ts'
import { loadConfigFromObjects } from '../../src/config/index.ts'
import { obj, poolObj, startApp, vsObj } from '../tls/start-app.ts'
import { answerA, startDnsNode, startDnsTcpNode } from '../stream/dns-node.ts'

const QUERY = Buffer.from('abcd01000001000000000000047465737400' + '00010001', 'hex')

function udpAsk(t: TestContext, port: number, limitMs = 1500): Promise<Buffer | null> {
  const s = createSocket('udp4')
  onCleanup(t, () => {
    s.close()
  })
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve(null)
    }, limitMs)
    s.once('message', (m) => {
      clearTimeout(timer)
      resolve(m)
    })
    s.send(QUERY, port, '127.0.0.1')
  })
}

function tcpAsk(t: TestContext, port: number): Promise<Buffer> {
  const s = connect({ host: '127.0.0.1', port })
  s.on('error', () => undefined)
  onCleanup(t, () => s.destroy())
  const length = Buffer.alloc(2)
  length.writeUInt16BE(QUERY.length)
  s.write(Buffer.concat([length, QUERY]))
  return new Promise((resolve) => {
    let got = Buffer.alloc(0)
    s.on('data', (c: Buffer) => {
      got = Buffer.concat([got, c])
      if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) resolve(got.subarray(2))
    })
  })
}

test('dns and dns_tcp virtual servers share one port number; listen_on_any works for UDP', async (t) => {
  const udpNode = await startDnsNode(t, '10.1.1.1')
  const tcpNode = await startDnsTcpNode(t, '10.2.2.2')
  // One port number for a UDP and a TCP listener: port 0 would give them two, so it is chosen first.
  const port = await freePort()
  const app = await startApp(t, {
    'pools/u': poolObj([udpNode.address]),
    'pools/t': poolObj([tcpNode.address]),
    'virtual_servers/dns-udp': obj({ basic: { enabled: true, protocol: 'dns', port, pool: 'u', listen_on_any: true } }),
    'virtual_servers/dns-tcp': vsObj(port, 'dns_tcp', 't'),
  })
  assert.deepEqual(
    app.bound().map((b) => `${b.virtualServer}/${b.transport}/${String(b.port)}`).sort(),
    [`dns-tcp/tcp/${String(port)}`, `dns-udp/udp/${String(port)}`],
  )
  assert.deepEqual(await udpAsk(t, port), answerA(QUERY, '10.1.1.1'))
  assert.deepEqual(await tcpAsk(t, port), answerA(QUERY, '10.2.2.2'))

  const without = loadConfigFromObjects({ 'pools/t': poolObj([tcpNode.address]), 'virtual_servers/dns-tcp': vsObj(port, 'dns_tcp', 't') })
  if (!without.ok) assert.fail('bad test configuration')
  assert.equal((await app.apply(without.value)).ok, true)
  assert.equal(await udpAsk(t, port, 300), null)
  assert.deepEqual(await tcpAsk(t, port), answerA(QUERY, '10.2.2.2'))
})
