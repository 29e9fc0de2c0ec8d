// Session persistence through real generic TCP virtual servers: ip, universal and named classes,
// each failure mode, the pool's class as default, and mappings that survive a reload.
import { PERSISTENCE_TYPES } from '../../src/persist/index.ts'
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { loadConfigFromObjects, formatDiagnostic } from '../../src/config/index.ts'
import { boundPort } from '../helpers/bound-port.ts'
import type { RawNode } from '../helpers/nodes.ts'
import { obj, poolObj, startApp, tryStartApp, vsObj } from '../tls/start-app.ts'
import { ask, startNamedNode } from './tcp-harness.ts'
import type { App } from '../../src/app.ts'

async function nodes(t: TestContext, n: number): Promise<RawNode[]> {
  const out: RawNode[] = []
  for (let i = 0; i < n; i++) out.push(await startNamedNode(t, `node${String(i)}`))
  return out
}

function nameOf(list: readonly RawNode[], address: string): string {
  return `node${String(list.findIndex((n) => n.address === address))}`
}

async function reapply(app: App, files: Record<string, string>): Promise<void> {
  const config = loadConfigFromObjects(files)
  if (!config.ok) throw new Error(config.error.map(formatDiagnostic).join('\n'))
  const applied = await app.apply(config.value)
  if (!applied.ok) throw new Error(applied.error.map(formatDiagnostic).join('\n'))
}

test('ip persistence (pool default class): the client keeps its node across connections and a reload', async (t) => {
  const list = await nodes(t, 3)
  const files: Record<string, string> = {
    'persistence/by-ip': obj({ basic: { type: 'ip' } }),
    'pools/p': poolObj(list.map((n) => n.address), { basic: { persistence_class: 'by-ip' } }),
    'virtual_servers/tcp': vsObj(0, 'client_first', 'p'),
  }
  const app = await startApp(t, files)
  const port = boundPort(app, 'tcp')
  const first = await ask(port, 'hi')
  assert.match(first.text, /^node\d$/)
  for (let i = 0; i < 5; i++) assert.equal((await ask(port, 'hi')).text, first.text, 'round robin would have moved it')
  assert.equal(app.persistence.sessions('by-ip'), 1)
  // A reload (a note added to the pool) keeps the mapping.
  files['pools/p'] = poolObj(list.map((n) => n.address), { basic: { persistence_class: 'by-ip', note: 'reloaded' } })
  await reapply(app, files)
  for (let i = 0; i < 3; i++) assert.equal((await ask(port, 'hi')).text, first.text)
  // Without the class, round robin spreads the connections again.
  files['pools/p'] = poolObj(list.map((n) => n.address))
  await reapply(app, files)
  const seen = new Set<string>()
  for (let i = 0; i < 3; i++) seen.add((await ask(port, 'hi')).text)
  assert.equal(seen.size, 3)
})

/** A rule keys the session on the first word the client sends. */
const KEY_RULE = `
  $word = string.regexmatch( request.get(), "^(\\\\w+)" ) ? $1 : "";
  connection.setPersistence( "u" );
  connection.setPersistenceKey( $word );
`

async function universalRig(t: TestContext, failureMode: string, extra: Record<string, unknown> = {}) {
  const list = await nodes(t, 3)
  const files: Record<string, string> = {
    'persistence/u': obj({ basic: { type: 'universal', failure_mode: failureMode, ...extra } }),
    'pools/p': poolObj(list.map((n) => n.address), { basic: { passive_monitoring: false } }),
    'rules/key': KEY_RULE,
    'virtual_servers/tcp': vsObj(0, 'client_first', 'p', { basic: { request_rules: ['key'] } }),
  }
  const app = await startApp(t, files)
  const port = boundPort(app, 'tcp')
  return { app, port, list, files }
}

test('universal persistence: the rule key pins each user; other users are balanced', async (t) => {
  const { port } = await universalRig(t, 'new_node')
  const alice = (await ask(port, 'alice 1')).text
  const bob = (await ask(port, 'bob 1')).text
  const carol = (await ask(port, 'carol 1')).text
  assert.equal(new Set([alice, bob, carol]).size, 3)
  for (let i = 0; i < 3; i++) {
    assert.equal((await ask(port, 'bob again')).text, bob)
    assert.equal((await ask(port, 'alice again')).text, alice)
    assert.equal((await ask(port, 'carol again')).text, carol)
  }
})

