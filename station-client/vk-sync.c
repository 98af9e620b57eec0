/* vk-sync.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "vk-cose.h"
#include "vk-db.h"
#include "vk-entry-schema.h"
#include "vk-error.h"
#include "vk-net.h"
#include "vk-sync.h"

/* The sync tables live in the station database beside `entry`.  They
 * are created with IF NOT EXISTS rather than as journal migrations so
 * that the journal's schema version stays the journal module's own.
 *   sync_receipt   every receipt a count server signed for us;
 *   sync_evidence  entries refused as forks of entries already held
 *                  (same device and seq, another payload). */
static const char sync_schema[] = "CREATE TABLE IF NOT EXISTS sync_receipt ("
                                  "  server TEXT NOT NULL,"
                                  "  device_id TEXT NOT NULL,"
                                  "  seq INTEGER NOT NULL CHECK (seq >= 1),"
                                  "  head BLOB NOT NULL CHECK (length (head) = 32),"
                                  "  received_ms INTEGER NOT NULL,"
                                  "  cose BLOB NOT NULL,"
                                  "  PRIMARY KEY (server, device_id, seq)"
                                  ") STRICT;"
                                  "CREATE TABLE IF NOT EXISTS sync_evidence ("
                                  "  device_id TEXT NOT NULL,"
                                  "  seq INTEGER NOT NULL,"
                                  "  hash BLOB NOT NULL,"
                                  "  received_ms INTEGER NOT NULL,"
                                  "  cose BLOB NOT NULL,"
                                  "  PRIMARY KEY (device_id, seq, hash)"
                                  ") STRICT;";

#define DEFAULT_TIMEOUT_S 10
#define MAX_BODY (64u * 1024 * 1024)

struct _VkSync
{
  VkPackage *package; /* borrowed */
  VkJournal *journal; /* our own connection */
  VkDb *db;           /* borrowed from journal */
  char *device_id;
  char *pin; /* certificate SHA-256, hex */
  guint timeout_s;
};

static guint64
now_ms (void)
{
  gint64 now = g_get_real_time () / 1000;
  return now > 0 ? (guint64)now : 0;
}

void
vk_sync_receipt_free (VkSyncReceipt *self)
{
  if (self == NULL)
    return;
  g_free (self->server);
  g_free (self->device_id);
  g_clear_pointer (&self->cose, g_bytes_unref);
  g_free (self);
}

