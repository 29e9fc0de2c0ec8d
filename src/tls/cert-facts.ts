/**
 * The facts TrafficScript's ssl.clientCert* functions report about a certificate, read from its
 * DER bytes: PEM, names in OpenSSL's one-line form, serial, validity, digests, algorithms and
 * version.
 * @module
 */
import { X509Certificate, createHash } from 'node:crypto'

/**
 * The same shape as the rules engine's TlsCertFacts (src/rules/host.ts), declared here so tls/
 * depends on core only; the compiler checks the two agree where rule-side.ts hands a
 * connection's facts to rules.
 */
export interface CertFacts {
  readonly pem: string
  /** Subject in OpenSSL's one-line form: `/C=GB/O=Example/CN=alice`. */
  readonly subject: string
  readonly issuer: string
  /** The subject's (last) common name; empty when it has none. */
  readonly commonName: string
  /** Upper-case hex, no separators. */
  readonly serialHex: string
  readonly serialDecimal: string
  /** Seconds since the epoch. */
  readonly notBefore: number
  readonly notAfter: number
  /** Lower-case hex digests of the DER bytes. */
  readonly md5: string
  readonly sha1: string
  /** Signature algorithm, OpenSSL's long name where known (`sha256WithRSAEncryption`), else the OID. */
  readonly signatureAlgorithm: string
  /** The subject public key as a PEM `PUBLIC KEY` block. */
  readonly publicKeyPem: string
  /** X.509 version: 1, 2 or 3. */
  readonly version: number
}

// Signature algorithm OIDs seen in practice, by their OpenSSL names.
const SIGNATURE_ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ['1.2.840.113549.1.1.5', 'sha1WithRSAEncryption'],
  ['1.2.840.113549.1.1.11', 'sha256WithRSAEncryption'],
  ['1.2.840.113549.1.1.12', 'sha384WithRSAEncryption'],
  ['1.2.840.113549.1.1.13', 'sha512WithRSAEncryption'],
  ['1.2.840.113549.1.1.10', 'rsassaPss'],
  ['1.2.840.10045.4.1', 'ecdsa-with-SHA1'],
  ['1.2.840.10045.4.3.2', 'ecdsa-with-SHA256'],
  ['1.2.840.10045.4.3.3', 'ecdsa-with-SHA384'],
  ['1.2.840.10045.4.3.4', 'ecdsa-with-SHA512'],
  ['1.3.101.112', 'ED25519'],
  ['1.3.101.113', 'ED448'],
])

/** One DER element: where its contents start and end, and its tag. */
interface Der {
  readonly tag: number
  readonly start: number
  readonly end: number
}

function derAt(buf: Buffer, at: number): Der | null {
  if (at + 2 > buf.length) return null
  const tag = buf[at] ?? 0
  let len = buf[at + 1] ?? 0
  let start = at + 2
  if (len >= 0x80) {
    const bytes = len & 0x7f
    if (bytes === 0 || bytes > 4 || start + bytes > buf.length) return null
    len = 0
    for (let i = 0; i < bytes; i++) len = len * 256 + (buf[start + i] ?? 0)
    start += bytes
  }
  return start + len > buf.length ? null : { tag, start, end: start + len }
}

function oid(buf: Buffer, el: Der): string {
  const parts: number[] = []
  let value = 0
  for (let i = el.start; i < el.end; i++) {
    const byte = buf[i] ?? 0
    value = value * 128 + (byte & 0x7f)
    if ((byte & 0x80) === 0) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80)
      else parts.push(value)
      value = 0
    }
  }
  return parts.join('.')
}

/** Version and signature algorithm OID from the DER (Node does not expose either). */
function versionAndSignature(der: Buffer): { version: number; signatureOid: string } {
  const cert = derAt(der, 0)
  const tbs = cert === null ? null : derAt(der, cert.start)
  if (cert === null || tbs === null) return { version: 1, signatureOid: '' }
  let version = 1
  const first = derAt(der, tbs.start)
  // [0] EXPLICIT Version DEFAULT v1 (0); v3 is 2.
  if (first !== null && first.tag === 0xa0) {
    const int = derAt(der, first.start)
    if (int !== null && int.end - int.start === 1) version = (der[int.start] ?? 0) + 1
  }
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
  const algSeq = derAt(der, tbs.end)
  const algOid = algSeq === null ? null : derAt(der, algSeq.start)
  return { version, signatureOid: algOid !== null && algOid.tag === 0x06 ? oid(der, algOid) : '' }
}

/** `C=GB\nO=Example\nCN=alice` (Node's form) as `/C=GB/O=Example/CN=alice`. */
function oneLine(name: string): string {
  return name === '' ? '' : '/' + name.split('\n').join('/')
}

function commonNameOf(name: string): string {
  let cn = ''
  for (const line of name.split('\n')) if (line.startsWith('CN=')) cn = line.slice(3)
  return cn
}

/** Reads the facts of the DER certificate `der`; null when it does not parse. */
export function certFacts(der: Buffer): CertFacts | null {
  let x: X509Certificate
  try {
    x = new X509Certificate(der)
  } catch {
    return null
  }
  const { version, signatureOid } = versionAndSignature(der)
  const serialHex = x.serialNumber.toUpperCase()
  return {
    pem: x.toString(),
    subject: oneLine(x.subject),
    issuer: oneLine(x.issuer),
    commonName: commonNameOf(x.subject),
    serialHex,
    serialDecimal: /^[0-9A-F]+$/.test(serialHex) ? BigInt('0x' + serialHex).toString(10) : '',
    notBefore: Math.floor(x.validFromDate.getTime() / 1000),
    notAfter: Math.floor(x.validToDate.getTime() / 1000),
    md5: createHash('md5').update(der).digest('hex'),
    sha1: createHash('sha1').update(der).digest('hex'),
    signatureAlgorithm: SIGNATURE_ALGORITHMS.get(signatureOid) ?? signatureOid,
    publicKeyPem: x.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    version,
  }
}
