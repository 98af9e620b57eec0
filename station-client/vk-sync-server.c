/* vk-sync-server.c: the station's peer server (VkSyncServer).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "vk-body-budget.h"
#include "vk-error.h"
#include "vk-http-body.h"
#include "vk-http-listen.h"
#include "vk-http-reach.h"
#include "vk-http-reply.h"
#include "vk-http-sig.h"
#include "vk-net.h"
#include "vk-sync-private.h"

/* What the worker threads share with the server: the database
 * connection, used by one request at a time. */
typedef struct
{
  GMutex lock;
  VkSync *sync;
} Core;

struct _VkSyncServer
{
  Core *core;
  SoupServer *server;
  char *url;
  VkSyncStoredFunc stored_func;
  gpointer stored_data;
  VkHttpLimits limits;
  gsize max_body;
  guint max_in_flight;
  guint in_flight;
  VkBodyBudget *bodies; /* every body held, in a VkBodyBuffer or a Job */
  /* Cancelled when the server is freed: answers that come back later are
   * dropped. */
  GCancellable *alive;
  VkHttpVerifier *verifier;
};

static void
core_clear (Core *core)
{
  g_mutex_clear (&core->lock);
  g_clear_pointer (&core->sync, vk_sync_free);
}

static void
core_unref (Core *core)
{
  g_atomic_rc_box_release_full (core, (GDestroyNotify)core_clear);
}

typedef enum
{
  JOB_HEADS,
  JOB_JOURNAL,
  JOB_POST,
} JobOp;

/* A request handled in a worker thread: parsing, verifying and storing a
 * batch (or reading journals) never runs on the UI thread.  Only the
 * main context touches msg and the server. */
typedef struct
{
  VkSyncServer *self; /* valid while alive is not cancelled */
  GCancellable *alive;
  Core *core;
  SoupServerMessage *msg;
  JobOp op;
  GBytes *body;
  char *device;
  guint64 after;
  const VkDevice *reader; /* who signed the request; borrowed from the package */
  /* The answer. */
  guint status;
  const char *content_type;
  GBytes *answer;
  char *stored_device;
  guint added;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->alive);
  g_clear_pointer (&job->core, core_unref);
  g_clear_object (&job->msg);
  g_clear_pointer (&job->body, g_bytes_unref);
  g_free (job->device);
  g_clear_pointer (&job->answer, g_bytes_unref);
  g_free (job->stored_device);
  g_free (job);
}

static void
job_answer_json (Job *job, guint status, JsonNode *root)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  gsize len = 0;
  char *text;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &len);
  job->status = status;
  job->content_type = "application/json";
  g_clear_pointer (&job->answer, g_bytes_unref);
  job->answer = g_bytes_new_take (text, len);
}

static void
job_answer_builder (Job *job, guint status, JsonBuilder *builder)
{
  g_autoptr (JsonNode) root = json_builder_get_root (builder);

  job_answer_json (job, status, root);
}

static void
job_answer_error (Job *job, guint status, const char *code, const char *message)
{
  g_autoptr (JsonNode) root = vk_http_error_json (code, message);

  job_answer_json (job, status, root);
}

static void
job_answer_gerror (Job *job, const GError *error)
{
  const char *code;
  guint status = vk_net_http_status_for_error (error, &code);

  job_answer_error (job, status, code, error->message);
}

static void
job_heads (Job *job, VkSync *sync)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) heads = vk_journal_dup_heads (sync->journal, &error);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *election_hex = NULL;

  if (heads == NULL)
    {
      job_answer_gerror (job, error);
      return;
    }
  election_hex = vk_hex_encode (vk_package_get_election_id (sync->package), VK_ELECTION_ID_BYTES);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "election");
  json_builder_add_string_value (builder, election_hex);
  json_builder_set_member_name (builder, "device");
  json_builder_add_string_value (builder, sync->device_id);
  json_builder_set_member_name (builder, "heads");
  json_builder_begin_array (builder);
  for (guint i = 0; i < heads->len; i++)
    {
      const VkJournalHead *h = g_ptr_array_index (heads, i);
      g_autofree char *hex = NULL;

      /* Only the heads of the journals the reader may pull. */
      if (!vk_http_reach_allows (job->reader, VK_REACH_JOURNAL, vk_package_lookup_device (sync->package, h->device_id),
                                 FALSE))
        continue;
      hex = vk_hex_encode (h->hash, VK_HASH_BYTES);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "device");
      json_builder_add_string_value (builder, h->device_id);
      json_builder_set_member_name (builder, "seq");
      json_builder_add_int_value (builder, (gint64)h->seq);
      json_builder_set_member_name (builder, "head");
      json_builder_add_string_value (builder, hex);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  job_answer_builder (job, SOUP_STATUS_OK, builder);
}