VkSync *
vk_sync_new (VkPackage *package, const char *db_path, const char *device_id, GError **error)
{
  g_autoptr (VkSync) self = NULL;

  g_return_val_if_fail (package != NULL, NULL);
  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (device_id != NULL, NULL);

  self = g_new0 (VkSync, 1);
  self->package = package;
  self->device_id = g_strdup (device_id);
  self->timeout_s = DEFAULT_TIMEOUT_S;
  if (vk_package_lookup_device (package, device_id) == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "device %s is not enrolled in %s", device_id,
                   vk_package_get_path (package));
      return NULL;
    }
  self->journal = vk_journal_open (db_path, vk_package_get_election_id (package), device_id, error);
  if (self->journal == NULL)
    return NULL;
  self->db = vk_journal_get_db (self->journal);
  if (!vk_db_exec (self->db, sync_schema, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
vk_sync_free (VkSync *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->journal, vk_journal_close);
  g_free (self->device_id);
  g_free (self->pin);
  g_free (self);
}

VkJournal *
vk_sync_get_journal (VkSync *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->journal;
}

void
vk_sync_set_pinned_certificate (VkSync *self, const char *sha256_hex)
{
  g_return_if_fail (self != NULL);
  g_free (self->pin);
  self->pin = sha256_hex != NULL ? g_ascii_strdown (sha256_hex, -1) : NULL;
}

void
vk_sync_set_timeout (VkSync *self, guint seconds)
{
  g_return_if_fail (self != NULL);
  self->timeout_s = seconds > 0 ? seconds : DEFAULT_TIMEOUT_S;
}

/* Storing received entries. */

static void
store_evidence (VkSync *self, GPtrArray *entries)
{
  g_autoptr (sqlite3_stmt) stmt = vk_db_prepare (
      self->db,
      "INSERT OR IGNORE INTO sync_evidence (device_id, seq, hash, received_ms, cose) VALUES (?1, ?2, ?3, ?4, ?5)",
      NULL);
  guint64 t = now_ms ();

  if (stmt == NULL)
    return;
  /* Evidence is best effort: the refusal itself is what the caller acts
   * on, and the count server keeps its own fork evidence. */
  for (guint i = 0; i < entries->len; i++)
    {
      const VkEntry *e = g_ptr_array_index (entries, i);
      sqlite3_bind_text (stmt, 1, e->device_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, (sqlite3_int64)e->seq);
      sqlite3_bind_blob (stmt, 3, e->hash, VK_HASH_BYTES, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, (sqlite3_int64)t);
      sqlite3_bind_blob (stmt, 5, g_bytes_get_data (e->cose, NULL), (int)g_bytes_get_size (e->cose), SQLITE_TRANSIENT);
      (void)vk_db_step_done (self->db, stmt, NULL);
    }
}

gboolean
vk_sync_store_foreign (VkSync *self, GPtrArray *entries, guint *ret_added, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  VkVerifyReport report;
  guint added = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (entries != NULL, FALSE);

  if (entries->len == 0)
    {
      if (ret_added != NULL)
        *ret_added = 0;
      return TRUE;
    }
  /* Every signature, not only the last: a relayed batch is only as good
   * as its weakest entry, and a station's batches are small. */
  if (!vk_journal_verify (entries, vk_package_get_election_id (self->package), vk_package_device_lookup, self->package,
                          VK_VERIFY_PARTIAL, &report, error))
    return FALSE;
  /* What the device may write (the schema every ingest path uses). */
  if (!vk_entry_schema_check_entries (self->package, NULL, entries, 0, error))
    return FALSE;
  if (!vk_journal_insert_verified (self->journal, entries, &added, &local_error))
    {
      if (g_error_matches (local_error, VK_ERROR, VK_ERROR_FORK))
        store_evidence (self, entries);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (ret_added != NULL)
    *ret_added = added;
  return TRUE;
}

/* Receipts. */

gboolean
vk_sync_verify_receipt (VkPackage *package, GBytes *cose, char **ret_device, guint64 *ret_seq,
                        guint8 ret_head[VK_HASH_BYTES], GError **error)
{
  g_autoptr (VkEntry) entry = NULL;
  g_autoptr (GError) local_error = NULL;
  const VkDevice *server;
  const char *device;
  const guint8 *head;
  gsize head_len = 0;
  guint64 seq = 0;

  g_return_val_if_fail (package != NULL, FALSE);
  g_return_val_if_fail (cose != NULL, FALSE);

  entry = vk_entry_decode (g_bytes_get_data (cose, NULL), g_bytes_get_size (cose), &local_error);
  if (entry == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the receipt is not a journal entry: %s", local_error->message);
      return FALSE;
    }
  if (memcmp (entry->election_id, vk_package_get_election_id (package), VK_ELECTION_ID_BYTES) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "the receipt belongs to another election");
      return FALSE;
    }
  server = vk_package_lookup_device (package, entry->device_id);
  if (server == NULL || strcmp (server->role, "server") != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "the receipt is signed by %s, which is not an enrolled count server",
                   entry->device_id);
      return FALSE;
    }
  if (!vk_entry_verify_signature (entry, server->public_key, &local_error))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_SIGNATURE, "the receipt's signature by %s does not verify: %s",
                   entry->device_id, local_error->message);
      return FALSE;
    }
  if (strcmp (entry->type, "receipt") != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the receipt is a `%s` entry, not a `receipt`", entry->type);
      return FALSE;
    }
  device = vk_cbor_map_get_text_field (entry->body, "device", error);
  if (device == NULL || !vk_cbor_map_get_uint_field (entry->body, "seq", &seq, error))
    return FALSE;
  head = vk_cbor_map_get_bytes_field (entry->body, "head", &head_len, error);
  if (head == NULL)
    return FALSE;
  if (head_len != VK_HASH_BYTES)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the receipt's head is %" G_GSIZE_FORMAT " bytes, not 32",
                   head_len);
      return FALSE;
    }
  if (ret_device != NULL)
    *ret_device = g_strdup (device);
  if (ret_seq != NULL)
    *ret_seq = seq;
  if (ret_head != NULL)
    memcpy (ret_head, head, VK_HASH_BYTES);
  return TRUE;
}

