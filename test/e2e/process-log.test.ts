/**
 * Issue #21 item 4: a process log operators can use. Every line has a timestamp and a level,
 * `--log-format json` writes one object per line, a reload says what changed and which
 * listeners opened or closed, the banner shows each virtual server's scheme, and a rule's log
 * line names the rule once. Each test runs the real `sluice start`.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeConfigDir } from '../api/harness.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { selfSigned } from '../helpers/self-signed.ts'
import { freePort, startSluice } from './cli-harness.ts'
import { bannerPort } from '../helpers/bound-port.ts'

const TEXT_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO|WARN|ERROR) \S/

function vs(port: number, protocol: string, pool: string, extra: Record<string, Record<string, unknown>> = {}): unknown {
  return {
    properties: { ...extra, basic: { enabled: true, port, protocol, pool, listen_on_any: false, listen_on_hosts: ['127.0.0.1'], ...extra['basic'] } },
  }
}

/** The lines of the output that are not the indented rest of a multi-line message. */
function logLines(output: string): string[] {
  return output.split('\n').filter((l) => l !== '' && !l.startsWith(' '))
}

test('every line of the text process log starts with a timestamp and a level', async (t) => {
  const node = await startHttpNode(t, 'n1')
  const dir = await writeConfigDir(t, {
    'virtual_servers/web': vs(0, 'http', 'p'),
    'pools/p': { properties: { basic: { nodes_table: [{ node: node.address }] } } },
  })
  const sluice = startSluice(['start', '--config', dir, '--api', 'off'])
  t.after(() => sluice.stop('SIGKILL'))
  await sluice.waitFor(/press Ctrl-C/)
  assert.equal(await sluice.stop('SIGTERM'), 0)
  const lines = logLines(sluice.output())
  assert.ok(lines.length >= 5, sluice.output())
  for (const line of lines) assert.match(line, TEXT_LINE)
  assert.ok(lines.some((l) => / INFO stopped$/.test(l)))
})

