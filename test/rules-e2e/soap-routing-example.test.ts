// End to end: the SOAP routing example (examples/soap-routing) with its own configuration files,
// through real sockets: routing by operation (XPath), SOAP faults for invalid envelopes (XSD with
// imports from extra_files/), and quote responses transformed on the way out (XSLT).
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { App } from '../../src/app.ts'
import { onCleanup } from '../helpers/cleanup.ts'
import { startApp } from '../tls/start-app.ts'
import { soapRequest, startSoapService, type SoapService } from '../../examples/soap-routing/services.ts'
import { boundPort } from '../helpers/bound-port.ts'

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'soap-routing', 'config')

interface Rig {
  readonly app: App
  readonly url: string
  readonly quotes: SoapService
  readonly orders: SoapService
}

async function startExample(t: TestContext): Promise<Rig> {
  const quotes = await startSoapService('quotes')
  const orders = await startSoapService('orders')
  onCleanup(t, () => quotes.close())
  onCleanup(t, () => orders.close())
  const files: Record<string, string> = {}
  for (const type of readdirSync(EXAMPLE)) {
    for (const name of readdirSync(join(EXAMPLE, type))) files[`${type}/${name}`] = readFileSync(join(EXAMPLE, type, name), 'utf8')
  }
  const vs = JSON.parse(files['virtual_servers/soap'] ?? '{}') as { properties: { basic: Record<string, unknown> } }
  vs.properties.basic['port'] = 0
  files['virtual_servers/soap'] = JSON.stringify(vs)
  files['pools/quotes'] = JSON.stringify({ properties: { basic: { nodes_table: [{ node: quotes.address }] } } })
  files['pools/orders'] = JSON.stringify({ properties: { basic: { nodes_table: [{ node: orders.address }] } } })
  const app = await startApp(t, files)
  return { app, url: `http://127.0.0.1:${String(boundPort(app, 'soap'))}/soap`, quotes, orders }
}

async function post(url: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' } })
  return { status: res.status, text: await res.text() }
}

test('the example: each operation reaches its pool; quote responses lose internal fields and gain a currency', async (t) => {
  const r = await startExample(t)
  const quote = await post(r.url, soapRequest('GetQuote', { Symbol: 'ABC' }))
  assert.equal(quote.status, 200)
  assert.equal(
    quote.text,
    '<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
      + '<q:GetQuoteResponse xmlns:q="urn:example:quotes"><q:Symbol>ABC</q:Symbol><q:Price>29.80</q:Price><q:Currency>USD</q:Currency>'
      + '</q:GetQuoteResponse></soap:Body></soap:Envelope>\n',
  )
  const order = await post(r.url, soapRequest('PlaceOrder', { Symbol: 'ABC', Quantity: '3' }))
  assert.equal(order.status, 200)
  assert.match(order.text, /^<soap:Envelope .*<o:PlaceOrderResponse xmlns:o="urn:example:orders"><o:OrderId>ord-1<\/o:OrderId><o:Quantity>3<\/o:Quantity>/)
  assert.deepEqual(r.quotes.operations, ['GetQuote'])
  assert.deepEqual(r.orders.operations, ['PlaceOrder'])
})

test('the example: invalid envelopes get a SOAP fault and never reach a node', async (t) => {
  const r = await startExample(t)
  const cases: [string, string, RegExp][] = [
    ['a symbol the quotes schema refuses', soapRequest('GetQuote', { Symbol: 'abc!' }), /does not match the service schemas/],
    ['a quantity of zero', soapRequest('PlaceOrder', { Symbol: 'ABC', Quantity: '0' }), /does not match the service schemas/],
    ['an operation no service has', soapRequest('CancelOrder', { Id: '1' }), /does not match the service schemas/],
    ['not XML at all', 'GET /soap?wsdl', /is not well-formed XML/],
    ['an entity attack', '<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>', /is not well-formed XML/],
  ]
  for (const [name, body, why] of cases) {
    const res = await post(r.url, body)
    assert.equal(res.status, 500, name)
    assert.match(res.text, /^<soap:Envelope xmlns:soap="http:\/\/schemas\.xmlsoap\.org\/soap\/envelope\/"><soap:Body><soap:Fault><faultcode>soap:Client<\/faultcode>/, name)
    assert.match(res.text, why, name)
  }
  assert.equal(r.quotes.operations.length + r.orders.operations.length, 0)
  assert.ok(r.app.events.list().some((e) => e.name === 'rulexmlerr' && /DOCTYPE is not allowed/.test(e.message)))
})