static VkSyncReceipt *
receipt_from_row (sqlite3_stmt *stmt)
{
  VkSyncReceipt *r = g_new0 (VkSyncReceipt, 1);

  r->server = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  r->device_id = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
  r->seq = (guint64)sqlite3_column_int64 (stmt, 2);
  if (sqlite3_column_bytes (stmt, 3) == VK_HASH_BYTES)
    memcpy (r->head, sqlite3_column_blob (stmt, 3), VK_HASH_BYTES);
  r->received_ms = (guint64)sqlite3_column_int64 (stmt, 4);
  r->cose = g_bytes_new (sqlite3_column_blob (stmt, 5), (gsize)sqlite3_column_bytes (stmt, 5));
  return r;
}

GPtrArray *
vk_sync_dup_receipts (VkSync *self, const char *server_url, GError **error)
{
  g_autoptr (GPtrArray) receipts = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_sync_receipt_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = vk_db_prepare (self->db,
                        "SELECT server, device_id, seq, head, received_ms, cose FROM sync_receipt"
                        " WHERE ?1 IS NULL OR server = ?1 ORDER BY server, device_id, seq",
                        error);
  if (stmt == NULL)
    return NULL;
  if (server_url != NULL)
    sqlite3_bind_text (stmt, 1, server_url, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (receipts, receipt_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      vk_db_set_error (self->db, error, "reading receipts");
      return NULL;
    }
  return g_steal_pointer (&receipts);
}

VkSyncReceipt *
vk_sync_dup_last_receipt (VkSync *self, const char *server_url, const char *device_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (server_url != NULL && device_id != NULL, NULL);

  stmt = vk_db_prepare (self->db,
                        "SELECT server, device_id, seq, head, received_ms, cose FROM sync_receipt"
                        " WHERE server = ?1 AND device_id = ?2 ORDER BY seq DESC LIMIT 1",
                        error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, server_url, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, device_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return receipt_from_row (stmt);
  if (rc != SQLITE_DONE)
    vk_db_set_error (self->db, error, "reading receipts");
  return NULL;
}

/* Stores a verified receipt; TRUE in *ret_new when it was not held yet. */
static gboolean
store_receipt (VkSync *self, const char *server_url, const char *device_id, guint64 seq, const guint8 head[32],
               GBytes *cose, gboolean *ret_new, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = vk_db_prepare (self->db,
                                                 "INSERT OR IGNORE INTO sync_receipt (server, device_id, seq, head, "
                                                 "received_ms, cose) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                                 error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, server_url, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, device_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, (sqlite3_int64)seq);
  sqlite3_bind_blob (stmt, 4, head, VK_HASH_BYTES, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, (sqlite3_int64)now_ms ());
  sqlite3_bind_blob (stmt, 6, g_bytes_get_data (cose, NULL), (int)g_bytes_get_size (cose), SQLITE_TRANSIENT);
  if (!vk_db_step_done (self->db, stmt, error))
    return FALSE;
  *ret_new = sqlite3_changes (vk_db_get_handle (self->db)) > 0;
  return TRUE;
}

/* HTTP client. */

static gboolean
accept_certificate_cb (SoupMessage *msg, GTlsCertificate *certificate, GTlsCertificateFlags errors, gpointer user_data)
{
  VkSync *self = user_data;
  g_autofree char *fingerprint = vk_net_certificate_fingerprint (certificate);

  /* A pinned certificate is trusted for what it is, not for who signed
   * it: the election package says which one the count server uses. */
  return fingerprint != NULL && self->pin != NULL && strcmp (fingerprint, self->pin) == 0;
}

static SoupSession *
sync_session_new (VkSync *self)
{
  return soup_session_new_with_options ("timeout", self->timeout_s, "idle-timeout", self->timeout_s, "user-agent",
                                        "valgkit/" PACKAGE_VERSION, NULL);
}

/* Sends one request; returns the body and *ret_status, or NULL with error
 * when no HTTP answer came (connection, TLS, timeout). */
static GBytes *
http_send (VkSync *self, SoupSession *session, const char *method, const char *url, const char *content_type,
           GBytes *body, guint *ret_status, GCancellable *cancellable, GError **error)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GError) local_error = NULL;
  GBytes *answer;

  msg = soup_message_new (method, url);
  if (msg == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "\"%s\" is not a valid URL", url);
      return NULL;
    }
  if (self->pin != NULL)
    g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), self);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  answer = soup_session_send_and_read (session, msg, cancellable, &local_error);
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
          if (!store_receipt (self, server_url, head->device_id, seq, receipt_head, cose, &is_new, error))
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
      if (device == NULL || strcmp (device->role, "server") == 0)
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

