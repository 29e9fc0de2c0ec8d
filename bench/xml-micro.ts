/**
 * Micro-benchmark of the XML rule functions (issue #18), one JSON line per case:
 * - `xml-micro xpath count, 5.8 KB SOAP`: xml.xpath.matchNodeCount's work alone (parse the body,
 *   evaluate, free), through the addon, on test/fixtures/xml/soap11-quotes.xml.
 * - `xml-micro xpath nodeset`, `xml-micro xslt transform`, `xml-micro xsd validate`: the same for
 *   the other functions (stylesheet and schema compiled once, as a snapshot does).
 * - `xml-micro routing rule, plain` and `xml-micro routing rule, xpath`: a request rule routing on
 *   a header, and the same routing on an XPath count of the SOAP body (bench/rules/xpath-route.zts),
 *   both run against the in-memory FakeTransaction: the cost the XPath adds to a request.
 * Run with `taskset -c 1 npx node bench/xml-micro.ts`.
 * @module
 */
import { readFileSync } from 'node:fs'
import { systemClock } from '../src/core/index.ts'
import { DEFAULT_XML_MAX_BYTES, Decision, XML_OP_LIMIT, XmlCatalog, runRule, xmlSupport } from '../src/rules/index.ts'
import { compileRule as compile } from './lib/compile-rule.ts'
import { FakeServices, FakeTransaction } from '../src/rules/testing/index.ts'

const SOAP = readFileSync(new URL('../test/fixtures/xml/soap11-quotes.xml', import.meta.url)).toString('latin1')
const NS = 'xmlns:soap=http://schemas.xmlsoap.org/soap/envelope/ xmlns:m=urn:example:quotes'
const support = xmlSupport()
if (!support.ok) throw new Error(support.reason)
const addon = support.addon

/** Runs `once` for about `ms` after a warm-up, several trials; prints the best and median rates. */
function measure(bench: string, once: () => void, ms = 1500): void {
  for (let i = 0; i < 2000; i++) once()
  const rates: number[] = []
  for (let trial = 0; trial < 5; trial++) {
    let n = 0
    const t0 = systemClock.monoMs()
    let elapsed = 0
    while (elapsed < ms / 5) {
      for (let i = 0; i < 200; i++) once()
      n += 200
      elapsed = systemClock.monoMs() - t0
    }
    rates.push((n * 1000) / elapsed)
  }
  rates.sort((a, b) => b - a)
  const best = rates[0] ?? 0
  console.log(JSON.stringify({ bench, bodyBytes: SOAP.length, opsPerSecond: Math.round(best), medianOpsPerSecond: Math.round(rates[2] ?? 0), usPerOp: Number((1e6 / best).toFixed(1)) }))
}

measure('xml-micro xpath count, 5.8 KB SOAP', () => {
  if (addon.xpathCount(SOAP, NS, '//m:Quote[m:Price > 100]', DEFAULT_XML_MAX_BYTES, XML_OP_LIMIT) !== 23) throw new Error('wrong count')
})
measure('xml-micro xpath nodeset', () => {
  if (addon.xpathNodeSet(SOAP, NS, '//m:Quote[@symbol="SYM5"]/m:Price', DEFAULT_XML_MAX_BYTES, XML_OP_LIMIT) === null) throw new Error('failed')
})
const catalog = new XmlCatalog(support, new Map(), { maxBytes: DEFAULT_XML_MAX_BYTES, opLimit: XML_OP_LIMIT })
const sheet = catalog.get('xslt', `<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:m="urn:example:quotes">
  <xsl:template match="@*|node()"><xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy></xsl:template>
  <xsl:template match="m:Volume"/></xsl:stylesheet>`)
if (!sheet.ok) throw new Error(sheet.reason)
measure('xml-micro xslt transform (identity less one element)', () => {
  if (addon.transform(sheet.handle, SOAP, DEFAULT_XML_MAX_BYTES, XML_OP_LIMIT) === null) throw new Error('failed')
})
const schema = catalog.get('xsd', `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://schemas.xmlsoap.org/soap/envelope/">
  <xs:element name="Envelope"><xs:complexType><xs:sequence><xs:any processContents="skip" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element></xs:schema>`)
if (!schema.ok) throw new Error(schema.reason)
measure('xml-micro xsd validate', () => {
  if (addon.validateXsd(schema.handle, SOAP, DEFAULT_XML_MAX_BYTES) !== 1) throw new Error('invalid')
})

const services = new FakeServices({ pools: { 'bench-pool': { active: ['127.0.0.1:8081'] } } })
const view = new FakeTransaction({ method: 'POST', url: '/quotes', headers: [['Host', 'www.example.com'], ['SOAPAction', 'GetQuotes']], body: SOAP })
const plain = compile('plain', 'if( http.getHeader( "SOAPAction" ) == "GetQuotes" ) pool.use( "bench-pool" );\npool.use( "bench-pool" );')
const xpath = compile('xpath', readFileSync(new URL('rules/xpath-route.zts', import.meta.url), 'utf8'))
for (const [name, rule] of [['plain', plain], ['xpath', xpath]] as const) {
  measure(`xml-micro routing rule, ${name}`, () => {
    const decision = new Decision()
    const o = runRule(rule, { view, services, decision, phase: 'REQUEST' })
    if (o instanceof Promise || decision.pool !== 'bench-pool') throw new Error('unexpected outcome')
  })
}
