/**
 * Descriptions of the keys of `monitors` (health checks of nodes) and `persistence` (session
 * persistence classes). Part of the table in ../key-descriptions.ts.
 * @module
 */

const MONITOR_METADATA = 'Describes the monitor for vTM\u2019s admin pages.'

export const MONITOR_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'monitors/basic.type': 'How a node is checked: ping, a TCP connect, an HTTP request, a scripted TCP exchange (tcp_transaction), a program, or an RTSP or SIP request.',
  'monitors/basic.note': 'Free text about the monitor, for people.',
  'monitors/basic.delay': 'Seconds from the end of one check of a node to the start of the next.',
  'monitors/basic.timeout': 'Seconds a single check may take; running over counts as a failure.',
  'monitors/basic.failures': 'Failed checks in a row before the node counts as dead.',
  'monitors/basic.back_off': 'While a node stays dead, double the wait after each further failure, up to eight times delay; the first success restores delay.',
  'monitors/basic.scope': 'pernode checks each node of the pool and fails just that node; poolwide checks one machine and fails the whole pool with it.',
  'monitors/basic.machine': 'host:port checked when scope is poolwide (a bare host for ping).',
  'monitors/basic.use_ssl': 'Speak TLS to the node for the check (for programs: pass --ssl). The node\u2019s certificate is not verified.',
  'monitors/basic.health_only': 'Report only pass or fail, no load figures for the balancer; Sluice\u2019s monitors report nothing else anyway.',
  'monitors/basic.verbose': 'Log the result of every check, not only changes.',
  'monitors/basic.can_edit_ssl': MONITOR_METADATA,
  'monitors/basic.can_use_ssl': MONITOR_METADATA,
  'monitors/basic.editable_keys': MONITOR_METADATA,
  'monitors/basic.factory': 'Marks a monitor that came with vTM rather than from its users.',
  'monitors/http.path': 'Path of the GET request sent to the node; starts with /.',
  'monitors/http.host_header': 'Host header sent with the request; empty: the node\u2019s host:port.',
  'monitors/http.authentication': 'user:password sent as Basic authentication; empty: none.',
  'monitors/http.status_regex': 'Regular expression the response status code must match.',
  'monitors/http.body_regex': 'Regular expression the start of the response body (up to tcp.max_response_len bytes) must match; empty: any body.',
  'monitors/rtsp.path': 'Path the RTSP check asks for; some servers want it to name a real media file.',
  'monitors/rtsp.status_regex': 'Regular expression the RTSP status code must match.',
  'monitors/rtsp.body_regex': 'Regular expression the RTSP response body must match; empty: any body.',
  'monitors/sip.transport': 'Whether the SIP check is sent over UDP or TCP.',
  'monitors/sip.status_regex': 'Regular expression the SIP status code must match.',
  'monitors/sip.body_regex': 'Regular expression the SIP response body must match; empty: any body.',
  'monitors/script.program': 'Program that checks the node: a name in monitor_scripts/ or an absolute path. Exit status 0 means healthy.',
  'monitors/script.arguments': 'Extra arguments for the program, one --name=value per row after the node\u2019s own; description is for people.',
  'monitors/tcp.write_string': 'Text sent to the node once connected; empty: send nothing.',
  'monitors/tcp.response_regex': 'Regular expression the node\u2019s answer must match.',
  'monitors/tcp.close_string': 'Text sent to the node before the connection is closed after a pass; empty: nothing.',
  'monitors/tcp.max_response_len': 'Most bytes of the answer (or of an HTTP body) read and matched; 0: no limit.',
  'monitors/udp.accept_all': 'For UDP checks, accept an answer from any address and port, not only the one asked.',
}

export const PERSISTENCE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'persistence/basic.type': 'How a session is recognised: ip by the client\u2019s address, universal by a key a rule gives, named by the node a rule names; cookie, j2ee, asp, x_zeus, transparent and ssl by cookies or TLS session IDs.',
  'persistence/basic.note': 'Free text about the class, for people.',
  'persistence/basic.cookie': 'Name of the application\u2019s own session cookie, for the cookie type.',
  'persistence/basic.delete': 'When a session\u2019s node fails and failure_mode is close or url, forget the session so the next visit starts afresh; off: it returns to its node once that works again.',
  'persistence/basic.failure_mode': 'What happens when the session\u2019s node cannot take it: new_node lets the balancer pick (and remembers that node), close sends the error response or closes the connection, url redirects HTTP clients to url.',
  'persistence/basic.url': 'Where HTTP clients are redirected when failure_mode is url.',
  'persistence/basic.subnet_prefix_length_v4': 'For ip persistence, IPv4 clients sharing this many leading address bits share a node; 0: each address on its own.',
  'persistence/basic.subnet_prefix_length_v6': 'For ip persistence, IPv6 clients sharing this many leading address bits share a node; 0: each address on its own.',
  'persistence/basic.transparent_always_set_cookie': 'For the transparent type, set the cookie on every response; off: only when the request did not carry it already.',
  'persistence/basic.transparent_directives': 'Attributes added to the transparent type\u2019s cookie, such as Secure; HttpOnly (separate several with ;).',
}
