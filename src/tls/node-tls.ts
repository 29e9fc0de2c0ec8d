/**
 * TLS from Sluice to a pool's nodes (vTM pool section `ssl`): trusted CAs from the `ssl/cas`
 * catalog, an optional client certificate from `ssl/client_keys`, SNI and name checks. Built
 * once per snapshot; every connection to the pool's nodes reuses the secure context.
 * @module
 */
import { isIP } from 'node:net'
import { checkServerIdentity, createSecureContext, type PeerCertificate, type SecureContext } from 'node:tls'
import { errorMessage } from '../core/index.ts'
import type { Diagnostic, PoolProperties, ValidConfig } from '../config/index.ts'
import { getObjects, keyProblemAt } from '../config/index.ts'
import { parseCaBundle, parseServerKey } from './certificate.ts'

export interface NodeTlsSettings {
  readonly secureContext: SecureContext
  /** vTM `ssl.strict_verify`: refuse certificates that do not verify or do not match. */
  readonly isStrict: boolean
  /** vTM `ssl.server_name`: send the node's host name as SNI. */
  readonly sendServerName: boolean
  /** vTM `ssl.common_name_match`: names accepted besides the node's own host. */
  readonly commonNames: readonly string[]
}

/** The TLS settings for `pool`, null when it does not encrypt; problems are reported. */
export function buildNodeTls(pool: string, props: PoolProperties, config: ValidConfig, problems: Diagnostic[]): NodeTlsSettings | null {
  const ssl = props.ssl
  if (!ssl.enable) return null
  const problem = (key: string, reason: string) => problems.push({ objectType: 'pools', objectName: pool, key, reason })
  const ca: string[] = []
  for (const [name, content] of config.rawFiles.get('ssl/cas') ?? []) {
    const bundle = parseCaBundle(name, content)
    if (bundle.ok) ca.push(...bundle.value.certPems)
    // A bad CA file is reported by the virtual servers that name it; here it is simply not trusted.
  }
  let cert: string | undefined
  let key: string | undefined
  const fixed = ssl.ssl_fixed_client_certificate
  if (fixed !== '') {
    const entry = getObjects(config, 'ssl/client_keys').get(fixed)
    if (entry === undefined) {
      problem('ssl.ssl_fixed_client_certificate', `names ssl/client_keys/${fixed}, which does not exist`)
    } else {
      const parsed = parseServerKey(fixed, entry.basic.public, entry.basic.private)
      if (parsed.ok) {
        cert = parsed.value.certPem
        key = parsed.value.keyPem
      } else {
        const at = keyProblemAt('ssl/client_keys', parsed.error, entry, config.dir)
        problem('ssl.ssl_fixed_client_certificate', `ssl/client_keys/${fixed}: ${at.key}: ${at.reason}`)
      }
    }
  }
  try {
    const secureContext = createSecureContext({
      minVersion: 'TLSv1.2',
      ...(ca.length > 0 ? { ca } : {}),
      ...(cert !== undefined && key !== undefined ? { cert, key } : {}),
    })
    return Object.freeze({
      secureContext,
      isStrict: ssl.strict_verify,
      sendServerName: ssl.server_name,
      commonNames: Object.freeze([...ssl.common_name_match]),
    })
  } catch (e: unknown) {
    problem('ssl.enable', `cannot build the TLS settings: ${errorMessage(e)}`)
    return null
  }
}

/** Connection options for one node; `host` is the node's address as configured. */
export function nodeTlsOptions(settings: NodeTlsSettings, host: string): {
  secureContext: SecureContext
  rejectUnauthorized: boolean
  servername?: string
  checkServerIdentity: (hostname: string, cert: PeerCertificate) => Error | undefined
  ALPNProtocols: string[]
} {
  const sni = settings.sendServerName && isIP(host) === 0 ? { servername: host } : {}
  return {
    secureContext: settings.secureContext,
    rejectUnauthorized: settings.isStrict,
    ...sni,
    ALPNProtocols: ['http/1.1'],
    checkServerIdentity: (_hostname, cert) => {
      if (!settings.isStrict) return undefined
      const direct = checkServerIdentity(host, cert)
      if (direct === undefined) return undefined
      for (const name of settings.commonNames) if (checkServerIdentity(name, cert) === undefined) return undefined
      return direct
    },
  }
}