/* ---- the peer server ------------------------------------------------------ */

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
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  gsize len = 0;
  char *text;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &len);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, len);
}

static void
server_reply_error (SoupServerMessage *msg, guint status, const char *code, const char *message)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_end_object (builder);
  server_reply_json (msg, status, builder);
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
      soup_server_disconnect (self->server);
      soup_server_remove_handler (self->server, "/");
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
  g_autoptr (GInetSocketAddress) address = NULL;
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (SoupServer) server = NULL;
  GSList *uris;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (host_port != NULL, FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  address = vk_net_parse_listen (host_port, error);
  if (address == NULL || !vk_net_check_listen (address, tls_cert, tls_key, &certificate, error))
    return FALSE;
  server = soup_server_new ("server-header", "valgkit/" PACKAGE_VERSION " ", NULL);
  if (certificate != NULL)
    soup_server_set_tls_certificate (server, certificate);
  soup_server_add_early_handler (server, "/", server_early_handler, self, NULL);
  soup_server_add_handler (server, "/", server_handler, self, NULL);
  if (!soup_server_listen (server, G_SOCKET_ADDRESS (address), certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0,
                           &local_error))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "cannot listen on %s: %s", host_port, local_error->message);
      return FALSE;
    }
  uris = soup_server_get_uris (server);
  if (uris != NULL)
    {
      g_autoptr (GInetSocketAddress) bound = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (
          g_inet_socket_address_get_address (address), (guint16)g_uri_get_port ((GUri *)uris->data)));
      self->url = vk_net_url_for (bound, certificate != NULL);
    }
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  self->server = g_steal_pointer (&server);
  return TRUE;
}

const char *
vk_sync_server_get_url (VkSyncServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->url;
}

/* ---- background sync ------------------------------------------------------ */

#define MAX_BACKOFF_MS 60000

typedef struct
{
  char *url;
  gboolean is_server;
  guint failures;
  gint64 next_try_us; /* monotonic */
  char *last_error;
} Target;

static void
target_free (Target *t)
{
  g_free (t->url);
  g_free (t->last_error);
  g_free (t);
}

struct _VkSyncRunner
{
  VkPackage *package;
  char *db_path;
  char *device_id;
  guint interval_ms;
  GPtrArray *targets; /* Target* */
  GMainContext *context;
  GSource *timer;
  GCancellable *cancellable;
  VkSync *sync; /* used by one round at a time, in its worker thread */
  gboolean in_round;
  gboolean kicked;
  guint rounds;
  VkSyncRoundFunc round_func;
  gpointer round_data;
};

/* One round's work, handed to a worker thread and back. */
typedef struct
{
  VkSyncRunner *runner;
  GPtrArray *urls;   /* char*: the targets due */
  GArray *is_server; /* gboolean per url */
  GPtrArray *errors; /* char* or NULL per url, filled by the worker */
  VkSyncStats stats;
} Round;

