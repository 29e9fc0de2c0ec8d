/**
 * `/api/tm/<version>/status/local_tm/workers` (a Sluice extension, issue #15): GET lists the
 * data-plane workers (the primary is 0) with the connections each accepted and how often each
 * was replaced; POST `workers/<n>/restart` ends worker n at once and starts another in its place
 * (its own connections are lost, the others carry on). Restarting needs the admin role and is
 * written to the audit log.
 * @module
 */
import { threadId } from 'node:worker_threads'
import type { ApiContext, ApiRequest, WorkerInfo } from './api-context.ts'
import { apiError, json, type ApiReply } from './http-util.ts'

/** Connections the primary itself accepted (every virtual server's total). */
function primaryAccepted(ctx: ApiContext): number {
  let n = 0
  for (const c of ctx.app.stats.virtualServers()) n += c.totalConn
  return n
}

export async function handleWorkers(ctx: ApiContext, req: ApiRequest, rest: readonly string[]): Promise<ApiReply> {
  const [which, action, extra] = rest
  if (which === undefined || which === '') {
    if (req.method !== 'GET') return apiError(405, 'resource.method_not_allowed', `${req.method} is not allowed here: GET lists the workers`)
    const primary: WorkerInfo = { index: 0, threadId, accepted: primaryAccepted(ctx), restarts: 0 }
    const others = (await ctx.app.workers?.list()) ?? []
    return json(200, { workers: [primary, ...others].map((w) => ({ index: w.index, thread_id: w.threadId, accepted: w.accepted, restarts: w.restarts })) })
  }
  const index = Number(which)
  if (action !== 'restart' || extra !== undefined || !Number.isInteger(index)) return apiError(404, 'resource.not_found', `no such resource: workers/${rest.join('/')} (POST workers/N/restart restarts worker N)`)
  if (req.method !== 'POST') return apiError(405, 'resource.method_not_allowed', `${req.method} is not allowed here: POST restarts the worker`)
  if (req.principal.role !== 'admin') return apiError(403, 'auth.forbidden', `user ${req.principal.user} may not restart a worker (role readonly)`)
  if (index === 0) return apiError(409, 'request.invalid', 'worker 0 is the primary: it runs the API, the monitors and the actions, and is not restarted on its own (restart Sluice)')
  if (ctx.app.workers?.restart(index) !== true) return apiError(404, 'resource.not_found', `worker ${which}: no such worker`)
  await ctx.audit.record({ user: req.principal.user, action: 'update', objectType: 'worker', objectName: which, before: { state: 'running' }, after: { state: 'restarted' } })
  return json(200, { restarted: index })
}
