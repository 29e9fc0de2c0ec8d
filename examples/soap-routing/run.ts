/**
 * Runs the SOAP routing example on one machine: the quotes service (127.0.0.1:18081), the orders
 * service (127.0.0.1:18082) and Sluice with this example's configuration, its virtual server on
 * `--port` (default 8080).
 *
 *   node examples/soap-routing/run.ts [--port 8080] [--demo]
 *
 * With `--demo` it sends a quote request, an order, and three invalid messages, prints each
 * answer, and stops; otherwise it runs until Ctrl-C.
 * @module
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startSluice } from '../lib/start-sluice.ts'
import { soapRequest, startSoapService } from './services.ts'

const here = dirname(fileURLToPath(import.meta.url))

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`)
  return at < 0 ? undefined : process.argv[at + 1]
}

const DEMO: readonly [string, string][] = [
  ['GetQuote ABC', soapRequest('GetQuote', { Symbol: 'ABC' })],
  ['PlaceOrder ABC x 3', soapRequest('PlaceOrder', { Symbol: 'ABC', Quantity: '3' })],
  ['GetQuote "abc!" (invalid symbol)', soapRequest('GetQuote', { Symbol: 'abc!' })],
  ['CancelOrder (no such operation)', soapRequest('CancelOrder', { Id: '1' })],
  ['an entity attack', '<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>'],
]

async function main(): Promise<void> {
  const port = Number(option('port') ?? 8080)
  const quotes = await startSoapService('quotes', 18081)
  const orders = await startSoapService('orders', 18082)
  const sluice = await startSluice(join(here, 'config'), 'soap', port)
  const stop = async () => {
    await sluice.stop()
    await Promise.all([quotes.close(), orders.close()])
  }
  if (!process.argv.includes('--demo')) {
    process.once('SIGINT', () => void stop())
    return
  }
  for (const [what, body] of DEMO) {
    const res = await fetch(`http://127.0.0.1:${String(port)}/soap`, { method: 'POST', body, headers: { 'content-type': 'text/xml; charset=utf-8' } })
    console.log(`${what} -> ${String(res.status)} ${(await res.text()).trim()}`)
  }
  await stop()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
