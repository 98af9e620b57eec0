/* vk-sync.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-cose.h"
#include "vk-db.h"
#include "vk-entry-schema.h"
#include "vk-error.h"
#include "vk-sync-private.h"

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
  g_clear_object (&self->tls_database);
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
vk_sync_set_tls_database (VkSync *self, GTlsDatabase *database)
{
  g_return_if_fail (self != NULL);
  g_set_object (&self->tls_database, database);
}

void
vk_sync_set_key (VkSync *self, const VkKeypair *key)
{
  g_return_if_fail (self != NULL);
  self->key = key;
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
  guint64 t = vk_sync_now_ms ();

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
  if (server == NULL || server->role_id != VK_ROLE_SERVER)
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
gboolean
vk_sync_store_receipt (VkSync *self, const char *server_url, const char *device_id, guint64 seq, const guint8 head[32],
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
  sqlite3_bind_int64 (stmt, 5, (sqlite3_int64)vk_sync_now_ms ());
  sqlite3_bind_blob (stmt, 6, g_bytes_get_data (cose, NULL), (int)g_bytes_get_size (cose), SQLITE_TRANSIENT);
  if (!vk_db_step_done (self->db, stmt, error))
    return FALSE;
  *ret_new = sqlite3_changes (vk_db_get_handle (self->db)) > 0;
  return TRUE;
}

/* HTTP client. */
