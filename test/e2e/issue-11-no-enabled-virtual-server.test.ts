/**
 * Issue #11 item 13: with no enabled virtual server, start says which virtual servers are
 * disabled and that nothing listens, keeps running (with or without the API), applies a change
 * that enables one, and stops cleanly.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { writeConfigDir } from '../api/harness.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { freePort, startSluice } from './cli-harness.ts'

const vs = (port: number, enabled: boolean) => ({
  properties: { basic: { enabled, port, protocol: 'http', pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'] } },
})

for (const api of ['off', '127.0.0.1:0']) {
  test(`every virtual server disabled, --api ${api}: start says so and keeps running`, async (t) => {
    const node = await startHttpNode(t, 'n1')
    const port = await freePort()
    const dir = await writeConfigDir(t, {
      'virtual_servers/web': vs(port, false),
      'virtual_servers/other': vs(await freePort(), false),
      'pools/p': { properties: { basic: { nodes_table: [{ node: node.address }] } } },
    })
    const sluice = startSluice(['start', '--config', dir, '--api', api])
    t.after(() => sluice.stop('SIGKILL'))
    await sluice.waitFor(/press Ctrl-C/)
    assert.match(sluice.output(), /WARN no virtual server is listening: every virtual server is disabled \(disabled virtual servers: "other", "web"\)/)
    await sleep(300)
    assert.equal(sluice.child.exitCode, null, `still running; output:\n${sluice.output()}`)

    await writeFile(join(dir, 'virtual_servers', 'web'), JSON.stringify(vs(port, true)))
    await sluice.waitFor(/config\/confok/, 5000)
    assert.equal(await (await fetch(`http://127.0.0.1:${String(port)}/`)).text(), 'n1')
    assert.equal(await sluice.stop('SIGTERM'), 0)
    assert.doesNotMatch(sluice.output(), /unsettled top-level await|internal error/)
  })
}
