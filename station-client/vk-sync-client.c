/* vk-sync-client.c: the HTTP client side of VkSync: pushing to the count
 * server and exchanging journals with a peer table (docs/api.md).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "vk-cose.h"
#include "vk-error.h"
#include "vk-http-pin.h"
#include "vk-http-sig.h"
#include "vk-net.h"
#include "vk-sync-private.h"

static SoupSession *
sync_session_new (VkSync *self)
{
  SoupSession *session = soup_session_new_with_options ("timeout", self->timeout_s, "idle-timeout", self->timeout_s,
                                                        "user-agent", "valgkit/" PACKAGE_VERSION, NULL);

  if (self->tls_database != NULL)
    soup_session_set_tls_database (session, self->tls_database);
  return session;
}

static void
cancel_cb (GCancellable *outer, gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/* Sends one request; returns the body and *ret_status, or NULL with error
 * when no HTTP answer came (connection, TLS, timeout). */
static GBytes *
http_send (VkSync *self, SoupSession *session, const char *method, const char *url, const char *content_type,
           GBytes *body, guint *ret_status, GCancellable *cancellable, GError **error)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GCancellable) own = g_cancellable_new ();
  gulong handler = 0;
  GBytes *answer;

  msg = soup_message_new (method, url);
  if (msg == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "\"%s\" is not a valid URL", url);
      return NULL;
    }
  /* A pinned certificate is trusted for what it is, not for who signed
   * it, and no other is, whoever signed it (vk-http-pin.h). */
  if (self->pin != NULL)
    vk_http_pin_attach (msg, self->pin, own);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  if (self->key != NULL && !vk_http_sig_sign_message (msg, self->key, self->device_id, body, 0, NULL, error))
    return NULL;
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_cb), g_object_ref (own), g_object_unref);
  answer = soup_session_send_and_read (session, msg, own, &local_error);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);
  if (self->pin != NULL && !vk_http_pin_check (msg, self->pin, error))
    {
      g_prefix_error (error, "%s %s: ", method, url);
      g_clear_pointer (&answer, g_bytes_unref);
      return NULL;
    }
  if (answer == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s %s: %s", method, url, local_error->message);
      return NULL;
    }
  *ret_status = soup_message_get_status (msg);
  return answer;
}

static JsonObject *
parse_json_object (GBytes *bytes, JsonParser **ret_parser, const char *what, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local_error = NULL;
  JsonNode *root;
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  if (!json_parser_load_from_data (parser, data != NULL ? data : "", (gssize)len, &local_error))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: the answer is not JSON: %s", what, local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: the answer is not a JSON object", what);
      return NULL;
    }
  *ret_parser = g_steal_pointer (&parser);
  return json_node_get_object (root);
}

/* An error answer ({"error","code"}) as a GError with a matching code. */
static void
set_http_error (GError **error, const char *what, guint status, GBytes *body)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *obj = parse_json_object (body, &parser, what, NULL);
  const char *message = NULL;
  const char *code = "";
  VkError vk_code = VK_ERROR_FAILED;

  if (obj != NULL)
    {
      message = json_object_get_string_member_with_default (obj, "error", NULL);
      code = json_object_get_string_member_with_default (obj, "code", "");
    }
  if (strcmp (code, "fork") == 0)
    vk_code = VK_ERROR_FORK;
  else if (strcmp (code, "bad-signature") == 0)
    vk_code = VK_ERROR_SIGNATURE;
  else if (strcmp (code, "broken-chain") == 0)
    vk_code = VK_ERROR_CHAIN;
  else if (strcmp (code, "not-enrolled") == 0)
    vk_code = VK_ERROR_KEY;
  else if (strcmp (code, "not-found") == 0)
    vk_code = VK_ERROR_NOT_FOUND;
  else if (status >= 400 && status < 500)
    vk_code = VK_ERROR_INVALID;
  else
    vk_code = VK_ERROR_IO;
  g_set_error (error, VK_ERROR, vk_code, "%s: HTTP %u %s%s%s", what, status, soup_status_get_phrase (status),
               message != NULL ? ": " : "", message != NULL ? message : "");
}

static char *
url_join (const char *base, const char *path)
{
  gsize len = strlen (base);

  while (len > 0 && base[len - 1] == '/')
    len--;
  return g_strdup_printf ("%.*s%s", (int)len, base, path);
}

static GPtrArray *
first_n (GPtrArray *entries, guint n)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < entries->len && i < n; i++)
    g_ptr_array_add (out, g_ptr_array_index (entries, i));
  return out;
}

