/**
 * DNS rebinding and cross-site defences. A web page can make a browser send requests to
 * 127.0.0.1:9070 under a name the page's owner controls; the browser then sends that name in
 * `Host`. So the API answers only requests whose `Host` is one of its own addresses or a
 * loopback name, and refuses any change whose `Origin` is not the API itself.
 * @module
 */
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'
import { isLoopbackHost, type ApiAddress } from './listen-address.ts'

/** Methods that never change anything, so a foreign `Origin` does not matter for them. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS'])

export class HostPolicy {
  readonly #names: ReadonlySet<string>
  readonly #scheme: 'http:' | 'https:'

  /**
   * `extraNames`: further names clients use for the API (`host_names` in api.json). A wildcard
   * listen address (0.0.0.0, ::) accepts the addresses of this machine's interfaces.
   */
  constructor(address: ApiAddress, isTls: boolean, extraNames: readonly string[] = []) {
    const names = new Set(extraNames.map(normalizeName))
    const listen = normalizeName(address.host)
    if (isWildcard(listen)) {
      for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) names.add(normalizeName(i.address))
    } else {
      names.add(listen)
    }
    this.#names = names
    this.#scheme = isTls ? 'https:' : 'http:'
  }

  /** Why `host` (the `Host` header) is refused, or undefined when it is accepted. */
  hostProblem(host: string | undefined): string | undefined {
    if (host === undefined || host === '') return 'the request has no Host header'
    const name = hostName(host)
    if (name === undefined) return `the Host header "${host}" is not HOST[:PORT]`
    if (isLoopbackHost(name) || this.#names.has(name)) return undefined
    return `the Host header names "${name}", which is not an address of this API (add it to host_names in .sluice/api.json if it is)`
  }

  /** Why a request with this method and `Origin` is refused, or undefined when it is accepted. */
  originProblem(method: string, origin: string | undefined, host: string | undefined): string | undefined {
    if (origin === undefined || SAFE_METHODS.has(method)) return undefined
    let url: URL | undefined
    try {
      url = origin === 'null' ? undefined : new URL(origin)
    } catch {
      url = undefined
    }
    if (url?.protocol === this.#scheme && url.host === withoutDefaultPort(host ?? '', this.#scheme)) return undefined
    return `a change from the web page at ${origin} is refused; only the API's own origin may make changes`
  }
}

/**
 * The host a request names: the authority of an absolute-form target (which wins over `Host`,
 * RFC 9112 §3.2.2), else its one `Host` field. A second `Host` field is a problem of its own, so
 * the check never looks at one name while a later reader takes the other.
 */
export function requestHost(target: string, rawHeaders: readonly string[]): { readonly host?: string; readonly problem?: string } {
  let host: string | undefined
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] ?? '').toLowerCase() !== 'host') continue
    if (host !== undefined) return { problem: 'the request has more than one Host header' }
    host = rawHeaders[i + 1] ?? ''
  }
  if (target.startsWith('/') || target === '*') return host === undefined ? {} : { host }
  try {
    return { host: new URL(target).host }
  } catch {
    return { problem: `the request target "${target}" is neither a path nor an absolute URL` }
  }
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === ''
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '')
}

/** The name in a `Host` header (`name`, `name:port`, `[v6]`, `[v6]:port`), lower case. */
function hostName(header: string): string | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s/@]+))(?::\d{1,5})?$/.exec(header.trim())
  const v6 = m?.[1]
  if (v6 !== undefined) return isIP(v6) === 6 ? v6.toLowerCase() : undefined
  const name = m?.[2]
  return name === undefined ? undefined : normalizeName(name)
}

/** `host[:port]` as a URL's `host` shows it: lower case, without the scheme's default port. */
function withoutDefaultPort(host: string, scheme: string): string {
  const lower = host.trim().toLowerCase()
  const port = scheme === 'https:' ? ':443' : ':80'
  return lower.endsWith(port) ? lower.slice(0, -port.length) : lower
}
