/*
 * The Node-API face of the addon. Strings cross as latin1 (TrafficScript strings are byte
 * strings); a failed call returns its error value and lastError() says why. Compiled stylesheets,
 * schemas and DTDs are type-tagged externals, freed when JavaScript drops them.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlversion.h>
#include <libxslt/xsltconfig.h>
#include "sx.h"

/* Namespace maps and XPath expressions are rule text; this bounds them independently of bodies. */
#define SX_SMALL_MAX 65536

static const napi_type_tag TAG_XSLT = {0x736c756963652d78ULL, 0x736c742d73686565ULL};
static const napi_type_tag TAG_XSD = {0x736c756963652d78ULL, 0x73642d736368656dULL};
static const napi_type_tag TAG_DTD = {0x736c756963652d64ULL, 0x74642d6474646474ULL};

#define CALL(env, expr)                                   \
  do {                                                    \
    if ((expr) != napi_ok) {                              \
      napi_throw_error((env), NULL, "sluice-xml: " #expr); \
      return NULL;                                        \
    }                                                     \
  } while (0)

typedef struct {
  char *data;
  size_t len;
} text;

/* 0: read; 1: over `max` (the error is set); -1: not a string (a JS exception is pending). */
static int read_text(napi_env env, napi_value v, size_t max, const char *what, text *out) {
  size_t n = 0;
  if (napi_get_value_string_latin1(env, v, NULL, 0, &n) != napi_ok) {
    napi_throw_type_error(env, NULL, "sluice-xml: expected a string");
    return -1;
  }
  if (n > max) {
    sx_err_set("%s is %zu bytes, over the limit of %zu bytes", what, n, max);
    return 1;
  }
  out->data = malloc(n + 1);
  if (out->data == NULL) {
    sx_err_set("out of memory");
    return 1;
  }
  napi_get_value_string_latin1(env, v, out->data, n + 1, &n);
  out->len = n;
  return 0;
}

static void free_text(text *t) {
  free(t->data);
  t->data = NULL;
}

static napi_value number(napi_env env, double d) {
  napi_value v;
  CALL(env, napi_create_double(env, d, &v));
  return v;
}

static napi_value null_value(napi_env env) {
  napi_value v;
  CALL(env, napi_get_null(env, &v));
  return v;
}

static napi_value latin1(napi_env env, const char *s, size_t len) {
  napi_value v;
  CALL(env, napi_create_string_latin1(env, s, len, &v));
  return v;
}

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    napi_throw_type_error(env, NULL, "sluice-xml: missing arguments");
    return -1;
  }
  sx_thread_init();
  sx_err_reset();
  return 0;
}

static double get_number(napi_env env, napi_value v) {
  double d = 0;
  if (napi_get_value_double(env, v, &d) != napi_ok || d < 0) return 0;
  return d;
}

/* xpathCount(doc, nsmap, xpath, maxBytes, opLimit) -> count, or -1. */
static napi_value xpath_count(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (get_args(env, info, 5, argv) != 0) return NULL;
  text doc = {0}, map = {0}, expr = {0};
  long count = SX_ERROR;
  int r = read_text(env, argv[0], (size_t)get_number(env, argv[3]), "the document", &doc);
  if (r == 0) r = read_text(env, argv[1], SX_SMALL_MAX, "the namespace map", &map);
  if (r == 0) r = read_text(env, argv[2], SX_SMALL_MAX, "the XPath expression", &expr);
  if (r == 0) count = sx_xpath_count(doc.data, doc.len, map.data, expr.data, (unsigned long)get_number(env, argv[4]));
  free_text(&doc);
  free_text(&map);
  free_text(&expr);
  return r < 0 ? NULL : number(env, (double)count);
}

/* xpathNodeSet(doc, nsmap, xpath, maxBytes, opLimit) -> text, or null. */
static napi_value xpath_nodeset(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (get_args(env, info, 5, argv) != 0) return NULL;
  text doc = {0}, map = {0}, expr = {0};
  sx_buf out = {0};
  int rc = SX_ERROR;
  int r = read_text(env, argv[0], (size_t)get_number(env, argv[3]), "the document", &doc);
  if (r == 0) r = read_text(env, argv[1], SX_SMALL_MAX, "the namespace map", &map);
  if (r == 0) r = read_text(env, argv[2], SX_SMALL_MAX, "the XPath expression", &expr);
  if (r == 0) rc = sx_xpath_nodeset(doc.data, doc.len, map.data, expr.data, (unsigned long)get_number(env, argv[4]), &out);
  free_text(&doc);
  free_text(&map);
  free_text(&expr);
  napi_value result = r < 0 ? NULL : rc == 0 ? latin1(env, out.data != NULL ? out.data : "", out.len) : null_value(env);
  sx_buf_free(&out);
  return result;
}