/* Posts one batch; returns the parsed JSON answer (and its parser). */
static JsonObject *
post_batch (VkSync *self, SoupSession *session, const char *base_url, GPtrArray *batch, JsonParser **ret_parser,
            GCancellable *cancellable, GError **error)
{
  g_autofree char *url = url_join (base_url, "/v1/journals");
  g_autoptr (GBytes) body = vk_journal_serialize (batch);
  g_autoptr (GBytes) answer = NULL;
  guint status = 0;

  answer = http_send (self, session, "POST", url, "application/cbor-seq", body, &status, cancellable, error);
  if (answer == NULL)
    return NULL;
  if (status != SOUP_STATUS_OK)
    {
      set_http_error (error, url, status, answer);
      return NULL;
    }
  return parse_json_object (answer, ret_parser, url, error);
}

static gboolean
json_get_uint (JsonObject *obj, const char *member, guint64 *ret_value)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < 0)
    return FALSE;
  *ret_value = (guint64)json_node_get_int (node);
  return TRUE;
}

/* Pushes one device's journal beyond the server's last receipt. */
static gboolean
push_device (VkSync *self, SoupSession *session, const char *server_url, const VkJournalHead *head, VkSyncStats *stats,
             GCancellable *cancellable, GError **error)
{
  g_autoptr (VkSyncReceipt) last = NULL;
  g_autoptr (GError) local_error = NULL;
  guint64 hwm;
  guint rounds = 0;

  last = vk_sync_dup_last_receipt (self, server_url, head->device_id, &local_error);
  if (last == NULL && local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  hwm = last != NULL ? last->seq : 0;

  /* Each round either moves the high-water mark or steps it back to the
   * server's contiguous head once; the bound only guards against a
   * server that answers nonsense forever. */
  while (hwm < head->seq && rounds++ < head->seq / VK_SYNC_MAX_BATCH + 4)
    {
      g_autoptr (GPtrArray) entries = NULL;
      g_autoptr (GPtrArray) batch = NULL;
      g_autoptr (JsonParser) parser = NULL;
      g_autoptr (GBytes) cose = NULL;
      g_autofree char *receipt_device = NULL;
      JsonObject *answer;
      const char *b64;
      guint64 seq = 0, stored = 0, receipt_seq = 0;
      guint8 receipt_head[VK_HASH_BYTES];
      const char *head_hex;
      guint8 answer_head[VK_HASH_BYTES];
      gboolean is_new = FALSE;

      entries = vk_journal_dup_device_entries (self->journal, head->device_id, hwm, error);
      if (entries == NULL)
        return FALSE;
      if (entries->len == 0)
        break;
      batch = first_n (entries, VK_SYNC_MAX_BATCH);
      answer = post_batch (self, session, server_url, batch, &parser, cancellable, error);
      if (answer == NULL)
        return FALSE;
      head_hex = json_object_get_string_member_with_default (answer, "head", NULL);
      if (!json_get_uint (answer, "seq", &seq) || head_hex == NULL || !vk_hex_decode (head_hex, answer_head, 32)
          || g_strcmp0 (json_object_get_string_member_with_default (answer, "device", NULL), head->device_id) != 0)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: the receipt for %s lacks device, seq or head",
                       server_url, head->device_id);
          return FALSE;
        }
      (void)json_get_uint (answer, "stored", &stored);
      stats->pushed += (guint)stored;

      b64 = json_object_get_null_member (answer, "receipt")
                ? NULL
                : json_object_get_string_member_with_default (answer, "receipt", NULL);
      if (seq > 0)
        {
          gsize len = 0;
          guchar *raw;

          if (b64 == NULL)
            {
              g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: no signed receipt for %s up to %" G_GUINT64_FORMAT,
                           server_url, head->device_id, seq);
              return FALSE;
            }
          raw = g_base64_decode (b64, &len);
          cose = g_bytes_new_take (raw, len);
          if (!vk_sync_verify_receipt (self->package, cose, &receipt_device, &receipt_seq, receipt_head, error))
            {
              g_prefix_error (error, "%s: ", server_url);
              return FALSE;
            }
          if (strcmp (receipt_device, head->device_id) != 0 || receipt_seq != seq
              || memcmp (receipt_head, answer_head, VK_HASH_BYTES) != 0)
            {
              g_set_error (error, VK_ERROR, VK_ERROR_SIGNATURE,
                           "%s: the signed receipt (%s up to %" G_GUINT64_FORMAT
                           ") does not say what the answer says (%s up to %" G_GUINT64_FORMAT ")",
                           server_url, receipt_device, receipt_seq, head->device_id, seq);
              return FALSE;
            }
          if (!vk_sync_store_receipt (self, server_url, head->device_id, seq, receipt_head, cose, &is_new, error))
            return FALSE;
          if (is_new)
            stats->receipts++;
        }

      if (seq > hwm)
        hwm = seq;
      else if (seq < hwm)
        /* The server holds less than our last receipt says (restored
         * from a backup?): send again from what it holds. */
        hwm = seq;
      else
        {
          g_set_error (error, VK_ERROR, VK_ERROR_CHAIN,
                       "%s: the server holds %s only up to %" G_GUINT64_FORMAT " and took nothing more", server_url,
                       head->device_id, seq);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
vk_sync_push_to_server (VkSync *self, const char *server_url, GCancellable *cancellable, VkSyncStats *ret_stats,
                        GError **error)
{
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (GPtrArray) heads = NULL;
  g_autoptr (GError) first_error = NULL;
  VkSyncStats stats = { 0 };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (server_url != NULL, FALSE);

  heads = vk_journal_dup_heads (self->journal, error);
  if (heads == NULL)
    return FALSE;
  session = sync_session_new (self);
  for (guint i = 0; i < heads->len; i++)
    {
      const VkJournalHead *head = g_ptr_array_index (heads, i);
      const VkDevice *device = vk_package_lookup_device (self->package, head->device_id);
      g_autoptr (GError) local_error = NULL;

      /* A server's journal is its own to publish. */
      if (device == NULL || device->role_id == VK_ROLE_SERVER)
        continue;
      if (!push_device (self, session, server_url, head, &stats, cancellable, &local_error))
        {
          if (g_error_matches (local_error, VK_ERROR, VK_ERROR_FORK))
            stats.forks++;
          /* A connection failure will fail for every device: stop there. */
          if (g_error_matches (local_error, VK_ERROR, VK_ERROR_IO))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              if (ret_stats != NULL)
                *ret_stats = stats;
              return FALSE;
            }
          if (first_error == NULL)
            first_error = g_steal_pointer (&local_error);
        }
    }
  if (ret_stats != NULL)
    *ret_stats = stats;
  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }
  return TRUE;
}