test('--log-format json writes one JSON object per line, with events as fields', async (t) => {
  const node = await startHttpNode(t, 'n1')
  const dir = await writeConfigDir(t, {
    'virtual_servers/web': vs(0, 'http', 'p'),
    'pools/p': { properties: { basic: { nodes_table: [{ node: node.address }] } } },
  })
  const sluice = startSluice(['start', '--config', dir, '--api', 'off', '--log-format', 'json'])
  t.after(() => sluice.stop('SIGKILL'))
  await sluice.waitFor(/press Ctrl-C/)
  await writeFile(join(dir, 'pools', 'q'), JSON.stringify({ properties: { basic: { nodes_table: [{ node: node.address }] } } }))
  sluice.child.kill('SIGHUP')
  await sluice.waitFor(/config\/confok/)
  assert.equal(await sluice.stop('SIGTERM'), 0)
  const records = sluice.output().trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  for (const r of records) {
    assert.match(String(r['time']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    assert.ok(['debug', 'info', 'warn', 'error'].includes(String(r['level'])), JSON.stringify(r))
    assert.equal(typeof r['msg'], 'string')
  }
  assert.ok(records.some((r) => /^listening: virtual server "web" on http:\/\/127\.0\.0\.1:[1-9]\d*\/$/.test(String(r['msg']))))
  const applied = records.find((r) => r['event'] === 'config/confok')
  assert.deepEqual(applied?.['objects'], { directory: dir })
  assert.match(String(applied['msg']), /added pools\/q/)
})

test('a reload logs the objects it added, changed and removed, and the listeners it opened and closed', async (t) => {
  const node = await startHttpNode(t, 'n1')
  const pool = { properties: { basic: { nodes_table: [{ node: node.address }] } } }
  const dir = await writeConfigDir(t, {
    'virtual_servers/web': vs(0, 'http', 'p', { basic: { request_rules: ['r'] } }),
    'pools/p': pool,
    'pools/old': pool,
    'rules/r': 'pool.use("p");\n',
  })
  const sluice = startSluice(['start', '--config', dir, '--api', 'off'])
  t.after(() => sluice.stop('SIGKILL'))
  await sluice.waitFor(/press Ctrl-C/)
  // Another address (127.0.0.2, port 0 again): the listener moves, one opens and one closes.
  await writeFile(join(dir, 'virtual_servers', 'web'), JSON.stringify(vs(0, 'http', 'p', { basic: { request_rules: ['r'], listen_on_hosts: ['127.0.0.2'] } })))
  await writeFile(join(dir, 'pools', 'q'), JSON.stringify(pool))
  await writeFile(join(dir, 'rules', 'r'), 'pool.use("q");\n')
  await rm(join(dir, 'pools', 'old'))
  sluice.child.kill('SIGHUP')
  const summary = await sluice.waitFor(/configuration applied \(version 2, [^)]+\): .*/)
  assert.match(summary, /: added pools\/q; changed rules\/r, virtual_servers\/web; removed pools\/old$/)
  await sluice.waitFor(/INFO listening: virtual server "web" on http:\/\/127\.0\.0\.2:[1-9]\d*\//)
  await sluice.waitFor(/INFO stopped listening: virtual server "web" on http:\/\/127\.0\.0\.1:[1-9]\d*\//)
  sluice.child.kill('SIGHUP')
  await sluice.waitFor(/SIGHUP: the configuration has not changed/)
  assert.equal(await sluice.stop('SIGTERM'), 0)
})

test('the banner shows each virtual server with the scheme its clients use', { skip: selfSigned() === undefined ? 'openssl is not available' : false }, async (t) => {
  const pair = selfSigned()
  assert.ok(pair !== undefined)
  const dir = await writeConfigDir(t, {
    'virtual_servers/web': vs(0, 'http', 'discard'),
    'virtual_servers/secure': vs(0, 'http', 'discard', { basic: { ssl_decrypt: true }, ssl: { server_cert_default: 'site' } }),
    'virtual_servers/tcp': vs(0, 'client_first', 'discard'),
    'virtual_servers/dns': vs(0, 'udp', 'discard'),
    'ssl/server_keys/site': { properties: { basic: { public: pair.cert.toString(), private: pair.key.toString() } } },
  })
  const sluice = startSluice(['start', '--config', dir, '--api', 'off'])
  t.after(() => sluice.stop('SIGKILL'))
  await sluice.waitFor(/press Ctrl-C/)
  const out = sluice.output()
  assert.match(out, /listening: virtual server "web" on http:\/\/127\.0\.0\.1:[1-9]\d*\/\n/)
  assert.match(out, /listening: virtual server "secure" on https:\/\/127\.0\.0\.1:[1-9]\d*\/\n/)
  assert.match(out, /listening: virtual server "tcp" on tcp:\/\/127\.0\.0\.1:[1-9]\d* \(client_first\)\n/)
  assert.match(out, /listening: virtual server "dns" on udp:\/\/127\.0\.0\.1:[1-9]\d* \(udp\)\n/)
  assert.equal(await sluice.stop('SIGTERM'), 0)
})

test("a rule's log line names the rule once, and each message is logged once", async (t) => {
  const node = await startHttpNode(t, 'n1')
  const dir = await writeConfigDir(t, {
    'virtual_servers/web': vs(0, 'http', 'p', { basic: { request_rules: ['greeter'] } }),
    'pools/p': { properties: { basic: { nodes_table: [{ node: node.address }] } } },
    global_settings: { properties: { trafficscript: { variable_pool_use: true } } },
    'rules/greeter': 'log.info("hello from a rule");\nlang.warn("careful now");\npool.use(string.lowercase("NOSUCH"));\n',
  })
  const sluice = startSluice(['start', '--config', dir, '--api', 'off'])
  t.after(() => sluice.stop('SIGKILL'))
  const port = bannerPort(await sluice.waitFor(/listening: virtual server "web" on http:\/\/127\.0\.0\.1:\d+\//))
  await sluice.waitFor(/press Ctrl-C/)
  assert.equal(await (await fetch(`http://127.0.0.1:${String(port)}/`)).text(), 'n1')
  await sluice.waitFor(/does not exist/)
  assert.equal(await sluice.stop('SIGTERM'), 0)
  const lines = logLines(sluice.output())
  for (const said of ['hello from a rule', 'careful now', 'pool "nosuch" does not exist']) {
    const found = lines.filter((l) => l.includes(said))
    assert.equal(found.length, 1, `one line for "${said}":\n${found.join('\n')}`)
    assert.equal(found[0]?.split('greeter').length, 2, `the rule is named once: ${found[0] ?? ''}`)
  }
})

test('--log-level warn leaves out the info lines and keeps the warnings', async (t) => {
  const node = await startHttpNode(t, 'n1')
  // A port chosen beforehand: at --log-level warn no banner says which port port 0 became.
  const port = await freePort()
  const dir = await writeConfigDir(t, {
    'virtual_servers/web': vs(port, 'http', 'p', { recent_connections: { enabled: false } }),
    'pools/p': { properties: { basic: { nodes_table: [{ node: node.address }] } } },
  })
  const sluice = startSluice(['start', '--config', dir, '--api', 'off', '--log-level', 'warn'])
  t.after(() => sluice.stop('SIGKILL'))
  await sluice.waitFor(/WARN .*recent_connections\.enabled: warning: not supported yet/)
  // Nothing at info says when start is done; an answer through the listener shows it is.
  for (let i = 0; i < 50; i++) {
    const answer = await fetch(`http://127.0.0.1:${String(port)}/`).then((r) => r.text(), () => '')
    if (answer === 'n1') break
    await new Promise((r) => setTimeout(r, 100))
  }
  assert.equal(await sluice.stop('SIGTERM'), 0)
  const lines = logLines(sluice.output())
  assert.ok(lines.length > 0)
  for (const line of lines) assert.match(line, /^\S+ (WARN|ERROR) /)
})
