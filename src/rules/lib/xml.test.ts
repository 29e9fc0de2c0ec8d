import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { checkRules } from '../check.ts'
import { formatRuleDiagnostic } from '../diagnostic.ts'
import { Decision } from '../host.ts'
import { FunctionRegistry } from '../registry.ts'
import { runRule } from '../run.ts'
import { FakeServices, FakeTransaction } from '../testing/fake-host.ts'
import { LIBRARY_MODULES } from './index.ts'
import { DEFAULT_XML_MAX_BYTES, XML_OP_LIMIT, XmlCatalog } from './xml-catalog.ts'
import { xmlSupport } from './xml-native.ts'
import { createXmlModule } from './xml.ts'

const fixture = (name: string): string => readFileSync(new URL(`../../../test/fixtures/xml/${name}`, import.meta.url)).toString('latin1')
const SOAP11 = fixture('soap11-quotes.xml')
const SOAP12 = fixture('soap12-order.xml')
const ATOM = fixture('atom.xml')
const SOAP_NS = 'xmlns:soap=http://schemas.xmlsoap.org/soap/envelope/ xmlns:m=urn:example:quotes xmlns:wsse=http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd'

interface Outcome {
  readonly logs: readonly string[]
  readonly events: readonly string[]
}

/** Runs `src` as a request rule on `body`; the rule's log lines and events come back. */
function run(src: string, body: string, files: Record<string, string> = {}, maxBytes = DEFAULT_XML_MAX_BYTES): Outcome {
  const r = start(src, body, files, maxBytes)
  assert.ok(!(r.outcome instanceof Promise), 'xml.* on a small body answers at once')
  assert.equal(r.outcome.kind, 'completed')
  return r.result()
}

/** The same for a rule that may wait (large bodies go to the XML worker). */
async function runAsync(src: string, body: string, files: Record<string, string> = {}, maxBytes = DEFAULT_XML_MAX_BYTES): Promise<Outcome & { readonly waited: boolean }> {
  const r = start(src, body, files, maxBytes)
  const outcome = await r.outcome
  assert.equal(outcome.kind, 'completed')
  return { ...r.result(), waited: r.outcome instanceof Promise }
}

function start(src: string, body: string, files: Record<string, string>, maxBytes: number) {
  const checked = checkRules(new Map([['r', src]]))
  if (!checked.ok) assert.fail(checked.error.map((d) => formatRuleDiagnostic(d, src)).join('\n'))
  const xml = new XmlCatalog(xmlSupport(), new Map(Object.entries(files)), { maxBytes, opLimit: XML_OP_LIMIT })
  const services = Object.assign(new FakeServices(), { xml })
  const rule = checked.value.rules.get('r')
  assert.ok(rule !== undefined)
  const outcome = runRule(rule, { view: new FakeTransaction({ method: 'POST', body }), services, decision: new Decision(), phase: 'REQUEST' })
  return { outcome, result: (): Outcome => ({ logs: services.logs.map((l) => l.replace(/^info: /, '')), events: services.events }) }
}

/** The diagnostics of checking `src` (with the extra files named), as text. */
function check(src: string, extraFiles: readonly string[] = [], registry?: FunctionRegistry): string[] {
  const r = checkRules(new Map([['r', src]]), { knownObjects: new Map([['extra_files', new Set(extraFiles)]]), ...(registry === undefined ? {} : { registry }) })
  return r.ok ? r.value.warnings.map((d) => `warning: ${d.message}`) : r.error.map((d) => `${d.severity}: line ${d.line}: ${d.message}`)
}

test('the addon is built and loaded (npm ci builds native/xml)', () => {
  const s = xmlSupport()
  assert.ok(s.ok, s.ok ? '' : s.reason)
  assert.match(s.versions, /^libxml2 2\.\d+\.\d+, libxslt 1\.\d+\.\d+$/)
})

