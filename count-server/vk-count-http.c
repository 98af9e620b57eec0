/* vk-count-http.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <libsoup/soup.h>
#include <string.h>

#include "vk-body-budget.h"
#include "vk-count-http.h"
#include "vk-error.h"
#include "vk-file.h"
#include "vk-http-body.h"
#include "vk-http-listen.h"
#include "vk-http-reach.h"
#include "vk-http-reply.h"
#include "vk-http-sig.h"
#include "vk-net.h"

struct _VkCountHttp
{
  VkCount *count; /* borrowed */
  SoupServer *server;
  char *url;
  char *fingerprint;
  gsize max_body;
  guint max_in_flight;
  guint in_flight;      /* requests handed to a worker and not yet answered */
  VkBodyBudget *bodies; /* every body held, in a VkBodyBuffer or a Request */
  VkHttpLimits limits;
  GCancellable *alive; /* cancelled when freed */
  VkHttpVerifier *verifier;
  char *valgdk_dir;              /* the valg.dk delivery folder served at /v1/valgdk, or NULL */
  VkCountStoredFunc stored_func; /* called on a worker thread after a batch stored entries */
  gpointer stored_data;
};

/* What a worker thread hands back to the main context. */
typedef struct
{
  guint status;
  char *content_type;
  GBytes *body;
} Reply;

static void
reply_free (Reply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->content_type);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

typedef enum
{
  OP_INGEST,
  OP_JOURNAL,
  OP_STATUS,
  OP_DISCREPANCIES,
  OP_RESULTS,
  OP_MANDATES,
} Op;

/* A request handed to a worker thread: everything it needs is copied
 * here, because SoupServerMessage must only be touched on its own
 * thread. */
typedef struct
{
  VkCount *count;
  VkCountHttp *http;   /* only for the main context's bookkeeping, */
  GCancellable *alive; /* and only while this is not cancelled */
  Op op;
  GBytes *body;
  char *source;
  char *device;
  guint64 after;
  VkResultKind kind;
  char *contest;                 /* ?contest= (NULL: the primary) */
  const VkDevice *reader;        /* who signed the request (NULL: nobody); borrowed from the package */
  VkCountStoredFunc stored_func; /* copied at dispatch: the worker never reads VkCountHttp */
  gpointer stored_data;
} Request;

static void
request_free (Request *request)
{
  g_clear_pointer (&request->body, g_bytes_unref);
  g_clear_object (&request->alive);
  g_free (request->source);
  g_free (request->device);
  g_free (request->contest);
  g_free (request);
}

/* Replies. */

static Reply *
reply_json_node (guint status, JsonNode *node)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  Reply *reply = g_new0 (Reply, 1);
  char *text;
  gsize len;

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, &len);
  reply->status = status;
  reply->content_type = g_strdup ("application/json");
  reply->body = g_bytes_new_take (text, len);
  return reply;
}

static Reply *
reply_json_text (guint status, char *text)
{
  Reply *reply = g_new0 (Reply, 1);

  reply->status = status;
  reply->content_type = g_strdup ("application/json");
  reply->body = g_bytes_new_take (text, strlen (text));
  return reply;
}

static Reply *
reply_error (guint status, const char *code, const char *message)
{
  g_autoptr (JsonNode) root = vk_http_error_json (code, message);

  return reply_json_node (status, root);
}

/* The HTTP status and the stable error code for an engine error. */
static Reply *
reply_from_error (const GError *error)
{
  const char *code;
  guint status = vk_net_http_status_for_error (error, &code);

  return reply_error (status, code, error->message);
}

/* JSON of results. */

static void
add_uint (JsonBuilder *builder, const char *name, guint64 value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, (gint64)MIN (value, (guint64)G_MAXINT64));
}