/* Peers. */

static GHashTable *
heads_table (GPtrArray *heads)
{
  GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < heads->len; i++)
    {
      VkJournalHead *h = g_ptr_array_index (heads, i);
      g_hash_table_insert (table, h->device_id, h);
    }
  return table;
}

static gboolean
pull_device (VkSync *self, SoupSession *session, const char *peer_url, const char *device_id, guint64 after,
             VkSyncStats *stats, GCancellable *cancellable, GError **error)
{
  g_autofree char *escaped = g_uri_escape_string (device_id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/v1/journals/%s?after=%" G_GUINT64_FORMAT, escaped, after);
  g_autofree char *url = url_join (peer_url, path);
  g_autoptr (GBytes) answer = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  guint status = 0;
  guint added = 0;

  answer = http_send (self, session, "GET", url, NULL, NULL, &status, cancellable, error);
  if (answer == NULL)
    return FALSE;
  if (status != SOUP_STATUS_OK)
    {
      set_http_error (error, url, status, answer);
      return FALSE;
    }
  entries = vk_journal_parse (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), url, error);
  if (entries == NULL)
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    if (strcmp (((VkEntry *)g_ptr_array_index (entries, i))->device_id, device_id) != 0)
      {
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: the answer holds entries of another device", url);
        return FALSE;
      }
  if (!vk_sync_store_foreign (self, entries, &added, error))
    {
      if (error != NULL && *error != NULL && g_error_matches (*error, VK_ERROR, VK_ERROR_FORK))
        stats->forks++;
      g_prefix_error (error, "%s: ", url);
      return FALSE;
    }
  stats->pulled += added;
  return TRUE;
}

static gboolean
push_peer_device (VkSync *self, SoupSession *session, const char *peer_url, const char *device_id, guint64 after,
                  VkSyncStats *stats, GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) entries = vk_journal_dup_device_entries (self->journal, device_id, after, error);

  if (entries == NULL)
    return FALSE;
  for (guint start = 0; start < entries->len; start += VK_SYNC_MAX_BATCH)
    {
      g_autoptr (GPtrArray) batch = g_ptr_array_new ();
      g_autoptr (JsonParser) parser = NULL;
      JsonObject *answer;
      guint64 stored = 0;

      for (guint i = start; i < entries->len && i < start + VK_SYNC_MAX_BATCH; i++)
        g_ptr_array_add (batch, g_ptr_array_index (entries, i));
      answer = post_batch (self, session, peer_url, batch, &parser, cancellable, error);
      if (answer == NULL)
        {
          if (error != NULL && *error != NULL && g_error_matches (*error, VK_ERROR, VK_ERROR_FORK))
            stats->forks++;
          return FALSE;
        }
      (void)json_get_uint (answer, "stored", &stored);
      stats->pushed += (guint)stored;
    }
  return TRUE;
}