static void
server_reply_error (SoupServerMessage *msg, guint status, const char *code, const char *message)
{
  g_autoptr (JsonNode) root = vk_http_error_json (code, message);

  vk_http_reply_json (msg, status, root);
}

static void
job_journal (Job *job, VkSync *sync)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;

  if (vk_package_lookup_device (sync->package, job->device) == NULL)
    {
      g_autofree char *message = g_strdup_printf ("device %s is not enrolled in this election", job->device);
      job_answer_error (job, SOUP_STATUS_NOT_FOUND, "not-found", message);
      return;
    }
  entries = vk_journal_dup_device_entries (sync->journal, job->device, job->after, &error);
  if (entries == NULL)
    {
      job_answer_gerror (job, error);
      return;
    }
  job->status = SOUP_STATUS_OK;
  job->content_type = "application/cbor-seq";
  job->answer = vk_journal_serialize (entries);
}

static void
job_post (Job *job, VkSync *sync)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autofree char *hex = NULL;
  const VkEntry *first;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (job->body, &len);
  guint added = 0;

  entries = vk_journal_parse (data, len, "POST /v1/journals", &error);
  /* The entries are copies: the body, and its share of the body budget,
   * go now. */
  g_clear_pointer (&job->body, g_bytes_unref);
  if (entries == NULL)
    {
      job_answer_gerror (job, error);
      return;
    }
  first = g_ptr_array_index (entries, 0);
  if (strcmp (first->device_id, sync->device_id) == 0)
    {
      job_answer_error (job, SOUP_STATUS_CONFLICT, "own-journal",
                        "this node's own journal is written by this node only");
      return;
    }
  if (!vk_sync_store_foreign (sync, entries, &added, &error))
    {
      job_answer_gerror (job, error);
      return;
    }
  /* Answer with the head now held, which is what the sender's next
   * round would ask for anyway. */
  after = vk_journal_dup_device_entries (sync->journal, first->device_id, 0, &error);
  if (after == NULL)
    {
      job_answer_gerror (job, error);
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "device");
  json_builder_add_string_value (builder, first->device_id);
  json_builder_set_member_name (builder, "seq");
  json_builder_add_int_value (builder,
                              after->len > 0 ? (gint64)((VkEntry *)g_ptr_array_index (after, after->len - 1))->seq : 0);
  hex = vk_hex_encode (after->len > 0 ? ((VkEntry *)g_ptr_array_index (after, after->len - 1))->hash
                                      : (const guint8[VK_HASH_BYTES]){ 0 },
                       VK_HASH_BYTES);
  json_builder_set_member_name (builder, "head");
  json_builder_add_string_value (builder, hex);
  json_builder_set_member_name (builder, "stored");
  json_builder_add_int_value (builder, added);
  json_builder_end_object (builder);
  job_answer_builder (job, SOUP_STATUS_OK, builder);
  job->added = added;
  job->stored_device = g_strdup (first->device_id);
}

static void
job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;

  g_mutex_lock (&job->core->lock);
  switch (job->op)
    {
      case JOB_HEADS:
        job_heads (job, job->core->sync);
        break;
      case JOB_JOURNAL:
        job_journal (job, job->core->sync);
        break;
      case JOB_POST:
        job_post (job, job->core->sync);
        break;
      default:
        g_assert_not_reached ();
    }
  g_mutex_unlock (&job->core->lock);
  g_task_return_boolean (task, TRUE);
}