static void
build_area_result (JsonBuilder *builder, const VkAreaResult *r)
{
  json_builder_begin_object (builder);
  add_uint (builder, "area", r->area_number);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, r->area_name != NULL ? r->area_name : "");
  add_uint (builder, "eligible", r->eligible);
  add_uint (builder, "cast", r->cast);
  add_uint (builder, "valid", r->valid);
  add_uint (builder, "blank_in_person", r->blank_in_person);
  add_uint (builder, "blank_postal", r->blank_postal);
  add_uint (builder, "other_invalid", r->other_invalid);
  json_builder_set_member_name (builder, "lists");
  json_builder_begin_array (builder);
  for (guint i = 0; r->lists != NULL && i < r->lists->len; i++)
    {
      const VkListResult *l = g_ptr_array_index (r->lists, i);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, l->list_id);
      add_uint (builder, "votes", l->votes);
      if (l->has_list_votes)
        add_uint (builder, "list_votes", l->list_votes);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (r->has_candidate_votes && r->candidate_votes != NULL)
    {
      g_autoptr (GList) ids = g_list_sort (g_hash_table_get_keys (r->candidate_votes), (GCompareFunc)strcmp);

      json_builder_set_member_name (builder, "candidates");
      json_builder_begin_object (builder);
      for (GList *l = ids; l != NULL; l = l->next)
        add_uint (builder, l->data, *(guint64 *)g_hash_table_lookup (r->candidate_votes, l->data));
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "invalid");
  json_builder_begin_object (builder);
  for (guint i = 0; r->invalid_reasons != NULL && i < r->invalid_reasons->len; i++)
    {
      const VkInvalidReason *reason = &g_array_index (r->invalid_reasons, VkInvalidReason, i);
      g_autofree char *code = g_strdup_printf ("%u", reason->code);
      add_uint (builder, code, reason->count);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

/* The worker. */

static Reply *
run_ingest (Request *request)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkCountReceipt) receipt = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *head_hex = NULL;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (request->body, &len);

  gboolean ok = vk_count_ingest (request->count, data, len, request->source, &receipt, &error);

  /* Ingest keeps copies of what it stores: the body, and its share of the
   * body budget, go now rather than when the answer has been sent. */
  g_clear_pointer (&request->body, g_bytes_unref);
  if (!ok)
    return reply_from_error (error);
  /* The batch is committed: whoever watches for new entries (the valg.dk
   * delivery) is told now, and must return at once. */
  if (receipt->stored > 0 && request->stored_func != NULL)
    request->stored_func (receipt->device_id, request->stored_data);

  head_hex = vk_hex_encode (receipt->head, VK_HASH_BYTES);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "device");
  json_builder_add_string_value (builder, receipt->device_id);
  add_uint (builder, "seq", receipt->seq);
  json_builder_set_member_name (builder, "head");
  json_builder_add_string_value (builder, head_hex);
  add_uint (builder, "stored", receipt->stored);
  add_uint (builder, "held", receipt->held);
  add_uint (builder, "server_seq", receipt->server_seq);
  json_builder_set_member_name (builder, "receipt");
  if (receipt->cose != NULL)
    {
      g_autofree char *b64 = g_base64_encode (g_bytes_get_data (receipt->cose, NULL), g_bytes_get_size (receipt->cose));
      json_builder_add_string_value (builder, b64);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return reply_json_node (SOUP_STATUS_OK, root);
}

static Reply *
run_journal (Request *request)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = vk_count_dup_journal_bytes (request->count, request->device, request->after, &error);
  Reply *reply;

  if (bytes == NULL)
    return reply_from_error (error);
  reply = g_new0 (Reply, 1);
  reply->status = SOUP_STATUS_OK;
  reply->content_type = g_strdup ("application/cbor-seq");
  reply->body = g_steal_pointer (&bytes);
  return reply;
}

