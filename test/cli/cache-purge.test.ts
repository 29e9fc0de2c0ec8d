// `sluice cache purge` (issue #12): the real command purges a running Sluice's web cache
// through its REST API, with the password on standard input.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runSluiceWithInput } from '../e2e/cli-harness.ts'
import { getWithHost } from '../helpers/get-with-host.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { ADMIN, startApi } from '../api/harness.ts'
import { boundPort } from '../helpers/bound-port.ts'

const sluice = runSluiceWithInput

test('sluice cache purge empties the cache of one URL, and refuses a wrong password', async (t) => {
  const node = await startHttpNode(t, 'n', (req, res) => {
    req.resume()
    res.setHeader('Cache-Control', 'max-age=60')
    res.end(`#${String(node.requests)}`)
  })
  const vs = { properties: { basic: { enabled: true, port: 0, protocol: 'http', pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'] }, web_cache: { enabled: true } } }
  const h = await startApi(t, { 'pools/p': { properties: { basic: { nodes_table: [{ node: node.address }] } } }, 'virtual_servers/vs': vs })
  const port = boundPort(h.app, 'vs')
  const get = (path: string): Promise<string> => getWithHost(`http://127.0.0.1:${String(port)}${path}`, 'site.example')
  await get('/a')
  await get('/b')
  assert.equal(await get('/a'), '#1')
  const common = ['cache', 'purge', '--api', h.apiUrl, '--user', ADMIN.user]
  const wrong = await sluice([...common, '--url', 'http://site.example/a'], 'not the password\n')
  assert.equal(wrong.code, 1, wrong.output)
  assert.match(wrong.output, /the API answered 401/)
  const one = await sluice([...common, '--virtual-server', 'vs', '--url', 'http://site.example/a'], `${ADMIN.password}\n`)
  assert.equal(one.code, 0, one.output)
  assert.match(one.output, /purged 1 entries/)
  assert.equal(await get('/a'), '#3', 'the purged URL went to the node again')
  assert.equal(await get('/b'), '#2', 'the other stayed')
  const usage = await sluice(['cache', 'purge', '--api', h.apiUrl], '')
  assert.equal(usage.code, 2)
})