/* Back on the server's main context. */
static void
job_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job *job = g_task_get_task_data (G_TASK (result));
  VkSyncServer *self;
  gsize len = 0;
  const char *data;

  if (g_cancellable_is_cancelled (job->alive))
    return; /* the server is gone */
  self = job->self;
  if (self->in_flight > 0)
    self->in_flight--;
  if (job->answer == NULL)
    job_answer_error (job, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", "the request failed");
  data = g_bytes_get_data (job->answer, &len);
  soup_server_message_set_status (job->msg, job->status, NULL);
  soup_server_message_set_response (job->msg, job->content_type, SOUP_MEMORY_COPY, data, len);
  soup_server_message_unpause (job->msg);
  if (job->added > 0 && self->stored_func != NULL)
    self->stored_func (job->stored_device, job->added, self->stored_data);
}

static void
dispatch (VkSyncServer *self, SoupServerMessage *msg, Job *job)
{
  g_autoptr (GTask) task = NULL;

  if (self->in_flight >= self->max_in_flight)
    {
      g_autofree char *message = g_strdup_printf (
          "this table is handling %u requests, the most it takes at once; try again shortly", self->max_in_flight);
      job_free (job);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "1");
      server_reply_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", message);
      return;
    }
  job->self = self;
  job->alive = g_object_ref (self->alive);
  job->core = g_atomic_rc_box_acquire (self->core);
  job->msg = g_object_ref (msg);
  self->in_flight++;
  task = g_task_new (NULL, NULL, job_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify)job_free);
  soup_server_message_pause (msg);
  g_task_run_in_thread (task, job_thread);
}

/* The signature of a request, and whether its signer may read resource:
 * FALSE after answering 401 or 403. */
static gboolean
server_authorize (VkSyncServer *self, SoupServerMessage *msg, GBytes *body, VkReachResource resource,
                  const char *target, const VkDevice **ret_reader)
{
  return vk_http_authorize (self->verifier, msg, body, resource,
                            target != NULL ? vk_package_lookup_device (self->core->sync->package, target) : NULL,
                            ret_reader);
}

static void
server_journal (VkSyncServer *self, SoupServerMessage *msg, const char *device_part, GHashTable *query)
{
  g_autofree char *device = g_uri_unescape_string (device_part, NULL);
  const char *after = query != NULL ? g_hash_table_lookup (query, "after") : NULL;
  guint64 after_seq = 0;
  const VkDevice *reader = NULL;
  Job *job;

  if (device == NULL || *device == '\0' || strchr (device, '/') != NULL)
    {
      server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", "the path must be /v1/journals/{device}");
      return;
    }
  if (after != NULL)
    {
      char *end = NULL;
      errno = 0;
      after_seq = g_ascii_strtoull (after, &end, 10);
      if (!g_ascii_isdigit (*after) || errno != 0 || end == NULL || *end != '\0')
        {
          server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", "after= must be a sequence number");
          return;
        }
    }
  if (!server_authorize (self, msg, NULL, VK_REACH_JOURNAL, device, &reader))
    return;
  job = g_new0 (Job, 1);
  job->reader = reader;
  job->op = JOB_JOURNAL;
  job->device = g_steal_pointer (&device);
  job->after = after_seq;
  dispatch (self, msg, job);
}

/* Request bodies: collected into a VkBodyBuffer, bounded by max_body
 * each and by the body budget all together (vk-http-body.h). */
static VkHttpBodyLimits
body_limits (VkSyncServer *self)
{
  VkHttpBodyLimits limits = { self->bodies, self->max_body, "this table", server_reply_error };

  return limits;
}

static void
server_post (VkSyncServer *self, SoupServerMessage *msg, VkBodyBuffer *body)
{
  VkHttpBodyLimits limits = body_limits (self);
  GBytes *bytes = vk_http_body_take_journal_batch (msg, &limits, body);
  const VkDevice *reader = NULL;
  Job *job;

  if (bytes == NULL)
    return;
  /* Every entry is verified; a signature of the batch, when sent, must hold. */
  if (!server_authorize (self, msg, bytes, VK_REACH_POST_JOURNAL, NULL, &reader))
    {
      g_bytes_unref (bytes);
      return;
    }
  job = g_new0 (Job, 1);
  job->op = JOB_POST;
  job->body = bytes;
  dispatch (self, msg, job);
}

static void
server_early_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                      gpointer user_data)
{
  VkSyncServer *self = user_data;
  VkHttpBodyLimits limits = body_limits (self);

  (void)vk_http_body_begin (msg, &limits);
}