static Reply *
run_discrepancies (Request *request)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) findings = vk_count_discrepancies (request->count, NULL, &error);
  GString *out;
  gint worst;

  if (findings == NULL)
    return reply_from_error (error);
  worst = vk_findings_worst (findings);
  out = g_string_new ("{\n  \"worst\": ");
  if (worst < 0)
    g_string_append (out, "null");
  else
    g_string_append_printf (out, "\"%s\"", vk_severity_to_string ((VkSeverity)worst));
  g_string_append_printf (out, ",\n  \"count\": %u,\n  \"findings\": [", findings->len);
  for (guint i = 0; i < findings->len; i++)
    {
      g_autofree char *json = vk_finding_to_json (g_ptr_array_index (findings, i));
      g_string_append (out, i == 0 ? "\n    " : ",\n    ");
      g_string_append (out, json);
    }
  g_string_append (out, findings->len > 0 ? "\n  ]\n}\n" : "]\n}\n");
  return reply_json_text (SOUP_STATUS_OK, g_string_free (out, FALSE));
}

/* Results and mandates: public once the valgbestyrelse has published
 * that contest's result of that kind (`result.published`), before that
 * only to the count server and a revisor. */
static Reply *
check_published (Request *request)
{
  gboolean published = vk_count_is_published (request->count, request->contest, request->kind);

  if (vk_http_reach_allows (request->reader, VK_REACH_RESULTS, NULL, published))
    return NULL;
  return reply_error (SOUP_STATUS_FORBIDDEN, "not-published",
                      "this result is not published yet: the valgbestyrelse publishes it (valgkit publish)");
}

static Reply *
run_results (Request *request)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (VkResults) results = vk_count_results (request->count, request->contest, request->kind, &error);

  if (results == NULL)
    return reply_from_error (error);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "contest");
  json_builder_add_string_value (builder, vk_election_contest_id (vk_election_get_contest (
                                              vk_count_get_election (request->count), request->contest)));
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, vk_result_kind_to_string (request->kind));
  json_builder_set_member_name (builder, "areas");
  json_builder_begin_array (builder);
  for (guint i = 0; results->areas != NULL && i < results->areas->len; i++)
    build_area_result (builder, g_ptr_array_index (results->areas, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "total");
  if (results->total != NULL)
    build_area_result (builder, results->total);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return reply_json_node (SOUP_STATUS_OK, root);
}

static Reply *
run_mandates (Request *request)
{
  g_autoptr (GError) error = NULL;
  VkTie *tie = NULL;
  VkSeatAllocation *allocation
      = vk_count_mandates (request->count, request->contest, request->kind, NULL, &tie, &error);
  char *json;

  if (allocation == NULL)
    {
      g_clear_pointer (&tie, vk_tie_free);
      return reply_from_error (error);
    }
  json = vk_seat_allocation_to_json (allocation);
  vk_seat_allocation_free (allocation);
  return reply_json_text (SOUP_STATUS_OK, json);
}

static void
request_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Request *request = task_data;
  Reply *reply = NULL;

  switch (request->op)
    {
      case OP_INGEST:
        reply = run_ingest (request);
        break;
      case OP_JOURNAL:
        reply = run_journal (request);
        break;
      case OP_STATUS:
        {
          g_autoptr (JsonNode) node = vk_count_status (request->count);
          reply = node != NULL ? reply_json_node (SOUP_STATUS_OK, node)
                               : reply_error (SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", "status unavailable");
        }
        break;
      case OP_DISCREPANCIES:
        reply = run_discrepancies (request);
        break;
      case OP_RESULTS:
        reply = check_published (request);
        if (reply == NULL)
          reply = run_results (request);
        break;
      case OP_MANDATES:
        reply = check_published (request);
        if (reply == NULL)
          reply = run_mandates (request);
        break;
      default:
        g_assert_not_reached ();
    }
  /* What the answer says was read under the engine's lock, perhaps from a
   * commit that is not flushed yet (vk-count-durable.c): it leaves only
   * once that is on disk.  A receipt is there already (vk_count_ingest()). */
  {
    g_autoptr (GError) error = NULL;

    if (!vk_count_sync (request->count, &error))
      {
        reply_free (reply);
        reply = reply_from_error (error);
      }
  }
  g_task_return_pointer (task, reply, (GDestroyNotify)reply_free);
}

