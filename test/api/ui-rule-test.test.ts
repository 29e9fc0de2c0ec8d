/**
 * `POST .../rule_test`: the web UI's rule test runner is `sluice rule test` run by the API on
 * the live configuration, answering with what the command prints.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ruleTesterFor } from '../../src/cli/index.ts'
import { pick, startApi } from './harness.ts'

const RULE_TEST = '/api/tm/8.3/rule_test'

test('a rule test runs unsaved rule text against a described request', async (t) => {
  let dir = ''
  const h = await startApi(t, { 'pools/web': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:9' }] } } } }, undefined, { api: { ruleTester: (input) => ruleTesterFor(dir)(input) } })
  dir = h.dir
  const text = 'http.setHeader("X-Seen", http.getPath());\nif (http.getHeader("X-Beta") == "1") { pool.use("web"); }\n'
  const ran = await h.call('POST', RULE_TEST, { name: 'beta', text, method: 'GET', url: '/shop', headers: [['X-Beta', '1']], body: '', phase: 'request' })
  assert.equal(ran.status, 200, ran.text)
  assert.equal(pick(ran.body, 'exit_code'), 0)
  const output = String(pick(ran.body, 'output'))
  assert.match(output, /web/)
  assert.match(output, /X-Seen/)
  assert.match(output, /\/shop/)

  const broken = await h.call('POST', RULE_TEST, { name: 'beta', text: 'pool.use("nowhere");', url: '/' })
  assert.equal(pick(broken.body, 'exit_code'), 1, 'the same check as sluice rule test: an unknown pool')
  assert.match(String(pick(broken.body, 'output')), /rule beta: line 1, column \d+: .*nowhere/)
  assert.doesNotMatch(String(pick(broken.body, 'output')), /sluice-rule-test-/, 'no temporary file names leak')

  assert.equal((await h.call('POST', RULE_TEST, { name: 'beta', text, headers: 'X-Beta: 1' })).status, 400)
  assert.equal((await h.call('GET', RULE_TEST)).status, 405)
  assert.equal((await h.call('GET', '/api/tm/8.3/config/active/rules/beta')).status, 404, 'nothing was saved')
})

test('without a rule tester the resource does not exist', async (t) => {
  const h = await startApi(t, {})
  assert.equal((await h.call('POST', RULE_TEST, { name: 'r', text: '' })).status, 404)
})
