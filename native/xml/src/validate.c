/*
 * Validation of message bodies against an XML Schema or a DTD from the configuration: compile
 * once, validate many. 1 valid, 0 invalid (the reason is kept), -1 when the body is not XML.
 */
#include "sx.h"
#include <limits.h>
#include <libxml/valid.h>
#include <libxml/xmlschemas.h>

static void capture(void *ctx, xmlErrorPtr e) {
  (void)ctx;
  if (e != NULL && e->level != XML_ERR_WARNING) sx_err_from_xml(e);
}

xmlSchemaPtr sx_xsd_compile(const char *text, size_t len, const sx_catalog *catalog) {
  if (len > INT_MAX) {
    sx_err_set("schema too large");
    return NULL;
  }
  xmlSchemaParserCtxtPtr p = xmlSchemaNewMemParserCtxt(text, (int)len);
  if (p == NULL) {
    sx_err_set("out of memory");
    return NULL;
  }
  xmlSchemaSetParserStructuredErrors(p, capture, NULL);
  sx_catalog_activate(catalog);
  xmlSchemaPtr schema = xmlSchemaParse(p);
  sx_catalog_deactivate();
  xmlSchemaFreeParserCtxt(p);
  if (schema == NULL) sx_err_set("not a valid XML Schema");
  return schema;
}

void sx_xsd_free(xmlSchemaPtr schema) {
  xmlSchemaFree(schema);
}

/* Parses the body, runs `check` on it (1, 0 or SX_ERROR) and frees it. */
static int with_body(void *against, const char *doc_text, size_t doc_len, int (*check)(void *, xmlDocPtr)) {
  xmlDocPtr doc = sx_parse_body(doc_text, doc_len);
  if (doc == NULL) return SX_ERROR;
  int rc = check(against, doc);
  xmlFreeDoc(doc);
  return rc;
}

static int check_xsd(void *schema, xmlDocPtr doc) {
  xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(schema);
  if (v == NULL) {
    sx_err_set("out of memory");
    return SX_ERROR;
  }
  xmlSchemaSetValidStructuredErrors(v, capture, NULL);
  int r = xmlSchemaValidateDoc(v, doc);
  xmlSchemaFreeValidCtxt(v);
  if (r < 0) sx_err_set("schema validation could not run");
  return r == 0 ? 1 : r > 0 ? 0 : SX_ERROR;
}

int sx_xsd_validate(xmlSchemaPtr schema, const char *doc_text, size_t doc_len) {
  return with_body(schema, doc_text, doc_len, check_xsd);
}

xmlDtdPtr sx_dtd_compile(const char *text, size_t len) {
  if (len > INT_MAX) {
    sx_err_set("DTD too large");
    return NULL;
  }
  xmlParserInputBufferPtr in = xmlParserInputBufferCreateMem(text, (int)len, XML_CHAR_ENCODING_NONE);
  if (in == NULL) {
    sx_err_set("out of memory");
    return NULL;
  }
  /* xmlIOParseDTD takes the input buffer, freeing it on every path. */
  xmlDtdPtr dtd = xmlIOParseDTD(NULL, in, XML_CHAR_ENCODING_NONE);
  if (dtd != NULL && sx_err_isset()) {
    xmlFreeDtd(dtd);
    dtd = NULL;
  }
  if (dtd == NULL) sx_err_set("not a valid DTD");
  return dtd;
}

void sx_dtd_free(xmlDtdPtr dtd) {
  xmlFreeDtd(dtd);
}

static int check_dtd(void *dtd, xmlDocPtr doc) {
  xmlValidCtxtPtr v = xmlNewValidCtxt();
  if (v == NULL) {
    sx_err_set("out of memory");
    return SX_ERROR;
  }
  int rc = xmlValidateDtd(v, doc, dtd) == 1 ? 1 : 0;
  xmlFreeValidCtxt(v);
  return rc;
}

int sx_dtd_validate(xmlDtdPtr dtd, const char *doc_text, size_t doc_len) {
  return with_body(dtd, doc_text, doc_len, check_dtd);
}