static void
send_reply (SoupServerMessage *msg, Reply *reply)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (reply->body, &len);

  soup_server_message_set_status (msg, reply->status, NULL);
  soup_server_message_set_response (msg, reply->content_type, SOUP_MEMORY_COPY, data, len);
}

static void
request_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (SoupServerMessage) msg = user_data;
  g_autoptr (Reply) reply = g_task_propagate_pointer (G_TASK (result), NULL);
  Request *request = g_task_get_task_data (G_TASK (result));

  /* Every dispatched request comes back here exactly once, also when its
   * client has gone: the one place the count falls. */
  if (g_cancellable_is_cancelled (request->alive))
    return; /* the server is gone */
  if (request->http->in_flight > 0)
    request->http->in_flight--;
  if (reply == NULL)
    reply = reply_error (SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", "the request failed");
  send_reply (msg, reply);
  soup_server_message_unpause (msg);
}

static void
dispatch (VkCountHttp *self, SoupServerMessage *msg, Request *request)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, request_done_cb, g_object_ref (msg));

  request->count = self->count;
  request->http = self;
  request->alive = g_object_ref (self->alive);
  request->stored_func = self->stored_func;
  request->stored_data = self->stored_data;
  self->in_flight++;
  g_task_set_task_data (task, request, (GDestroyNotify)request_free);
  soup_server_message_pause (msg);
  g_task_run_in_thread (task, request_thread);
}

static void
send_error (SoupServerMessage *msg, guint status, const char *code, const char *message)
{
  g_autoptr (Reply) reply = reply_error (status, code, message);

  send_reply (msg, reply);
}

/* Request bodies: collected into a VkBodyBuffer, bounded by max_body
 * each and by the body budget all together (vk-http-body.h). */
static VkHttpBodyLimits
body_limits (VkCountHttp *self)
{
  VkHttpBodyLimits limits = { self->bodies, self->max_body, "the server", send_error };

  return limits;
}

static void
early_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  VkCountHttp *self = user_data;
  VkHttpBodyLimits limits = body_limits (self);

  /* Not even a refused request's body is kept by libsoup. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  if (self->in_flight >= self->max_in_flight)
    {
      g_autofree char *message = g_strdup_printf (
          "the server is handling %u requests, the most it takes at once; try again shortly", self->max_in_flight);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "1");
      send_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", message);
      return;
    }
  (void)vk_http_body_begin (msg, &limits);
}

static gboolean
parse_uint (const char *text, guint64 *ret_value)
{
  char *end = NULL;
  guint64 value;

  if (text == NULL || !g_ascii_isdigit (*text))
    return FALSE;
  errno = 0;
  value = g_ascii_strtoull (text, &end, 10);
  if (errno != 0 || end == NULL || *end != '\0')
    return FALSE;
  *ret_value = value;
  return TRUE;
}

static gboolean
parse_kind (GHashTable *query, gboolean required, VkResultKind *ret_kind)
{
  const char *kind = query != NULL ? g_hash_table_lookup (query, "kind") : NULL;

  if (kind == NULL)
    {
      *ret_kind = VK_RESULT_FINTAELLING;
      return !required;
    }
  return vk_result_kind_from_string (kind, ret_kind);
}

static void
handle_ingest (VkCountHttp *self, SoupServerMessage *msg, VkBodyBuffer *body)
{
  VkHttpBodyLimits limits = body_limits (self);
  GBytes *bytes = vk_http_body_take_journal_batch (msg, &limits, body);
  Request *request;

  const VkDevice *reader = NULL;
  g_autofree char *reason = NULL;

  if (bytes == NULL)
    return;
  /* Each entry is signed and verified: a batch needs no signature of its
   * own, but one that is sent must hold. */
  if (vk_http_verifier_check (self->verifier, msg, bytes, &reader, &reason) == VK_HTTP_SIG_INVALID)
    {
      g_bytes_unref (bytes);
      vk_http_sig_refuse (msg, SOUP_STATUS_UNAUTHORIZED, "unauthenticated", reason);
      return;
    }
  request = g_new0 (Request, 1);
  request->op = OP_INGEST;
  request->body = bytes;
  request->source = g_strdup_printf ("POST from %s", soup_server_message_get_remote_host (msg) != NULL
                                                         ? soup_server_message_get_remote_host (msg)
                                                         : "an unknown address");
  dispatch (self, msg, request);
}

