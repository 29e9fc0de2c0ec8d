// Bandwidth classes on generic TCP virtual servers (issue #13 item 3): the virtual server's class
// paces what goes to the client, the pool's what goes to the node, through backpressure.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { boundPort } from '../helpers/bound-port.ts'
import { onCleanup } from '../helpers/cleanup.ts'
import { obj, poolObj, startApp, vsObj } from '../tls/start-app.ts'

const KB = 1024

test('TCP: a 60 KB answer through 400 kbit/s takes about 1.2 s; 60 KB sent to a node through the pool\'s class too', async (t) => {
  // The node answers "send N" with N bytes, and counts what else it is sent, answering "got N" at the end.
  const node = net.createServer((s) => {
    let got = 0
    s.on('data', (c: Buffer) => {
      const text = c.toString('latin1')
      const m = /^send (\d+)\n$/.exec(text)
      if (m !== null) s.end(Buffer.alloc(Number(m[1]), 120))
      else got += c.length
    })
    s.on('end', () => {
      if (got > 0) s.end(`got ${String(got)}`)
    })
  })
  await new Promise<void>((resolve) => node.listen(0, '127.0.0.1', resolve))
  onCleanup(t, () => new Promise<void>((resolve) => node.close(() => { resolve() })))
  const nodeAddress = `127.0.0.1:${String((node.address() as net.AddressInfo).port)}`
  const app = await startApp(t, {
    'bandwidth/slow': obj({ basic: { maximum: 400, sharing: 'connection' } }),
    'pools/plain': poolObj([nodeAddress]),
    'pools/paced': poolObj([nodeAddress], { basic: { bandwidth_class: 'slow' } }),
    'virtual_servers/down': vsObj(0, 'client_first', 'plain', { basic: { bandwidth_class: 'slow' }, tcp: { proxy_close: true } }),
    'virtual_servers/up': vsObj(0, 'client_first', 'paced', { tcp: { proxy_close: true } }),
  })
  const down = boundPort(app, 'down')
  const up = boundPort(app, 'up')
  const exchange = (port: number, send: Buffer): Promise<{ seconds: number; bytes: number; text: string }> =>
    new Promise((resolve, reject) => {
      const started = performance.now()
      const c = net.connect(port, '127.0.0.1', () => {
        c.end(send)
      })
      let bytes = 0
      let text = ''
      c.on('data', (d: Buffer) => {
        bytes += d.length
        if (text.length < 40) text += d.toString('latin1')
      })
      c.on('close', () => {
        resolve({ seconds: (performance.now() - started) / 1000, bytes, text })
      })
      c.on('error', reject)
    })
  const downloaded = await exchange(down, Buffer.from(`send ${String(60 * KB)}\n`))
  assert.equal(downloaded.bytes, 60 * KB)
  assert.ok(Math.abs(downloaded.seconds - 1.23) < 0.2, `${String(downloaded.seconds)} s`)
  const uploaded = await exchange(up, Buffer.alloc(60 * KB, 97))
  assert.equal(uploaded.text, `got ${String(60 * KB)}`)
  assert.ok(Math.abs(uploaded.seconds - 1.23) < 0.2, `${String(uploaded.seconds)} s`)
})
