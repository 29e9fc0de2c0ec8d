/**
 * Functions of capabilities Sluice does not have yet (persistence-, cache-,
 * TLS-, GLB-, geo-related and more). They exist under their final names, so rules that use
 * them pass the check (each call with a "not supported yet" warning), and return a "not configured" result: `""`, 0, -1 or an empty collection,
 * matching what the original returns when the feature is absent.
 * @module
 */
import type { FunctionSpec, LibraryModule } from '../registry.ts'
import type { Value } from '../value.ts'

/** What the check's warning says a call does. */
const NOT_CONFIGURED = 'it does nothing and answers as the original does when the feature is not configured'

function returns(min: number, max: number, v: () => Value): FunctionSpec {
  return { min, max, unsupported: NOT_CONFIGURED, fn: () => v() }
}

const EMPTY = (): Value => ''
const ZERO = (): Value => 0
const MINUS = (): Value => -1
const HASH = (): Value => new Map()

export const laterModule: LibraryModule = {
  functions: {
    // Streaming responses.
    'http.stream.startResponse': returns(2, 4, ZERO),
    'http.stream.writeResponse': returns(1, 1, ZERO),
    'http.stream.readResponse': returns(1, 2, EMPTY),
    'http.stream.readBulkResponse': returns(1, 2, EMPTY),
    'http.stream.finishResponse': returns(0, 1, EMPTY),
    'http.stream.continueFromBackend': returns(0, 1, EMPTY),
    'http.request.ssl.get': returns(2, 4, EMPTY),
    // TLS actions Sluice does not take: renegotiation (TLS 1.3 has none), SNI towards nodes.
    'ssl.requestCert': returns(0, 0, ZERO),
    'ssl.requireCert': returns(0, 0, ZERO),
    'ssl.setTLSServerName': returns(1, 1, EMPTY),
    // Geolocation, authentication, recent connections, TCP/UDP, Java.
    'geo.getCountryCode': returns(1, 1, EMPTY),
    'geo.getCountry': returns(1, 1, EMPTY),
    'geo.getRegion': returns(1, 1, EMPTY),
    'geo.getCity': returns(1, 1, EMPTY),
    'geo.getLatitude': returns(1, 1, ZERO),
    'geo.getLongitude': returns(1, 1, ZERO),
    'geo.getLocation': returns(0, 0, EMPTY),
    'auth.query': returns(2, 3, HASH),
    'recentconns.include': returns(0, 0, EMPTY),
    'recentconns.exclude': returns(0, 0, EMPTY),
    'recentconns.markedForInclusion': returns(0, 0, ZERO),
    'tcp.connect': returns(2, 3, ZERO),
    'tcp.write': returns(2, 3, MINUS),
    'tcp.read': returns(2, 3, EMPTY),
    'tcp.close': returns(1, 1, EMPTY),
    'udp.sendTo': returns(3, 3, MINUS),
    'java.run': { min: 1, max: Infinity, unsupported: NOT_CONFIGURED, fn: () => '' },
    'geo.getRegionCode': returns(1, 1, EMPTY),
    'geo.getLocationLonLat': returns(0, 0, HASH),
    'geo.getDistanceKM': returns(4, 4, MINUS),
    'geo.getDistanceMiles': returns(4, 4, MINUS),
    'geo.getIPDistanceKM': returns(2, 2, MINUS),
    'geo.getIPDistanceMiles': returns(2, 2, MINUS),
    'ssl.clientSupportsSecureRenegotiation': returns(0, 0, ZERO),
    'ssl.serverSiteName': returns(0, 0, EMPTY),
    'ssl.getClientCloseAlert': returns(0, 0, ZERO),
    'ssl.setClientCloseAlert': returns(1, 1, EMPTY),
    'ssl.getServerCloseAlert': returns(0, 0, ZERO),
    'ssl.setServerCloseAlert': returns(1, 1, EMPTY),
    'http.aptimizer.use': returns(2, 2, EMPTY),
    'http.aptimizer.bypass': returns(0, 0, EMPTY),
    'http.kerberos.setEnabled': returns(1, 1, EMPTY),
    'http.kerberos.isEnabled': returns(0, 0, ZERO),
    'http.kerberos.setPrincipal': returns(1, 1, EMPTY),
    'http.kerberos.getPrincipal': returns(0, 0, EMPTY),
    'http.kerberos.setClientPrincipalName': returns(1, 1, EMPTY),
    'http.kerberos.getClientPrincipalName': returns(0, 0, EMPTY),
    'http.kerberos.setTargetPrincipalName': returns(1, 1, EMPTY),
    'http.kerberos.getTargetPrincipalName': returns(0, 0, EMPTY),
    'http.kerberos.getDelegatedTicket': returns(0, 0, EMPTY),
    'sys.getRestApiPort': returns(0, 0, ZERO),
    'sys.getnetworkinterfaces': returns(0, 1, HASH),
  },
}
