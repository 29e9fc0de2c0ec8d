import assert from 'node:assert/strict'
import { test } from 'node:test'
import { NO_PERSISTENCE } from '../persist/index.ts'
import { checkRules } from '../rules/index.ts'
import { FakeServices } from '../rules/testing/index.ts'
import { buildErrorResponses, compileHttpPhases, type HttpService } from '../snapshot/index.ts'
import { isHeadError, parseRequestHead } from './request-head.ts'
import { DEFAULT_HEAD_LIMITS } from '../snapshot/index.ts'
import type { RequestHead } from './request-head.ts'
import { parseResponseHead } from './response-head.ts'
import type { RuleBinding } from '../rules/index.ts'
import { RuleSession, type RuleSessionHost } from './rule-session.ts'

function request(text: string): RequestHead {
  const buf = Buffer.from(text, 'latin1')
  const req = parseRequestHead(buf, 0, buf.length, DEFAULT_HEAD_LIMITS)
  if (req === null || isHeadError(req)) throw new Error('bad test request')
  return req
}

function bindings(src: string): RuleBinding[] {
  const r = checkRules(new Map([['r', src]]))
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.error))
  const rule = r.value.rules.get('r')
  assert.ok(rule)
  return [{ rule, isOnlyFirst: false }]
}

function service(services: FakeServices, request: RuleBinding[], response: RuleBinding[] = []): HttpService {
  return {
    name: 'vs', pool: null, pools: new Map(),
    forwarding: { addClusterIp: false, addXForwardedFor: false, addXForwardedProto: false, stripXForwardedProto: false },
    scheme: 'http', keepalive: true, keepaliveTimeoutMs: 0, headerTimeoutMs: 0, idleTimeoutMs: 0, maxClientBufferBytes: 65536,
    headLimits: DEFAULT_HEAD_LIMITS, http2: null, errors: buildErrorResponses(undefined), counters: null, onTransactionEnd: null, persistence: NO_PERSISTENCE,
    rules: { request, response, completion: [] }, phases: compileHttpPhases({ request, response, completion: [] }), compression: null, cache: null,
    ruleServices: services, maxInstructions: 100_000,
  }
}

const host: RuleSessionHost = {
  pendingBytes: () => null,
  moreClientData: () => Promise.resolve(),
  isClientDataFinal: () => true,
  dropPending: () => undefined,
}
const conn = { clientIp: '10.0.0.9', clientPort: 1234, localIp: '127.0.0.1', localPort: 80, isTls: false, virtualServer: 'vs', data: new Map() }

test('a restarted session serves the next request as a new session would', () => {
  const services = new FakeServices({ pools: { a: { active: ['10.0.0.1:80'] }, b: { active: ['10.0.0.2:80'] } } })
  const svc = service(
    services,
    bindings('log.info(rule.getState() . " " . http.getPath() . " node=" . connection.getNode() . " x=" . http.getHeader("X-Seen"));\n' +
      'if( http.getPath() == "/a" ) { http.setHeader("X-Seen", "1"); request.avoidNode("10.0.0.1:80"); pool.use("a"); }\nlog.info("no pool");'),
    bindings('log.info(rule.getState() . " " . http.getResponseHeader("X-R"));'),
  )
  const first = request('GET /a HTTP/1.1\r\nHost: h\r\n\r\n')
  const session = new RuleSession(svc, first, conn, host, true, 0, () => 0)
  let done = 0
  session.runRequest(() => done++)
  assert.deepEqual([done, session.decision.pool, session.decision.avoidNodes, first.needsRewrite], [1, 'a', ['10.0.0.1:80'], true])
  const resBuf = Buffer.from('HTTP/1.1 200 OK\r\nX-R: yes\r\nContent-Length: 0\r\n\r\n', 'latin1')
  const res = parseResponseHead(resBuf, 0, resBuf.length)
  if (res === null || isHeadError(res)) throw new Error('bad test response')
  session.view.node = '10.0.0.1:80'
  session.runResponse(res, resBuf, res.headBytes, () => done++)
  assert.equal(done, 2)

  const second = request('GET /b HTTP/1.1\r\nHost: h\r\n\r\n')
  assert.equal(session.restart(svc, second, false, 5), true)
  assert.deepEqual([session.decision.pool, session.decision.avoidNodes, session.decision.final], [null, [], false])
  assert.equal(session.view.hasResponse(), false)
  session.runRequest(() => done++)
  assert.equal(done, 3)
  assert.equal(second.needsRewrite, false)
  assert.deepEqual(services.logs, ['info: REQUEST /a node= x=', 'info: RESPONSE yes', 'info: REQUEST /b node= x=', 'info: no pool'])
})

test('a session whose rule waited is not restarted', async () => {
  const services = new FakeServices()
  const svc = service(services, bindings('connection.sleep(1);\nlog.info(http.getPath());'))
  const session = new RuleSession(svc, request('GET /one HTTP/1.1\r\nHost: h\r\n\r\n'), conn, host, true, 0, () => 0)
  const finished = new Promise<void>((resolve) => {
    session.runRequest(resolve)
  })
  assert.equal(session.restart(svc, request('GET /two HTTP/1.1\r\nHost: h\r\n\r\n'), false, 0), false)
  await finished
  assert.deepEqual(services.logs, ['info: /one'])
  assert.equal(session.restart(svc, request('GET /three HTTP/1.1\r\nHost: h\r\n\r\n'), false, 0), false)
})

test('cookies are read the same from the HTTP view (getHeaderAt) as from a header list', async () => {
  const { FakeTransaction } = await import('../rules/testing/index.ts')
  const { Decision, runRule } = await import('../rules/index.ts')
  const src = 'log.info(http.getCookie("a") . "," . http.getCookie("c") . "," . http.getCookie("d") . "," . http.getCookie("zz") . "," . http.getCookie("q"));'
  const fields: [string, string][] = [['Cookie', 'a=1; xa=9'], ['Host', 'h'], ['cookie', 'b=2;c=3 ; q="quoted"'], ['COOKIE', 'd=4']]
  const services = new FakeServices()
  const svc = service(services, bindings(src))
  const head = request(`GET / HTTP/1.1\r\n${fields.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n`)
  new RuleSession(svc, head, conn, host, true, 0, () => 0).runRequest(() => undefined)
  const [binding] = bindings(src)
  assert.ok(binding)
  const o = runRule(binding.rule, { view: new FakeTransaction({ headers: fields }), services, decision: new Decision(), phase: 'REQUEST' })
  assert.ok(!(o instanceof Promise))
  assert.deepEqual(services.logs, ['info: 1,3,4,,quoted', 'info: 1,3,4,,quoted'])
})