/* The signature of a request without a body, and whether its signer
 * (or the public) may read resource: FALSE after answering 401 or 403. */
static gboolean
authorize (VkCountHttp *self, SoupServerMessage *msg, VkReachResource resource, const VkDevice *target,
           const VkDevice **ret_reader)
{
  return vk_http_authorize (self->verifier, msg, NULL, resource, target, ret_reader);
}

static void
handle_journal (VkCountHttp *self, SoupServerMessage *msg, const char *device_part, GHashTable *query)
{
  g_autofree char *device = g_uri_unescape_string (device_part, NULL);
  const char *after = query != NULL ? g_hash_table_lookup (query, "after") : NULL;
  guint64 after_seq = 0;
  const VkDevice *reader = NULL;
  Request *request;

  if (device == NULL || *device == '\0' || strchr (device, '/') != NULL || !g_utf8_validate (device, -1, NULL))
    {
      send_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", "the path must be /v1/journals/{device}");
      return;
    }
  if (after != NULL && !parse_uint (after, &after_seq))
    {
      g_autofree char *message = g_strdup_printf ("after=%s is not a sequence number", after);
      send_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", message);
      return;
    }
  if (!authorize (self, msg, VK_REACH_JOURNAL, vk_package_lookup_device (vk_count_get_package (self->count), device),
                  &reader))
    return;
  request = g_new0 (Request, 1);
  request->reader = reader;
  request->op = OP_JOURNAL;
  request->device = g_steal_pointer (&device);
  request->after = after_seq;
  dispatch (self, msg, request);
}

/* A path inside the delivery folder as valgkit writes it: at most three
 * parts, each a plain name ([A-Za-z0-9] then [A-Za-z0-9._-]), ending in
 * ".json".  Nothing else is looked up: no "..", no hidden file, no
 * ".partial". */
static gboolean
valgdk_path_ok (const char *rel)
{
  g_auto (GStrv) parts = NULL;
  guint n;

  if (*rel == '\0' || strlen (rel) > 200 || !g_str_has_suffix (rel, ".json"))
    return FALSE;
  parts = g_strsplit (rel, "/", -1);
  n = g_strv_length (parts);
  if (n > 3)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      const char *p = parts[i];
      if (!g_ascii_isalnum (p[0]))
        return FALSE;
      for (const char *c = p; *c != '\0'; c++)
        if (!g_ascii_isalnum (*c) && *c != '.' && *c != '_' && *c != '-')
          return FALSE;
    }
  return TRUE;
}

/* The folder's listing: {"files": ["KV/fintaelling/165-001.v1.json", …]}. */
static void
valgdk_list (GPtrArray *out, const char *dir, const char *rel, guint depth)
{
  g_autoptr (GDir) d = depth < 3 ? g_dir_open (dir, 0, NULL) : NULL;
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL && out->len < 100000)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *sub = rel != NULL ? g_strconcat (rel, "/", name, NULL) : g_strdup (name);

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        valgdk_list (out, path, sub, depth + 1);
      else if (valgdk_path_ok (sub))
        g_ptr_array_add (out, g_steal_pointer (&sub));
    }
}

