// HTTP/2 clients other than Node's: curl with prior knowledge, and h2load (nghttp2-client) with
// many streams over few connections. Skipped when the tool is not installed.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { startHttpNode } from '../helpers/nodes.ts'
import { startProxy } from '../helpers/proxy.ts'

const run = promisify(execFile)

async function has(tool: string): Promise<boolean> {
  try {
    await run(tool, ['--version'], { timeout: 5000 })
    return true
  } catch {
    return false
  }
}

test('curl --http2-prior-knowledge gets its answer over HTTP/2', async (t) => {
  if (!(await has('curl'))) {
    t.skip('curl is not installed')
    return
  }
  const node = await startHttpNode(t, 'n1')
  const proxy = await startProxy(t, { nodes: [node.address] })
  const { stdout } = await run('curl', ['-sS', '--http2-prior-knowledge', '-w', '\\n%{http_version} %{http_code}', `${proxy.url}/`], { timeout: 10000 })
  assert.equal(stdout, 'n1\n2 200')
})

test('h2load: 400 requests on 4 connections of 10 concurrent streams all succeed', async (t) => {
  if (!(await has('h2load'))) {
    t.skip('h2load (Debian nghttp2-client) is not installed')
    return
  }
  const node = await startHttpNode(t, 'n1')
  const proxy = await startProxy(t, { nodes: [node.address] })
  const { stdout } = await run('h2load', ['-n', '400', '-c', '4', '-m', '10', `${proxy.url}/`], { timeout: 30000 })
  assert.match(stdout, /requests: 400 total, 400 started, 400 done, 400 succeeded, 0 failed, 0 errored, 0 timeout/)
  assert.match(stdout, /status codes: 400 2xx/)
  assert.equal(node.requests, 400)
})
