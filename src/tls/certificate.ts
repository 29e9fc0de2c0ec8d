/**
 * Parses and checks the certificate catalog (`ssl/server_keys`, `ssl/cas`) when a snapshot is
 * built, so a bad certificate is a configuration diagnostic rather than a failed handshake.
 * @module
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto'
import { err, errorMessage, ok, type Result } from '../core/index.ts'

/** One usable certificate and key from `ssl/server_keys/<name>`. */
export interface ServerCertificate {
  readonly name: string
  /** The PEM chain as configured: leaf first, then any intermediates. */
  readonly certPem: string
  readonly keyPem: string
  readonly leaf: X509Certificate
}

/** The certificates (and CRLs) of one `ssl/cas/<name>` file. */
export interface CaBundle {
  readonly name: string
  readonly certPems: readonly string[]
  readonly crlPems: readonly string[]
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g

/** The PEM blocks of `text` with their labels (`CERTIFICATE`, `X509 CRL`, ...). */
export function pemBlocks(text: string): { label: string; pem: string }[] {
  const out: { label: string; pem: string }[] = []
  for (const m of text.matchAll(PEM_BLOCK)) out.push({ label: m[1] ?? '', pem: `${m[0]}\n` })
  return out
}

function parseCert(pem: string): Result<X509Certificate, string> {
  try {
    return ok(new X509Certificate(pem))
  } catch (e: unknown) {
    return err(errorMessage(e))
  }
}

function parseKey(pem: string): Result<KeyObject, string> {
  try {
    return ok(createPrivateKey(pem))
  } catch (e: unknown) {
    return err(errorMessage(e))
  }
}

/**
 * Checks one server key object: a parseable certificate chain in `public`, a parseable private
 * key in `private` that belongs to the first certificate. Returns the reason and the key it
 * concerns on failure.
 */
export function parseServerKey(
  name: string,
  publicPem: string,
  privatePem: string,
): Result<ServerCertificate, { key: string; reason: string }> {
  const certs = pemBlocks(publicPem).filter((b) => b.label === 'CERTIFICATE')
  const first = certs[0]
  if (first === undefined) return err({ key: 'basic.public', reason: 'no PEM certificate' })
  const chain: string[] = []
  let leaf: X509Certificate | undefined
  for (const [i, block] of certs.entries()) {
    const parsed = parseCert(block.pem)
    if (!parsed.ok) return err({ key: 'basic.public', reason: `certificate ${String(i + 1)} cannot be parsed: ${parsed.error}` })
    leaf ??= parsed.value
    chain.push(block.pem)
  }
  if (leaf === undefined) return err({ key: 'basic.public', reason: 'no PEM certificate' })
  const keyBlock = pemBlocks(privatePem).find((b) => b.label.endsWith('PRIVATE KEY'))
  if (keyBlock === undefined) return err({ key: 'basic.private', reason: 'no PEM private key' })
  const key = parseKey(keyBlock.pem)
  if (!key.ok) return err({ key: 'basic.private', reason: `the private key cannot be parsed: ${key.error}` })
  if (!leaf.checkPrivateKey(key.value)) {
    return err({ key: 'basic.private', reason: 'the private key does not match the certificate' })
  }
  return ok(Object.freeze({ name, certPem: chain.join(''), keyPem: keyBlock.pem, leaf }))
}

/** Checks one `ssl/cas` file: at least one certificate or CRL, each parseable. */
export function parseCaBundle(name: string, content: Buffer): Result<CaBundle, string> {
  const blocks = pemBlocks(content.toString('latin1'))
  const certPems: string[] = []
  const crlPems: string[] = []
  for (const block of blocks) {
    if (block.label === 'CERTIFICATE') {
      const parsed = parseCert(block.pem)
      if (!parsed.ok) return err(`certificate ${String(certPems.length + 1)} cannot be parsed: ${parsed.error}`)
      if (!parsed.value.ca) return err(`certificate "${parsed.value.subject.replaceAll('\n', ', ')}" is not a CA certificate`)
      certPems.push(block.pem)
    } else if (block.label === 'X509 CRL') {
      crlPems.push(block.pem)
    }
  }
  if (certPems.length === 0 && crlPems.length === 0) return err('no PEM certificate or CRL')
  return ok(Object.freeze({ name, certPems: Object.freeze(certPems), crlPems: Object.freeze(crlPems) }))
}
