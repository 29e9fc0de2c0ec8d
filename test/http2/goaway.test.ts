// GOAWAY when Sluice stops or its HTTP/2 settings change: streams in flight finish, new ones go
// to a new connection.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatDiagnostic, loadConfigFromObjects } from '../../src/config/index.ts'
import { h2Request, h2Session } from '../helpers/h2-client.ts'
import { startHttpNode, type HttpNode } from '../helpers/nodes.ts'
import { proxyConfigFiles, startProxy, type ProxyOptions } from '../helpers/proxy.ts'
import { waitFor } from '../helpers/wait.ts'

/** A node that holds requests to /slow until released. */
async function holdingNode(t: Parameters<typeof startHttpNode>[0]): Promise<{ node: HttpNode; held: (() => void)[] }> {
  const held: (() => void)[] = []
  const node = await startHttpNode(t, 'slow', (req, res) => {
    req.resume()
    if (req.url === '/slow') held.push(() => res.end('finished'))
    else res.end('quick')
  })
  return { node, held }
}

test('stop sends GOAWAY: a stream in flight finishes, the session is then closed', async (t) => {
  const { node, held } = await holdingNode(t)
  const proxy = await startProxy(t, { nodes: [node.address] })
  const session = await h2Session(t, proxy.url)
  let goaway = false
  session.on('goaway', () => {
    goaway = true
  })
  const pending = h2Request(session, { ':path': '/slow' })
  await waitFor(() => held.length === 1, 'the request at the node')
  const stopped = proxy.app.stop(3000)
  await waitFor(() => goaway, 'GOAWAY')
  held[0]?.()
  const r = await pending
  assert.equal(r.status, 200)
  assert.equal(r.body.toString(), 'finished')
  await stopped
  await waitFor(() => session.closed || session.destroyed, 'the session closed')
})

test('a reload that changes the http2 settings sends GOAWAY; one that does not keeps the connection', async (t) => {
  const { node, held } = await holdingNode(t)
  const options: ProxyOptions = { nodes: [node.address] }
  const proxy = await startProxy(t, options)
  const session = await h2Session(t, proxy.url)
  let goaway = false
  session.on('goaway', () => {
    goaway = true
  })
  const apply = async (o: ProxyOptions): Promise<void> => {
    const config = loadConfigFromObjects(proxyConfigFiles(0, o))
    if (!config.ok) throw new Error(config.error.map(formatDiagnostic).join('\n'))
    const applied = await proxy.app.apply(config.value)
    assert.ok(applied.ok)
  }
  await apply({ ...options, vs: { connection: { timeout: 200 } } })
  assert.equal((await h2Request(session, { ':path': '/quick' })).status, 200)
  assert.equal(goaway, false, 'an unrelated change keeps the connection')
  const pending = h2Request(session, { ':path': '/slow' })
  await waitFor(() => held.length === 1, 'the request at the node')
  await apply({ ...options, vs: { http2: { max_concurrent_streams: 10 } } })
  await waitFor(() => goaway, 'GOAWAY')
  held[0]?.()
  const r = await pending
  assert.equal(r.body.toString(), 'finished')
  const fresh = await h2Session(t, proxy.url)
  await waitFor(() => fresh.remoteSettings.maxConcurrentStreams === 10, 'the new SETTINGS on a new connection')
})