test('matchNodeCount on a SOAP 1.1 envelope with namespaces', () => {
  const { logs, events } = run(`
    $ns = "${SOAP_NS}";
    $b = http.getBody();
    log.info(xml.xpath.matchNodeCount($b, $ns, "/soap:Envelope/soap:Body/m:GetQuotesResponse/m:Quote"));
    log.info(xml.xpath.matchNodeCount($b, $ns, "//m:Quote[m:Price > 100]"));
    log.info(xml.xpath.matchNodeCount($b, "xmlns:S=http://schemas.xmlsoap.org/soap/envelope/ xmlns:q=urn:example:quotes", "//S:Body//q:Quote"));
    log.info(xml.xpath.matchNodeCount($b, $ns, "//Quote"));
  `, SOAP11)
  assert.deepEqual(logs, ['36', '23', '36', '0'])
  assert.deepEqual(events, [])
})

test('matchNodeSet serialises elements and attributes, and gives a scalar its string value', () => {
  const { logs } = run(`
    $ns = "${SOAP_NS}";
    $b = http.getBody();
    log.info(xml.xpath.matchNodeSet($b, $ns, "//wsse:UsernameToken/wsse:Username"));
    log.info(xml.xpath.matchNodeSet($b, $ns, "//m:Quote[@exchange='NYSE'][3]/@symbol"));
    log.info(xml.xpath.matchNodeSet($b, $ns, "//m:Quote[1]/m:Price/text()"));
    log.info(xml.xpath.matchNodeSet($b, $ns, "count(//m:Quote)"));
    log.info("[" . xml.xpath.matchNodeSet($b, $ns, "//m:Nothing") . "]");
  `, SOAP11)
  assert.deepEqual(logs, ['<wsse:Username>alice</wsse:Username>', ' symbol="SYM6"', '40.00', '36', '[]'])
})

test('a SOAP 1.2 envelope: bytes in, the same bytes out (UTF-8 stays UTF-8)', () => {
  const { logs } = run(`
    $ns = "xmlns:env=http://www.w3.org/2003/05/soap-envelope xmlns:o=urn:example:orders";
    $b = http.getBody();
    log.info(xml.xpath.matchNodeCount($b, $ns, "/env:Envelope/env:Body/o:PlaceOrder/o:Item[@qty > 1]"));
    log.info(xml.xpath.matchNodeSet($b, $ns, "//o:Customer"));
    log.info(xml.xpath.matchNodeSet($b, $ns, "local-name(/env:Envelope/env:Body/*[1])"));
  `, SOAP12)
  const customer = Buffer.from('<o:Customer id="c-17">Zoë Müller</o:Customer>', 'utf8').toString('latin1')
  assert.deepEqual(logs, ['2', customer, 'PlaceOrder'])
})

test('an Atom feed: the default namespace needs a prefix in the map', () => {
  const { logs } = run(`
    $ns = "xmlns:a=http://www.w3.org/2005/Atom";
    $b = http.getBody();
    log.info(xml.xpath.matchNodeCount($b, $ns, "/a:feed/a:entry[a:category/@term = 'rules']"));
    log.info(xml.xpath.matchNodeCount($b, $ns, "//entry"));
    log.info(xml.xpath.matchNodeSet($b, $ns, "string(/a:feed/a:entry[1]/a:title)"));
  `, ATOM)
  assert.deepEqual(logs, ['2', '0', '0.1.0 & XML rules'])
})

