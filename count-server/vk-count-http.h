/* vk-count-http.h: the count server's HTTP(S) API over the count engine.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A VkCountHttp serves a VkCount with libsoup 3 on the thread-default
 * main context of the thread that calls vk_count_http_listen().  The API
 * is documented in docs/api.md:
 *
 *   POST /v1/journals                     application/cbor-seq → signed receipt (JSON)
 *   GET  /v1/journals/{device}?after=SEQ  → application/cbor-seq
 *   GET  /v1/status                       → JSON
 *   GET  /v1/discrepancies                → JSON
 *   GET  /v1/results?kind=foreloebig|fintaelling → JSON
 *   GET  /v1/mandates?kind=…              → JSON (valg.dk mandatfordeling shape)
 *
 * Errors are JSON {"error": "…", "code": "…"} with a 4xx/5xx status.
 * Engine calls run in worker threads (the engine is thread-safe) while
 * the message is paused, so that a slow ingest never stalls other
 * clients' I/O.  Request bodies and the number of requests in flight are
 * bounded; connections are capped (in total and per client address) and
 * have deadlines (vk-http-listen.h).  Plain HTTP is served only on
 * loopback (vk-net.h).
 */
#pragma once

#include <glib.h>

#include "vk-count.h"
#include "vk-http-listen.h"

G_BEGIN_DECLS

/* Defaults for the bounds. */
#define VK_COUNT_HTTP_MAX_BODY (64u * 1024 * 1024)
#define VK_COUNT_HTTP_MAX_IN_FLIGHT 256u
/* All request bodies held at once, arriving, waiting or being processed. */
#define VK_COUNT_HTTP_BODY_BUDGET (192u * 1024 * 1024)

typedef struct _VkCountHttp VkCountHttp;

/* count is borrowed and must outlive the server. */
VkCountHttp *vk_count_http_new (VkCount *count) G_GNUC_WARN_UNUSED_RESULT;
void vk_count_http_free (VkCountHttp *self);

/* Bounds: the largest request body accepted (413 above it) and the most
 * requests handed to the engine at once (503 "busy" above it).  Set
 * before listening. */
void vk_count_http_set_limits (VkCountHttp *self, gsize max_body, guint max_in_flight);
/* Connection caps and deadlines (NULL or 0 members: the defaults of
 * vk-http-listen.h).  Set before listening. */
/* The most bytes of request bodies held at once: a body's Content-Length
 * is reserved when its headers arrive (503 "busy" with Retry-After when it
 * does not fit, before the body is read), a chunked body's bytes as they
 * arrive; a reservation is released when the body is dropped.  May be
 * set at any time. */
void vk_count_http_set_body_budget (VkCountHttp *self, gsize bytes);
/* The bytes reserved now (for tests). */
gsize vk_count_http_get_body_memory (VkCountHttp *self);
void vk_count_http_set_connection_limits (VkCountHttp *self, const VkHttpLimits *limits);

/* Listens on host_port ("127.0.0.1:0" picks a free port).  With tls_cert
 * and tls_key (PEM files) it serves HTTPS; without, only on a loopback
 * address (VK_ERROR_INVALID otherwise, naming the address). */
gboolean vk_count_http_listen (VkCountHttp *self, const char *host_port, const char *tls_cert, const char *tls_key,
                               GError **error);
/* The base URL after listening ("http://127.0.0.1:40123"), or NULL. */
const char *vk_count_http_get_url (VkCountHttp *self);
/* SHA-256 fingerprint (hex) of the TLS certificate, or NULL for plain HTTP. */
const char *vk_count_http_get_tls_fingerprint (VkCountHttp *self);
/* Requests being handled by the engine now (for tests of the bounds). */
guint vk_count_http_get_in_flight (VkCountHttp *self);
/* Open connections, and those refused or timed out so far. */
void vk_count_http_get_counters (VkCountHttp *self, VkHttpCounters *ret_counters);

/* Serves dir, the valg.dk delivery folder (vk_count_report_valgdk()), at
 * GET /v1/valgdk (the list of files) and /v1/valgdk/<path> (a file) to
 * the roles collector, revisor and server only.  NULL: none (404). */
void vk_count_http_set_valgdk_dir (VkCountHttp *self, const char *dir);

/* Called on a request's worker thread after an accepted batch stored new
 * entries (committed: synchronous=FULL), before the answer is sent; it
 * must return at once (the valg.dk delivery only sets a flag:
 * vk_valgdk_delivery_poke()).  device_id is the batch's device. */
typedef void (*VkCountStoredFunc) (const char *device_id, gpointer user_data);
void vk_count_http_set_stored_func (VkCountHttp *self, VkCountStoredFunc func, gpointer user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkCountHttp, vk_count_http_free)

G_END_DECLS
