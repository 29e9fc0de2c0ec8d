// gRPC end to end: an HTTP/2 client through Sluice to a pool that speaks HTTP/2 to its nodes,
// with trailers carried both ways; failures get a gRPC status instead of an HTML page.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { h2Session } from '../helpers/h2-client.ts'
import { grpcCall, startGrpcNode } from '../helpers/grpc-shaped.ts'
import { startProxy } from '../helpers/proxy.ts'
import { makePki } from '../tls/pki.ts'

const pki = makePki()
after(() => pki?.cleanup())

test('gRPC unary and streaming calls through Sluice to an h2c node keep messages and trailers', async (t) => {
  const node = await startGrpcNode(t)
  const proxy = await startProxy(t, { nodes: [node.address], pool: { http: { protocol: 'http2' } } })
  const session = await h2Session(t, proxy.url)
  const unary = await grpcCall(session, '/test.Echo/Unary', ['world'])
  assert.equal(unary.httpStatus, 200)
  assert.equal(unary.contentType, 'application/grpc')
  assert.deepEqual(unary.messages, ['hello world'])
  assert.equal(unary.status, '0')
  const seen: string[] = []
  const streaming = await grpcCall(session, '/test.Echo/Stream', ['a', 'b', 'c'], (m) => seen.push(m))
  assert.deepEqual(streaming.messages, ['echo a', 'echo b', 'echo c'])
  assert.deepEqual(seen, streaming.messages)
  assert.equal(streaming.status, '0')
  const concurrent = await Promise.all([1, 2, 3, 4].map((i) => grpcCall(session, '/test.Echo/Unary', [`n${i}`])))
  assert.deepEqual(concurrent.map((c) => c.messages[0]), ['hello n1', 'hello n2', 'hello n3', 'hello n4'])
  assert.equal(node.calls, 6)
})

test('no node for a gRPC call: grpc-status 14 UNAVAILABLE in a trailers-only answer, no HTML', async (t) => {
  const proxy = await startProxy(t, { nodes: ['127.0.0.1:1'], pool: { http: { protocol: 'http2' } } })
  const session = await h2Session(t, proxy.url)
  const r = await grpcCall(session, '/test.Echo/Unary', ['x'])
  assert.equal(r.httpStatus, 200)
  assert.equal(r.contentType, 'application/grpc')
  assert.equal(r.status, '14')
  assert.deepEqual(r.messages, [])
})

test('gRPC to a node over TLS: the pool negotiates h2 by ALPN', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const node = await startGrpcNode(t, pki.server(['node.test']))
  const proxy = await startProxy(t, { nodes: [node.address], pool: { http: { protocol: 'http2' }, ssl: { enable: true } } })
  const session = await h2Session(t, proxy.url)
  const r = await grpcCall(session, '/test.Echo/Stream', ['over', 'tls'])
  assert.deepEqual(r.messages, ['echo over', 'echo tls'])
  assert.equal(r.status, '0')
})
