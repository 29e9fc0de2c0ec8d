/**
 * Descriptions of the keys of the classes virtual servers and pools refer to (`bandwidth`,
 * `protection`, `rate`, `service_level_monitors`), and of the certificate catalogs
 * (`ssl/server_keys`, `ssl/client_keys`). Part of the table in ../key-descriptions.ts.
 * @module
 */

const FILE_KEY_NOTE = 'Read again on every reload; a path relative to the configuration directory, or absolute; at most 1 MiB.'
const CERT_NOTE = 'Free text about the certificate, for people.'
const CSR = 'A certificate signing request for this key, PEM, kept for reference.'

export const CLASS_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'bandwidth/basic.maximum': 'Throughput cap in kbit/s for the connections that use this class.',
  'bandwidth/basic.sharing': 'Who shares the cap: each connection has its own, the connections on one machine share it, or the whole cluster does.',
  'bandwidth/basic.note': 'Free text about the class, for people.',
  'rate/basic.max_rate_per_minute': 'Requests per minute let through; more wait their turn. 0: no per-minute cap.',
  'rate/basic.max_rate_per_second': 'Requests per second let through, which spreads a minute\u2019s allowance over the minute; 0: no per-second cap.',
  'rate/basic.note': 'Free text about the class, for people.',
  'service_level_monitors/basic.response_time': 'Milliseconds within which a response must start for it to count as conforming.',
  'service_level_monitors/basic.warning_threshold': 'Percentage of conforming responses below which a warning event is raised.',
  'service_level_monitors/basic.serious_threshold': 'Percentage of conforming responses below which a serious event is raised.',
  'service_level_monitors/basic.note': 'Free text about the class, for people.',
  'protection/basic.enabled': 'Apply this class; off: it lets everything through.',
  'protection/basic.testing': 'Only log what the class would have refused, and let it all through.',
  'protection/basic.debug': 'Log in detail what the class checks and decides.',
  'protection/basic.log_time': 'Seconds between log messages about refused connections; 0: no messages and no events.',
  'protection/basic.linger_time': 'Seconds to wait, after sending an error to a refused HTTP client, before the connection is closed.',
  'protection/basic.rule': 'Rule run on each connection once the checks are done, before the virtual server\u2019s own rules.',
  'protection/basic.note': 'Free text about the class, for people.',
  'protection/access_restriction.allowed': 'Client addresses or networks always let in, whatever the connection limits (the HTTP checks still apply).',
  'protection/access_restriction.banned': 'Client addresses or networks always refused.',
  'protection/concurrent_connections.max_1_connections': 'Connections one client address may hold at once; 0: no limit.',
  'protection/concurrent_connections.max_10_connections': 'Connections the ten busiest client addresses may hold at once between them (between 1 and 10 times max_1_connections).',
  'protection/concurrent_connections.min_connections': 'Addresses holding no more than this many connections are left out of max_10_connections; 0 turns off both connection limits.',
  'protection/concurrent_connections.per_process_connection_count': 'Count each process\u2019s connections on its own, so the limits apply per process; off: counts are shared across processes.',
  'protection/connection_rate.max_connection_rate': 'New connections (for HTTP: requests) one client address may open per rate_timer seconds; 0: no limit.',
  'protection/connection_rate.rate_timer': 'Length in seconds of the window max_connection_rate counts over.',
  'protection/http.check_rfc2396': 'Refuse requests whose URL breaks RFC 2396 (which may shut out some old browsers).',
  'protection/http.reject_binary': 'Refuse requests whose URL or headers hold binary data once decoded.',
  'protection/http.max_url_length': 'Longest URL allowed, in bytes; 0: no limit.',
  'protection/http.max_header_length': 'Longest single request header (name and value) allowed, in bytes; 0: no limit.',
  'protection/http.max_request_length': 'Largest request head (all headers together) allowed, in bytes; 0: no limit.',
  'protection/http.max_body_length': 'Largest request body allowed, in bytes; 0: no limit.',
  'protection/http.send_error_page': 'Answer a refused HTTP request with an error response; off: just drop the connection.',
  'ssl/server_keys/basic.public': 'The certificate, PEM, followed by its intermediate certificates (leaf first).',
  'ssl/server_keys/basic.private': 'The private key, PEM, unencrypted.',
  'ssl/server_keys/basic.request': CSR,
  'ssl/server_keys/basic.note': CERT_NOTE,
  'ssl/server_keys/basic.public_file': `A PEM file holding the certificate (and its chain), instead of public. ${FILE_KEY_NOTE}`,
  'ssl/server_keys/basic.private_file': `A PEM file holding the private key, instead of private. ${FILE_KEY_NOTE}`,
  'ssl/client_keys/basic.public': 'The client certificate, PEM.',
  'ssl/client_keys/basic.private': 'The client certificate\u2019s private key, PEM, unencrypted.',
  'ssl/client_keys/basic.request': CSR,
  'ssl/client_keys/basic.note': CERT_NOTE,
  'ssl/client_keys/basic.public_file': `A PEM file holding the client certificate, instead of public. ${FILE_KEY_NOTE}`,
  'ssl/client_keys/basic.private_file': `A PEM file holding the client certificate\u2019s private key, instead of private. ${FILE_KEY_NOTE}`,
}
