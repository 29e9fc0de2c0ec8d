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
import { spawn } from 'node:child_process'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { soapRequest, startSoapService } from './services.ts'

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, '..', '..')

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
  // A private copy of the configuration with the chosen port.
  const configDir = await mkdtemp(join(tmpdir(), 'soap-routing-'))
  await cp(join(here, 'config'), configDir, { recursive: true })
  const vsFile = join(configDir, 'virtual_servers', 'soap')
  const vs = JSON.parse(await readFile(vsFile, 'utf8')) as { properties: { basic: { port: number } } }
  vs.properties.basic.port = port
  await writeFile(vsFile, JSON.stringify(vs, null, 2))
  const sluice = spawn(process.execPath, [join(repo, 'src', 'cli', 'main.ts'), 'start', '--config', configDir, '--api', 'off'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise<void>((resolve, reject) => {
    sluice.stdout.on('data', (c: Buffer) => {
      process.stdout.write(c)
      if (c.toString().includes('press Ctrl-C')) resolve()
    })
    sluice.once('exit', (code) => {
      reject(new Error(`sluice exited with ${String(code)}`))
    })
  })
  const stop = async () => {
    sluice.kill('SIGTERM')
    await Promise.all([quotes.close(), orders.close()])
    await rm(configDir, { recursive: true, force: true })
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
