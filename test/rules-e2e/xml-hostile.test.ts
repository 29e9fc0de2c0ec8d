// Issue #18: hostile XML through real sockets. Every attack is refused quickly with the error
// value and an event that says why, the request is answered, nothing leaks, memory stays flat,
// and other clients are served meanwhile. Stylesheets that reach for files are refused too.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatDiagnostic } from '../../src/config/index.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { ask } from '../persist/tcp-harness.ts'
import { startRawNode } from '../helpers/nodes.ts'
import { poolObj, startApp, tryStartApp, vsObj } from '../tls/start-app.ts'
import { boundPort } from '../helpers/bound-port.ts'

const SECRET = 'TOPSECRET-4f1c'

function secretFiles(): { dir: string; text: string; xml: string; xsl: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-xml-'))
  const text = join(dir, 'secret.txt')
  const xml = join(dir, 'secret.xml')
  const xsl = join(dir, 'secret.xsl')
  writeFileSync(text, SECRET)
  writeFileSync(xml, `<s>${SECRET}</s>`)
  writeFileSync(xsl, `<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:template match="/">${SECRET}</xsl:template></xsl:stylesheet>`)
  return { dir, text, xml, xsl }
}

function billionLaughs(): string {
  let dtd = '<!ENTITY lol0 "lol">'
  for (let i = 1; i < 10; i++) dtd += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`
  return `<?xml version="1.0"?><!DOCTYPE lolz [${dtd}]><lolz>&lol9;</lolz>`
}

const RULE = `
  if( http.getPath() == "/ping" ) http.sendResponse( "200 OK", "text/plain", "pong", "" );
  $b = http.getBody();
  if( http.getPath() == "/doc" ) $r = xml.xslt.transform( $b, "reads-a-file.xsl" );
  else $r = xml.xpath.matchNodeCount( $b, "", "//*[contains(., 'zzz')]" );
  if( $r == -1 ) http.sendResponse( "400 Bad Request", "text/plain", "refused", "" );
  http.sendResponse( "200 OK", "text/plain", "result:" . $r, "" );
`

test('hostile documents are refused at once with an event; other clients are served; nothing leaks', async (t) => {
  const secret = secretFiles()
  t.after(() => { rmSync(secret.dir, { recursive: true, force: true }) })
  const node = await startHttpNode(t, 'web')
  const app = await startApp(t, {
    'pools/web': poolObj([node.address]),
    'rules/r': RULE,
    'extra_files/reads-a-file.xsl': `<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
      <xsl:template match="/"><o><xsl:copy-of select="document('file://${secret.xml}')"/></o></xsl:template></xsl:stylesheet>`,
    // Room for the largest attack (the 700 KB deep document) in the client buffer rules read.
    'virtual_servers/vs': vsObj(0, 'http', 'web', { basic: { request_rules: ['r'] }, connection: { max_client_buffer: 2_097_152 } }),
  })
  const port = boundPort(app, 'vs')
  const url = `http://127.0.0.1:${String(port)}`
  const hostile: [string, string, string, RegExp][] = [
    ['XXE to a local file', '/', `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://${secret.text}">]><r>&x;</r>`, /DOCTYPE is not allowed/],
    ['XXE through a parameter entity', '/', `<!DOCTYPE r [<!ENTITY % p SYSTEM "file://${secret.text}"> %p;]><r/>`, /DOCTYPE is not allowed/],
    ['an external DTD', '/', `<?xml version="1.0"?><!DOCTYPE r SYSTEM "file://${secret.text}"><r/>`, /DOCTYPE is not allowed/],
    ['billion laughs', '/', billionLaughs(), /DOCTYPE is not allowed/],
    ['quadratic blowup', '/', `<!DOCTYPE q [<!ENTITY e "${'x'.repeat(50_000)}">]><q>${'&e;'.repeat(50_000)}</q>`, /DOCTYPE is not allowed/],
    ['100,000-deep nesting', '/', '<a>'.repeat(100_000) + '</a>'.repeat(100_000), /Excessive depth in document: 256/],
    ['XSLT document() of a local file', '/doc', '<a/>', /document\(".*secret\.xml"\) is refused/],
  ]
  const rssBefore = process.memoryUsage().rss
  let pings = 0
  let pingFailures = 0
  const attacks = { done: false }
  // Another client, served while the attacks run; bounded in count and time.
  const pinger = (async () => {
    const until = Date.now() + 20_000
    while (!attacks.done && pings < 2000 && Date.now() < until) {
      try {
        const res = await fetch(`${url}/ping`)
        if ((await res.text()) === 'pong') pings++
        else pingFailures++
      } catch {
        pingFailures++
      }
    }
  })()
  t.after(async () => {
    attacks.done = true
    await pinger
  })
  for (const [name, path, body, why] of hostile) {
    const started = Date.now()
    const res = await fetch(url + path, { method: 'POST', body, headers: { 'content-type': 'application/xml' } })
    const text = await res.text()
    const tookMs = Date.now() - started
    assert.equal(res.status, 400, name)
    assert.equal(text, 'refused', name)
    assert.ok(tookMs < 5000, `${name}: answered in ${String(tookMs)} ms`)
    const event = app.events.list().at(-1)
    assert.equal(event?.name, 'rulexmlerr', name)
    assert.match(event.message, why, name)
  }
  attacks.done = true
  await pinger
  assert.ok(pings > 0, 'the other client was served during the attacks')
  assert.equal(pingFailures, 0)
  assert.equal(node.requests, 0, 'no attack reached the node')
  const rssGrowth = process.memoryUsage().rss - rssBefore
  assert.ok(rssGrowth < 256 * 1024 * 1024, `RSS grew by ${String(rssGrowth)} bytes`)
  for (const e of app.events.list()) assert.ok(!e.message.includes(SECRET), e.message)
  // A good document still works afterwards.
  const ok = await fetch(url, { method: 'POST', body: '<a><b>zzz</b></a>' })
  assert.equal(await ok.text(), 'result:2')
})

