/*
 * Error capture: libxml2 and libxslt report through callbacks; the first real error of a call is
 * kept per thread so the caller can say why a call failed.
 */
#include "sx.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxslt/xsltutils.h>

#define SX_ERR_MAX 480

static _Thread_local char err_text[SX_ERR_MAX];
static _Thread_local int err_set;
/* The error is one of our refusals (a load or read that policy forbids), not a library's. */
static _Thread_local int err_is_policy;
/* libxslt prints compile errors in fragments through its generic callback. */
static _Thread_local char generic_text[SX_ERR_MAX];
static _Thread_local size_t generic_len;

void sx_err_reset(void) {
  err_set = 0;
  err_is_policy = 0;
  err_text[0] = '\0';
  generic_len = 0;
  generic_text[0] = '\0';
}

int sx_err_isset(void) {
  return err_set;
}

const char *sx_err_text(void) {
  return err_set ? err_text : "unknown error";
}

/* Newlines and tabs become spaces, runs of spaces one, and the ends are trimmed. */
static void tidy(char *s) {
  char *w = s;
  int space = 1;
  for (const char *r = s; *r != '\0'; r++) {
    char c = (*r == '\n' || *r == '\r' || *r == '\t') ? ' ' : *r;
    if (c == ' ' && space) continue;
    space = c == ' ';
    *w++ = c;
  }
  while (w > s && w[-1] == ' ') w--;
  *w = '\0';
}

/* Keeps the first error of a call; `policy` marks a refusal of ours. */
static void set_error(int policy, const char *fmt, va_list ap) {
  if (err_set) return;
  vsnprintf(err_text, sizeof err_text, fmt, ap);
  tidy(err_text);
  err_set = 1;
  err_is_policy = policy;
}

void sx_err_set(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_error(0, fmt, ap);
  va_end(ap);
}

void sx_err_policy(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_error(1, fmt, ap);
  va_end(ap);
}

void sx_err_from_xml(const xmlError *e) {
  if (e == NULL || e->code == XML_ERR_OK) return;
  const char *msg = e->message != NULL ? e->message : "error";
  if (e->line > 0) sx_err_set("line %d: %s", e->line, msg);
  else sx_err_set("%s", msg);
}

void sx_err_take_generic(void) {
  if (generic_len == 0) return;
  tidy(generic_text);
  /* libxslt names the file: the main stylesheet's name is ours, not the user's. */
  static const char main_file[] = "file " SX_STYLESHEET_URL " ";
  char *noise = strstr(generic_text, main_file);
  if (noise != NULL) memmove(noise, noise + sizeof main_file - 1, strlen(noise + sizeof main_file - 1) + 1);
  /* A refusal of ours says it best; libxslt's report adds where. */
  const char *line = strstr(generic_text, "line ");
  if (err_set && err_is_policy) {
    if (line != NULL && strncmp(err_text, "line ", 5) != 0) {
      char earlier[SX_ERR_MAX];
      snprintf(earlier, sizeof earlier, "%s", err_text);
      int n = (int)strcspn(line, " ");
      n += (int)strcspn(line + n + 1, " ") + 1;
      /* Truncation is fine here: the line comes first. */
      if (snprintf(err_text, sizeof err_text, "%.*s: %s", n, line, earlier) < 0) err_text[0] = '\0';
    }
    return;
  }
  /* libxslt's own report says where (line, element); an XPath error before it only says what. */
  if (err_set && strstr(generic_text, err_text) == NULL) {
    char earlier[SX_ERR_MAX];
    snprintf(earlier, sizeof earlier, "%s", err_text);
    err_set = 0;
    sx_err_set("%s (%s)", generic_text, earlier);
  } else {
    sx_err_set("%s", generic_text);
  }
}

static void capture_structured(void *ctx, xmlErrorPtr e) {
  (void)ctx;
  if (e == NULL || e->level == XML_ERR_WARNING) return;
  sx_err_from_xml(e);
}

static void capture_generic(void *ctx, const char *fmt, ...) {
  (void)ctx;
  if (generic_len >= sizeof generic_text - 1) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(generic_text + generic_len, sizeof generic_text - generic_len, fmt, ap);
  va_end(ap);
  if (n > 0) generic_len += (size_t)n;
  if (generic_len > sizeof generic_text - 1) generic_len = sizeof generic_text - 1;
}

void sx_errors_install_thread(void) {
  xmlSetStructuredErrorFunc(NULL, capture_structured);
  xmlSetGenericErrorFunc(NULL, capture_generic);
}

/* libxslt's generic error function is process-wide; the buffer it fills is per thread. */
void sx_errors_install_global(void) {
  xsltSetGenericErrorFunc(NULL, capture_generic);
}

void sx_buf_append(sx_buf *b, const char *data, size_t len) {
  if (b->failed) return;
  if (b->len + len + 1 > b->cap) {
    size_t cap = b->cap == 0 ? 256 : b->cap;
    while (cap < b->len + len + 1) cap *= 2;
    char *grown = realloc(b->data, cap);
    if (grown == NULL) {
      b->failed = 1;
      return;
    }
    b->data = grown;
    b->cap = cap;
  }
  memcpy(b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = '\0';
}

void sx_buf_free(sx_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}
