/**
 * `pools/nodefail` and `pools/nodeworking` say when a node stops and starts taking traffic, and
 * node statistics agree with them (issue #11, item 14): a monitor that sees a node recover while
 * passive monitoring still keeps it out raises nothing; the node works again, with one event,
 * when real traffic reaches it after `retry_fail_time`.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { systemClock } from '../../src/core/index.ts'
import { perPoolNodeStatistics } from '../../src/stats/index.ts'
import { answerName, startHttpNode } from '../helpers/nodes.ts'
import { getText, sleep, startApp, until, type RunningApp } from './app-harness.ts'

/**
 * A node that can be switched off: while off, `/health` answers 500 and other requests are held
 * until three have arrived, then closed unanswered (three overlapping failures, so that passive
 * monitoring counts three in a row).
 */
function switchable(name: string) {
  const held: IncomingMessage[] = []
  const state = { isOff: false }
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (!state.isOff) {
      req.resume()
      res.end(name)
    } else if (req.url === '/health') {
      req.resume()
      res.statusCode = 500
      res.end()
    } else {
      held.push(req)
      if (held.length >= 3) for (const r of held.splice(0)) r.socket.destroy()
    }
  }
  return { state, handler }
}

function flakyEvents(run: RunningApp, node: string): string[] {
  return run.app.events
    .list()
    .filter((e) => e.category === 'pools' && e.objects['node'] === node)
    .map((e) => e.name)
}

test('nodeworking waits until passive monitoring lets the node take traffic again', async (t) => {
  const good = await startHttpNode(t, 'good', answerName('good'))
  const flakyNode = switchable('flaky')
  const flaky = await startHttpNode(t, 'flaky', flakyNode.handler)
  const run = await startApp('p', {
    'pools/p': {
      properties: {
        basic: { nodes_table: [{ node: good.address }, { node: flaky.address }], monitors: ['web-check'] },
        load_balancing: { algorithm: 'round_robin' },
        node: { retry_fail_time: 5 },
      },
    },
    'monitors/web-check': { properties: { basic: { type: 'http', delay: 1, timeout: 1, failures: 1 }, http: { path: '/health' } } },
  })
  t.after(() => run.app.stop(0))
  const node = () => {
    const found = run.app.snapshot?.pools.get('p')?.nodes[1]
    assert.ok(found)
    return found
  }

  // The monitor probes at once; the node is switched off once it has answered that probe.
  assert.ok(await until(() => flaky.seen.some((r) => r.url === '/health'), 4000), 'the first probe')
  flakyNode.state.isOff = true
  await Promise.all(Array.from({ length: 6 }, () => getText(run.url)))
  assert.equal(node().status.isPassiveFailed, true, 'three unanswered requests fail the node passively')
  assert.ok(await until(() => !node().status.isAlive, 4000), 'the monitor should also find the node dead')

  flakyNode.state.isOff = false
  assert.ok(await until(() => node().status.isAlive, 4000), 'the monitor should find the node working')
  assert.ok(systemClock.monoMs() < node().status.failedUntilMs, 'retry_fail_time has not passed yet')
  assert.deepEqual(flakyEvents(run, flaky.address), ['nodefail'], 'the node takes no traffic yet: no nodeworking')
  assert.equal(perPoolNodeStatistics(node())['state'], 'dead')
  for (let i = 0; i < 4; i++) assert.equal((await getText(run.url)).text, 'good', 'the node is still kept out')

  await sleep(Math.max(0, node().status.failedUntilMs - systemClock.monoMs()) + 20)
  const texts: string[] = []
  for (let i = 0; i < 10 && !texts.includes('flaky'); i++) texts.push((await getText(run.url)).text)
  assert.ok(texts.includes('flaky'), 'after retry_fail_time real traffic reaches the node again')
  assert.deepEqual(flakyEvents(run, flaky.address), ['nodefail', 'nodeworking'])
  assert.equal(perPoolNodeStatistics(node())['state'], 'alive')
})

test('a monitor recovery is nodeworking at once when passive monitoring has nothing against the node', async (t) => {
  const good = await startHttpNode(t, 'good', answerName('good'))
  let isHealthy = true
  const flaky = await startHttpNode(t, 'flaky', (req, res) => {
    req.resume()
    res.statusCode = isHealthy ? 200 : 500
    res.end('flaky')
  })
  const run = await startApp('p', {
    'pools/p': { properties: { basic: { nodes_table: [{ node: good.address }, { node: flaky.address }], monitors: ['web-check'] } } },
    'monitors/web-check': { properties: { basic: { type: 'http', delay: 1, timeout: 1, failures: 1 }, http: { path: '/health' } } },
  })
  t.after(() => run.app.stop(0))
  const status = () => run.app.snapshot?.pools.get('p')?.nodes[1]?.status
  isHealthy = false
  assert.ok(await until(() => status()?.isAlive === false, 4000))
  isHealthy = true
  assert.ok(await until(() => status()?.isAlive === true, 4000))
  assert.deepEqual(flakyEvents(run, flaky.address), ['nodefail', 'nodeworking'])
})
