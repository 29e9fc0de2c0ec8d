import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { App } from '../../src/app.ts'
import { formatDiagnostic, loadConfigFromObjects } from '../../src/config/index.ts'
import { SeededRandom, memoryLogger, systemClock } from '../../src/core/index.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { proxyConfigFiles, startProxy } from '../helpers/proxy.ts'
import { boundPort } from '../helpers/bound-port.ts'

test('a virtual server with log.enabled writes one line per request in its format', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-log-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const node = await startHttpNode(t, 'n1')
  const proxy = await startProxy(t, {
    nodes: [node.address],
    vs: { log: { enabled: true, filename: join(dir, '%v.log'), format: '%h %l %u "%r" %s %b "%{User-agent}i" %n %p %v %{Content-Type}o' } },
  })
  for (const path of ['a', 'b?x=1']) {
    const res = await fetch(proxy.url + '/' + path, { headers: { 'user-agent': 'test "agent"' } })
    await res.text()
  }
  await proxy.app.stop(0)
  const lines = (await readFile(join(dir, 'web.log'), 'utf8')).trimEnd().split('\n')
  assert.equal(lines.length, 2)
  assert.match(lines[0] ?? '', new RegExp(`^127\\.0\\.0\\.1 - - "GET /a HTTP/1\\.1" 200 2 "test \\\\"agent\\\\"" ${node.address} p web text/plain$`))
  assert.match(lines[1] ?? '', /"GET \/b\?x=1 HTTP\/1\.1" 200 2 /)
})

test('a request a rule excludes from the log is still counted; logged ones carry their start time', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-log-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const node = await startHttpNode(t, 'n1')
  const files = proxyConfigFiles(0, {
    nodes: [node.address],
    vs: { basic: { request_rules: ['quiet'] }, log: { enabled: true, filename: join(dir, 'access.log'), format: '%t "%r" %s' } },
  })
  files['rules/quiet'] = 'if (http.getPath() == "/quiet") requestlog.exclude();'
  const config = loadConfigFromObjects(files)
  assert.ok(config.ok, config.ok ? '' : config.error.map(formatDiagnostic).join('\n'))
  const app = new App({ clock: systemClock, random: new SeededRandom(1), logger: memoryLogger() })
  const applied = await app.apply(config.value)
  assert.ok(applied.ok)
  const port = boundPort(app, 'web')
  const before = Date.now()
  try {
    for (const path of ['/a', '/quiet', '/b']) await (await fetch(`http://127.0.0.1:${String(port)}${path}`)).text()
  } finally {
    await app.stop(0)
  }
  const lines = (await readFile(join(dir, 'access.log'), 'utf8')).trimEnd().split('\n')
  assert.deepEqual(
    lines.map((l) => l.replace(/^\[[^\]]+\] /, '')),
    ['"GET /a HTTP/1.1" 200', '"GET /b HTTP/1.1" 200'],
  )
  assert.equal(app.stats.virtualServer('web').totalRequests, 3, 'the excluded request is counted')
  // %t is the request's start to the second: within the test's run.
  const stamp = /^\[(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-]\d{4})\]/.exec(lines[0] ?? '')
  assert.ok(stamp !== null, lines[0])
  const when = Date.parse(`${stamp[2] ?? ''} ${stamp[1] ?? ''} ${stamp[3] ?? ''} ${stamp[4] ?? ''}:${stamp[5] ?? ''}:${stamp[6] ?? ''} ${stamp[7] ?? ''}`)
  assert.ok(when >= Math.floor(before / 1000) * 1000 && when <= Date.now(), `start time ${String(when)} not within the run`)
})

test('log.json writes JSON lines', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-log-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const node = await startHttpNode(t, 'n1')
  const proxy = await startProxy(t, { nodes: [node.address], vs: { log: { enabled: true, json: true, filename: join(dir, 'access.json') } } })
  await (await fetch(proxy.url + '/x')).text()
  await proxy.app.stop(0)
  const record = JSON.parse((await readFile(join(dir, 'access.json'), 'utf8')).trim()) as Record<string, unknown>
  assert.equal(record['method'], 'GET')
  assert.equal(record['url'], '/x')
  assert.equal(record['status'], 200)
  assert.equal(record['node'], node.address)
  assert.equal(record['pool'], 'p')
  assert.equal(record['virtual_server'], 'web')
})

test('an invalid log format is a configuration error naming the key', async (t) => {
  const node = await startHttpNode(t, 'n1')
  await assert.rejects(startProxy(t, { nodes: [node.address], vs: { log: { enabled: true, format: '%h %Z' } } }), /log\.format/)
})
