/*
 * XSLT 1.0 (with EXSLT): compile a stylesheet from configuration text once, transform message
 * bodies with it under the security preferences (no document(), no file or network access).
 */
#include "sx.h"
#include <limits.h>
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/transform.h>
#include <libxslt/xsltutils.h>

xsltStylesheetPtr sx_xslt_compile(const char *text, size_t len, const sx_catalog *catalog) {
  if (len > INT_MAX) {
    sx_err_set("stylesheet too large");
    return NULL;
  }
  /* A URL makes libxslt report lines; includes resolve beside it, to catalog names. */
  xmlDocPtr doc = xmlReadMemory(text, (int)len, SX_STYLESHEET_URL, NULL, SX_CONFIG_OPTIONS);
  if (doc == NULL) {
    sx_err_set("the stylesheet is not well-formed XML");
    return NULL;
  }
  sx_catalog_activate(catalog);
  xsltStylesheetPtr style = xsltParseStylesheetDoc(doc);
  sx_catalog_deactivate();
  if (style == NULL) {
    sx_err_take_generic();
    sx_err_set("not a valid XSLT 1.0 stylesheet");
    xmlFreeDoc(doc);
    return NULL;
  }
  if (style->errors != 0) {
    sx_err_take_generic();
    sx_err_set("not a valid XSLT 1.0 stylesheet");
    xsltFreeStylesheet(style);
    return NULL;
  }
  return style;
}

void sx_xslt_free(xsltStylesheetPtr style) {
  xsltFreeStylesheet(style);
}

int sx_xslt_transform(xsltStylesheetPtr style, const char *doc_text, size_t doc_len, unsigned long op_limit, sx_buf *out) {
  xmlDocPtr doc = sx_parse_body(doc_text, doc_len);
  if (doc == NULL) return SX_ERROR;
  int rc = SX_ERROR;
  xsltTransformContextPtr t = xsltNewTransformContext(style, doc);
  if (t == NULL) {
    sx_err_set("out of memory");
    xmlFreeDoc(doc);
    return SX_ERROR;
  }
  xsltSetCtxtSecurityPrefs(sx_security_prefs(), t);
  t->opLimit = op_limit;
  if (t->xpathCtxt != NULL) t->xpathCtxt->opLimit = op_limit;
  xmlDocPtr result = xsltApplyStylesheetUser(style, doc, NULL, NULL, NULL, t);
  if (result == NULL || t->state == XSLT_STATE_ERROR || t->state == XSLT_STATE_STOPPED) {
    sx_err_take_generic();
    sx_err_set("the transformation failed");
  } else {
    xmlChar *text = NULL;
    int len = 0;
    if (xsltSaveResultToString(&text, &len, result, style) == 0) {
      if (text != NULL) sx_buf_append(out, (const char *)text, (size_t)len);
      else sx_buf_append(out, "", 0);
      rc = out->failed ? SX_ERROR : 0;
      if (out->failed) sx_err_set("out of memory");
    } else {
      sx_err_set("the result could not be serialised");
    }
    xmlFree(text);
  }
  if (result != NULL) xmlFreeDoc(result);
  xsltFreeTransformContext(t);
  xmlFreeDoc(doc);
  return rc;
}