gboolean
vk_sync_with_peer (VkSync *self, const char *peer_url, GCancellable *cancellable, VkSyncStats *ret_stats,
                   GError **error)
{
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (GBytes) answer = NULL;
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GPtrArray) local_heads = NULL;
  g_autoptr (GHashTable) local = NULL;
  g_autoptr (GHashTable) remote = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GError) first_error = NULL;
  g_autofree char *url = url_join (peer_url, "/v1/heads");
  g_autofree char *election_hex = NULL;
  VkSyncStats stats = { 0 };
  JsonObject *obj;
  JsonArray *heads;
  const char *peer_device;
  guint status = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (peer_url != NULL, FALSE);

  session = sync_session_new (self);
  answer = http_send (self, session, "GET", url, NULL, NULL, &status, cancellable, error);
  if (answer == NULL)
    return FALSE;
  if (status != SOUP_STATUS_OK)
    {
      set_http_error (error, url, status, answer);
      return FALSE;
    }
  obj = parse_json_object (answer, &parser, url, error);
  if (obj == NULL)
    return FALSE;
  election_hex = vk_hex_encode (vk_package_get_election_id (self->package), VK_ELECTION_ID_BYTES);
  if (g_strcmp0 (json_object_get_string_member_with_default (obj, "election", NULL), election_hex) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "%s: the peer serves another election", url);
      return FALSE;
    }
  peer_device = json_object_get_string_member_with_default (obj, "device", "");
  if (!json_object_has_member (obj, "heads") || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "heads")))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: no \"heads\" array in the answer", url);
      return FALSE;
    }
  heads = json_object_get_array_member (obj, "heads");
  for (guint i = 0; i < json_array_get_length (heads); i++)
    {
      JsonNode *node = json_array_get_element (heads, i);
      JsonObject *h = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *device = h != NULL ? json_object_get_string_member_with_default (h, "device", NULL) : NULL;
      guint64 seq = 0;

      if (device == NULL || !json_get_uint (h, "seq", &seq))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: heads[%u] lacks device or seq", url, i);
          return FALSE;
        }
      g_hash_table_insert (remote, g_strdup (device), GSIZE_TO_POINTER ((gsize)seq));
    }

  local_heads = vk_journal_dup_heads (self->journal, error);
  if (local_heads == NULL)
    return FALSE;
  local = heads_table (local_heads);

  /* Pull what the peer has beyond our heads.  Our own journal is written
   * only by us: a peer holding more of it than we do is a fork, which the
   * count server will see. */
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, remote);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        const VkJournalHead *mine = g_hash_table_lookup (local, key);
        guint64 have = mine != NULL ? mine->seq : 0;
        g_autoptr (GError) local_error = NULL;

        if (strcmp (key, self->device_id) == 0 || (guint64)GPOINTER_TO_SIZE (value) <= have)
          continue;
        if (vk_package_lookup_device (self->package, key) == NULL)
          continue;
        if (!pull_device (self, session, peer_url, key, have, &stats, cancellable, &local_error))
          {
            if (g_error_matches (local_error, VK_ERROR, VK_ERROR_IO))
              {
                g_propagate_error (error, g_steal_pointer (&local_error));
                return FALSE;
              }
            if (first_error == NULL)
              first_error = g_steal_pointer (&local_error);
          }
      }
  }

  /* Push what we have beyond the peer's heads (the peer's own journal is
   * the peer's to write). */
  for (guint i = 0; i < local_heads->len; i++)
    {
      const VkJournalHead *mine = g_ptr_array_index (local_heads, i);
      guint64 theirs = (guint64)GPOINTER_TO_SIZE (g_hash_table_lookup (remote, mine->device_id));
      g_autoptr (GError) local_error = NULL;

      if (strcmp (mine->device_id, peer_device) == 0 || mine->seq <= theirs)
        continue;
      if (!push_peer_device (self, session, peer_url, mine->device_id, theirs, &stats, cancellable, &local_error))
        {
          if (g_error_matches (local_error, VK_ERROR, VK_ERROR_IO))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          if (first_error == NULL)
            first_error = g_steal_pointer (&local_error);
        }
    }

  if (ret_stats != NULL)
    *ret_stats = stats;
  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }
  return TRUE;
}