/* checkXPath(xpath) -> true, or false when it does not compile. */
static napi_value check_xpath(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (get_args(env, info, 1, argv) != 0) return NULL;
  text expr = {0};
  int r = read_text(env, argv[0], SX_SMALL_MAX, "the XPath expression", &expr);
  int ok = r == 0 && sx_xpath_check(expr.data);
  free_text(&expr);
  if (r < 0) return NULL;
  napi_value v;
  CALL(env, napi_get_boolean(env, ok, &v));
  return v;
}

/* Reads [names, texts] into a catalog (copies, freed by free_catalog); returns as read_text does. */
static int read_catalog(napi_env env, napi_value names, napi_value texts, sx_catalog *c) {
  uint32_t n = 0, m = 0;
  if (napi_get_array_length(env, names, &n) != napi_ok || napi_get_array_length(env, texts, &m) != napi_ok || n != m) {
    napi_throw_type_error(env, NULL, "sluice-xml: catalog names and texts must be arrays of one length");
    return -1;
  }
  c->entries = calloc(n == 0 ? 1 : n, sizeof(sx_entry));
  c->count = 0;
  if (c->entries == NULL) {
    sx_err_set("out of memory");
    return 1;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value name, body;
    text tn = {0}, tb = {0};
    if (napi_get_element(env, names, i, &name) != napi_ok || napi_get_element(env, texts, i, &body) != napi_ok) {
      napi_throw_error(env, NULL, "sluice-xml: cannot read the catalog");
      return -1;
    }
    int r = read_text(env, name, 4096, "a catalog name", &tn);
    if (r == 0) {
      r = read_text(env, body, (size_t)1 << 30, "a catalog file", &tb);
      if (r != 0) free_text(&tn);
    }
    /* 1: too large (the error is set, the call fails with it); -1: a JS exception is pending. */
    if (r != 0) return r;
    c->entries[c->count++] = (sx_entry){tn.data, tb.data, tb.len};
  }
  return 0;
}

static void free_catalog(sx_catalog *c) {
  for (size_t i = 0; i < c->count; i++) {
    free((char *)c->entries[i].name);
    free((char *)c->entries[i].data);
  }
  free(c->entries);
}

static void finalize_xslt(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  sx_xslt_free(data);
}

static void finalize_xsd(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  sx_xsd_free(data);
}

static void finalize_dtd(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  sx_dtd_free(data);
}

static napi_value wrap(napi_env env, void *ptr, napi_finalize fin, const napi_type_tag *tag) {
  napi_value v;
  if (napi_create_external(env, ptr, fin, NULL, &v) != napi_ok) {
    fin(env, ptr, NULL);
    napi_throw_error(env, NULL, "sluice-xml: cannot wrap a compiled object");
    return NULL;
  }
  CALL(env, napi_type_tag_object(env, v, tag));
  return v;
}

static void *unwrap(napi_env env, napi_value v, const napi_type_tag *tag) {
  bool ok = false;
  void *ptr = NULL;
  if (napi_check_object_type_tag(env, v, tag, &ok) != napi_ok || !ok || napi_get_value_external(env, v, &ptr) != napi_ok) {
    napi_throw_type_error(env, NULL, "sluice-xml: not a compiled object of the right kind");
    return NULL;
  }
  return ptr;
}

/* compileXslt(text, names, texts) / compileXsd(text, names, texts) -> handle, or null. */
static napi_value compile_with_catalog(napi_env env, napi_callback_info info, int xsd) {
  napi_value argv[3];
  if (get_args(env, info, 3, argv) != 0) return NULL;
  text src = {0};
  sx_catalog cat = {0};
  void *compiled = NULL;
  int r = read_text(env, argv[0], (size_t)1 << 30, "the text", &src);
  if (r == 0) r = read_catalog(env, argv[1], argv[2], &cat);
  if (r == 0) compiled = xsd ? (void *)sx_xsd_compile(src.data, src.len, &cat) : (void *)sx_xslt_compile(src.data, src.len, &cat);
  free_text(&src);
  free_catalog(&cat);
  if (r < 0) return NULL;
  if (compiled == NULL) return null_value(env);
  return xsd ? wrap(env, compiled, finalize_xsd, &TAG_XSD) : wrap(env, compiled, finalize_xslt, &TAG_XSLT);
}

