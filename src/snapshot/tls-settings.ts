/**
 * Maps a decrypting virtual server's `ssl` section to a TlsTerminator: certificates from the
 * `ssl/server_keys` catalog, CAs from `ssl/cas`, protocol versions, session resumption. Every
 * problem becomes a Diagnostic naming the object and key, so `sluice check` reports it.
 * @module
 */
import { constants } from 'node:crypto'
import type { SecureVersion } from 'node:tls'
import { errorMessage } from '../core/index.ts'
import type { Diagnostic, ValidConfig, VirtualServerProperties } from '../config/index.ts'
import { getObjects, keyProblemAt } from '../config/index.ts'
import {
  TlsTerminator,
  isValidHostPattern,
  parseCaBundle,
  parseServerKey,
  type CaBundle,
  type ServerCertificate,
  type TlsRuntime,
} from '../tls/index.ts'

const SECOND_MS = 1000

/** Certificates and CAs parsed once per snapshot, shared by every virtual server using them. */
export class TlsCatalog {
  readonly #config: ValidConfig
  readonly #problems: Diagnostic[]
  readonly #certs = new Map<string, ServerCertificate | null>()
  readonly #cas = new Map<string, CaBundle | null>()

  constructor(config: ValidConfig, problems: Diagnostic[]) {
    this.#config = config
    this.#problems = problems
  }

