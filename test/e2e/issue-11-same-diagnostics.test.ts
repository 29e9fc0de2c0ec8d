/**
 * Issue #11 item 12: `sluice check`, `sluice start` and the REST API report the same diagnostics,
 * warnings included, for the same configuration; check still exits 0 when there are only warnings.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { basic, pick, writeConfigDir } from '../api/harness.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { runSluice, startSluice } from './cli-harness.ts'

const RULE = 'http.getheadernames();\npool.use("p");\n'

/**
 * The warning lines of a command's output (a rule warning spans three lines: text, source, caret),
 * without the timestamp and level of start's process log.
 */
function warningLines(output: string): string[] {
  return output.split('\n').filter((l) => l.includes('warning: ')).map((l) => l.replace(/^\S+ WARN /, '')).sort()
}

test('check, start and the API give the same warnings for the same configuration', async (t) => {
  const node = await startHttpNode(t, 'n1')
  const dir = await writeConfigDir(t, {
    'virtual_servers/web': {
      properties: {
        basic: { enabled: true, port: 0, protocol: 'http', pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'], request_rules: ['route'] },
        recent_connections: { enabled: false },
      },
    },
    'pools/p': { properties: { basic: { nodes_table: [{ node: node.address }] } } },
    'rules/route': RULE,
  })

  const check = await runSluice(['check', '--config', dir])
  assert.equal(check.code, 0, check.output)
  const fromCheck = warningLines(check.output)
  assert.equal(fromCheck.length, 2, check.output)
  assert.match(fromCheck.join('\n'), /rule route \(.*rules\/route\): line 1, column 1: warning: http\.getheadernames is deprecated/)
  assert.match(fromCheck.join('\n'), /virtual_servers\/web \(.*\): recent_connections\.enabled: warning: not supported yet/)
  assert.match(check.output, /configuration OK with 2 warnings: 1 virtual server, 1 pool, 1 rule/)

  const sluice = startSluice(['start', '--config', dir, '--api', '127.0.0.1:0'])
  t.after(() => sluice.stop('SIGKILL'))
  const line = await sluice.waitFor(/REST API: http:\/\/127\.0\.0\.1:(\d+)\/api\/tm\//)
  const api = `http://127.0.0.1:${/:(\d+)\//.exec(line)?.[1] ?? ''}/api/tm/8.3/config/active`
  const created = await sluice.waitFor(/created user "admin" with password (\S+)/)
  const authorization = basic('admin', /with password (\S+)/.exec(created)?.[1] ?? '')
  await sluice.waitFor(/press Ctrl-C/)
  assert.deepEqual(warningLines(sluice.output()), fromCheck, 'start prints what check prints')

  // The API: a raw rule answers with the warnings instead of an empty body; so does a typed object.
  const rule = await fetch(`${api}/rules/route`, { method: 'PUT', headers: { authorization, 'content-type': 'application/octet-stream' }, body: RULE })
  assert.equal(rule.status, 200)
  const ruleBody = (await rule.json())
  const reasons = (pick(ruleBody, 'warnings') as { object_type: string; key?: string; reason: string }[]).map((w) =>
    w.key === undefined ? w.reason.split('\n')[0] : `${w.object_type} ${w.key}: ${w.reason}`,
  )
  assert.deepEqual(reasons.sort(), [
    'rule route: line 1, column 1: warning: http.getheadernames is deprecated, please use http.listHeaderNames instead',
    'virtual_servers recent_connections.enabled: not supported yet: it is accepted but has no effect (set to false)',
  ])
  const pool = await fetch(`${api}/pools/p`, { method: 'PUT', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ properties: { basic: { note: 'x' } } }) })
  assert.equal(pool.status, 200)
  const poolBody = (await pool.json())
  assert.equal(pick(poolBody, 'properties', 'basic', 'note'), 'x')
  assert.equal((pick(poolBody, 'warnings') as unknown[]).length, 2)
  assert.equal(await sluice.stop('SIGTERM'), 0)
})
