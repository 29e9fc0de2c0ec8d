/**
 * TLS from Sluice to a pool's nodes (vTM pool section `ssl`): the secure context (built once per
 * snapshot, see snapshot/node-tls-settings.ts) and the options of each connection, with SNI and
 * name checks.
 * @module
 */
import { isIP } from 'node:net'
import { checkServerIdentity, type PeerCertificate, type SecureContext } from 'node:tls'

export interface NodeTlsSettings {
  readonly secureContext: SecureContext
  /** vTM `ssl.strict_verify`: refuse certificates that do not verify or do not match. */
  readonly isStrict: boolean
  /** vTM `ssl.server_name`: send the node's host name as SNI. */
  readonly sendServerName: boolean
  /** vTM `ssl.common_name_match`: names accepted besides the node's own host. */
  readonly commonNames: readonly string[]
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