  /** The certificate `name`, or null (reported once) when it is missing or bad. */
  certificate(name: string, from: string, key: string): ServerCertificate | null {
    const props = getObjects(this.#config, 'ssl/server_keys').get(name)
    if (props === undefined) {
      this.#problems.push({ objectType: 'virtual_servers', objectName: from, key, reason: `names ssl/server_keys/${name}, which does not exist` })
      return null
    }
    if (this.#certs.has(name)) return this.#certs.get(name) ?? null
    return this.#parseCertificate(name)
  }

  #parseCertificate(name: string): ServerCertificate | null {
    const props = getObjects(this.#config, 'ssl/server_keys').get(name)
    const parsed = parseServerKey(name, props?.basic.public ?? '', props?.basic.private ?? '')
    let cert: ServerCertificate | null = null
    if (parsed.ok) cert = parsed.value
    else this.#problems.push({ objectType: 'ssl/server_keys', objectName: name, ...keyProblemAt('ssl/server_keys', parsed.error, props ?? {}, this.#config.dir) })
    this.#certs.set(name, cert)
    return cert
  }

  /**
   * Checks the certificates, client keys and CA files nothing has looked up, so a key that does
   * not match its certificate is reported when it is stored, not when something first uses it.
   * Client keys a pool names are left to the pool, which reports them under its own key; a key
   * object with neither certificate nor key holds nothing to check until something uses it.
   */
  checkUnused(): void {
    for (const [name, props] of getObjects(this.#config, 'ssl/server_keys')) {
      if (!this.#certs.has(name) && !isEmptyKey(props.basic)) this.#parseCertificate(name)
    }
    for (const name of this.#config.rawFiles.get('ssl/cas')?.keys() ?? []) {
      if (!this.#cas.has(name)) this.#parseCa(name)
    }
    const usedByPools = new Set([...this.#config.pools.values()].map((p) => (p.ssl.enable ? p.ssl.ssl_fixed_client_certificate : '')))
    for (const [name, props] of getObjects(this.#config, 'ssl/client_keys')) {
      if (usedByPools.has(name) || isEmptyKey(props.basic)) continue
      const parsed = parseServerKey(name, props.basic.public, props.basic.private)
      if (!parsed.ok) this.#problems.push({ objectType: 'ssl/client_keys', objectName: name, key: parsed.error.key, reason: parsed.error.reason })
    }
  }

  /** The CA file `name`, or null (reported once) when it is missing or bad. */
  ca(name: string, from: string, key: string): CaBundle | null {
    const content = this.#config.rawFiles.get('ssl/cas')?.get(name)
    if (content === undefined) {
      this.#problems.push({ objectType: 'virtual_servers', objectName: from, key, reason: `names ssl/cas/${name}, which does not exist` })
      return null
    }
    if (this.#cas.has(name)) return this.#cas.get(name) ?? null
    return this.#parseCa(name)
  }

  #parseCa(name: string): CaBundle | null {
    const parsed = parseCaBundle(name, this.#config.rawFiles.get('ssl/cas')?.get(name) ?? Buffer.alloc(0))
    let bundle: CaBundle | null = null
    if (parsed.ok) bundle = parsed.value
    else this.#problems.push({ objectType: 'ssl/cas', objectName: name, reason: parsed.error })
    this.#cas.set(name, bundle)
    return bundle
  }
}

function isEmptyKey(basic: { readonly public: string; readonly private: string }): boolean {
  return basic.public.trim() === '' && basic.private.trim() === ''
}

type Switch = 'disabled' | 'enabled' | 'use_default'

function isOn(value: Switch, globalDefault: boolean): boolean {
  return value === 'use_default' ? globalDefault : value === 'enabled'
}

const VERSIONS: readonly { readonly name: SecureVersion; readonly noFlag: number }[] = [
  { name: 'TLSv1', noFlag: constants.SSL_OP_NO_TLSv1 },
  { name: 'TLSv1.1', noFlag: constants.SSL_OP_NO_TLSv1_1 },
  { name: 'TLSv1.2', noFlag: constants.SSL_OP_NO_TLSv1_2 },
  { name: 'TLSv1.3', noFlag: constants.SSL_OP_NO_TLSv1_3 },
]

/**
 * The enabled protocol versions as min, max and option bits for any gap. TLS 1.0 and 1.1 count
 * only when the virtual server enables them itself: Sluice's default is TLS 1.2 and 1.3, whatever
 * the (vTM-derived) global defaults for the old versions say.
 */
export function tlsVersions(vs: VirtualServerProperties, config: ValidConfig): { min: SecureVersion; max: SecureVersion; secureOptions: number; hasLegacy: boolean } | null {
  const g = config.globalSettings.ssl
  const ssl = vs.ssl
  const enabled = [
    ssl.support_tls1 === 'enabled',
    ssl.support_tls1_1 === 'enabled',
    isOn(ssl.support_tls1_2, g.support_tls1_2),
    isOn(ssl.support_tls1_3, g.support_tls1_3),
  ]
  const first = enabled.indexOf(true)
  const last = enabled.lastIndexOf(true)
  if (first < 0) return null
  let secureOptions = 0
  for (let i = first; i <= last; i++) if (enabled[i] !== true) secureOptions |= VERSIONS[i]?.noFlag ?? 0
  return {
    min: VERSIONS[first]?.name ?? 'TLSv1.2',
    max: VERSIONS[last]?.name ?? 'TLSv1.3',
    secureOptions,
    hasLegacy: first < 2,
  }
}

/** Builds the terminator for virtual server `name`, or null after reporting why it cannot. */
export function buildTlsTerminator(
  name: string,
  vs: VirtualServerProperties,
  config: ValidConfig,
  catalog: TlsCatalog,
  runtime: TlsRuntime,
  isHttp: boolean,
  problems: Diagnostic[],
): TlsTerminator | null {
  const before = problems.length
  const problem = (key: string, reason: string) => problems.push({ objectType: 'virtual_servers', objectName: name, key, reason })
  const ssl = vs.ssl
  const g = config.globalSettings.ssl
  if (ssl.server_cert_default === '') problem('ssl.server_cert_default', 'SSL decryption needs a default certificate')
  const certsFor = (primary: string, alt: readonly string[], key: string, altKey: string): ServerCertificate[] => {
    const out: ServerCertificate[] = []
    const first = primary === '' ? null : catalog.certificate(primary, name, key)
    if (first !== null) out.push(first)
    for (const [i, altName] of alt.entries()) {
      const cert = catalog.certificate(altName, name, `${altKey}[${String(i)}]`)
      if (cert !== null) out.push(cert)
    }
    return out
  }
  const defaultCerts = certsFor(ssl.server_cert_default, ssl.server_cert_alt_certificates, 'ssl.server_cert_default', 'ssl.server_cert_alt_certificates')
  const hostCerts: { host: string; certs: ServerCertificate[] }[] = []
  for (const [i, row] of ssl.server_cert_host_mapping.entries()) {
    const key = `ssl.server_cert_host_mapping[${String(i)}]`
    if (!isValidHostPattern(row.host)) problem(`${key}.host`, `"${row.host}" is not a host name or *.domain pattern`)
    if (row.certificate === '') problem(`${key}.certificate`, 'names no certificate')
    const certs = certsFor(row.certificate, row.alt_certificates, `${key}.certificate`, `${key}.alt_certificates`)
    hostCerts.push({ host: row.host, certs })
  }
  const clientCas: CaBundle[] = []
  for (const [i, caName] of ssl.client_cert_cas.entries()) {
    const bundle = catalog.ca(caName, name, `ssl.client_cert_cas[${String(i)}]`)
    if (bundle !== null) clientCas.push(bundle)
  }
  const versions = tlsVersions(vs, config)
  if (versions === null) problem('ssl.support_tls1_3', 'no TLS protocol version is enabled')
  if (problems.length > before || versions === null) return null

  const scope = g.cache_per_virtualserver ? name : '*'
  const cacheOn = isOn(ssl.session_cache_enabled, g.cache_enabled)
  const ticketsOn = isOn(ssl.session_tickets_enabled, g.tickets_enabled)
  try {
    return new TlsTerminator({
      name,
      defaultCerts,
      hostCerts,
      minVersion: versions.min,
      maxVersion: versions.max,
      secureOptions: versions.secureOptions | (ticketsOn ? 0 : constants.SSL_OP_NO_TICKET),
      // OpenSSL 3 refuses TLS 1.0/1.1 at its default security level.
      ciphers: versions.hasLegacy ? 'DEFAULT:@SECLEVEL=0' : undefined,
      requestClientCert: ssl.request_client_cert,
      clientCas,
      sessionCache: cacheOn ? runtime.sessionCache(scope, g.cache_size, g.cache_expiry * SECOND_MS) : null,
      ticketKeys: ticketsOn ? runtime.ticketKeys(scope) : null,
      sessionTimeoutSec: ticketsOn ? g.tickets_ticket_expiry : g.cache_expiry,
      sessionIdContext: scope,
      alpnProtocols: isHttp ? (vs.http2.enabled ? ['h2', 'http/1.1'] : ['http/1.1']) : [],
      handshakeTimeoutMs: vs.basic.connect_timeout * SECOND_MS,
      sessionKeys: [...getObjects(config, 'persistence').values()].some((p) => p.basic.type === 'ssl'),
      info: {
        clientCertHeaders: isHttp ? ssl.client_cert_headers : 'none',
        addHttpHeaders: isHttp && ssl.add_http_headers,
        hasClientCas: clientCas.length > 0,
      },
    })
  } catch (e: unknown) {
    problem('ssl', `TLS settings rejected: ${errorMessage(e)}`)
    return null
  }
}
