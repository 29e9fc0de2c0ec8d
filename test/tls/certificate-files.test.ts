/**
 * Issue #21 item 6: certificates from files. A server key names its PEM files by path
 * (`basic.public_file`, `basic.private_file`); `sluice check` names the file in its errors, and a
 * renewed file is served after SIGHUP. A CA can be a link to its PEM file.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, rename, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeConfigDir } from '../api/harness.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { runSluice, startSluice } from '../e2e/cli-harness.ts'
import { makePki, type Pki } from './pki.ts'
import { httpsGet } from './tls-client.ts'
import { bannerPort } from '../helpers/bound-port.ts'

const pki = makePki()
const skip = pki === undefined ? 'openssl is not available' : false

function keyFiles(publicFile: string, privateFile: string): unknown {
  return { properties: { basic: { public_file: publicFile, private_file: privateFile } } }
}

function httpsVs(port: number, extra: Record<string, unknown> = {}): unknown {
  return {
    properties: {
      basic: { enabled: true, port, protocol: 'http', pool: 'p', ssl_decrypt: true, listen_on_any: false, listen_on_hosts: ['127.0.0.1'] },
      ssl: { server_cert_default: 'site', ...extra },
    },
  }
}

/** Writes `content` to `path` as a renewal does: a new file renamed over the old one. */
async function replaceFile(path: string, content: string): Promise<void> {
  await writeFile(`${path}.new`, content)
  await rename(`${path}.new`, path)
}

test('sluice check reads certificates from files and names the file and the key in every problem', { skip }, async (t) => {
  const server = (names: readonly string[]) => (pki as Pki).server(names)
  const a = server(['a.test'])
  const b = server(['b.test'])
  const dir = await writeConfigDir(t, {
    'virtual_servers/web': httpsVs(0),
    'virtual_servers/other': httpsVs(0, { server_cert_default: 'mismatch' }),
    'pools/p': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:9' }] } } },
    'ssl/server_keys/site': keyFiles('.tls/site.pem', '/nonexistent/site.key'),
    'ssl/server_keys/both': { properties: { basic: { public: a.cert, public_file: '.tls/site.pem', private: a.key } } },
    'ssl/server_keys/junk': keyFiles('.tls/junk.pem', '.tls/site.key'),
    'ssl/server_keys/mismatch': keyFiles('.tls/site.pem', '.tls/other.key'),
  })
  await mkdir(join(dir, '.tls'))
  await writeFile(join(dir, '.tls', 'site.pem'), a.cert)
  await writeFile(join(dir, '.tls', 'site.key'), a.key)
  await writeFile(join(dir, '.tls', 'other.key'), b.key)
  await writeFile(join(dir, '.tls', 'junk.pem'), 'not a certificate\n')
  const r = await runSluice(['check', '--config', dir])
  assert.equal(r.code, 1, r.output)
  assert.match(r.output, /ssl\/server_keys\/site .*basic\.private_file: cannot read \/nonexistent\/site\.key: ENOENT/)
  assert.match(r.output, /ssl\/server_keys\/both .*basic\.public_file: give basic\.public or basic\.public_file, not both/)
  assert.match(r.output, new RegExp(`ssl/server_keys/junk .*basic\\.public_file: ${join(dir, '.tls', 'junk.pem')} holds no PEM block`))
  assert.match(r.output, new RegExp(`ssl/server_keys/mismatch .*basic\\.private_file: ${join(dir, '.tls', 'other.key')}: the private key does not match the certificate`))

  await writeFile(join(dir, 'ssl', 'server_keys', 'site'), JSON.stringify(keyFiles('.tls/site.pem', join(dir, '.tls', 'site.key'))))
  for (const name of ['both', 'junk', 'mismatch']) await writeFile(join(dir, 'ssl', 'server_keys', name), JSON.stringify(keyFiles('.tls/site.pem', '.tls/site.key')))
  const fixed = await runSluice(['check', '--config', dir])
  assert.equal(fixed.code, 0, fixed.output)
})

test('a certificate renewed in its file is served after SIGHUP; a CA may be a link to its file', { skip }, async (t) => {
  const server = (names: readonly string[]) => (pki as Pki).server(names)
  const ca = (pki as Pki).ca
  const first = server(['first.test'])
  const renewed = server(['renewed.test'])
  const node = await startHttpNode(t, 'n1')
  const dir = await writeConfigDir(t, {
    'virtual_servers/web': httpsVs(0, { client_cert_cas: ['root'], request_client_cert: 'request' }),
    'pools/p': { properties: { basic: { nodes_table: [{ node: node.address }] } } },
    'ssl/server_keys/site': keyFiles('.tls/site.pem', '.tls/site.key'),
  })
  await mkdir(join(dir, '.tls'))
  await writeFile(join(dir, '.tls', 'site.pem'), first.cert)
  await writeFile(join(dir, '.tls', 'site.key'), first.key)
  await writeFile(join(dir, '.tls', 'ca.pem'), ca.cert)
  await mkdir(join(dir, 'ssl', 'cas'), { recursive: true })
  await symlink(join(dir, '.tls', 'ca.pem'), join(dir, 'ssl', 'cas', 'root'))

  const sluice = startSluice(['start', '--config', dir, '--api', 'off'])
  t.after(() => sluice.stop('SIGKILL'))
  const port = bannerPort(await sluice.waitFor(/listening: virtual server "web" on https:\/\/127\.0\.0\.1:\d+\//))
  await sluice.waitFor(/press Ctrl-C/)
  const before = await httpsGet(t, port)
  assert.equal(before.cn, 'first.test')
  assert.match(before.response, /n1$/)

  // An ACME client renews: new files in place, then a reload (its deploy hook).
  await replaceFile(join(dir, '.tls', 'site.pem'), renewed.cert)
  await replaceFile(join(dir, '.tls', 'site.key'), renewed.key)
  sluice.child.kill('SIGHUP')
  await sluice.waitFor(/configuration applied \(version 2, [^)]+\): changed ssl\/server_keys\/site/)
  const after = await httpsGet(t, port)
  assert.equal(after.cn, 'renewed.test')
  assert.match(after.response, /n1$/)
  assert.equal(await sluice.stop('SIGTERM'), 0)
})
