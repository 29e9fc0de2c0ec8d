/**
 * The control API's listener: `node:http` (or `node:https` when given a certificate), routing
 * to the configuration, status, OpenAPI and metrics handlers after the Host and Origin checks
 * and authentication. Speed does not matter here; clarity and safety do. Every connection is
 * bounded in time: reading a head, reading a whole request, idling between requests, and
 * lingering half-closed after the server has finished with it.
 * @module
 */
import { once } from 'node:events'
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { Socket } from 'node:net'
import { join } from 'node:path'
import { err, errorMessage, ok, type Clock, type Logger, type Result } from '../core/index.ts'
import { PROMETHEUS_CONTENT_TYPE, mergeStatistics, renderPrometheus } from '../stats/index.ts'
import { API_VERSIONS, children, type ApiApp, type ApiContext, type ApiRequest, type ClusterView } from './api-context.ts'
import { AuditLog } from './audit-log.ts'
import type { ThrottleSettings } from './auth-throttle.ts'
import { Authenticator, type PasswordVerifier, type Principal } from './auth.ts'
import { ConfigEditor, type ApplyTarget } from './config-editor.ts'
import { handleConfig } from './config-routes.ts'
import { HostPolicy, requestHost } from './host-check.ts'
import { apiError, json, readBody, send, tooManyRequests, type ApiReply } from './http-util.ts'
import { isLoopbackHost, type ApiAddress } from './listen-address.ts'
import { buildOpenApi } from './openapi.ts'
import { handleStatus, statisticsSource } from './status-routes.ts'
import { generationFigures } from './generations-routes.ts'
import { UiAssets } from './ui-assets.ts'
import { handleRuleTest, type RuleTester } from './ui-rule-test.ts'
import { SESSION_PATH, UiSessionGate } from './ui-session-gate.ts'
import { SessionStore, type SessionLimits } from './ui-session.ts'
import { loadUsers, sluiceStateDir, usersFilePath } from './users.ts'

export interface ApiServerOptions {
  readonly app: ApiApp
  readonly configDir: string
  readonly logger: Logger
  readonly clock: Clock
  readonly address: ApiAddress
  /** PEM certificate and key; required for any address other than loopback. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer }
  /** Refuse configuration changes (the built-in quick-start configuration). */
  readonly isReadOnly?: boolean
  /** The Sluice version, shown in the OpenAPI document. */
  readonly version?: string
  /** More names clients may send in `Host` (besides loopback names and the listen address). */
  readonly hostNames?: readonly string[]
  /** Time bounds for connections; defaults in DEFAULT_API_LIMITS. */
  readonly limits?: Partial<ApiLimits>
  /** Backoff for failed logins; defaults in DEFAULT_THROTTLE. */
  readonly throttle?: Partial<ThrottleSettings>
  /** How passwords are checked (scrypt); tests wrap it to count the work done per attempt. */
  readonly verifyPassword?: PasswordVerifier
  /** How long web UI sessions last; defaults in DEFAULT_SESSION_LIMITS. */
  readonly sessions?: Partial<SessionLimits>
  /** Runs `sluice rule test` for `POST .../rule_test`; without it that resource does not exist. */
  readonly ruleTester?: RuleTester
  /** Where changes are applied, when not `app` itself (a cluster member publishes them too). */
  readonly applyTarget?: ApplyTarget
  /** The cluster this Sluice is a member of (issue #16). */
  readonly cluster?: ClusterView
}

/** How long a connection may take over each part of its life, ms. */
export interface ApiLimits {
  /** From the first byte of a request to the end of its head (and for a new connection's first head). */
  readonly headersTimeoutMs: number
  /** From the first byte of a request to the end of its body. */
  readonly requestTimeoutMs: number
  /** Idle time between requests on a kept-alive connection. */
  readonly keepAliveTimeoutMs: number
  /** After the server has ended a connection, how long the client has to close its side. */
  readonly lingerMs: number
}

export const DEFAULT_API_LIMITS: ApiLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  lingerMs: 2_000,
}

/** The largest request head the API reads, bytes. */
const MAX_HEAD_BYTES = 16 * 1024

/** GETs loopback callers may make while no users exist: statistics and state, nothing else. */
const STATISTICS_PATH = /^\/api\/tm\/[^/]+\/status\/local_tm\/(?:statistics(?:\/.*)?|state\/?|overview\/?)$/

export class ApiServer {
  readonly #opts: ApiServerOptions
  readonly #ctx: ApiContext
  readonly #auth: Authenticator
  readonly #hosts: HostPolicy
  readonly #limits: ApiLimits
  readonly #sessions: UiSessionGate
  readonly #assets: UiAssets
  #server: Server | null = null

