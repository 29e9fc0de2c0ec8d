// The web cache (issue #12): concurrent misses are collapsed into one node request, and
// refresh_time sends one request a second to refresh an entry about to expire.
import assert from 'node:assert/strict'
import type http from 'node:http'
import { test } from 'node:test'
import { ask, cachingProxy, scriptedNode } from './helpers.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'

/** A node that holds each answer until `release` is called. */
async function heldNode(t: Parameters<typeof startHttpNode>[0], headers: Record<string, string>) {
  const held: http.ServerResponse[] = []
  const node = await startHttpNode(t, 'n', (req, res) => {
    req.resume()
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v)
    held.push(res)
  })
  const release = (): void => {
    for (const res of held.splice(0)) res.end(`answer ${String(node.requests)}`)
  }
  return { node, held, release }
}

test('concurrent misses for one key reach the node once; the others are answered from its response', async (t) => {
  const { node, held, release } = await heldNode(t, { 'Cache-Control': 'max-age=60' })
  const proxy = await cachingProxy(t, node)
  const answers = Array.from({ length: 5 }, () => ask(t, proxy, '/same'))
  const deadline = Date.now() + 2000
  while (held.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
  await new Promise((r) => setTimeout(r, 100))
  assert.equal(node.requests, 1, 'only one request is on its way to the node')
  release()
  for (const res of await Promise.all(answers)) assert.equal(res.body.toString(), 'answer 1')
  assert.equal(node.requests, 1)
})

test('when the answer cannot be stored, the waiting requests go to the node themselves', async (t) => {
  const { node, held, release } = await heldNode(t, { 'Cache-Control': 'no-store' })
  const proxy = await cachingProxy(t, node)
  const answers = [ask(t, proxy, '/ns'), ask(t, proxy, '/ns'), ask(t, proxy, '/ns')]
  const deadline = Date.now() + 2000
  while (held.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
  await new Promise((r) => setTimeout(r, 100))
  assert.equal(node.requests, 1)
  await waitFor(() => {
    release()
    return node.requests >= 3
  }, 'the waiting requests to reach the node')
  release()
  await Promise.all(answers)
  assert.equal(node.requests, 3)
})

test('a waiting request gives up after connection.timeout and goes to the node itself', async (t) => {
  const { node, held, release } = await heldNode(t, { 'Cache-Control': 'max-age=60' })
  const proxy = await cachingProxy(t, node, {}, { vs: { connection: { timeout: 1 } } })
  const first = ask(t, proxy, '/slow')
  const deadline = Date.now() + 2000
  while (held.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
  const second = ask(t, proxy, '/slow')
  await new Promise((r) => setTimeout(r, 400))
  assert.equal(node.requests, 1, 'the second waits')
  await waitFor(() => node.requests >= 2, 'the second request to go to the node after about a second')
  release()
  await Promise.all([first, second])
})

test('refresh_time: near expiry one request a second goes to the node, the rest are served from the cache', async (t) => {
  const node = await scriptedNode(t, () => ({ headers: { 'Cache-Control': 'max-age=60' } }))
  const proxy = await cachingProxy(t, node, { refresh_time: 60 })
  assert.equal((await ask(t, proxy, '/r')).body.toString(), '/r #1')
  // Within 60 s of expiry from the start, but storing counts as a refresh: a second later, one
  // request refreshes it and the next ones in the same second are served from the cache.
  assert.equal((await ask(t, proxy, '/r')).body.toString(), '/r #1')
  await new Promise((r) => setTimeout(r, 1050))
  assert.equal((await ask(t, proxy, '/r')).body.toString(), '/r #2')
  assert.equal((await ask(t, proxy, '/r')).body.toString(), '/r #2')
  assert.equal((await ask(t, proxy, '/r')).body.toString(), '/r #2')
  assert.equal(node.requests, 2)
  const off = await cachingProxy(t, node, { refresh_time: 0 })
  await ask(t, off, '/o')
  await new Promise((r) => setTimeout(r, 1050))
  await ask(t, off, '/o')
  assert.equal(node.requests, 3)
})
