/*
 * Sluice's XML addon: the parts shared by its C files. Every entry point runs on one thread at a
 * time per thread (the main thread or a worker), so per-call state is thread-local.
 */
#ifndef SLUICE_XML_SX_H
#define SLUICE_XML_SX_H

#include <stddef.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/security.h>

/* Parse options for untrusted bodies: no network, no messages on stderr, nothing else. */
#define SX_BODY_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
/* Parse options for stylesheets and DTD-free configuration documents (trusted text, still no I/O). */
#define SX_CONFIG_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOENT | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

/* The URL a stylesheet compiled from memory is given (errors then carry lines). */
#define SX_STYLESHEET_URL "stylesheet"

/* Result codes of the operations below. */
#define SX_ERROR (-1)

/* One file of the configuration catalog that an include or import may name. */
typedef struct {
  const char *name;
  const char *data;
  size_t len;
} sx_entry;

typedef struct {
  sx_entry *entries;
  size_t count;
} sx_catalog;

/* Once per process: libxml2 and libxslt settings that make every load go through us. */
void sx_global_init(void);
/* Once per thread: error capture and line numbers (libxml2 keeps these per thread). */
void sx_thread_init(void);

/* The security preferences every transform runs under. */
xsltSecurityPrefsPtr sx_security_prefs(void);

/* The catalog that includes and imports may read while a stylesheet or schema compiles. */
void sx_catalog_activate(const sx_catalog *catalog);
void sx_catalog_deactivate(void);

/* The first error of the current call, as "line L: message" when the line is known. */
void sx_err_reset(void);
void sx_err_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, for a refusal of ours (it wins over the library's own report of it). */
void sx_err_policy(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sx_err_from_xml(const xmlError *e);
int sx_err_isset(void);
const char *sx_err_text(void);
/* Text that libxslt printed (it reports compile errors as formatted fragments). */
void sx_err_take_generic(void);

/* Point libxml2 (per thread) and libxslt (per process) error reports at the capture above. */
void sx_errors_install_thread(void);
void sx_errors_install_global(void);

/* Parses an untrusted message body; NULL (with the error set) when it is malformed or hostile. */
xmlDocPtr sx_parse_body(const char *buf, size_t len);

/* A growable byte buffer for results. */
typedef struct {
  char *data;
  size_t len;
  size_t cap;
  int failed;
} sx_buf;

void sx_buf_append(sx_buf *b, const char *data, size_t len);
void sx_buf_free(sx_buf *b);

/* The operations (xpath.c, xslt.c, validate.c). Each parses the body itself and frees it. */
/* 1 when the expression compiles (prefixes are bound only when it runs), else 0. */
int sx_xpath_check(const char *expr);
long sx_xpath_count(const char *doc, size_t len, char *nsmap, const char *expr, unsigned long op_limit);
int sx_xpath_nodeset(const char *doc, size_t len, char *nsmap, const char *expr, unsigned long op_limit, sx_buf *out);
xsltStylesheetPtr sx_xslt_compile(const char *text, size_t len, const sx_catalog *catalog);
void sx_xslt_free(xsltStylesheetPtr style);
int sx_xslt_transform(xsltStylesheetPtr style, const char *doc, size_t len, unsigned long op_limit, sx_buf *out);
xmlSchemaPtr sx_xsd_compile(const char *text, size_t len, const sx_catalog *catalog);
void sx_xsd_free(xmlSchemaPtr schema);
int sx_xsd_validate(xmlSchemaPtr schema, const char *doc, size_t len);
xmlDtdPtr sx_dtd_compile(const char *text, size_t len);
void sx_dtd_free(xmlDtdPtr dtd);
int sx_dtd_validate(xmlDtdPtr dtd, const char *doc, size_t len);

#endif