static void
server_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  VkSyncServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  /* No body is held past this handler except by a POST's Job. */
  g_autoptr (VkBodyBuffer) body = vk_http_body_steal (msg);

  if (strcmp (path, "/v1/heads") == 0 && method == SOUP_METHOD_GET)
    {
      const VkDevice *reader = NULL;
      Job *job;

      if (!server_authorize (self, msg, NULL, VK_REACH_HEADS, NULL, &reader))
        return;
      job = g_new0 (Job, 1);
      job->op = JOB_HEADS;
      job->reader = reader;
      dispatch (self, msg, job);
    }
  else if (strcmp (path, "/v1/journals") == 0 && method == SOUP_METHOD_POST)
    server_post (self, msg, body);
  else if (g_str_has_prefix (path, "/v1/journals/") && method == SOUP_METHOD_GET)
    server_journal (self, msg, path + strlen ("/v1/journals/"), query);
  else if (strcmp (path, "/v1/heads") == 0 || strcmp (path, "/v1/journals") == 0
           || g_str_has_prefix (path, "/v1/journals/"))
    server_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed", "method not allowed here");
  else
    server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "no such resource (see docs/api.md)");
}

VkSyncServer *
vk_sync_server_new (VkPackage *package, const char *db_path, const char *device_id, GError **error)
{
  g_autoptr (VkSyncServer) self = g_new0 (VkSyncServer, 1);
  VkSync *sync = vk_sync_new (package, db_path, device_id, error);

  if (sync == NULL)
    return NULL;
  self->core = g_atomic_rc_box_new0 (Core);
  g_mutex_init (&self->core->lock);
  self->core->sync = sync;
  self->alive = g_cancellable_new ();
  self->max_body = VK_SYNC_SERVER_MAX_BODY;
  self->max_in_flight = VK_SYNC_SERVER_MAX_IN_FLIGHT;
  self->bodies = vk_body_budget_new (VK_SYNC_SERVER_BODY_BUDGET);
  self->verifier = vk_http_verifier_new (package);
  return g_steal_pointer (&self);
}

void
vk_sync_server_free (VkSyncServer *self)
{
  if (self == NULL)
    return;
  if (self->alive != NULL)
    g_cancellable_cancel (self->alive);
  if (self->server != NULL)
    {
      vk_http_unlisten (self->server);
      g_clear_object (&self->server);
    }
  /* A request still in a worker keeps the database open until it ends. */
  g_clear_pointer (&self->core, core_unref);
  g_clear_object (&self->alive);
  g_clear_pointer (&self->bodies, vk_body_budget_unref);
  g_clear_pointer (&self->verifier, vk_http_verifier_free);
  g_free (self->url);
  g_free (self);
}

void
vk_sync_server_set_stored_func (VkSyncServer *self, VkSyncStoredFunc func, gpointer user_data)
{
  g_return_if_fail (self != NULL);
  self->stored_func = func;
  self->stored_data = user_data;
}

void
vk_sync_server_set_limits (VkSyncServer *self, gsize max_body, const VkHttpLimits *limits)
{
  g_return_if_fail (self != NULL && self->server == NULL);
  g_return_if_fail (max_body > 0);

  self->max_body = max_body;
  self->limits = limits != NULL ? *limits : (VkHttpLimits){ 0 };
}

void
vk_sync_server_set_body_budget (VkSyncServer *self, gsize bytes)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (bytes > 0);

  vk_body_budget_set_limit (self->bodies, bytes);
}

gsize
vk_sync_server_get_body_memory (VkSyncServer *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return vk_body_budget_get_used (self->bodies);
}

gboolean
vk_sync_server_listen (VkSyncServer *self, const char *host_port, const char *tls_cert, const char *tls_key,
                       GError **error)
{
  /* vk_http_listen() checks the address and the TLS files. */
  g_return_val_if_fail (self != NULL && self->server == NULL, FALSE);

  self->server = vk_http_listen (host_port, tls_cert, tls_key, &self->limits, server_early_handler, server_handler,
                                 self, &self->url, NULL, error);
  return self->server != NULL;
}

const char *
vk_sync_server_get_url (VkSyncServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->url;
}

guint
vk_sync_server_get_in_flight (VkSyncServer *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->in_flight;
}