  constructor(opts: ApiServerOptions) {
    this.#opts = opts
    const audit = new AuditLog(join(sluiceStateDir(opts.configDir), 'audit.log'), opts.clock, opts.logger)
    this.#ctx = { app: opts.app, editor: new ConfigEditor(opts.configDir, opts.applyTarget ?? opts.app), audit, clock: opts.clock, logger: opts.logger, isReadOnly: opts.isReadOnly ?? false, cluster: opts.cluster }
    this.#auth = new Authenticator({
      usersFile: usersFilePath(opts.configDir),
      clock: opts.clock,
      allowAnonymousStatistics: isLoopbackHost(opts.address.host),
      ...(opts.throttle === undefined ? {} : { throttle: opts.throttle }),
      ...(opts.verifyPassword === undefined ? {} : { verify: opts.verifyPassword }),
    })
    this.#hosts = new HostPolicy(opts.address, opts.tls !== undefined, opts.hostNames)
    this.#limits = { ...DEFAULT_API_LIMITS, ...opts.limits }
    this.#sessions = new UiSessionGate(new SessionStore(opts.clock, opts.sessions), this.#auth, opts.tls !== undefined, opts.isReadOnly ?? false)
    this.#assets = new UiAssets(opts.logger)
  }

  /**
   * Runs `work` between configuration changes made through the API, never during one; the
   * directory watcher reloads through here.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.#ctx.editor.exclusive(work)
  }

  /** Listens; refuses a non-loopback address without TLS or without users. */
  async start(): Promise<Result<ApiAddress, string>> {
    const { address, tls } = this.#opts
    if (!isLoopbackHost(address.host)) {
      if (tls === undefined) return err(`the API on ${address.host} (not loopback) needs a TLS certificate and key`)
      const users = await loadUsers(usersFilePath(this.#opts.configDir))
      if (!users.ok) return err(users.error)
      if (users.value.size === 0) return err(`the API on ${address.host} (not loopback) needs at least one user (sluice user add NAME)`)
    }
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.#handle(req, res).catch((e: unknown) => {
        this.#opts.logger.error(`api: ${req.method ?? ''} ${req.url ?? ''}: ${errorMessage(e)}`)
        send(res, apiError(500, 'internal.error', 'internal error'))
      })
    }
    const limits = this.#limits
    const options: ServerOptions = {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often Node looks for requests over their time; a fraction of the shortest bound.
      connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
      maxHeaderSize: MAX_HEAD_BYTES,
    }
    const server = tls === undefined ? createHttpServer(options, handler) : createHttpsServer({ ...options, cert: tls.cert, key: tls.key }, handler)
    server.on('clientError', (_e, socket) => {
      socket.destroy()
    })
    server.on('connection', (socket: Socket) => {
      boundConnection(socket, limits)
    })
    try {
      server.listen(address.port, address.host)
      await once(server, 'listening')
    } catch (e: unknown) {
      return err(`cannot listen on ${address.host}:${String(address.port)}: ${errorMessage(e)}`)
    }
    this.#server = server
    const bound = server.address()
    return ok({ host: address.host, port: typeof bound === 'object' && bound !== null ? bound.port : address.port })
  }

  async close(): Promise<void> {
    const server = this.#server
    if (server === null) return
    this.#server = null
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://api.invalid')
    const method = req.method ?? 'GET'
    const named = requestHost(req.url ?? '/', req.rawHeaders)
    const refused = named.problem ?? this.#hosts.hostProblem(named.host) ?? this.#hosts.originProblem(method, req.headers.origin, named.host)
    if (refused !== undefined) {
      req.resume()
      send(res, apiError(403, 'request.refused', refused))
      return
    }
    if (UiAssets.isUiRequest(method, url.pathname, req.headers.accept)) {
      await this.#assets.serve(req, res, url.pathname)
      return
    }
    if (url.pathname === SESSION_PATH) {
      send(res, await this.#sessions.handle(req))
      return
    }
    const principal = await this.#authenticate(req, method, url)
    if (principal.ok) send(res, await this.#route(req, url, principal.principal))
    else {
      req.resume()
      send(res, principal.reply)
    }
  }

  /** Who is calling: a web UI session (its cookie) or Basic credentials. */
  async #authenticate(req: IncomingMessage, method: string, url: URL): Promise<{ ok: true; principal: Principal } | { ok: false; reply: ApiReply }> {
    if (this.#sessions.offersSession(req)) return this.#sessions.authenticate(req)
    const auth = await this.#auth.authenticate({
      header: req.headers.authorization,
      address: req.socket.remoteAddress ?? '',
      isStatisticsRead: (method === 'GET' || method === 'HEAD') && (url.pathname === '/metrics' || STATISTICS_PATH.test(url.pathname)),
    })
    if (auth.ok) return auth
    if (auth.status === 429) return { ok: false, reply: tooManyRequests('auth.throttled', auth.reason, auth.retryAfterMs) }
    // The web UI marks its calls, so a 401 does not make the browser open its own login dialog.
    const fromUi = req.headers['x-requested-with'] === 'XMLHttpRequest'
    return {
      ok: false,
      reply: { kind: 'error', error: { status: auth.status, id: auth.status === 401 ? 'auth.unauthorized' : 'auth.failed', text: auth.reason }, challenge: !fromUi },
    }
  }

  async #route(req: IncomingMessage, url: URL, principal: Principal): Promise<ApiReply> {
    const method = req.method ?? 'GET'
    const path = url.pathname
    const readOnly = (reply: () => ApiReply): ApiReply => {
      req.resume()
      return method === 'GET' ? reply() : apiError(405, 'resource.method_not_allowed', `${method} is not allowed here`)
    }
    if (path === '/metrics') {
      if (method !== 'GET') return readOnly(() => apiError(405, 'resource.method_not_allowed', `${method} is not allowed here`))
      req.resume()
      const own = await statisticsSource(this.#ctx)
      // `?scope=cluster`: every live member of the cluster summed (issue #16).
      const cluster = url.searchParams.get('scope') === 'cluster' ? this.#ctx.cluster : undefined
      const merged = cluster === undefined ? own : mergeStatistics(own, (await cluster.memberStatistics()).map((m) => m.capture))
      const source = { ...merged, generations: await generationFigures(this.#ctx) }
      return { kind: 'raw', status: 200, body: renderPrometheus(source), contentType: PROMETHEUS_CONTENT_TYPE }
    }
    if (path === '/' || path === '/api/' || path === '/api') return readOnly(() => json(200, path === '/' ? children('/', ['api']) : children('/api/', ['tm'])))
    if (path === '/api/tm/' || path === '/api/tm') return readOnly(() => json(200, children('/api/tm/', API_VERSIONS)))
    const m = /^\/api\/tm\/([^/]+)\/(.*)$/.exec(path)
    const version = m?.[1]
    if (m === null || version === undefined || !API_VERSIONS.includes(version)) {
      req.resume()
      return apiError(404, 'resource.not_found', `no such resource: ${path} (API versions: ${API_VERSIONS.join(', ')})`)
    }
    let segments: string[]
    try {
      segments = (m[2] ?? '').split('/').map(decodeURIComponent)
    } catch {
      req.resume()
      return apiError(400, 'request.invalid', 'the path is not valid percent-encoding')
    }
    if (segments.at(-1) === '' && segments.length > 0) segments.pop()
    const base = `/api/tm/${version}/`
    const request = (rest: string[]): ApiRequest => ({
      method,
      segments: rest,
      query: url.searchParams,
      principal,
      contentType: req.headers['content-type'] ?? '',
      body: () => readBody(req),
    })
    const [family, ...rest] = segments
    switch (family) {
      case undefined:
        return readOnly(() => json(200, children(base, ['config', 'status'])))
      case 'openapi.json':
        return readOnly(() => json(200, buildOpenApi(this.#opts.version ?? '0.0.0')))
      case 'config':
        if (rest.length === 0) return readOnly(() => json(200, children(`${base}config/`, ['active'])))
        if (rest[0] !== 'active') break
        return handleConfig(this.#ctx, request(rest.slice(1)), `${base}config/active/`)
      case 'status':
        req.resume()
        return handleStatus(this.#ctx, request(rest), `${base}status/`)
      case 'rule_test':
        if (rest.length > 0) break
        return handleRuleTest(this.#ctx, request(rest), this.#opts.ruleTester)
      default:
        break
    }
    req.resume()
    return apiError(404, 'resource.not_found', `no such resource: ${path}`)
  }
}

/**
 * Frees a connection whose client keeps its side open after the server has ended it: the
 * socket is destroyed `lingerMs` after the server's side finished.
 */
function boundConnection(socket: Socket, limits: ApiLimits): void {
  socket.once('finish', () => {
    if (socket.destroyed) return
    const timer = setTimeout(() => socket.destroy(), limits.lingerMs)
    timer.unref()
    socket.once('close', () => {
      clearTimeout(timer)
    })
  })
}
