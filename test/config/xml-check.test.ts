// Issue #18: sluice check and XML. Broken stylesheets, schemas and DTDs are reported with their
// line; a rule naming a missing file is reported at its line; where the XML addon is missing,
// every rule that calls xml.* is reported, and the others are not.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { checkConfig } from '../../src/cli/index.ts'
import { configDir } from '../helpers/config-dir.ts'
import { ROOT } from '../e2e/cli-harness.ts'

const POOL = '{"properties":{"basic":{"nodes_table":[{"node":"127.0.0.1:9001"}]}}}'
const VS = '{"properties":{"basic":{"enabled":true,"port":8080,"protocol":"http","pool":"web","request_rules":["route","plain"]}}}'
/** The virtual server, its pool and the rule that calls nothing from xml.*. */
const BASE = { 'virtual_servers/web': VS, 'pools/web': POOL, 'rules/plain': 'pool.use("web");' }
const GOOD_XSL = '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:template match="/"><x/></xsl:template></xsl:stylesheet>\n'

test('sluice check reports a broken stylesheet, schema and DTD with their lines', async (t) => {
  const dir = await configDir(t, {
    ...BASE,
    'rules/route': 'xml.xslt.transform(http.getBody(), "good.xsl");',
    'extra_files/good.xsl': GOOD_XSL,
    'extra_files/broken.xsl': '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">\n  <xsl:template match="/">\n    <x></y>\n  </xsl:template>\n</xsl:stylesheet>\n',
    'extra_files/bad-select.xslt': '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">\n<xsl:template match="/">\n<xsl:value-of select="count((("/>\n</xsl:template>\n</xsl:stylesheet>\n',
    'extra_files/schema-by-root': '<?xml version="1.0"?>\n<!-- no extension: the root element says what it is -->\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">\n  <xs:element name="a" type="xs:nosuchtype"/>\n</xs:schema>\n',
    'extra_files/note.dtd': '<!ELEMENT note (to)>\n<!ELEMENT to (#PCDATA>\n',
    'extra_files/page.html': '<html><body>not XML at all<br></body></html>',
  })
  const lines: string[] = []
  assert.equal(await checkConfig(dir, (l) => lines.push(l)), 1)
  const file = (name: string) => join(dir, 'extra_files', name)
  assert.equal(lines.length, 5, lines.join('\n'))
  assert.match(lines[0] ?? '', new RegExp(`^extra_files/bad-select\\.xslt \\(${file('bad-select.xslt')}\\): not a valid XSLT stylesheet: .*line 3.*count\\(\\(\\(`))
  assert.equal(lines[1], `extra_files/broken.xsl (${file('broken.xsl')}): not a valid XSLT stylesheet: line 3: Opening and ending tag mismatch: x line 3 and y`)
  assert.match(lines[2] ?? '', new RegExp(`^extra_files/note\\.dtd \\(${file('note.dtd')}\\): not a valid DTD: line 2: `))
  assert.match(lines[3] ?? '', new RegExp(`^extra_files/schema-by-root \\(${file('schema-by-root')}\\): not a valid XML Schema: line 4: .*nosuchtype`))
  assert.equal(lines[4], `4 problems found in ${dir}`)
})

test('sluice check reports a rule naming a stylesheet that is not in extra_files/', async (t) => {
  const dir = await configDir(t, { ...BASE, 'rules/route': '$b = http.getBody();\nhttp.setBody(xml.xslt.transform($b, "gone.xsl"));' })
  const lines: string[] = []
  assert.equal(await checkConfig(dir, (l) => lines.push(l)), 1)
  assert.match(lines.join('\n'), /rule route \(.*\): line 2, column \d+: xml\.xslt\.transform: there is no file "gone\.xsl" in extra_files\//)
})

async function checkWithoutAddon(dir: string): Promise<{ code: number | null; output: string }> {
  const hook = join(ROOT, 'test', 'helpers', 'without-xml-addon.ts')
  const child = spawn(process.execPath, ['--import', hook, join(ROOT, 'src', 'cli', 'main.ts'), 'check', '--config', dir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')))
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')))
  const [code] = (await once(child, 'exit')) as [number | null]
  return { code, output }
}

test('where the XML addon is missing, sluice check names each rule that calls xml.*, and only those', async (t) => {
  const dir = await configDir(t, {
    ...BASE,
    'rules/route': 'if( xml.xpath.matchNodeCount( http.getBody(), "xmlns:s=urn:s", "//s:Op" ) > 0 ) pool.use( "web" );',
    'rules/validate': '$b = http.getBody();\nif( xml.validate.xsd( $b, "s.xsd" ) != 1 ) http.sendResponse( "400 Bad Request", "text/plain", "no", "" );',
    'extra_files/s.xsd': '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a"/></xs:schema>',
  })
  const without = await checkWithoutAddon(dir)
  assert.equal(without.code, 1, without.output)
  const problems = without.output.split('\n').filter((l) => l.startsWith('rule '))
  assert.equal(problems.length, 2, without.output)
  assert.match(problems[0] ?? '', /^rule route \(.*\): line 1, column 5: xml\.xpath\.matchNodeCount needs XML support, which is not available here: the XML addon \(native\/xml\) is not installed \(Cannot find module 'sluice-xml'\); install libxml2-dev, libxslt1-dev and pkg-config, then run npm ci/)
  assert.match(problems[1] ?? '', /^rule validate \(.*\): line 2, column 5: xml\.validate\.xsd needs XML support/)
  assert.doesNotMatch(without.output, /rule plain/)
  // The same configuration is fine where the addon is built.
  const lines: string[] = []
  assert.equal(await checkConfig(dir, (l) => lines.push(l)), 0, lines.join('\n'))
})