static int
cmp_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* GET /v1/valgdk and /v1/valgdk/<path>: the valg.dk delivery folder, for
 * the collector (and the server and a revisor) only, published or not:
 * what is in it is what valg.dk is to receive (docs/api.md). */
static void
handle_valgdk (VkCountHttp *self, SoupServerMessage *msg, const char *rel)
{
  const VkDevice *reader = NULL;

  if (!authorize (self, msg, VK_REACH_VALGDK, NULL, &reader))
    return;
  if (self->valgdk_dir == NULL)
    {
      send_error (msg, SOUP_STATUS_NOT_FOUND, "not-found",
                  "this server has no valg.dk delivery folder (serve --valgdk)");
      return;
    }
  if (rel == NULL)
    {
      g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autoptr (Reply) reply = NULL;

      valgdk_list (files, self->valgdk_dir, NULL, 0);
      g_ptr_array_sort (files, cmp_names);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "files");
      json_builder_begin_array (b);
      for (guint i = 0; i < files->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (files, i));
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      reply = reply_json_node (SOUP_STATUS_OK, root);
      send_reply (msg, reply);
      return;
    }
  if (!valgdk_path_ok (rel))
    {
      send_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "no such file in the delivery folder");
      return;
    }
  {
    g_autofree char *path = g_build_filename (self->valgdk_dir, rel, NULL);
    g_autofree char *data = NULL;
    gsize len = 0;

    /* Regular files only (no symlink), bounded. */
    if (!vk_file_read_untrusted (path, VK_FILE_MAX_JSON_BYTES, &data, &len, NULL))
      {
        send_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "no such file in the delivery folder");
        return;
      }
    soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, data, len);
  }
}

static void
handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  VkCountHttp *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  gboolean is_get = method == SOUP_METHOD_GET;
  /* Whatever the request, its body is not held past this handler except
   * by an ingest Request. */
  g_autoptr (VkBodyBuffer) body = vk_http_body_steal (msg);
  Request *request;

  if (strcmp (path, "/v1/journals") == 0)
    {
      if (method != SOUP_METHOD_POST)
        goto bad_method;
      handle_ingest (self, msg, body);
      return;
    }
  if (g_str_has_prefix (path, "/v1/journals/"))
    {
      if (!is_get)
        goto bad_method;
      handle_journal (self, msg, path + strlen ("/v1/journals/"), query);
      return;
    }

  if (strcmp (path, "/v1/valgdk") == 0 || g_str_has_prefix (path, "/v1/valgdk/"))
    {
      if (!is_get)
        goto bad_method;
      handle_valgdk (self, msg, path[strlen ("/v1/valgdk")] == '/' ? path + strlen ("/v1/valgdk/") : NULL);
      return;
    }

  request = g_new0 (Request, 1);
  if (strcmp (path, "/v1/status") == 0)
    request->op = OP_STATUS;
  else if (strcmp (path, "/v1/discrepancies") == 0)
    request->op = OP_DISCREPANCIES;
  else if (strcmp (path, "/v1/results") == 0 || strcmp (path, "/v1/mandates") == 0)
    {
      request->op = strcmp (path, "/v1/results") == 0 ? OP_RESULTS : OP_MANDATES;
      const char *contest = query != NULL ? g_hash_table_lookup (query, "contest") : NULL;

      if (!parse_kind (query, request->op == OP_RESULTS, &request->kind))
        {
          request_free (request);
          send_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", "kind must be foreloebig or fintaelling");
          return;
        }
      if (contest != NULL && vk_election_get_contest (vk_count_get_election (self->count), contest) == NULL)
        {
          request_free (request);
          send_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", "contest is not a contest of this election");
          return;
        }
      request->contest = g_strdup (contest);
    }
  else
    {
      g_autofree char *message = g_strdup_printf ("no such resource: %s (see docs/api.md)", path);
      request_free (request);
      send_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", message);
      return;
    }
  if (!is_get)
    {
      request_free (request);
      goto bad_method;
    }
  if (!authorize (self, msg,
                  request->op == OP_STATUS          ? VK_REACH_STATUS
                  : request->op == OP_DISCREPANCIES ? VK_REACH_DISCREPANCIES
                                                    : VK_REACH_RESULTS,
                  NULL, &request->reader))
    {
      request_free (request);
      return;
    }
  dispatch (self, msg, request);
  return;

