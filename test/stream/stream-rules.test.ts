// TrafficScript request and response rules on generic TCP virtual servers, on raw bytes.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { startHttpNode, startRawNode, type RawNode } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'
import { obj, poolObj, startApp, vsObj } from '../tls/start-app.ts'
import { ask } from '../persist/tcp-harness.ts'
import type { App } from '../../src/app.ts'
import { boundPort } from '../helpers/bound-port.ts'

/** A node that echoes what it got, prefixed with its name, once it has a line. */
function echoNode(t: TestContext, name: string): Promise<RawNode> {
  return startRawNode(t, (s, got) => {
    if (got.includes('\n')) s.end(`${name}:${got}`)
  })
}

async function rig(t: TestContext, rule: string, vs: Record<string, unknown> = {}, response = ''): Promise<{ app: App; port: number; a: RawNode; b: RawNode }> {
  const a = await echoNode(t, 'a')
  const b = await echoNode(t, 'b')
  const files: Record<string, string> = {
    'pools/a': poolObj([a.address]),
    'pools/b': poolObj([b.address]),
    'rules/r': rule,
    'virtual_servers/tcp': vsObj(0, 'client_first', 'a', { basic: { request_rules: ['r'], response_rules: response === '' ? [] : ['resp'], ...vs } }),
  }
  if (response !== '') files['rules/resp'] = response
  const app = await startApp(t, files)
  return { app, port: boundPort(app, 'tcp'), a, b }
}

test('request.get, request.getLine and pool.use route on the raw first bytes', async (t) => {
  const r = await rig(t, `
    $line = request.getLine();
    if( string.startsWith( $line, "B " ) ) pool.use( "b" );
    if( request.get( 2 ) == "A " ) pool.use( "a" );
  `)
  assert.equal((await ask(r.port, 'B hello\nrest\n')).text, 'b:B hello\nrest\n')
  assert.equal((await ask(r.port, 'A hello\n')).text, 'a:A hello\n')
  assert.equal((await ask(r.port, 'C default\n')).text, 'a:C default\n', 'no decision: the default pool')
})

test('request.endsWith makes request.get wait for the end of the request, across segments', async (t) => {
  const r = await rig(t, `
    request.endsWith( "\\n" );
    if( string.contains( request.get(), "to-b" ) ) pool.use( "b" );
  `)
  const answer = await new Promise<string>((resolve) => {
    const s = connect({ host: '127.0.0.1', port: r.port })
    let text = ''
    s.on('data', (c: Buffer) => (text += c.toString('latin1')))
    s.on('close', () => {
      resolve(text)
    })
    s.write('please send ')
    setTimeout(() => s.write('this to-b\n'), 60)
  })
  assert.equal(answer, 'b:please send this to-b\n')
})

test('request.set rewrites the bytes the node receives; request.sendResponse answers the client first', async (t) => {
  const r = await rig(t, `
    request.set( string.uppercase( request.get() ) );
    request.sendResponse( "greeting\\n" );
  `)
  assert.equal((await ask(r.port, 'hello\n')).text, 'greeting\na:HELLO\n')
})

test('connection.discard drops the client; connection.close sends its data first; pool discard drops', async (t) => {
  const r = await rig(t, `
    $d = request.get();
    if( string.startsWith( $d, "x" ) ) connection.discard();
    if( string.startsWith( $d, "q" ) ) connection.close( "bye\\n" );
    if( string.startsWith( $d, "d" ) ) pool.use( "discard" );
  `)
  assert.deepEqual(await ask(r.port, 'x\n'), { text: '', closed: true })
  assert.deepEqual(await ask(r.port, 'q\n'), { text: 'bye\n', closed: true })
  assert.deepEqual(await ask(r.port, 'd\n'), { text: '', closed: true })
  assert.equal(r.a.connections + r.b.connections, 0, 'no node was contacted')
})

test('http.request.get during a stream request rule; connection.data and getRemoteIP', async (t) => {
  const directory = await startHttpNode(t, 'dir', (req, res) => {
    res.end(req.url === '/who?u=bob' ? 'b' : 'a')
  })
  const r = await rig(t, `
    $u = string.trim( request.get() );
    $pool = http.request.get( "http://${directory.address}/who?u=" . $u );
    request.set( $u . "@" . request.getRemoteIP() . "\\n" );
    if( $1 == 200 && $pool == "b" ) pool.use( "b" );
  `)
  assert.equal((await ask(r.port, 'bob\n')).text, 'b:bob@127.0.0.1\n')
  assert.equal((await ask(r.port, 'eve\n')).text, 'a:eve@127.0.0.1\n')
})

test('rules_on_connect: rules run at connect and can answer before the client says anything', async (t) => {
  const r = await rig(t, `
    request.sendResponse( "220 hello from the rule\\n" );
    if( string.startsWith( request.get(), "B" ) ) pool.use( "b" );
  `, { rules_on_connect: true })
  const answer = await new Promise<string>((resolve) => {
    const s = connect({ host: '127.0.0.1', port: r.port })
    let text = ''
    s.on('data', (c: Buffer) => {
      if (text === '') s.write('Bye\n')
      text += c.toString('latin1')
    })
    s.on('close', () => {
      resolve(text)
    })
  })
  assert.equal(answer, '220 hello from the rule\nb:Bye\n')
})

test('response rules see the node bytes (response.get) and can replace them (response.set)', async (t) => {
  const r = await rig(t, '', {}, `
    $r = response.get();
    response.set( string.replace( $r, "a:", "node said: " ) );
  `)
  assert.equal((await ask(r.port, 'hi\n')).text, 'node said: hi\n')
})

test('a rule waiting for more data ends with the connection: timeout, client close, no leak', async (t) => {
  const r = await rig(t, `
    $d = request.get( 100 );
    log.info( "got " . string.len( $d ) );
  `, { connect_timeout: 1 })
  const stalled = await ask(r.port, 'only ten b')
  assert.equal(stalled.closed, true)
  assert.equal(stalled.text, '')
  await waitFor(() => r.app.openConnections === 0, 'connections to end')
  assert.equal(r.a.connections, 0, 'the stalled client reached no node')
  // A client that ends its side: no more data can come, so the rule goes on with what it has.
  const ended = await ask(r.port, 'short', 3000, true)
  assert.equal(ended.closed, true)
  await waitFor(() => r.app.openConnections === 0 && r.a.open === 0, 'connections to end')
  assert.ok(r.app.events.list().some((e) => e.message === 'got 5'))
  // With enough data the same rule routes normally.
  const full = 'x'.repeat(99) + '\n'
  assert.equal((await ask(r.port, full)).text, `a:${full}`)
})

test('persistence: a stream pool with an ip class keeps a client on one node', async (t) => {
  const nodes = [await echoNode(t, 'n0'), await echoNode(t, 'n1')]
  const started = await startApp(t, {
    'persistence/ip': obj({ basic: { type: 'ip' } }),
    'pools/p': poolObj(nodes.map((n) => n.address), { basic: { persistence_class: 'ip' } }),
    'virtual_servers/tcp': vsObj(0, 'stream', 'p'),
  })
  const port = boundPort(started, 'tcp')
  const first = (await ask(port, 'x\n')).text
  for (let i = 0; i < 4; i++) assert.equal((await ask(port, 'x\n')).text, first)
})
