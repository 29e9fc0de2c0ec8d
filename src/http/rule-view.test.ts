import { runTransactionViewContract, type FakeRequest } from '../rules/testing/index.ts'
import { NO_PERSISTENCE } from '../persist/index.ts'
import { buildErrorResponses, compileHttpPhases, type HttpService } from '../snapshot/index.ts'
import { isHeadError, parseRequestHead } from './request-head.ts'
import { DEFAULT_HEAD_LIMITS } from '../snapshot/index.ts'
import { parseResponseHead } from './response-head.ts'
import { NO_RULES } from '../rules/index.ts'
import { RuleSession, type RuleSessionHost } from './rule-session.ts'

function head(lines: string[]): Buffer {
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1')
}

const service: HttpService = {
  name: 'vs',
  pool: null,
  pools: new Map(),
  forwarding: { addClusterIp: false, addXForwardedFor: false, addXForwardedProto: false, stripXForwardedProto: false },
  scheme: 'http',
  keepalive: true,
  keepaliveTimeoutMs: 0,
  headerTimeoutMs: 0,
  idleTimeoutMs: 0,
  maxClientBufferBytes: 65536,
  headLimits: DEFAULT_HEAD_LIMITS, http2: null,
  errors: buildErrorResponses(undefined),
  counters: null, onTransactionEnd: null,
  persistence: NO_PERSISTENCE,
  rules: NO_RULES,
  phases: compileHttpPhases(NO_RULES),
  compression: null, cache: null,
  ruleServices: null,
  maxInstructions: 100000,
}

/** The HTTP engine's view of a transaction passes the rules engine's own contract. */
runTransactionViewContract('HttpRuleView', (r: FakeRequest) => {
  const body = Buffer.from(r.body ?? '', 'latin1')
  const lines = [`${r.method ?? 'GET'} ${r.url ?? '/'} ${r.version ?? 'HTTP/1.1'}`]
  for (const [name, value] of r.headers ?? []) lines.push(`${name}: ${value}`)
  if (body.length > 0) lines.push(`Content-Length: ${String(body.length)}`)
  const buf = head(lines)
  const req = parseRequestHead(buf, 0, buf.length, DEFAULT_HEAD_LIMITS)
  if (req === null || isHeadError(req)) throw new Error('bad test request')
  let pending: Buffer | null = body.length > 0 ? body : null
  const host: RuleSessionHost = {
    pendingBytes: () => pending,
    moreClientData: () => Promise.resolve(),
    isClientDataFinal: () => true,
    dropPending: (n) => {
      pending = pending === null || n >= pending.length ? null : pending.subarray(n)
    },
  }
  const conn = {
    clientIp: r.remoteIp ?? '10.0.0.1',
    clientPort: r.remotePort ?? 1234,
    localIp: r.localIp ?? '127.0.0.1',
    localPort: r.localPort ?? 80,
    isTls: r.tls ?? false,
    virtualServer: r.virtualServer ?? 'vs',
    data: new Map(),
  }
  const session = new RuleSession(service, req, conn, host, true, 0, () => 0)
  if (r.response !== undefined) {
    const resBody = Buffer.from(r.response.body ?? '', 'latin1')
    const resLines = [`${r.response.version ?? 'HTTP/1.1'} ${String(r.response.status)} ${r.response.reason ?? ''}`]
    for (const [name, value] of r.response.headers ?? []) resLines.push(`${name}: ${value}`)
    resLines.push(`Content-Length: ${String(resBody.length)}`)
    const resBuf = Buffer.concat([head(resLines), resBody])
    const res = parseResponseHead(resBuf, 0, resBuf.length)
    if (res === null || isHeadError(res)) throw new Error('bad test response')
    session.runResponse(res, resBuf, res.headBytes, () => undefined)
  }
  return session.view
})
