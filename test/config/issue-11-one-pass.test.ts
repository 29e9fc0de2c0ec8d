/**
 * Issue #11 item 15: validation reports every problem in one pass, each with its file: schema
 * errors together with what only building finds (an error page file that is missing, a TLS key that
 * does not match its certificate, a rule naming a missing pool). Certificates and keys are
 * checked whether or not anything uses them yet.
 */
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { checkConfig } from '../../src/cli/index.ts'
import { startApi, writeConfigDir } from '../api/harness.ts'
import { selfSigned } from '../helpers/self-signed.ts'

type Pair = NonNullable<ReturnType<typeof selfSigned>>

/** Two unrelated self-signed certificates with their keys; undefined (the test skipped) without openssl. */
function twoPairs(t: TestContext): readonly [Pair, Pair] | undefined {
  const a = selfSigned()
  const b = selfSigned()
  if (a !== undefined && b !== undefined) return [a, b]
  t.skip('openssl is not available')
  return undefined
}

/** Runs `sluice check` on `dir`: its exit status, what it printed, and `file(rel)`, the pattern for a file of `dir`. */
async function check(dir: string): Promise<{ code: number; text: string; last: string; file: (rel: string) => string }> {
  const lines: string[] = []
  const code = await checkConfig(dir, (l) => lines.push(l))
  const file = (rel: string) => join(dir, rel).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return { code, text: lines.join('\n'), last: lines.at(-1) ?? '', file }
}

test('schema errors and build problems are reported together, each with its file', async (t) => {
  const pairs = twoPairs(t)
  if (pairs === undefined) return
  const [a, b] = pairs
  const dir = await writeConfigDir(t, {
    'virtual_servers/web': {
      properties: {
        basic: { enabled: true, port: 8443, protocol: 'http', pool: 'p', ssl_decrypt: true, request_rules: ['route'] },
        ssl: { server_cert_default: 'mismatch' },
        connection_errors: { error_file: 'missing.html' },
      },
    },
    'pools/p': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:9001' }], max_idle_connections_pernode: -1 } } },
    'ssl/server_keys/mismatch': { properties: { basic: { public: a.cert.toString(), private: b.key.toString() } } },
    'rules/route': 'pool.use("nope");\n',
  })
  const { code, text, last, file } = await check(dir)
  assert.equal(code, 1)
  assert.match(text, new RegExp(`pools/p \\(${file('pools/p')}\\): basic\\.max_idle_connections_pernode: must be`))
  assert.match(text, new RegExp(`virtual_servers/web \\(${file('virtual_servers/web')}\\): connection_errors\\.error_file: no file "missing\\.html" in extra_files/`))
  assert.match(text, new RegExp(`ssl/server_keys/mismatch \\(${file('ssl/server_keys/mismatch')}\\): basic\\.private: .*`))
  assert.match(text, new RegExp(`rule route \\(${file('rules/route')}\\): line 1, column 10: pool "nope" does not exist`))
  assert.match(last, /^4 problems found in /)
})

test('certificates, keys and CA files are checked even when nothing uses them yet', async (t) => {
  const pairs = twoPairs(t)
  if (pairs === undefined) return
  const [a, b] = pairs
  const dir = await writeConfigDir(t, {
    'pools/p': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:9001' }], max_idle_connections_pernode: -1 } } },
    'ssl/server_keys/mismatch': { properties: { basic: { public: a.cert.toString(), private: b.key.toString() } } },
    'ssl/server_keys/good': { properties: { basic: { public: a.cert.toString(), private: a.key.toString() } } },
    'ssl/client_keys/garbage': { properties: { basic: { public: 'not a certificate', private: b.key.toString() } } },
    'ssl/cas/empty': 'no certificate here\n',
  })
  const { code, text, last, file } = await check(dir)
  assert.equal(code, 1)
  assert.match(text, new RegExp(`pools/p \\(${file('pools/p')}\\): basic\\.max_idle_connections_pernode: must be`))
  assert.match(text, new RegExp(`ssl/server_keys/mismatch \\(${file('ssl/server_keys/mismatch')}\\): basic\\.private: the private key does not match the certificate`))
  assert.match(text, new RegExp(`ssl/client_keys/garbage \\(${file('ssl/client_keys/garbage')}\\): basic\\.public: no PEM certificate`))
  assert.match(text, new RegExp(`ssl/cas/empty \\(${file('ssl/cas/empty')}\\): no PEM certificate or CRL`))
  assert.doesNotMatch(text, /server_keys\/good/)
  assert.match(last, /^4 problems found in /)
})

test('the API refuses a key that does not match its certificate, even before anything uses it', async (t) => {
  const pairs = twoPairs(t)
  if (pairs === undefined) return
  const [a, b] = pairs
  const h = await startApi(t, {})
  const put = await h.call('PUT', '/api/tm/8.3/config/active/ssl/server_keys/mismatch', {
    properties: { basic: { public: a.cert.toString(), private: b.key.toString() } },
  })
  assert.equal(put.status, 400, put.text)
  assert.match(put.text, /basic\.private[^]*the private key does not match the certificate/)
  await assert.rejects(stat(join(h.dir, 'ssl', 'server_keys', 'mismatch')), 'nothing stored')
})