test('a stylesheet or schema that includes a local file is refused when the configuration loads', async (t) => {
  const secret = secretFiles()
  t.after(() => { rmSync(secret.dir, { recursive: true, force: true }) })
  const { applied } = await tryStartApp(t, {
    'pools/web': poolObj(['127.0.0.1:9']),
    'extra_files/inc.xsl': `<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">\n<xsl:include href="${secret.xsl}"/>\n</xsl:stylesheet>`,
    'extra_files/imp.xsd': `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">\n<xs:include schemaLocation="file://${secret.dir}/other.xsd"/>\n</xs:schema>`,
    'virtual_servers/vs': vsObj(0, 'http', 'web'),
  })
  assert.ok(!applied.ok)
  const lines = applied.error.map(formatDiagnostic)
  assert.equal(lines.length, 2, lines.join('\n'))
  assert.match(lines[0] ?? '', /^extra_files\/imp\.xsd: not a valid XML Schema: .*other\.xsd" is not a file of the configuration/)
  assert.match(lines[1] ?? '', /^extra_files\/inc\.xsl: not a valid XSLT stylesheet: line 2: the stylesheet may not include or import ".*secret\.xsl"/)
})

test('generic TCP: rules read XML with request.get() and route on an XPath', async (t) => {
  const a = await startRawNode(t, (s, got) => { if (got.endsWith('>')) s.end(`a:${got.length}`) })
  const b = await startRawNode(t, (s, got) => { if (got.endsWith('>')) s.end(`b:${got.length}`) })
  const proxy = await startApp(t, {
    'pools/a': poolObj([a.address]),
    'pools/b': poolObj([b.address]),
    'rules/r': `
      $n = xml.xpath.matchNodeCount( request.get(), "xmlns:o=urn:orders", "/o:order[@priority = 'high']" );
      if( $n == 1 ) pool.use( "b" );
      if( $n == -1 ) connection.close( "bad xml\\n" );
    `,
    'virtual_servers/tcp': vsObj(0, 'client_first', 'a', { basic: { request_rules: ['r'] } }),
  })
  const port = boundPort(proxy, 'tcp')
  const high = '<o:order xmlns:o="urn:orders" priority="high"/>'
  const low = '<o:order xmlns:o="urn:orders" priority="low"/>'
  assert.equal((await ask(port, high)).text, `b:${String(high.length)}`)
  assert.equal((await ask(port, low)).text, `a:${String(low.length)}`)
  assert.deepEqual(await ask(port, '<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>'), { text: 'bad xml\n', closed: true })
})

test('trafficscript.xml_max_size caps the bodies xml.* parses; the event names the key\'s limit', async (t) => {
  const node = await startHttpNode(t, 'web')
  const app = await startApp(t, {
    'global_settings': JSON.stringify({ properties: { trafficscript: { xml_max_size: 2048 } } }),
    'pools/web': poolObj([node.address]),
    'rules/r': 'http.sendResponse( "200 OK", "text/plain", "n=" . xml.xpath.matchNodeCount( http.getBody(), "", "//b" ), "" );',
    'virtual_servers/vs': vsObj(0, 'http', 'web', { basic: { request_rules: ['r'] } }),
  })
  const url = `http://127.0.0.1:${String(boundPort(app, 'vs'))}/`
  const fits = `<a>${'<b/>'.repeat(400)}</a>`
  const over = `<a>${'<b/>'.repeat(600)}</a>`
  assert.equal(await (await fetch(url, { method: 'POST', body: fits })).text(), 'n=400')
  assert.equal(await (await fetch(url, { method: 'POST', body: over })).text(), 'n=-1')
  assert.match(app.events.list().at(-1)?.message ?? '', /the document is 2407 bytes, over the limit of 2048 bytes \(trafficscript\.xml_max_size\)/)
})
