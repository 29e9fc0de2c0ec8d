/**
 * Issue #11 item 13: with no enabled virtual server, start says which virtual servers are
 * disabled and that nothing listens, keeps running (with or without the API), applies a change
 * that enables one, and stops cleanly. An enabled virtual server that cannot listen is named
 * with its reason, and each listener is shown as what it serves.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { writeConfigDir } from '../api/harness.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { selfSigned } from '../helpers/self-signed.ts'
import { startSluice } from './cli-harness.ts'
import { bannerPort } from '../helpers/bound-port.ts'

const vs = (port: number, enabled: boolean) => ({
  properties: { basic: { enabled, port, protocol: 'http', pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'] } },
})

for (const api of ['off', '127.0.0.1:0']) {
  test(`every virtual server disabled, --api ${api}: start says so and keeps running`, async (t) => {
    const node = await startHttpNode(t, 'n1')
    const dir = await writeConfigDir(t, {
      'virtual_servers/web': vs(0, false),
      'virtual_servers/other': vs(0, false),
      'pools/p': { properties: { basic: { nodes_table: [{ node: node.address }] } } },
    })
    const sluice = startSluice(['start', '--config', dir, '--api', api])
    t.after(() => sluice.stop('SIGKILL'))
    await sluice.waitFor(/press Ctrl-C/)
    assert.match(sluice.output(), /WARN no virtual server is listening: every virtual server is disabled \(disabled virtual servers: "other", "web"\)/)
    await sleep(300)
    assert.equal(sluice.child.exitCode, null, `still running; output:\n${sluice.output()}`)

    await writeFile(join(dir, 'virtual_servers', 'web'), JSON.stringify(vs(0, true)))
    await sluice.waitFor(/config\/confok/, 5000)
    const port = bannerPort(await sluice.waitFor(/listening: virtual server "web" on http:\/\/127\.0\.0\.1:\d+\//))
    assert.equal(await (await fetch(`http://127.0.0.1:${String(port)}/`)).text(), 'n1')
    assert.equal(await sluice.stop('SIGTERM'), 0)
    assert.doesNotMatch(sluice.output(), /unsettled top-level await|internal error/)
  })
}

test('an enabled virtual server that cannot listen is named with its reason, not called disabled', async (t) => {
  const dir = await writeConfigDir(t, {
    'virtual_servers/files': { properties: { basic: { enabled: true, port: 0, protocol: 'ftp', pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'] } } },
    'virtual_servers/off': vs(0, false),
    'pools/p': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:9' }] } } },
  })
  const sluice = startSluice(['start', '--config', dir, '--api', 'off'])
  t.after(() => sluice.stop('SIGKILL'))
  await sluice.waitFor(/press Ctrl-C/)
  const out = sluice.output()
  assert.match(out, /WARN no virtual server is listening: virtual server "files" does not listen: protocol ftp is not supported yet; disabled virtual server: "off"/)
  assert.doesNotMatch(out, /every virtual server is disabled/)
  assert.equal(await sluice.stop('SIGTERM'), 0)
})

test('start shows each listener as what it serves: http://, https:// or the transport and protocol', async (t) => {
  const pair = selfSigned()
  if (pair === undefined) {
    t.skip('openssl is not available')
    return
  }
  const listen = (port: number, protocol: string, more: Record<string, unknown> = {}) => ({
    properties: { ...more, basic: { enabled: true, port, protocol, pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'], ...more['basic'] as object } },
  })
  const dir = await writeConfigDir(t, {
    'virtual_servers/web': listen(0, 'http'),
    'virtual_servers/secure': listen(0, 'http', { basic: { ssl_decrypt: true }, ssl: { server_cert_default: 'k' } }),
    'ssl/server_keys/k': { properties: { basic: { public: pair.cert.toString(), private: pair.key.toString() } } },
    'virtual_servers/mail': listen(0, 'server_first'),
    'virtual_servers/names': listen(0, 'dns'),
    'pools/p': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:9' }] } } },
  })
  const sluice = startSluice(['start', '--config', dir, '--api', 'off'])
  t.after(() => sluice.stop('SIGKILL'))
  await sluice.waitFor(/press Ctrl-C/)
  const out = sluice.output()
  // Port 0: each listener shows the port the system gave it.
  assert.match(out, /listening: virtual server "web" on http:\/\/127\.0\.0\.1:[1-9]\d*\//)
  assert.match(out, /listening: virtual server "secure" on https:\/\/127\.0\.0\.1:[1-9]\d*\//)
  assert.match(out, /listening: virtual server "mail" on tcp:\/\/127\.0\.0\.1:[1-9]\d* \(server_first\)/)
  assert.match(out, /listening: virtual server "names" on udp:\/\/127\.0\.0\.1:[1-9]\d* \(dns\)/)
  assert.equal(await sluice.stop('SIGTERM'), 0)
})