test('a large document is read whole, in the XML worker; one over trafficscript.xml_max_size is an error with an event', async () => {
  const entries = Array.from({ length: 12_000 }, (_, i) => `<e n="${i}"><v>${i % 7}</v><pad>${'x'.repeat(40)}</pad></e>`).join('\n')
  const big = `<?xml version="1.0"?><list>${entries}</list>`
  assert.ok(big.length > 800_000 && big.length < DEFAULT_XML_MAX_BYTES, String(big.length))
  const rule = 'log.info(xml.xpath.matchNodeCount(http.getBody(), "", "/list/e[v = 3]"));'
  const inWorker = await runAsync(rule, big)
  assert.ok(inWorker.waited, 'the rule waited for the worker')
  assert.deepEqual(inWorker.logs, [String(Array.from({ length: 12_000 }, (_, i) => i).filter((i) => i % 7 === 3).length)])
  const small = run(rule, big, {}, 100_000)
  assert.deepEqual(small.logs, ['-1'])
  assert.equal(small.events.length, 1)
  assert.match(small.events[0] ?? '', /^rules_rulexmlerr: rule r: xml\.xpath\.matchNodeCount: the document is \d+ bytes, over the limit of 100000 bytes \(trafficscript\.xml_max_size\)$/)
})

test('XPath errors are -1 or "" with an event naming the cause; the rule goes on', () => {
  const { logs, events } = run(`
    $ns = "${SOAP_NS}";
    $bad = "//m:Quote[";
    $b = http.getBody();
    log.info(xml.xpath.matchNodeCount($b, $ns, $bad));
    log.info(xml.xpath.matchNodeCount($b, $ns, "//zz:Quote"));
    log.info(xml.xpath.matchNodeCount("<a><b></a>", $ns, "//m:Quote"));
    log.info(xml.xpath.matchNodeCount($b, $ns, "count(//m:Quote)"));
    $def = "xmlns=urn:example:quotes";
    log.info("[" . xml.xpath.matchNodeSet($b, $def, "//m:Quote") . "]");
    log.info(xml.xpath.matchNodeCount("", $ns, "/"));
    log.info("still running");
  `, SOAP11)
  assert.deepEqual(logs, ['-1', '-1', '-1', '-1', '[]', '-1', 'still running'])
  const reasons = events.map((e) => e.replace(/^rules_rulexmlerr: rule r: xml\.xpath\.match\w+: /, ''))
  assert.equal(reasons.length, 6)
  assert.match(reasons[0] ?? '', /Invalid expression/)
  assert.match(reasons[1] ?? '', /Undefined namespace prefix/)
  assert.match(reasons[2] ?? '', /^line 1: Opening and ending tag mismatch/)
  assert.match(reasons[3] ?? '', /does not select nodes/)
  assert.match(reasons[4] ?? '', /xmlns=urn:example:quotes.*not xmlns:prefix=uri/)
  assert.match(reasons[5] ?? '', /Document is empty|not a well-formed/)
})

const GROUPING = `<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:o="urn:example:orders" exclude-result-prefixes="o">
  <xsl:output method="text"/>
  <xsl:key name="by-first" match="o:Item" use="substring(., 1, 1)"/>
  <xsl:template match="/">
    <xsl:for-each select="//o:Item[generate-id() = generate-id(key('by-first', substring(., 1, 1))[1])]">
      <xsl:sort select="@qty" data-type="number" order="descending"/>
      <xsl:value-of select="substring(., 1, 1)"/>=<xsl:value-of select="sum(key('by-first', substring(., 1, 1))/@qty)"/>
      <xsl:apply-templates select="." mode="tail"/>
    </xsl:for-each>
  </xsl:template>
  <xsl:template match="o:Item" mode="tail">;</xsl:template>
</xsl:stylesheet>`

const RENAME = `<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="urn:example:quotes" exclude-result-prefixes="soap m">
  <xsl:output method="xml" omit-xml-declaration="yes"/>
  <xsl:template match="/"><quotes><xsl:apply-templates select="//m:Quote[m:Price > 180]"/></quotes></xsl:template>
  <xsl:template match="m:Quote"><q s="{@symbol}" p="{round(m:Price)}"/></xsl:template>
</xsl:stylesheet>`

