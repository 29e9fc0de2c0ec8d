/*
 * XPath 1.0 over a message body: count the matched nodes, or serialise them. Prefixes come from
 * a TrafficScript namespace map, a space-separated list of xmlns:prefix=uri.
 */
#include "sx.h"
#include <string.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

/* Registers every xmlns:p=uri of the map; 0 on success. The map is changed in place. */
static int register_namespaces(xmlXPathContextPtr x, char *map) {
  char *save = NULL;
  for (char *tok = strtok_r(map, " \t\r\n", &save); tok != NULL; tok = strtok_r(NULL, " \t\r\n", &save)) {
    char *eq = strchr(tok, '=');
    if (strncmp(tok, "xmlns:", 6) != 0 || eq == NULL || eq == tok + 6 || eq[1] == '\0') {
      sx_err_set("namespace map: \"%.80s\" is not xmlns:prefix=uri (XPath 1.0 has no default namespace)", tok);
      return -1;
    }
    *eq = '\0';
    if (xmlXPathRegisterNs(x, (const xmlChar *)(tok + 6), (const xmlChar *)(eq + 1)) != 0) {
      sx_err_set("namespace map: cannot bind prefix \"%.40s\"", tok + 6);
      return -1;
    }
  }
  return 0;
}

static xmlXPathObjectPtr evaluate(xmlDocPtr doc, char *nsmap, const char *expr, unsigned long op_limit) {
  xmlXPathContextPtr x = xmlXPathNewContext(doc);
  if (x == NULL) {
    sx_err_set("out of memory");
    return NULL;
  }
  x->opLimit = op_limit;
  xmlXPathObjectPtr r = NULL;
  if (register_namespaces(x, nsmap) == 0) {
    r = xmlXPathEvalExpression((const xmlChar *)expr, x);
    if (r == NULL) {
      sx_err_from_xml(&x->lastError);
      sx_err_set("XPath expression \"%.80s\" failed", expr);
    }
  }
  xmlXPathFreeContext(x);
  return r;
}

long sx_xpath_count(const char *doc_text, size_t doc_len, char *nsmap, const char *expr, unsigned long op_limit) {
  xmlDocPtr doc = sx_parse_body(doc_text, doc_len);
  if (doc == NULL) return SX_ERROR;
  long count = SX_ERROR;
  xmlXPathObjectPtr r = evaluate(doc, nsmap, expr, op_limit);
  if (r != NULL) {
    if (r->type == XPATH_NODESET) count = r->nodesetval == NULL ? 0 : r->nodesetval->nodeNr;
    else sx_err_set("XPath expression \"%.80s\" does not select nodes", expr);
    xmlXPathFreeObject(r);
  }
  xmlFreeDoc(doc);
  return count;
}

/* A namespace node as it would appear on its element. */
static void dump_namespace(sx_buf *out, const xmlNs *ns) {
  sx_buf_append(out, " xmlns", 6);
  if (ns->prefix != NULL) {
    sx_buf_append(out, ":", 1);
    sx_buf_append(out, (const char *)ns->prefix, strlen((const char *)ns->prefix));
  }
  sx_buf_append(out, "=\"", 2);
  if (ns->href != NULL) sx_buf_append(out, (const char *)ns->href, strlen((const char *)ns->href));
  sx_buf_append(out, "\"", 1);
}

/* 0 and the nodes serialised one after another (or a scalar result's string value) in `out`. */
int sx_xpath_nodeset(const char *doc_text, size_t doc_len, char *nsmap, const char *expr, unsigned long op_limit, sx_buf *out) {
  xmlDocPtr doc = sx_parse_body(doc_text, doc_len);
  if (doc == NULL) return SX_ERROR;
  int rc = SX_ERROR;
  xmlXPathObjectPtr r = evaluate(doc, nsmap, expr, op_limit);
  if (r != NULL) {
    rc = 0;
    if (r->type == XPATH_NODESET) {
      xmlBufferPtr b = xmlBufferCreate();
      int n = r->nodesetval == NULL ? 0 : r->nodesetval->nodeNr;
      for (int i = 0; i < n && b != NULL; i++) {
        xmlNodePtr node = r->nodesetval->nodeTab[i];
        if (node->type == XML_NAMESPACE_DECL) {
          dump_namespace(out, (const xmlNs *)node);
          continue;
        }
        xmlBufferEmpty(b);
        xmlNodePtr target = node->type == XML_DOCUMENT_NODE ? xmlDocGetRootElement(doc) : node;
        if (target != NULL && xmlNodeDump(b, doc, target, 0, 0) >= 0) sx_buf_append(out, (const char *)xmlBufferContent(b), (size_t)xmlBufferLength(b));
      }
      if (b == NULL) rc = SX_ERROR;
      else xmlBufferFree(b);
    } else {
      xmlChar *s = xmlXPathCastToString(r);
      if (s != NULL) {
        sx_buf_append(out, (const char *)s, strlen((const char *)s));
        xmlFree(s);
      }
    }
    if (out->failed) {
      sx_err_set("out of memory");
      rc = SX_ERROR;
    }
    xmlXPathFreeObject(r);
  }
  xmlFreeDoc(doc);
  return rc;
}

int sx_xpath_check(const char *expr) {
  xmlXPathCompExprPtr c = xmlXPathCompile((const xmlChar *)expr);
  if (c == NULL) {
    sx_err_set("XPath expression \"%.80s\" is not valid", expr);
    return 0;
  }
  xmlXPathFreeCompExpr(c);
  return 1;
}
