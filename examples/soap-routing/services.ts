/**
 * Stand-in SOAP services for the example: a quotes service and an orders service, each an HTTP
 * server that answers a SOAP 1.1 response and remembers what it was asked.
 * @module
 */
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'

export type ServiceName = 'quotes' | 'orders'

export interface SoapService {
  readonly name: ServiceName
  readonly address: string
  readonly port: number
  /** The `X-SOAP-Operation` header of every request, as the routing rule set it. */
  readonly operations: string[]
  close(): Promise<void>
}

const ENVELOPE_START = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
const ENVELOPE_END = '</soap:Body></soap:Envelope>'

function field(body: string, name: string): string {
  return new RegExp(`<(?:\\w+:)?${name}>([^<]*)</`).exec(body)?.[1] ?? ''
}

function answer(name: ServiceName, body: string, count: number): string {
  if (name === 'quotes') {
    const symbol = field(body, 'Symbol')
    let codes = 0
    for (let i = 0; i < symbol.length; i++) codes += symbol.charCodeAt(i)
    const price = (10 + codes / 10).toFixed(2)
    return `${ENVELOPE_START}<q:GetQuoteResponse xmlns:q="urn:example:quotes"><q:Symbol>${symbol}</q:Symbol>`
      + `<q:Price>${price}</q:Price><q:Internal>desk=7;cost=${(Number(price) * 0.8).toFixed(2)}</q:Internal>`
      + `</q:GetQuoteResponse>${ENVELOPE_END}`
  }
  return `${ENVELOPE_START}<o:PlaceOrderResponse xmlns:o="urn:example:orders"><o:OrderId>ord-${count}</o:OrderId>`
    + `<o:Quantity>${field(body, 'Quantity')}</o:Quantity></o:PlaceOrderResponse>${ENVELOPE_END}`
}

/** Starts one service on 127.0.0.1:`port` (0 for any free port). */
export async function startSoapService(name: ServiceName, port = 0): Promise<SoapService> {
  const operations: string[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      operations.push(String(req.headers['x-soap-operation'] ?? ''))
      const reply = answer(name, Buffer.concat(chunks).toString('utf8'), operations.length)
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(reply) })
      res.end(reply)
    })
  })
  server.listen(port, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  const bound = typeof address === 'object' && address !== null ? address.port : port
  return {
    name,
    address: `127.0.0.1:${String(bound)}`,
    port: bound,
    operations,
    close: () => new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => { resolve() })
    }),
  }
}

/** A SOAP 1.1 request for `operation` (GetQuote, PlaceOrder, or any other name), with its payload fields. */
export function soapRequest(operation: string, fields: Readonly<Record<string, string>>): string {
  const ns = operation === 'PlaceOrder' ? 'urn:example:orders' : 'urn:example:quotes'
  const inner = Object.entries(fields).map(([k, v]) => `<s:${k}>${v}</s:${k}>`).join('')
  return `<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">`
    + `<soap:Header/><soap:Body><s:${operation} xmlns:s="${ns}">${inner}</s:${operation}></soap:Body></soap:Envelope>`
}
