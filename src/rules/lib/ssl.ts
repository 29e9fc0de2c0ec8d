/**
 * ssl.*: what is known about the client connection's TLS, when the virtual server decrypts it
 * (on TLS pass-through only the SNI name). Outside TLS every function returns "" (or 0 for the
 * numeric ones), as the original does. Functions that change the session (renegotiation, close
 * alerts, SNI towards nodes) are in later.ts.
 * @module
 */
import type { RunState } from '../run-state.ts'
import type { FunctionSpec, LibraryModule } from '../registry.ts'
import type { TlsCertFacts, TlsFacts } from '../host.ts'
import type { Value } from '../value.ts'
import { b } from './args.ts'

/** A no-argument function of the connection's TLS facts; `absent` without TLS. */
function fact(read: (t: TlsFacts) => Value, absent: Value = ''): FunctionSpec {
  return {
    min: 0,
    max: 0,
    fn: (s: RunState) => {
      const t = s.view.tls()
      return t === null ? absent : read(t)
    },
  }
}

/** A no-argument function of one of the connection's certificates; `absent` without one. */
function cert(which: (t: TlsFacts) => TlsCertFacts | null, read: (c: TlsCertFacts) => Value, absent: Value = ''): FunctionSpec {
  return fact((t) => {
    const c = which(t)
    return c === null ? absent : read(c)
  }, absent)
}

const client = (t: TlsFacts): TlsCertFacts | null => t.clientCert()
const server = (t: TlsFacts): TlsCertFacts | null => t.serverCert()

/** vTM's words for the client certificate check. */
function certStatus(t: TlsFacts): string {
  if (t.clientCertStatus === 'ok') return 'OK'
  if (t.clientCertStatus === 'none') return 'NoClientCert'
  return t.clientCertError
}

export const sslModule: LibraryModule = {
  functions: {
    'ssl.isSSL': { min: 0, max: 0, fn: (s) => b(s.view.isTls()) },
    'ssl.clientCipher': fact((t) => t.cipherDescription),
    'ssl.getTLSServerName': fact((t) => t.serverName),
    'ssl.sslSessionID': fact((t) => t.sessionIdHex),
    'ssl.clientCertStatus': fact(certStatus),
    'ssl.clientCert': cert(client, (c) => c.pem),
    'ssl.clientCertChain': fact((t) => t.clientCertChainPem()),
    'ssl.clientCertCommonName': cert(client, (c) => c.commonName),
    'ssl.clientCertSubject': cert(client, (c) => c.subject),
    'ssl.clientCertIssuer': cert(client, (c) => c.issuer),
    'ssl.clientCertSerial': cert(client, (c) => c.serialHex),
    'ssl.clientCertSerialDec': cert(client, (c) => c.serialDecimal),
    'ssl.clientCertStartDate': cert(client, (c) => c.notBefore, 0),
    'ssl.clientCertEndDate': cert(client, (c) => c.notAfter, 0),
    'ssl.clientCertHash': cert(client, (c) => c.md5),
    'ssl.clientCertSHA1': cert(client, (c) => c.sha1),
    'ssl.clientCertAlgorithm': cert(client, (c) => c.signatureAlgorithm),
    'ssl.clientCertPublicKey': cert(client, (c) => c.publicKeyPem),
    'ssl.clientCertVersion': cert(client, (c) => c.version, 0),
    'ssl.serverCert': cert(server, (c) => c.pem),
    'ssl.serverCertName': fact((t) => t.serverCertName),
    'ssl.serverCertCommonName': cert(server, (c) => c.commonName),
    'ssl.serverCertSubject': cert(server, (c) => c.subject),
    'ssl.serverCertIssuer': cert(server, (c) => c.issuer),
    'ssl.serverCertSerial': cert(server, (c) => c.serialHex),
    'ssl.serverCertSHA1': cert(server, (c) => c.sha1),
    'ssl.serverCertHash': cert(server, (c) => c.md5),
    'ssl.serverCertStartDate': cert(server, (c) => c.notBefore, 0),
    'ssl.serverCertEndDate': cert(server, (c) => c.notAfter, 0),
  },
}
