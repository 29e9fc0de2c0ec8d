/**
 * A throwaway PKI made with the openssl command at test time: a CA, server certificates for
 * chosen names, and client certificates signed by the CA (or by a second, untrusted CA).
 * @module
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface KeyPair {
  readonly cert: string
  readonly key: string
}

export interface Pki {
  readonly dir: string
  readonly ca: KeyPair
  /** A second CA nobody trusts. */
  readonly rogueCa: KeyPair
  /** A certificate for `names` (the first is the CN), signed by the CA. */
  server(names: readonly string[]): KeyPair
  /** A client certificate with CN `cn`, signed by the CA (or the rogue CA). */
  client(cn: string, rogue?: boolean): KeyPair
  cleanup(): void
}

function openssl(args: readonly string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe', timeout: 20000 })
}

let serial = 0

/** Makes a CA and returns a factory for leaf certificates; undefined when openssl is missing. */
export function makePki(): Pki | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pki-'))
  const read = (name: string) => readFileSync(join(dir, name), 'latin1')
  const makeCa = (name: string): KeyPair => {
    openssl([
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', `/CN=${name}`, '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.crt`),
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ])
    return { cert: read(`${name}.crt`), key: read(`${name}.key`) }
  }
  const leaf = (cn: string, ext: string, caName: string): KeyPair => {
    const id = `leaf${String(++serial)}`
    writeFileSync(join(dir, `${id}.ext`), ext)
    openssl([
      'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${cn}`,
      '-keyout', join(dir, `${id}.key`), '-out', join(dir, `${id}.csr`),
    ])
    openssl([
      'x509', '-req', '-in', join(dir, `${id}.csr`), '-CA', join(dir, `${caName}.crt`), '-CAkey', join(dir, `${caName}.key`),
      '-CAcreateserial', '-days', '2', '-out', join(dir, `${id}.crt`), '-extfile', join(dir, `${id}.ext`),
    ])
    return { cert: read(`${id}.crt`), key: read(`${id}.key`) }
  }
  try {
    const ca = makeCa('testca')
    const rogueCa = makeCa('rogueca')
    return {
      dir,
      ca,
      rogueCa,
      server: (names) =>
        leaf(names[0] ?? 'localhost', `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\nextendedKeyUsage=serverAuth\n`, 'testca'),
      client: (cn, rogue = false) => leaf(cn, 'extendedKeyUsage=clientAuth\n', rogue ? 'rogueca' : 'testca'),
      cleanup: () => {
        rmSync(dir, { recursive: true, force: true })
      },
    }
  } catch {
    // No usable openssl: callers skip their tests.
    rmSync(dir, { recursive: true, force: true })
    return undefined
  }
}