static napi_value compile_xslt(napi_env env, napi_callback_info info) {
  return compile_with_catalog(env, info, 0);
}

static napi_value compile_xsd(napi_env env, napi_callback_info info) {
  return compile_with_catalog(env, info, 1);
}

static napi_value compile_dtd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (get_args(env, info, 1, argv) != 0) return NULL;
  text src = {0};
  int r = read_text(env, argv[0], (size_t)1 << 30, "the DTD", &src);
  xmlDtdPtr dtd = r == 0 ? sx_dtd_compile(src.data, src.len) : NULL;
  free_text(&src);
  if (r < 0) return NULL;
  return dtd == NULL ? null_value(env) : wrap(env, dtd, finalize_dtd, &TAG_DTD);
}

/* transform(handle, doc, maxBytes, opLimit) -> text, or null. */
static napi_value transform(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (get_args(env, info, 4, argv) != 0) return NULL;
  xsltStylesheetPtr style = unwrap(env, argv[0], &TAG_XSLT);
  if (style == NULL) return NULL;
  text doc = {0};
  sx_buf out = {0};
  int rc = SX_ERROR;
  int r = read_text(env, argv[1], (size_t)get_number(env, argv[2]), "the document", &doc);
  if (r == 0) rc = sx_xslt_transform(style, doc.data, doc.len, (unsigned long)get_number(env, argv[3]), &out);
  free_text(&doc);
  napi_value result = r < 0 ? NULL : rc == 0 ? latin1(env, out.data != NULL ? out.data : "", out.len) : null_value(env);
  sx_buf_free(&out);
  return result;
}

/* validateXsd(handle, doc, maxBytes) / validateDtd(handle, doc, maxBytes) -> 1, 0 or -1. */
static napi_value validate(napi_env env, napi_callback_info info, int xsd) {
  napi_value argv[3];
  if (get_args(env, info, 3, argv) != 0) return NULL;
  void *handle = unwrap(env, argv[0], xsd ? &TAG_XSD : &TAG_DTD);
  if (handle == NULL) return NULL;
  text doc = {0};
  int rc = SX_ERROR;
  int r = read_text(env, argv[1], (size_t)get_number(env, argv[2]), "the document", &doc);
  if (r == 0) rc = xsd ? sx_xsd_validate(handle, doc.data, doc.len) : sx_dtd_validate(handle, doc.data, doc.len);
  free_text(&doc);
  return r < 0 ? NULL : number(env, rc);
}

static napi_value validate_xsd(napi_env env, napi_callback_info info) {
  return validate(env, info, 1);
}

static napi_value validate_dtd(napi_env env, napi_callback_info info) {
  return validate(env, info, 0);
}

static napi_value last_error(napi_env env, napi_callback_info info) {
  (void)info;
  const char *t = sx_err_text();
  return latin1(env, t, strlen(t));
}

static napi_value versions(napi_env env, napi_callback_info info) {
  (void)info;
  const char *t = "libxml2 " LIBXML_DOTTED_VERSION ", libxslt " LIBXSLT_DOTTED_VERSION;
  return latin1(env, t, strlen(t));
}

NAPI_MODULE_INIT() {
  sx_thread_init();
  napi_property_descriptor props[] = {
    {"xpathCount", NULL, xpath_count, NULL, NULL, NULL, napi_enumerable, NULL},
    {"xpathNodeSet", NULL, xpath_nodeset, NULL, NULL, NULL, napi_enumerable, NULL},
    {"checkXPath", NULL, check_xpath, NULL, NULL, NULL, napi_enumerable, NULL},
    {"compileXslt", NULL, compile_xslt, NULL, NULL, NULL, napi_enumerable, NULL},
    {"compileXsd", NULL, compile_xsd, NULL, NULL, NULL, napi_enumerable, NULL},
    {"compileDtd", NULL, compile_dtd, NULL, NULL, NULL, napi_enumerable, NULL},
    {"transform", NULL, transform, NULL, NULL, NULL, napi_enumerable, NULL},
    {"validateXsd", NULL, validate_xsd, NULL, NULL, NULL, napi_enumerable, NULL},
    {"validateDtd", NULL, validate_dtd, NULL, NULL, NULL, napi_enumerable, NULL},
    {"lastError", NULL, last_error, NULL, NULL, NULL, napi_enumerable, NULL},
    {"versions", NULL, versions, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
