/**
 * TLS from Sluice to a pool's nodes, from the configuration: trusted CAs from the `ssl/cas`
 * catalog and an optional client certificate from `ssl/client_keys` become one secure context
 * per pool, which every connection to its nodes reuses.
 * @module
 */
import { createSecureContext } from 'node:tls'
import { errorMessage } from '../core/index.ts'
import type { Diagnostic, PoolProperties, ValidConfig } from '../config/index.ts'
import { getObjects, keyProblemAt } from '../config/index.ts'
import { parseCaBundle, parseServerKey, type NodeTlsSettings } from '../tls/index.ts'

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

