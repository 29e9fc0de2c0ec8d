import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createHash, X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { certFacts } from './cert-facts.ts'

/** A certificate made by openssl with known fields, as PEM; undefined without openssl. */
function makeCert(keyArgs: readonly string[]): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cert-'))
  try {
    execFileSync('openssl', ['req', '-x509', ...keyArgs, '-nodes', '-days', '30', '-set_serial', '0x1F2E3D4C5B6A',
      '-subj', '/C=GB/O=Example Ltd/CN=alice', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'pipe', timeout: 20000 })
    return readFileSync(join(dir, 'c.pem'), 'latin1')
  } catch {
    return undefined
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

test('reads names, serial, dates, digests, algorithm and version of an ECDSA certificate', (t) => {
  const pem = makeCert(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-sha256'])
  if (pem === undefined) {
    t.skip('openssl is not available')
    return
  }
  const der = new X509Certificate(pem).raw
  const f = certFacts(der)
  assert.ok(f !== null)
  assert.equal(f.subject, '/C=GB/O=Example Ltd/CN=alice')
  assert.equal(f.issuer, '/C=GB/O=Example Ltd/CN=alice')
  assert.equal(f.commonName, 'alice')
  assert.equal(f.serialHex, '1F2E3D4C5B6A')
  assert.equal(f.serialDecimal, String(0x1f2e3d4c5b6a))
  assert.equal(f.notAfter - f.notBefore, 30 * 86400)
  assert.equal(f.md5, createHash('md5').update(der).digest('hex'))
  assert.equal(f.sha1, createHash('sha1').update(der).digest('hex'))
  assert.equal(f.signatureAlgorithm, 'ecdsa-with-SHA256')
  assert.equal(f.version, 3)
  assert.match(f.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/)
  assert.equal(f.pem.replace(/\s/g, ''), pem.replace(/\s/g, ''))
})

test('names the RSA signature algorithm', (t) => {
  const pem = makeCert(['-newkey', 'rsa:2048', '-sha384'])
  if (pem === undefined) {
    t.skip('openssl is not available')
    return
  }
  assert.equal(certFacts(new X509Certificate(pem).raw)?.signatureAlgorithm, 'sha384WithRSAEncryption')
})

test('bytes that are not a certificate give null', () => {
  assert.equal(certFacts(Buffer.from('not a certificate')), null)
  assert.equal(certFacts(Buffer.alloc(0)), null)
})