test('failure_mode new_node: a dead session node is replaced, and the replacement sticks', async (t) => {
  const { app, port, list } = await universalRig(t, 'new_node')
  const alice = (await ask(port, 'alice')).text
  const index = Number(alice.slice(4))
  const node = list[index]
  assert.ok(node !== undefined)
  await new Promise<void>((resolve) => node.server.close(() => {
    resolve()
  }))
  const moved = (await ask(port, 'alice')).text
  assert.match(moved, /^node\d$/)
  assert.notEqual(moved, alice)
  for (let i = 0; i < 3; i++) assert.equal((await ask(port, 'alice')).text, moved)
  assert.equal(app.persistence.sessions('u'), 1)
})

test('failure_mode close: the connection is closed when the session node is down; back when it returns', async (t) => {
  const { app, port, list } = await universalRig(t, 'close', { delete: false })
  const alice = (await ask(port, 'alice')).text
  const address = list[Number(alice.slice(4))]?.address ?? ''
  const status = app.snapshot?.pools.get('p')?.nodes.find((n) => n.id === address)?.status
  assert.ok(status !== undefined)
  status.isAlive = false
  const refused = await ask(port, 'alice')
  assert.deepEqual(refused, { text: '', closed: true })
  assert.match((await ask(port, 'bob')).text, /^node\d$/, 'other sessions are unaffected')
  status.isAlive = true
  assert.equal((await ask(port, 'alice')).text, alice)
  assert.equal(nameOf(list, address), alice)
})

test('failure_mode url on a stream: there is nothing to redirect, so the connection is closed', async (t) => {
  const { app, port, list } = await universalRig(t, 'url', { url: 'http://sorry.example/' })
  const alice = (await ask(port, 'alice')).text
  const address = list[Number(alice.slice(4))]?.address ?? ''
  const node = app.snapshot?.pools.get('p')?.nodes.find((n) => n.id === address)
  assert.ok(node !== undefined)
  node.status.isAlive = false
  assert.deepEqual(await ask(port, 'alice'), { text: '', closed: true })
  node.status.isAlive = true
  // delete (default true) forgot the session: alice is balanced afresh.
  assert.match((await ask(port, 'alice')).text, /^node\d$/)
})

test('named persistence: the rule names the node; a draining node still takes it; an unknown node fails over', async (t) => {
  const list = await nodes(t, 3)
  const target = list[2]?.address ?? ''
  const files: Record<string, string> = {
    'persistence/desk': obj({ basic: { type: 'named' } }),
    'pools/p': poolObj(list.map((n) => n.address)),
    'rules/pin': `
      $want = string.trim( request.get() );
      connection.setPersistenceClass( "desk" );
      connection.setPersistenceNode( $want );
    `,
    'virtual_servers/tcp': vsObj(0, 'client_first', 'p', { basic: { request_rules: ['pin'] } }),
  }
  const app = await startApp(t, files)
  const port = boundPort(app, 'tcp')
  for (let i = 0; i < 4; i++) assert.equal((await ask(port, target)).text, 'node2')
  files['pools/p'] = obj({
    basic: { nodes_table: list.map((n, i) => ({ node: n.address, state: i === 2 ? 'draining' : 'active' })) },
  })
  await reapply(app, files)
  assert.equal((await ask(port, target)).text, 'node2', 'draining keeps persistent sessions')
  assert.notEqual((await ask(port, 'hello')).text, 'node2', 'nor is it balanced to')
  assert.match((await ask(port, '10.9.9.9:1')).text, /^node[01]$/, 'new_node: an unknown node is replaced by a balanced pick')
})

test('every persistence type vTM names is one Sluice implements: an ssl class on a TCP virtual server applies', async (t) => {
  const { applied } = await tryStartApp(t, {
    'persistence/c': obj({ basic: { type: 'ssl' } }),
    'pools/p': poolObj(['127.0.0.1:1']),
    'virtual_servers/tcp': vsObj(0, 'client_first', 'p'),
  })
  assert.equal(applied.ok, true)
  assert.deepEqual([...PERSISTENCE_TYPES.keys()].sort(), ['asp', 'cookie', 'ip', 'j2ee', 'named', 'ssl', 'transparent', 'universal', 'x_zeus'])
})