static void
round_free (Round *round)
{
  g_ptr_array_unref (round->urls);
  g_array_unref (round->is_server);
  g_ptr_array_unref (round->errors);
  g_free (round);
}

static void
round_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Round *round = task_data;
  VkSyncRunner *runner = round->runner;

  if (runner->sync == NULL)
    {
      g_autoptr (GError) error = NULL;
      runner->sync = vk_sync_new (runner->package, runner->db_path, runner->device_id, &error);
      if (runner->sync == NULL)
        {
          for (guint i = 0; i < round->urls->len; i++)
            g_ptr_array_add (round->errors, g_strdup (error->message));
          g_task_return_boolean (task, TRUE);
          return;
        }
    }
  for (guint i = 0; i < round->urls->len; i++)
    {
      const char *url = g_ptr_array_index (round->urls, i);
      g_autoptr (GError) error = NULL;
      VkSyncStats stats = { 0 };
      gboolean ok;

      if (g_array_index (round->is_server, gboolean, i))
        ok = vk_sync_push_to_server (runner->sync, url, cancellable, &stats, &error);
      else
        ok = vk_sync_with_peer (runner->sync, url, cancellable, &stats, &error);
      round->stats.pulled += stats.pulled;
      round->stats.pushed += stats.pushed;
      round->stats.receipts += stats.receipts;
      round->stats.forks += stats.forks;
      g_ptr_array_add (round->errors, ok ? NULL : g_strdup (error->message));
    }
  g_task_return_boolean (task, TRUE);
}

static void runner_schedule_round (VkSyncRunner *self);

static void
round_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  VkSyncRunner *self = user_data;
  Round *round = g_task_get_task_data (G_TASK (result));
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < round->urls->len; i++)
    for (guint j = 0; j < self->targets->len; j++)
      {
        Target *t = g_ptr_array_index (self->targets, j);
        const char *error = g_ptr_array_index (round->errors, i);

        if (strcmp (t->url, g_ptr_array_index (round->urls, i)) != 0)
          continue;
        g_free (t->last_error);
        t->last_error = g_strdup (error);
        if (error == NULL)
          {
            t->failures = 0;
            t->next_try_us = 0;
          }
        else
          {
            guint64 backoff = (guint64)self->interval_ms << MIN (t->failures, 10u);
            t->failures++;
            t->next_try_us = now + (gint64)MIN (backoff, (guint64)MAX_BACKOFF_MS) * 1000;
          }
      }
  self->rounds++;
  self->in_round = FALSE;
  if (self->round_func != NULL)
    self->round_func (self, &round->stats, self->round_data);
  if (self->kicked && self->timer != NULL)
    {
      self->kicked = FALSE;
      runner_schedule_round (self);
    }
}

