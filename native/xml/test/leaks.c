/*
 * A leak and memory-error check of the addon's C, without Node: every operation, on good, bad and
 * hostile input, 200 times. Run test/valgrind.sh (needs valgrind); it fails on any error or leak.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "sx.h"
static const char *SHEET = "<xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\"><xsl:include href=\"c.xsl\"/><xsl:template match=\"/\"><o><xsl:call-template name=\"c\"/><xsl:value-of select=\"count(//*)\"/></o></xsl:template></xsl:stylesheet>";
static const char *COMMON = "<xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\"><xsl:template name=\"c\">c</xsl:template></xsl:stylesheet>";
static const char *DOCFN = "<xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\"><xsl:template match=\"/\"><o><xsl:copy-of select=\"document('file:///etc/hostname')\"/></o></xsl:template></xsl:stylesheet>";
static const char *BADSHEET = "<xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\"><xsl:template match=\"/\"><xsl:value-of select=\"count(((\"/></xsl:template></xsl:stylesheet>";
static const char *XSD = "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><xs:element name=\"a\" type=\"xs:int\"/></xs:schema>";
static const char *BADXSD = "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><xs:include schemaLocation=\"/etc/x.xsd\"/><xs:element name=\"a\" type=\"xs:nope\"/></xs:schema>";
int main(void) {
  sx_thread_init();
  sx_entry e = {"c.xsl", COMMON, strlen(COMMON)};
  sx_catalog cat = {&e, 1};
  const char *docs[] = {"<a>1</a>", "<a>x</a>", "<a><b></a>", "<!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><a>&e;</a>", "<a xmlns:p='urn:p'><p:b>1</p:b><p:b>2</p:b></a>", ""};
  for (int iter = 0; iter < 200; iter++) {
    sx_err_reset();
    sx_err_reset(); xsltStylesheetPtr s = sx_xslt_compile(SHEET, strlen(SHEET), &cat);
    sx_err_reset(); xsltStylesheetPtr d = sx_xslt_compile(DOCFN, strlen(DOCFN), &cat);
    sx_err_reset(); xsltStylesheetPtr b = sx_xslt_compile(BADSHEET, strlen(BADSHEET), &cat);
    sx_err_reset(); xmlSchemaPtr x = sx_xsd_compile(XSD, strlen(XSD), &cat);
    sx_err_reset(); xmlSchemaPtr bx = sx_xsd_compile(BADXSD, strlen(BADXSD), &cat);
    sx_err_reset(); xmlDtdPtr dtd = sx_dtd_compile("<!ELEMENT a (#PCDATA)>", 22);
    sx_err_reset(); xmlDtdPtr bd = sx_dtd_compile("<!ELEMENT a (b>", 15);
    if (!s || !d || b || !x || bx || !dtd || bd) { printf("unexpected compile results %d %d %d %d %d %d %d: %s\n", !!s, !!d, !!b, !!x, !!bx, !!dtd, !!bd, sx_err_text()); return 1; }
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
      char nsmap[] = "xmlns:q=urn:p";
      char bad[] = "xmlns=urn:p";
      sx_err_reset(); sx_xpath_count(docs[i], strlen(docs[i]), nsmap, "//q:b", 1000000);
      char nsmap2[] = "xmlns:q=urn:p";
      sx_buf out = {0}; sx_err_reset(); sx_xpath_nodeset(docs[i], strlen(docs[i]), nsmap2, "//q:b|//@*|//namespace::*", 1000000, &out); sx_buf_free(&out);
      sx_err_reset(); sx_xpath_count(docs[i], strlen(docs[i]), bad, "//q:b", 1000000);
      char nsmap3[] = "";
      sx_err_reset(); sx_xpath_count(docs[i], strlen(docs[i]), nsmap3, "//zz:b[", 1000000);
      sx_buf o2 = {0}; sx_err_reset(); sx_xslt_transform(s, docs[i], strlen(docs[i]), 1000000, &o2); sx_buf_free(&o2);
      sx_buf o3 = {0}; sx_err_reset(); sx_xslt_transform(d, docs[i], strlen(docs[i]), 1000000, &o3); sx_buf_free(&o3);
      sx_err_reset(); sx_xsd_validate(x, docs[i], strlen(docs[i]));
      sx_err_reset(); sx_dtd_validate(dtd, docs[i], strlen(docs[i]));
    }
    sx_xpath_check("//a["); sx_xpath_check("//a");
    sx_xslt_free(s); sx_xslt_free(d); sx_xsd_free(x); sx_dtd_free(dtd);
  }
  printf("last error: %s\n", sx_err_text());
  xsltCleanupGlobals(); xmlCleanupParser();
  return 0;
}