test('xml.xslt.transform: keys, modes, sorting, namespaces; by file name or inline text', () => {
  const { logs, events } = run(`
    log.info(xml.xslt.transform(http.getBody(), "group.xsl"));
    log.info(xml.xslt.transform('${SOAP11.replace(/'/g, '')}', '${RENAME}'));
  `, SOAP12, { 'group.xsl': GROUPING })
  assert.deepEqual(events, [])
  assert.equal(logs[0], 'C=5;A=2;B=1;')
  assert.equal(logs[1], '<quotes><q s="SYM4" p="189"/><q s="SYM9" p="193"/><q s="SYM14" p="199"/><q s="SYM19" p="203"/><q s="SYM24" p="208"/><q s="SYM29" p="214"/><q s="SYM33" p="181"/><q s="SYM34" p="218"/></quotes>\n')
})

test('a stylesheet may include another catalog file, and nothing else', () => {
  const main = `<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
    <xsl:include href="common.xsl"/><xsl:output method="text"/>
    <xsl:template match="/"><xsl:call-template name="hello"/></xsl:template></xsl:stylesheet>`
  const common = '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:template name="hello">hello</xsl:template></xsl:stylesheet>'
  const { logs, events } = run('log.info(xml.xslt.transform("<a/>", "main.xsl"));', '', { 'main.xsl': main, 'common.xsl': common })
  assert.deepEqual(logs, ['hello'])
  assert.deepEqual(events, [])
})