static void
runner_schedule_round (VkSyncRunner *self)
{
  g_autoptr (GTask) task = NULL;
  Round *round;
  gint64 now = g_get_monotonic_time ();

  if (self->in_round)
    {
      self->kicked = TRUE;
      return;
    }
  round = g_new0 (Round, 1);
  round->runner = self;
  round->urls = g_ptr_array_new_with_free_func (g_free);
  round->is_server = g_array_new (FALSE, FALSE, sizeof (gboolean));
  round->errors = g_ptr_array_new_with_free_func (g_free);
  /* Peers first, so that the server gets what the peers just gave us. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->targets->len; i++)
      {
        Target *t = g_ptr_array_index (self->targets, i);
        if (t->is_server != (pass == 1) || t->next_try_us > now)
          continue;
        g_ptr_array_add (round->urls, g_strdup (t->url));
        g_array_append_val (round->is_server, t->is_server);
      }
  if (round->urls->len == 0)
    {
      round_free (round);
      return;
    }
  self->in_round = TRUE;
  task = g_task_new (NULL, self->cancellable, round_done_cb, self);
  g_task_set_task_data (task, round, (GDestroyNotify)round_free);
  g_task_run_in_thread (task, round_thread);
}

static gboolean
runner_tick_cb (gpointer user_data)
{
  runner_schedule_round (user_data);
  return G_SOURCE_CONTINUE;
}

VkSyncRunner *
vk_sync_runner_new (VkPackage *package, const char *db_path, const char *device_id, guint interval_ms)
{
  VkSyncRunner *self;

  g_return_val_if_fail (package != NULL, NULL);
  g_return_val_if_fail (db_path != NULL && device_id != NULL, NULL);

  self = g_new0 (VkSyncRunner, 1);
  self->package = package;
  self->db_path = g_strdup (db_path);
  self->device_id = g_strdup (device_id);
  self->interval_ms = interval_ms > 0 ? interval_ms : 2000;
  self->targets = g_ptr_array_new_with_free_func ((GDestroyNotify)target_free);
  self->cancellable = g_cancellable_new ();
  return self;
}

void
vk_sync_runner_stop (VkSyncRunner *self)
{
  g_return_if_fail (self != NULL);

  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  self->kicked = FALSE;
}

void
vk_sync_runner_free (VkSyncRunner *self)
{
  gint64 deadline;

  if (self == NULL)
    return;
  vk_sync_runner_stop (self);
  g_cancellable_cancel (self->cancellable);
  /* The round's callback refers to the runner: let it run first.  The
   * cancellable and the session timeout bound the wait. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (self->in_round && g_get_monotonic_time () < deadline)
    g_main_context_iteration (self->context, TRUE);
  g_clear_pointer (&self->sync, vk_sync_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_ptr_array_unref (self->targets);
  g_free (self->db_path);
  g_free (self->device_id);
  g_free (self);
}

static void
runner_add_target (VkSyncRunner *self, const char *url, gboolean is_server)
{
  Target *t = g_new0 (Target, 1);

  t->url = g_strdup (url);
  t->is_server = is_server;
  g_ptr_array_add (self->targets, t);
}

void
vk_sync_runner_add_peer (VkSyncRunner *self, const char *peer_url)
{
  g_return_if_fail (self != NULL && peer_url != NULL);
  runner_add_target (self, peer_url, FALSE);
}

void
vk_sync_runner_set_server (VkSyncRunner *self, const char *server_url)
{
  g_return_if_fail (self != NULL);

  for (guint i = 0; i < self->targets->len; i++)
    if (((Target *)g_ptr_array_index (self->targets, i))->is_server)
      g_ptr_array_remove_index (self->targets, i--);
  if (server_url != NULL)
    runner_add_target (self, server_url, TRUE);
}

void
vk_sync_runner_set_round_func (VkSyncRunner *self, VkSyncRoundFunc func, gpointer user_data)
{
  g_return_if_fail (self != NULL);
  self->round_func = func;
  self->round_data = user_data;
}

void
vk_sync_runner_start (VkSyncRunner *self)
{
  g_return_if_fail (self != NULL);

  if (self->timer != NULL)
    return;
  if (self->context == NULL)
    self->context = g_main_context_ref_thread_default ();
  self->timer = g_timeout_source_new (self->interval_ms);
  g_source_set_callback (self->timer, runner_tick_cb, self, NULL);
  g_source_set_name (self->timer, "vk-sync-runner");
  g_source_attach (self->timer, self->context);
  runner_schedule_round (self);
}

void
vk_sync_runner_kick (VkSyncRunner *self)
{
  g_return_if_fail (self != NULL);

  for (guint i = 0; i < self->targets->len; i++)
    ((Target *)g_ptr_array_index (self->targets, i))->next_try_us = 0;
  if (self->timer != NULL)
    runner_schedule_round (self);
}

guint
vk_sync_runner_get_rounds (VkSyncRunner *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->rounds;
}

const char *
vk_sync_runner_get_last_error (VkSyncRunner *self, const char *url)
{
  g_return_val_if_fail (self != NULL && url != NULL, NULL);

  for (guint i = 0; i < self->targets->len; i++)
    {
      Target *t = g_ptr_array_index (self->targets, i);
      if (strcmp (t->url, url) == 0)
        return t->last_error;
    }
  return NULL;
}
