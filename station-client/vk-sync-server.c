/* vk-sync-server.c: the station's peer server (VkSyncServer).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "vk-error.h"
#include "vk-http-listen.h"
#include "vk-http-reply.h"
#include "vk-net.h"
#include "vk-sync-private.h"

struct _VkSyncServer
{
  VkSync *sync; /* the server's own connection */
  SoupServer *server;
  char *url;
  VkSyncStoredFunc stored_func;
  gpointer stored_data;
};

#define BODY_KEY "vk-sync-body"
#define TOO_LARGE_KEY "vk-sync-too-large"

static void
server_reply_json (SoupServerMessage *msg, guint status, JsonBuilder *builder)
{
  g_autoptr (JsonNode) root = json_builder_get_root (builder);

  vk_http_reply_json (msg, status, root);
}

static void
server_reply_error (SoupServerMessage *msg, guint status, const char *code, const char *message)
{
  g_autoptr (JsonNode) root = vk_http_error_json (code, message);

  vk_http_reply_json (msg, status, root);
}

static void
server_reply_gerror (SoupServerMessage *msg, const GError *error)
{
  const char *code;
  guint status = vk_net_http_status_for_error (error, &code);

  server_reply_error (msg, status, code, error->message);
}

static void
server_heads (VkSyncServer *self, SoupServerMessage *msg)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) heads = vk_journal_dup_heads (self->sync->journal, &error);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *election_hex = NULL;

  if (heads == NULL)
    {
      server_reply_gerror (msg, error);
      return;
    }
  election_hex = vk_hex_encode (vk_package_get_election_id (self->sync->package), VK_ELECTION_ID_BYTES);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "election");
  json_builder_add_string_value (builder, election_hex);
  json_builder_set_member_name (builder, "device");
  json_builder_add_string_value (builder, self->sync->device_id);
  json_builder_set_member_name (builder, "heads");
  json_builder_begin_array (builder);
  for (guint i = 0; i < heads->len; i++)
    {
      const VkJournalHead *h = g_ptr_array_index (heads, i);
      g_autofree char *hex = vk_hex_encode (h->hash, VK_HASH_BYTES);

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
  server_reply_json (msg, SOUP_STATUS_OK, builder);
}

static void
server_journal (VkSyncServer *self, SoupServerMessage *msg, const char *device_part, GHashTable *query)
{
  g_autofree char *device = g_uri_unescape_string (device_part, NULL);
  const char *after = query != NULL ? g_hash_table_lookup (query, "after") : NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GBytes) bytes = NULL;
  guint64 after_seq = 0;
  gsize len = 0;
  const guint8 *data;

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
  if (vk_package_lookup_device (self->sync->package, device) == NULL)
    {
      g_autofree char *message = g_strdup_printf ("device %s is not enrolled in this election", device);
      server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", message);
      return;
    }
  entries = vk_journal_dup_device_entries (self->sync->journal, device, after_seq, &error);
  if (entries == NULL)
    {
      server_reply_gerror (msg, error);
      return;
    }
  bytes = vk_journal_serialize (entries);
  data = g_bytes_get_data (bytes, &len);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/cbor-seq", SOUP_MEMORY_COPY, (const char *)data, len);
}

static void
server_post (VkSyncServer *self, SoupServerMessage *msg)
{
  GByteArray *body = g_object_get_data (G_OBJECT (msg), BODY_KEY);
  const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autofree char *hex = NULL;
  const VkEntry *first;
  guint added = 0;

  if (type == NULL || g_ascii_strcasecmp (type, "application/cbor-seq") != 0)
    {
      server_reply_error (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                          "a journal batch is sent as Content-Type: application/cbor-seq");
      return;
    }
  if (g_object_get_data (G_OBJECT (msg), TOO_LARGE_KEY) != NULL)
    {
      server_reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large", "the request body is too large");
      return;
    }
  if (body == NULL || body->len == 0)
    {
      server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed", "the request body holds no journal entries");
      return;
    }
  entries = vk_journal_parse (body->data, body->len, "POST /v1/journals", &error);
  if (entries == NULL)
    {
      server_reply_gerror (msg, error);
      return;
    }
  first = g_ptr_array_index (entries, 0);
  if (strcmp (first->device_id, self->sync->device_id) == 0)
    {
      server_reply_error (msg, SOUP_STATUS_CONFLICT, "own-journal",
                          "this node's own journal is written by this node only");
      return;
    }
  if (!vk_sync_store_foreign (self->sync, entries, &added, &error))
    {
      server_reply_gerror (msg, error);
      return;
    }
  /* Answer with the head now held, which is what the sender's next
   * round would ask for anyway. */
  after = vk_journal_dup_device_entries (self->sync->journal, first->device_id, 0, &error);
  if (after == NULL)
    {
      server_reply_gerror (msg, error);
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
  server_reply_json (msg, SOUP_STATUS_OK, builder);
  if (added > 0 && self->stored_func != NULL)
    self->stored_func (first->device_id, added, self->stored_data);
}

static void
server_got_chunk_cb (SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
  GByteArray *body = g_object_get_data (G_OBJECT (msg), BODY_KEY);

  if (body == NULL || g_object_get_data (G_OBJECT (msg), TOO_LARGE_KEY) != NULL)
    return;
  if (body->len + g_bytes_get_size (chunk) > MAX_BODY)
    {
      g_object_set_data (G_OBJECT (msg), TOO_LARGE_KEY, GINT_TO_POINTER (1));
      g_byte_array_set_size (body, 0);
      return;
    }
  g_byte_array_append (body, g_bytes_get_data (chunk, NULL), (guint)g_bytes_get_size (chunk));
}

static void
server_early_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                      gpointer user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  /* Bodies are collected by server_got_chunk_cb, bounded, instead of by
   * libsoup, which would keep any size in memory. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > (goffset)MAX_BODY)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      server_reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large", "the request body is too large");
      return;
    }
  g_object_set_data_full (G_OBJECT (msg), BODY_KEY, g_byte_array_new (), (GDestroyNotify)g_byte_array_unref);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (server_got_chunk_cb), NULL);
}

static void
server_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  VkSyncServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);

  if (strcmp (path, "/v1/heads") == 0 && method == SOUP_METHOD_GET)
    server_heads (self, msg);
  else if (strcmp (path, "/v1/journals") == 0 && method == SOUP_METHOD_POST)
    server_post (self, msg);
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

  self->sync = vk_sync_new (package, db_path, device_id, error);
  if (self->sync == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

void
vk_sync_server_free (VkSyncServer *self)
{
  if (self == NULL)
    return;
  if (self->server != NULL)
    {
      vk_http_unlisten (self->server);
      g_clear_object (&self->server);
    }
  g_clear_pointer (&self->sync, vk_sync_free);
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

gboolean
vk_sync_server_listen (VkSyncServer *self, const char *host_port, const char *tls_cert, const char *tls_key,
                       GError **error)
{
  /* vk_http_listen() checks the address and the TLS files. */
  g_return_val_if_fail (self != NULL && self->server == NULL, FALSE);

  self->server = vk_http_listen (host_port, tls_cert, tls_key, NULL, server_early_handler, server_handler, self,
                                 &self->url, NULL, error);
  return self->server != NULL;
}

const char *
vk_sync_server_get_url (VkSyncServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->url;
}
