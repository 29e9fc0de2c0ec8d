// Absolute-form requests (issue #11, item 4): the target's authority is the Host, for the node
// and for rules (RFC 9112 §3.2.2), and the node gets origin-form, as nginx forwards it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { replyOnHead, startRawNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'
import { RawClient } from '../helpers/raw-client.ts'

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'

/** The head of the `i`th request the node received, over all its connections (no bodies). */
function headSeen(received: readonly string[], i = 0): string {
  return received.join('').split('\r\n\r\n')[i] ?? ''
}

test('an absolute-form request reaches the node in origin-form with the Host of its authority', async (t) => {
  const node = await startRawNode(t, replyOnHead(OK))
  const proxy = await startProxy(t, { nodes: [node.address] })
  const cases: readonly (readonly [string, string, string])[] = [
    ['GET http://internal.example/p?q=1 HTTP/1.1\r\nHost: a\r\n\r\n', 'GET /p?q=1 HTTP/1.1', 'internal.example'],
    ['GET HTTPS://Internal.Example:8443?x=1 HTTP/1.1\r\nX-A: 1\r\nhost: a\r\n\r\n', 'GET /?x=1 HTTP/1.1', 'Internal.Example:8443'],
    ['GET http://[::1]:8080 HTTP/1.1\r\nHost: a\r\n\r\n', 'GET / HTTP/1.1', '[::1]:8080'],
    ['GET http://internal.example/ HTTP/1.0\r\n\r\n', 'GET / HTTP/1.0', 'internal.example'],
  ]
  for (const [i, [request, line, host]] of cases.entries()) {
    const client = await RawClient.connect(t, proxy.port)
    client.write(request)
    assert.equal((await client.readResponse()).status, 200, request)
    client.close()
    const head = headSeen(node.received, i)
    assert.equal(head.split('\r\n')[0], line, request)
    const hosts = head.split('\r\n').filter((l) => /^host:/i.test(l))
    assert.deepEqual(hosts.map((l) => l.slice(l.indexOf(':') + 1).trim()), [host], `${request}: ${head}`)
  }
})

test('rules see the authority of an absolute-form target as the Host', async (t) => {
  const other = await startRawNode(t, replyOnHead(OK))
  const internal = await startRawNode(t, replyOnHead('HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\ninternal'))
  const rule = `
    if( http.getHostHeader() == "internal.example" && http.getHeader( "Host" ) == "internal.example"
        && http.getPath() == "/admin" ) {
      pool.use( "internal" );
    }
  `
  const proxy = await startProxy(t, {
    nodes: [other.address],
    vs: { basic: { request_rules: ['route'] } },
    files: { 'rules/route': rule, 'pools/internal': JSON.stringify({ properties: { basic: { nodes_table: [{ node: internal.address }] } } }) },
  })
  const client = await RawClient.connect(t, proxy.port)
  client.write('GET http://internal.example/admin HTTP/1.1\r\nHost: public.example\r\n\r\n')
  const res = await client.readResponse()
  assert.equal(res.body.toString(), 'internal', 'the Host-based rule matched the authority')
  assert.equal(other.requests, 0)
  assert.match(headSeen(internal.received), /^GET \/admin HTTP\/1\.1\r\n(?:[^]*\r\n)?Host: internal\.example(?:\r\n|$)/)
})

test('valid Host values are forwarded as they are', async (t) => {
  const node = await startRawNode(t, replyOnHead(OK))
  const proxy = await startProxy(t, { nodes: [node.address] })
  const hosts = ['[::1]:8080', '127.0.0.1:80', 'a_b.example', 'xn--bcher-kva.example', 'h:', '%41.example', '']
  for (const [i, host] of hosts.entries()) {
    const client = await RawClient.connect(t, proxy.port)
    client.write(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`)
    assert.equal((await client.readResponse()).status, 200, host)
    client.close()
    assert.ok(headSeen(node.received, i).includes(`\r\nHost: ${host}`), host)
  }
})