const ORDER_XSD = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:example:orders" xmlns:o="urn:example:orders" elementFormDefault="qualified">
  <xs:element name="PlaceOrder"><xs:complexType><xs:sequence>
    <xs:element name="Customer"><xs:complexType><xs:simpleContent><xs:extension base="xs:string">
      <xs:attribute name="id" type="xs:string" use="required"/></xs:extension></xs:simpleContent></xs:complexType></xs:element>
    <xs:element name="Item" maxOccurs="unbounded"><xs:complexType><xs:simpleContent><xs:extension base="xs:string">
      <xs:attribute name="sku" type="xs:string" use="required"/>
      <xs:attribute name="qty" type="xs:positiveInteger" use="required"/></xs:extension></xs:simpleContent></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>`

test('xml.validate.xsd: 1 valid, 0 invalid (no event), -1 for a malformed document or a broken schema', () => {
  const order = SOAP12.slice(SOAP12.indexOf('<o:PlaceOrder'), SOAP12.indexOf('</o:PlaceOrder>') + '</o:PlaceOrder>'.length)
  const { logs, events } = run(`
    $o = http.getBody();
    log.info(xml.validate.xsd($o, "order.xsd"));
    log.info(xml.validate.xsd(string.replace($o, 'qty="2"', 'qty="0"'), "order.xsd"));
    log.info(xml.validate.xsd(string.replace($o, ' sku="A-1"', ''), "order.xsd"));
    log.info(xml.validate.xsd(string.replace($o, 'urn:example:orders', 'urn:other'), "order.xsd"));
    log.info(xml.validate.xsd("<o:PlaceOrder", "order.xsd"));
    $broken = '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="n" type="xs:nosuchtype"/></xs:schema>';
    log.info(xml.validate.xsd($o, $broken));
  `, order, { 'order.xsd': ORDER_XSD })
  assert.deepEqual(logs, ['1', '0', '0', '0', '-1', '-1'])
  assert.equal(events.length, 2)
  assert.match(events[0] ?? '', /xml\.validate\.xsd: line 1: /)
  assert.match(events[1] ?? '', /xml\.validate\.xsd: the schema: .*nosuchtype/)
})

const NOTE_DTD = `<!ELEMENT note (to+, from, body?)>
<!ELEMENT to (#PCDATA)> <!ELEMENT from (#PCDATA)> <!ELEMENT body (#PCDATA)>
<!ATTLIST note id ID #REQUIRED priority (low|high) "low">`

test('xml.validate.dtd: 1 valid, 0 invalid, -1 for a malformed document or a broken DTD', () => {
  const { logs, events } = run(`
    log.info(xml.validate.dtd('<note id="n1"><to>a</to><to>b</to><from>c</from></note>', "note.dtd"));
    log.info(xml.validate.dtd('<note id="n1"><to>a</to></note>', "note.dtd"));
    log.info(xml.validate.dtd('<note id="n1" priority="urgent"><to>a</to><from>c</from></note>', "note.dtd"));
    log.info(xml.validate.dtd('<note id="n1"><to>a</to><from>c</from><cc/></note>', "note.dtd"));
    log.info(xml.validate.dtd('<note>', "note.dtd"));
    $broken = "<!ELEMENT note (to,from>";
    log.info(xml.validate.dtd("<note/>", $broken));
  `, '', { 'note.dtd': NOTE_DTD })
  assert.deepEqual(logs, ['1', '0', '0', '0', '-1', '-1'])
  assert.equal(events.length, 2)
})

test('xml.validate is the deprecated name of xml.validate.dtd', () => {
  assert.deepEqual(check('xml.validate("<a/>", "note.dtd");', ['note.dtd']), ['warning: xml.validate is deprecated, please use xml.validate.dtd instead'])
  assert.deepEqual(run('log.info(xml.validate("<note id=\'a\'><to/><from/></note>", "note.dtd"));', '', { 'note.dtd': NOTE_DTD }).logs, ['1'])
})

test('sluice check: literal XPath, namespace maps, inline stylesheets and file names are checked', () => {
  const problems = check(`
    $b = http.getBody();
    xml.xpath.matchNodeCount($b, "xmlns:a=urn:a", "//a:x[");
    xml.xpath.matchNodeSet($b, "xmlns=urn:a", "//a:x");
    xml.xslt.transform($b, "missing.xsl");
    xml.xslt.transform($b, '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
      <xsl:template match="/"><x></y></xsl:template></xsl:stylesheet>');
    xml.validate.dtd($b, "<!ELEMENT a (b>");
    xml.validate.xsd($b, "there.xsd");
  `, ['there.xsd'])
  assert.equal(problems.length, 5, problems.join('\n'))
  assert.match(problems[0] ?? '', /^error: line 3: xml\.xpath\.matchNodeCount: Invalid expression/)
  assert.match(problems[1] ?? '', /^error: line 4: xml\.xpath\.matchNodeSet: the namespace map entry "xmlns=urn:a" is not xmlns:prefix=uri/)
  assert.match(problems[2] ?? '', /^error: line 5: xml\.xslt\.transform: there is no file "missing\.xsl" in extra_files\//)
  assert.match(problems[3] ?? '', /^error: line 6: xml\.xslt\.transform: the stylesheet does not compile: line 2: Opening and ending tag mismatch: x line 2 and y/)
  assert.match(problems[4] ?? '', /^error: line 8: xml\.validate\.dtd: the DTD does not compile: line 1: /)
})

test('without XML support, sluice check names every call of every rule, and a call returns its error value', () => {
  const absent = { ok: false as const, reason: 'the XML addon (native/xml) is not installed' }
  const registry = new FunctionRegistry([...LIBRARY_MODULES.slice(0, -1), createXmlModule(absent)])
  const problems = check('if (xml.xpath.matchNodeCount(http.getBody(), "", "/a") > 0) {\n  xml.xslt.transform(http.getBody(), "t.xsl");\n}', ['t.xsl'], registry)
  assert.deepEqual(problems, [
    'error: line 1: xml.xpath.matchNodeCount needs XML support, which is not available here: the XML addon (native/xml) is not installed',
    'error: line 2: xml.xslt.transform needs XML support, which is not available here: the XML addon (native/xml) is not installed',
  ])
  const module = createXmlModule(absent)
  const services = new FakeServices()
  const count = module.functions['xml.xpath.matchNodeCount']
  assert.ok(count !== undefined)
  const state = { services, ruleName: 'r' } as unknown as Parameters<typeof count.fn>[0]
  assert.equal(count.fn(state, ['<a/>', '', '/a']), -1)
  assert.deepEqual(services.events, ['rules_rulexmlerr: rule r: xml.xpath.matchNodeCount: the XML addon (native/xml) is not installed'])
})