bad_method:
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                strcmp (path, "/v1/journals") == 0 ? "POST" : "GET");
  send_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed", "method not allowed here (see docs/api.md)");
}

/* Public API. */

VkCountHttp *
vk_count_http_new (VkCount *count)
{
  VkCountHttp *self;

  g_return_val_if_fail (count != NULL, NULL);

  self = g_new0 (VkCountHttp, 1);
  self->count = count;
  self->max_body = VK_COUNT_HTTP_MAX_BODY;
  self->max_in_flight = VK_COUNT_HTTP_MAX_IN_FLIGHT;
  self->bodies = vk_body_budget_new (VK_COUNT_HTTP_BODY_BUDGET);
  self->alive = g_cancellable_new ();
  self->verifier = vk_http_verifier_new (vk_count_get_package (count));
  return self;
}

void
vk_count_http_free (VkCountHttp *self)
{
  if (self == NULL)
    return;
  g_cancellable_cancel (self->alive);
  g_clear_object (&self->alive);
  if (self->server != NULL)
    {
      vk_http_unlisten (self->server);
      g_clear_object (&self->server);
    }
  g_clear_pointer (&self->bodies, vk_body_budget_unref);
  g_clear_pointer (&self->verifier, vk_http_verifier_free);
  g_free (self->url);
  g_free (self->fingerprint);
  g_free (self->valgdk_dir);
  g_free (self);
}

void
vk_count_http_set_valgdk_dir (VkCountHttp *self, const char *dir)
{
  g_return_if_fail (self != NULL);
  g_free (self->valgdk_dir);
  self->valgdk_dir = g_strdup (dir);
}

void
vk_count_http_set_stored_func (VkCountHttp *self, VkCountStoredFunc func, gpointer user_data)
{
  g_return_if_fail (self != NULL);
  self->stored_func = func;
  self->stored_data = user_data;
}

void
vk_count_http_set_limits (VkCountHttp *self, gsize max_body, guint max_in_flight)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (max_body > 0 && max_in_flight > 0);

  self->max_body = max_body;
  self->max_in_flight = max_in_flight;
}

void
vk_count_http_set_body_budget (VkCountHttp *self, gsize bytes)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (bytes > 0);

  vk_body_budget_set_limit (self->bodies, bytes);
}

gsize
vk_count_http_get_body_memory (VkCountHttp *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return vk_body_budget_get_used (self->bodies);
}

void
vk_count_http_set_connection_limits (VkCountHttp *self, const VkHttpLimits *limits)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->server == NULL);

  self->limits = limits != NULL ? *limits : (VkHttpLimits){ 0 };
}

gboolean
vk_count_http_listen (VkCountHttp *self, const char *host_port, const char *tls_cert, const char *tls_key,
                      GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (host_port != NULL, FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  self->server = vk_http_listen (host_port, tls_cert, tls_key, &self->limits, early_handler, handler, self, &self->url,
                                 &self->fingerprint, error);
  return self->server != NULL;
}

const char *
vk_count_http_get_url (VkCountHttp *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->url;
}

const char *
vk_count_http_get_tls_fingerprint (VkCountHttp *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->fingerprint;
}

guint
vk_count_http_get_in_flight (VkCountHttp *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->in_flight;
}

void
vk_count_http_get_counters (VkCountHttp *self, VkHttpCounters *ret_counters)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (ret_counters != NULL);

  if (self->server == NULL)
    *ret_counters = (VkHttpCounters){ 0 };
  else
    vk_http_get_counters (self->server, ret_counters);
}
