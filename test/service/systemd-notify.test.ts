/**
 * Issue #21 item 3: readiness reported to systemd when the listeners are up. A Unix datagram
 * socket (made by python3: Node cannot open one) plays systemd's NOTIFY_SOCKET, and the real
 * `sluice start` reports to it through systemd-notify.
 */
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeConfigDir } from '../api/harness.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'
import { startSluice } from '../e2e/cli-harness.ts'
import { bannerPort } from '../helpers/bound-port.ts'

const RECEIVER = `
import json, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("bound", flush=True)
s.settimeout(30)
while True:
    data, fds, flags, addr = socket.recv_fds(s, 4096, 4)
    for fd in fds:
        os.close(fd)
    print(json.dumps(data.decode()), flush=True)
`

const missing = ['python3', 'systemd-notify'].filter((p) => spawnSync(p, ['--version']).status !== 0)
const skip = missing.length === 0 ? false : `not installed here: ${missing.join(', ')}`

/** A fake NOTIFY_SOCKET; `messages` are the datagrams received so far. */
async function notifySocket(t: TestContext): Promise<{ path: string; messages: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-notify-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const path = join(dir, 'notify')
  const child = spawn('python3', ['-c', RECEIVER, path], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.after(() => child.kill('SIGKILL'))
  const messages: string[] = []
  let isBound = false
  let pending = ''
  child.stdout.on('data', (b: Buffer) => {
    pending += b.toString()
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) {
      if (line === 'bound') isBound = true
      else messages.push(JSON.parse(line) as string)
    }
  })
  await waitFor(() => isBound, 'the notify socket')
  return { path, messages }
}

test('sluice start reports READY=1 once its listeners accept, its status on reload, and STOPPING=1', { skip }, async (t) => {
  const socket = await notifySocket(t)
  const node = await startHttpNode(t, 'n1')
  const dir = await writeConfigDir(t, {
    'virtual_servers/web': { properties: { basic: { enabled: true, port: 0, protocol: 'http', pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'] } } },
    'pools/p': { properties: { basic: { nodes_table: [{ node: node.address }] } } },
  })
  const sluice = startSluice(['start', '--config', dir, '--api', 'off'], { NOTIFY_SOCKET: socket.path })
  t.after(() => sluice.stop('SIGKILL'))
  await waitFor(() => socket.messages.some((m) => m.includes('READY=1')), 'READY=1', 10_000)
  // Ready means ready: the first request after READY=1 is served (on the port the banner names).
  const port = bannerPort(/listening: virtual server "web" on http:\/\/127\.0\.0\.1:\d+\//.exec(sluice.output())?.[0] ?? '')
  assert.equal(await (await fetch(`http://127.0.0.1:${String(port)}/`)).text(), 'n1')
  const ready = socket.messages.find((m) => m.includes('READY=1')) ?? ''
  assert.match(ready, new RegExp(`^MAINPID=${String(sluice.child.pid)}$`, 'm'), ready)
  assert.match(ready, /^STATUS=1 listener\(s\), configuration version 1$/m)

  await writeFile(join(dir, 'pools', 'q'), JSON.stringify({ properties: { basic: { nodes_table: [{ node: node.address }] } } }))
  sluice.child.kill('SIGHUP')
  await waitFor(() => socket.messages.some((m) => /^STATUS=configuration version 2 applied/m.test(m)), 'the status after a reload', 10_000)
  assert.equal(await sluice.stop('SIGTERM'), 0)
  await waitFor(() => socket.messages.some((m) => m.includes('STOPPING=1')), 'STOPPING=1')
  assert.doesNotMatch(sluice.output(), /cannot notify systemd/)
})

test('without NOTIFY_SOCKET nothing is sent and nothing complains', async (t) => {
  const sluice = startSluice(['start', '--config', await writeConfigDir(t, {}), '--api', 'off'], { NOTIFY_SOCKET: '' })
  t.after(() => sluice.stop('SIGKILL'))
  await sluice.waitFor(/press Ctrl-C/)
  assert.equal(await sluice.stop('SIGTERM'), 0)
  assert.doesNotMatch(sluice.output(), /notify/)
})
