/**
 * Contract suite for TransactionView implementations (hono's `runTest({ newRouter })` pattern):
 * the data plane runs it against its own view to check it behaves as the rules library expects.
 *
 * @example
 * runTransactionViewContract('HttpTransactionView', (req) => makeViewForTest(req))
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TransactionView } from '../host.ts'
import type { FakeRequest } from './fake-host.ts'

/** Registers node:test tests checking `make`'s views. `make` builds a view from plain request data. */
export function runTransactionViewContract(name: string, make: (req: FakeRequest) => TransactionView | Promise<TransactionView>): void {
  const base: FakeRequest = {
    method: 'POST',
    url: '/a/b?x=1',
    headers: [['Host', 'www.example.com'], ['X-Dup', '1'], ['x-dup', '2'], ['Content-Type', 'text/plain']],
    body: 'hello world',
  }

  void test(`${name}: request line and target`, async () => {
    const v = await make(base)
    assert.equal(v.getMethod(), 'POST')
    assert.equal(v.getRawUrl(), '/a/b?x=1')
    assert.equal(v.getVersion(), 'HTTP/1.1')
    v.setMethod('PUT')
    v.setRawUrl('/c?y=2')
    assert.equal(v.getMethod(), 'PUT')
    assert.equal(v.getRawUrl(), '/c?y=2')
  })

  void test(`${name}: headers are case-insensitive, ordered, and set/add/remove behave`, async () => {
    const v = await make(base)
    assert.equal(v.getHeader('host'), 'www.example.com')
    assert.equal(v.getHeader('X-DUP'), '1', 'first value of a repeated header')
    assert.equal(v.getHeader('missing'), undefined)
    // A real data plane also frames the body (Content-Length); framing fields are its business.
    const names = v.listHeaders().map(([n]) => n.toLowerCase()).filter((n) => n !== 'content-length')
    assert.deepEqual(names, ['host', 'x-dup', 'x-dup', 'content-type'])
    v.setHeader('x-dup', '3')
    assert.deepEqual(v.listHeaders().filter(([n]) => n.toLowerCase() === 'x-dup').map(([, x]) => x), ['3'])
    v.addHeader('X-New', 'a')
    v.addHeader('x-new', 'b')
    assert.deepEqual(v.listHeaders().filter(([n]) => n.toLowerCase() === 'x-new').map(([, x]) => x), ['a', 'b'])
    v.removeHeader('X-NEW')
    assert.equal(v.getHeader('x-new'), undefined)
  })

  void test(`${name}: getHeaderAt, where there is one, agrees with listHeaders`, async () => {
    const v = await make({ ...base, headers: [['Cookie', 'a=1'], ['Host', 'h'], ['cookie', 'b=2; c=3'], ['COOKIE', 'd=4']] })
    if (v.getHeaderAt === undefined) return
    const listed = v.listHeaders().filter(([n]) => n.toLowerCase() === 'cookie').map(([, x]) => x)
    const at: (string | undefined)[] = []
    for (let i = 0; i <= listed.length; i++) at.push(v.getHeaderAt('Cookie', i))
    assert.deepEqual(at, [...listed, undefined])
    assert.equal(v.getHeaderAt('X-Missing', 0), undefined)
  })

  void test(`${name}: body reads honour maxBytes and may be a Promise`, async () => {
    const v = await make(base)
    assert.equal(await v.getBody(0), 'hello world')
    assert.equal(await v.getBody(5), 'hello')
    v.setBody('changed')
    assert.equal(await v.getBody(0), 'changed')
  })

  void test(`${name}: connection data keeps values`, async () => {
    const v = await make(base)
    assert.equal(v.getConnectionData('k'), undefined)
    v.setConnectionData('k', [1, 'a'])
    assert.deepEqual(v.getConnectionData('k'), [1, 'a'])
  })

  void test(`${name}: response access`, async () => {
    const v = await make({ ...base, response: { status: 200, reason: 'OK', headers: [['Server', 'x'], ['Set-Cookie', 'a=1'], ['set-cookie', 'b=2']], body: 'resp' } })
    assert.equal(v.hasResponse(), true)
    assert.equal(v.getResponseStatus(), 200)
    assert.equal(v.getResponseHeader('SERVER'), 'x')
    assert.equal(v.listResponseHeaders().filter(([n]) => n.toLowerCase() === 'set-cookie').length, 2)
    v.setResponseStatus(404, 'Not Found')
    assert.equal(v.getResponseStatus(), 404)
    assert.equal(v.getResponseReason(), 'Not Found')
    v.removeResponseHeader('set-cookie')
    assert.equal(v.getResponseHeader('Set-Cookie'), undefined)
    v.setResponseBody('new')
    assert.equal(await v.getResponseBody(0), 'new')
  })

  void test(`${name}: no response in a request-phase view`, async () => {
    const v = await make(base)
    assert.equal(v.hasResponse(), false)
  })
}
