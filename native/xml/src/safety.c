/*
 * What makes hostile input harmless: one entity loader for the whole process that serves only
 * files of the configuration catalog (and only while a stylesheet or schema compiles), XSLT
 * security preferences that refuse file and network access, and a body parser that refuses any
 * DOCTYPE (so no entity can be declared, let alone expanded) and keeps libxml2's depth limit.
 */
#include "sx.h"
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <libxml/parserInternals.h>
#include <libxslt/security.h>
#include <libxslt/xsltutils.h>
#include <libexslt/exslt.h>

static _Thread_local const sx_catalog *active_catalog;
static _Thread_local int thread_ready;
static pthread_once_t global_once = PTHREAD_ONCE_INIT;

void sx_catalog_activate(const sx_catalog *catalog) {
  active_catalog = catalog;
}

void sx_catalog_deactivate(void) {
  active_catalog = NULL;
}

/* Catalog names are flat: no directories, no schemes, so nothing can point outside it. */
static const sx_entry *catalog_find(const char *name) {
  const sx_catalog *c = active_catalog;
  if (c == NULL || name == NULL || strchr(name, '/') != NULL || strchr(name, ':') != NULL || strchr(name, '\\') != NULL) return NULL;
  for (size_t i = 0; i < c->count; i++) {
    if (strcmp(c->entries[i].name, name) == 0) return &c->entries[i];
  }
  return NULL;
}

static xmlParserInputPtr load_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt) {
  const sx_entry *e = catalog_find(url);
  if (e != NULL && ctxt != NULL && e->len <= INT_MAX) {
    xmlParserInputBufferPtr in = xmlParserInputBufferCreateMem(e->data, (int)e->len, XML_CHAR_ENCODING_NONE);
    if (in == NULL) return NULL;
    xmlParserInputPtr stream = xmlNewIOInputStream(ctxt, in, XML_CHAR_ENCODING_NONE);
    if (stream == NULL) {
      xmlFreeParserInputBuffer(in);
      return NULL;
    }
    stream->filename = (const char *)xmlStrdup((const xmlChar *)url);
    return stream;
  }
  const char *what = url != NULL ? url : id != NULL ? id : "(unnamed)";
  if (active_catalog != NULL) sx_err_policy("\"%s\" is not a file of the configuration (extra_files/); nothing else may be loaded", what);
  else sx_err_policy("loading \"%s\" is not allowed: no file or network access from XML", what);
  return NULL;
}

/* Reading during compilation (xsl:include, xsl:import) may name catalog files; nothing else reads. */
static int check_read(xsltSecurityPrefsPtr sec, xsltTransformContextPtr ctxt, const char *value) {
  (void)sec;
  if (ctxt == NULL && catalog_find(value) != NULL) return 1;
  const char *what = value != NULL ? value : "";
  if (ctxt != NULL) sx_err_policy("document(\"%s\") is refused: no file or network access while transforming", what);
  else sx_err_policy("the stylesheet may not include or import \"%s\": only files of extra_files/ may be", what);
  return 0;
}

static int check_deny(xsltSecurityPrefsPtr sec, xsltTransformContextPtr ctxt, const char *value) {
  (void)sec;
  (void)ctxt;
  sx_err_policy("the stylesheet may not write or reach \"%s\": no file or network access", value != NULL ? value : "");
  return 0;
}

static xsltSecurityPrefsPtr prefs;

xsltSecurityPrefsPtr sx_security_prefs(void) {
  return prefs;
}

static void global_init(void) {
  xmlInitParser();
  xmlSetExternalEntityLoader(load_entity);
  exsltRegisterAll();
  prefs = xsltNewSecurityPrefs();
  if (prefs != NULL) {
    xsltSetSecurityPrefs(prefs, XSLT_SECPREF_READ_FILE, check_read);
    xsltSetSecurityPrefs(prefs, XSLT_SECPREF_WRITE_FILE, check_deny);
    xsltSetSecurityPrefs(prefs, XSLT_SECPREF_CREATE_DIRECTORY, check_deny);
    xsltSetSecurityPrefs(prefs, XSLT_SECPREF_READ_NETWORK, check_deny);
    xsltSetSecurityPrefs(prefs, XSLT_SECPREF_WRITE_NETWORK, check_deny);
    xsltSetDefaultSecurityPrefs(prefs);
  }
  sx_errors_install_global();
}

void sx_global_init(void) {
  pthread_once(&global_once, global_init);
}

void sx_thread_init(void) {
  if (thread_ready) return;
  sx_global_init();
  sx_errors_install_thread();
  xmlLineNumbersDefault(1);
  thread_ready = 1;
}

static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id, const xmlChar *system_id) {
  (void)name;
  (void)external_id;
  (void)system_id;
  sx_err_set("a DOCTYPE is not allowed in a message (no DTDs or entities in traffic)");
  xmlStopParser((xmlParserCtxtPtr)ctx);
}

xmlDocPtr sx_parse_body(const char *buf, size_t len) {
  if (len > INT_MAX) {
    sx_err_set("document too large");
    return NULL;
  }
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (ctxt == NULL || ctxt->sax == NULL) {
    if (ctxt != NULL) xmlFreeParserCtxt(ctxt);
    sx_err_set("out of memory");
    return NULL;
  }
  ctxt->sax->internalSubset = refuse_doctype;
  xmlDocPtr doc = xmlCtxtReadMemory(ctxt, buf, (int)len, NULL, NULL, SX_BODY_OPTIONS);
  if (doc == NULL || !ctxt->wellFormed || sx_err_isset()) {
    if (!sx_err_isset()) sx_err_from_xml(&ctxt->lastError);
    if (!sx_err_isset()) sx_err_set("not a well-formed XML document");
    if (doc != NULL) xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return NULL;
  }
  xmlFreeParserCtxt(ctxt);
  return doc;
}
