/* vk-count.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-cose.h"
#include "vk-count-private.h"
#include "vk-db.h"
#include "vk-error.h"
#include "vk-text.h"

/* The count database.  Rows of `entry` are never updated or deleted; a
 * row of `pending` moves to `entry` (same transaction) when the gap before
 * it fills.  `receipt` is the latest receipt per device: which server
 * journal entry acknowledged which head, so that a repeated batch gets the
 * same receipt bytes back. */
static const char *const count_migrations[] = {
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY,"
  "  value BLOB NOT NULL"
  ") STRICT;"
  "CREATE TABLE entry ("
  "  device_id TEXT NOT NULL,"
  "  seq INTEGER NOT NULL CHECK (seq >= 1),"
  "  hash BLOB NOT NULL CHECK (length (hash) = 32),"
  "  time_ms INTEGER NOT NULL,"
  "  type TEXT NOT NULL,"
  "  cose BLOB NOT NULL,"
  "  received_ms INTEGER NOT NULL,"
  "  PRIMARY KEY (device_id, seq)"
  ") STRICT, WITHOUT ROWID;"
  "CREATE TABLE pending ("
  "  device_id TEXT NOT NULL,"
  "  seq INTEGER NOT NULL CHECK (seq >= 2),"
  "  hash BLOB NOT NULL CHECK (length (hash) = 32),"
  "  prev BLOB NOT NULL CHECK (length (prev) = 32),"
  "  time_ms INTEGER NOT NULL,"
  "  type TEXT NOT NULL,"
  "  cose BLOB NOT NULL,"
  "  received_ms INTEGER NOT NULL,"
  "  source TEXT NOT NULL,"
  "  PRIMARY KEY (device_id, seq)"
  ") STRICT, WITHOUT ROWID;"
  "CREATE TABLE fork ("
  "  id INTEGER PRIMARY KEY,"
  "  device_id TEXT NOT NULL,"
  "  seq INTEGER NOT NULL,"
  "  held_cose BLOB NOT NULL,"
  "  other_cose BLOB NOT NULL,"
  "  source TEXT NOT NULL,"
  "  received_ms INTEGER NOT NULL"
  ") STRICT;"
  "CREATE TABLE refusal ("
  "  id INTEGER PRIMARY KEY,"
  "  received_ms INTEGER NOT NULL,"
  "  source TEXT NOT NULL,"
  "  device_id TEXT NOT NULL,"
  "  seq INTEGER NOT NULL,"
  "  kind INTEGER NOT NULL,"
  "  code INTEGER NOT NULL,"
  "  reason TEXT NOT NULL"
  ") STRICT;"
  "CREATE TABLE receipt ("
  "  device_id TEXT PRIMARY KEY,"
  "  seq INTEGER NOT NULL,"
  "  head BLOB NOT NULL,"
  "  server_seq INTEGER NOT NULL"
  ") STRICT;",
  /* 2: refused batches that no enrolled key vouches for (D21): counted
   * per source, at most VK_COUNT_UNVERIFIED_SOURCES rows. */
  "CREATE TABLE unverified ("
  "  source TEXT PRIMARY KEY,"
  "  batches INTEGER NOT NULL,"
  "  first_ms INTEGER NOT NULL,"
  "  last_ms INTEGER NOT NULL,"
  "  reason TEXT NOT NULL"
  ") STRICT;",
};

const guint8 vk_count_zero_hash[VK_HASH_BYTES] = { 0 };

void
vk_count_receipt_free (VkCountReceipt *self)
{
  if (self == NULL)
    return;
  g_free (self->device_id);
  g_clear_pointer (&self->cose, g_bytes_unref);
  g_free (self);
}

void
vk_count_head_free (VkCountHead *self)
{
  if (self == NULL)
    return;
  g_free (self->device_id);
  g_free (self->role);
  g_free (self);
}

guint64
vk_count_now_ms (void)
{
  return (guint64)(g_get_real_time () / 1000);
}

Head *
vk_count_head (VkCount *self, const char *device_id)
{
  Head *h = g_hash_table_lookup (self->heads, device_id);

  if (h == NULL)
    {
      h = g_new0 (Head, 1);
      g_hash_table_insert (self->heads, g_strdup (device_id), h);
    }
  return h;
}

static gboolean
count_bind_meta (VkCount *self, GError **error)
{
  g_autoptr (sqlite3_stmt) sel = NULL;
  const guint8 *id = vk_package_get_election_id (self->package);

  sel = vk_db_prepare (self->db, "SELECT value FROM meta WHERE key = 'election_id'", error);
  if (sel == NULL)
    return FALSE;
  if (sqlite3_step (sel) == SQLITE_ROW)
    {
      if (sqlite3_column_bytes (sel, 0) != VK_ELECTION_ID_BYTES
          || memcmp (sqlite3_column_blob (sel, 0), id, VK_ELECTION_ID_BYTES) != 0)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_KEY, "%s: this count database belongs to another election",
                       vk_db_get_path (self->db));
          return FALSE;
        }
      return TRUE;
    }
  {
    g_autoptr (sqlite3_stmt) ins = vk_db_prepare (
        self->db, "INSERT INTO meta (key, value) VALUES ('election_id', ?1), ('server_device', ?2)", error);
    if (ins == NULL)
      return FALSE;
    sqlite3_bind_blob (ins, 1, id, VK_ELECTION_ID_BYTES, SQLITE_STATIC);
    sqlite3_bind_blob (ins, 2, self->device->device_id, (int)strlen (self->device->device_id), SQLITE_STATIC);
    return vk_db_step_done (self->db, ins, error);
  }
}

/* Loads heads, pending counts and the fold from the database. */
static gboolean
count_load (VkCount *self, GError **error)
{
  g_autoptr (sqlite3_stmt) st = NULL;
  int rc;

  /* Entries: every device's from seq 1, without gaps (ingest never stores
   * a gap in `entry`), so the last row per device is its head. */
  st = vk_db_prepare (self->db, "SELECT device_id, seq, hash, time_ms, cose FROM entry ORDER BY device_id, seq", error);
  if (st == NULL)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *dev = (const char *)sqlite3_column_text (st, 0);
      Head *h = vk_count_head (self, dev);
      g_autoptr (VkEntry) e = NULL;

      h->seq = (guint64)sqlite3_column_int64 (st, 1);
      memcpy (h->hash, sqlite3_column_blob (st, 2), VK_HASH_BYTES);
      h->time_ms = (guint64)sqlite3_column_int64 (st, 3);
      e = vk_entry_decode (sqlite3_column_blob (st, 4), (gsize)sqlite3_column_bytes (st, 4), error);
      if (e == NULL)
        {
          g_prefix_error (error, "%s: stored entry %s#%" G_GUINT64_FORMAT ": ", vk_db_get_path (self->db), dev, h->seq);
          return FALSE;
        }
      vk_fold_add_entry (self->fold, e);
    }
  if (rc != SQLITE_DONE)
    return vk_db_set_error (self->db, error, "loading entries");
  g_clear_pointer (&st, sqlite3_finalize);

  st = vk_db_prepare (self->db, "SELECT device_id, count(*) FROM pending GROUP BY device_id", error);
  if (st == NULL)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    vk_count_head (self, (const char *)sqlite3_column_text (st, 0))->pending = (guint64)sqlite3_column_int64 (st, 1);
  if (rc != SQLITE_DONE)
    return vk_db_set_error (self->db, error, "loading pending entries");
  g_clear_pointer (&st, sqlite3_finalize);

  st = vk_db_prepare (self->db, "SELECT kind, device_id, seq, source, reason FROM refusal ORDER BY id", error);
  if (st == NULL)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    vk_fold_add_refusal (self->fold, (VkRefusalKind)sqlite3_column_int (st, 0),
                         (const char *)sqlite3_column_text (st, 1), (guint64)sqlite3_column_int64 (st, 2),
                         (const char *)sqlite3_column_text (st, 3), (const char *)sqlite3_column_text (st, 4));
  if (rc != SQLITE_DONE)
    return vk_db_set_error (self->db, error, "loading refusals");
  g_clear_pointer (&st, sqlite3_finalize);

  st = vk_db_prepare (self->db, "SELECT source, batches, first_ms, last_ms, reason FROM unverified", error);
  if (st == NULL)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      Unverified *u = g_new0 (Unverified, 1);

      u->batches = (guint64)sqlite3_column_int64 (st, 1);
      u->first_ms = (guint64)sqlite3_column_int64 (st, 2);
      u->last_ms = (guint64)sqlite3_column_int64 (st, 3);
      u->reason = g_strdup ((const char *)sqlite3_column_text (st, 4));
      g_hash_table_replace (self->unverified, g_strdup ((const char *)sqlite3_column_text (st, 0)), u);
    }
  if (rc != SQLITE_DONE)
    return vk_db_set_error (self->db, error, "loading the unverified log");
  g_clear_pointer (&st, sqlite3_finalize);
  vk_count_sync_unverified_fold (self);

  st = vk_db_prepare (self->db, "SELECT device_id, seq FROM fork ORDER BY id", error);
  if (st == NULL)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    vk_fold_add_fork (self->fold, (const char *)sqlite3_column_text (st, 0), (guint64)sqlite3_column_int64 (st, 1));
  if (rc != SQLITE_DONE)
    return vk_db_set_error (self->db, error, "loading forks");
  return TRUE;
}

static void
unverified_free (gpointer p)
{
  Unverified *u = p;

  g_free (u->reason);
  g_free (u);
}

/* The fold's D21 numbers from the table (under the lock). */
void
vk_count_sync_unverified_fold (VkCount *self)
{
  GHashTableIter it;
  gpointer key, value;
  guint64 batches = 0;
  g_autoptr (GString) examples = g_string_new (NULL);
  guint shown = 0;

  g_hash_table_iter_init (&it, self->unverified);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      const Unverified *u = value;

      batches += u->batches;
      /* A few sources by name (already escaped and cut); the full list
       * is the table `unverified`. */
      if (shown < 3)
        {
          g_string_append_printf (examples, "%s%s (%" G_GUINT64_FORMAT ")", shown > 0 ? ", " : "", (const char *)key,
                                  u->batches);
          shown++;
        }
    }
  if (g_hash_table_size (self->unverified) > shown)
    g_string_append (examples, ", …");
  vk_fold_set_unverified (self->fold, batches, g_hash_table_size (self->unverified), examples->str);
}

void
vk_count_flush_unverified (VkCount *self)
{
  g_autoptr (sqlite3_stmt) st = NULL;
  GHashTableIter it;
  gpointer key, value;
  gboolean any = FALSE;

  if (self->db == NULL || self->key == NULL || self->unverified == NULL)
    return;
  g_hash_table_iter_init (&it, self->unverified);
  while (g_hash_table_iter_next (&it, &key, &value))
    any |= ((Unverified *)value)->dirty;
  if (!any || !vk_db_begin_immediate (self->db, NULL))
    return;
  st = vk_db_prepare (self->db,
                      "INSERT OR REPLACE INTO unverified (source, batches, first_ms, last_ms, reason) "
                      "VALUES (?1, ?2, ?3, ?4, ?5)",
                      NULL);
  if (st == NULL)
    {
      vk_db_rollback (self->db);
      return;
    }
  g_hash_table_iter_init (&it, self->unverified);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      Unverified *u = value;

      if (!u->dirty)
        continue;
      sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 2, (sqlite3_int64)u->batches);
      sqlite3_bind_int64 (st, 3, (sqlite3_int64)u->first_ms);
      sqlite3_bind_int64 (st, 4, (sqlite3_int64)u->last_ms);
      sqlite3_bind_text (st, 5, u->reason, -1, SQLITE_STATIC);
      if (!vk_db_step_done (self->db, st, NULL))
        {
          vk_db_rollback (self->db);
          return;
        }
    }
  if (!vk_count_commit (self, NULL))
    {
      vk_db_rollback (self->db);
      return;
    }
  g_hash_table_iter_init (&it, self->unverified);
  while (g_hash_table_iter_next (&it, &key, &value))
    ((Unverified *)value)->dirty = FALSE;
  self->unverified_flushed_ms = vk_count_now_ms ();
}

static char *
cut_escaped (const char *text, gsize max)
{
  g_autofree char *esc = vk_text_escape_controls (text);
  const char *end;

  if (strlen (esc) <= max)
    return g_steal_pointer (&esc);
  /* Cut on a character boundary. */
  end = g_utf8_find_prev_char (esc, esc + max);
  return g_strdup_printf ("%.*s…", (int)(end != NULL ? end - esc : 0), esc);
}

void
vk_count_note_unverified (VkCount *self, const char *source, const char *reason)
{
  g_autofree char *key = cut_escaped (source != NULL ? source : "", VK_COUNT_SOURCE_MAX_BYTES);
  Unverified *u = g_hash_table_lookup (self->unverified, key);
  guint64 now = vk_count_now_ms ();

  if (u == NULL && g_hash_table_size (self->unverified) >= VK_COUNT_UNVERIFIED_SOURCES)
    {
      /* The table is full: the rest share one row. */
      g_free (key);
      key = g_strdup (VK_COUNT_UNVERIFIED_OTHER);
      u = g_hash_table_lookup (self->unverified, key);
    }
  if (u == NULL)
    {
      u = g_new0 (Unverified, 1);
      u->first_ms = now;
      g_hash_table_insert (self->unverified, g_steal_pointer (&key), u);
    }
  u->batches++;
  u->last_ms = now;
  g_free (u->reason);
  u->reason = cut_escaped (reason != NULL ? reason : "", 200);
  u->dirty = TRUE;
  vk_count_sync_unverified_fold (self);
  /* Rate-limited: one write a second at most, whatever the flood. */
  if (now >= self->unverified_flushed_ms + 1000)
    vk_count_flush_unverified (self);
}

static gboolean
count_prepare (VkCount *self, GError **error)
{
  self->st_insert_entry = vk_db_prepare (self->db,
                                         "INSERT INTO entry (device_id, seq, hash, time_ms, type, cose, received_ms) "
                                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                         error);
  if (self->st_insert_entry == NULL)
    return FALSE;
  self->st_insert_pending
      = vk_db_prepare (self->db,
                       "INSERT OR IGNORE INTO pending (device_id, seq, hash, prev, time_ms, type, cose, received_ms, "
                       "source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                       error);
  if (self->st_insert_pending == NULL)
    return FALSE;
  self->st_entry_hash
      = vk_db_prepare (self->db, "SELECT hash, cose FROM entry WHERE device_id = ?1 AND seq = ?2", error);
  if (self->st_entry_hash == NULL)
    return FALSE;
  self->st_pending_hash
      = vk_db_prepare (self->db, "SELECT hash, cose FROM pending WHERE device_id = ?1 AND seq = ?2", error);
  if (self->st_pending_hash == NULL)
    return FALSE;
  self->st_receipt_get = vk_db_prepare (self->db,
                                        "SELECT r.server_seq, e.cose FROM receipt r JOIN entry e ON e.device_id = ?2 "
                                        "AND e.seq = r.server_seq WHERE r.device_id = ?1",
                                        error);
  if (self->st_receipt_get == NULL)
    return FALSE;
  self->st_receipt_put = vk_db_prepare (
      self->db, "INSERT OR REPLACE INTO receipt (device_id, seq, head, server_seq) VALUES (?1, ?2, ?3, ?4)", error);
  return self->st_receipt_put != NULL;
}

gboolean
vk_count_insert_entry (VkCount *self, const VkEntry *e, guint64 received_ms, GError **error)
{
  sqlite3_stmt *st = self->st_insert_entry;

  sqlite3_bind_text (st, 1, e->device_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, (sqlite3_int64)e->seq);
  sqlite3_bind_blob (st, 3, e->hash, VK_HASH_BYTES, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 4, (sqlite3_int64)e->time_ms);
  sqlite3_bind_text (st, 5, e->type, -1, SQLITE_STATIC);
  sqlite3_bind_blob (st, 6, g_bytes_get_data (e->cose, NULL), (int)g_bytes_get_size (e->cose), SQLITE_STATIC);
  sqlite3_bind_int64 (st, 7, (sqlite3_int64)received_ms);
  if (!vk_db_step_done (self->db, st, error))
    {
      sqlite3_clear_bindings (st);
      return FALSE;
    }
  sqlite3_clear_bindings (st);
  return TRUE;
}

/* Appends an entry to the server's own journal, inside the caller's
 * transaction.  Returns the entry (the caller folds it after commit). */
VkEntry *
vk_count_server_append (VkCount *self, const char *type, VkCbor *body, GError **error)
{
  Head *h = vk_count_head (self, self->device->device_id);
  g_autoptr (VkCbor) payload = vk_cbor_new_array ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) cose = NULL;
  g_autoptr (VkEntry) entry = NULL;
  guint64 t = MAX (vk_count_now_ms (), h->time_ms);

  vk_cbor_array_append (payload, vk_cbor_new_uint (VK_JOURNAL_VERSION));
  vk_cbor_array_append (payload, vk_cbor_new_bytes (vk_package_get_election_id (self->package), VK_ELECTION_ID_BYTES));
  vk_cbor_array_append (payload, vk_cbor_new_text (self->device->device_id, -1));
  vk_cbor_array_append (payload, vk_cbor_new_uint (h->seq + 1));
  vk_cbor_array_append (payload, vk_cbor_new_bytes (h->seq == 0 ? vk_count_zero_hash : h->hash, VK_HASH_BYTES));
  vk_cbor_array_append (payload, vk_cbor_new_uint (t));
  vk_cbor_array_append (payload, vk_cbor_new_text (type, -1));
  vk_cbor_array_append (payload, vk_cbor_ref (body));
  bytes = vk_cbor_encode (payload);
  cose = vk_cose_sign1_create (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), self->key, error);
  if (cose == NULL)
    return NULL;
  entry = vk_entry_decode (g_bytes_get_data (cose, NULL), g_bytes_get_size (cose), error);
  if (entry == NULL || !vk_count_insert_entry (self, entry, t, error))
    return NULL;
  return g_steal_pointer (&entry);
}

/* The server's head moves only after commit; these apply it. */
void
vk_count_head_advance (Head *h, const VkEntry *e)
{
  h->seq = e->seq;
  memcpy (h->hash, e->hash, VK_HASH_BYTES);
  h->time_ms = e->time_ms;
}

static VkCount *
count_new (VkPackage *package, GError **error)
{
  g_autoptr (VkCount) self = g_new0 (VkCount, 1);

  g_mutex_init (&self->lock);
  g_mutex_init (&self->sync_lock);
  self->wal_fd = -1;
  self->package = package;
  self->heads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->unverified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, unverified_free);
  self->election = vk_package_dup_election (package, error);
  if (self->election == NULL)
    return NULL;
  self->fold = vk_fold_new (package, error);
  if (self->fold == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

VkCount *
vk_count_open (const char *db_path, VkPackage *package, const VkKeypair *server_key, GError **error)
{
  g_autoptr (VkCount) self = NULL;
  g_autoptr (VkCbor) body = NULL;
  g_autoptr (VkEntry) open_entry = NULL;

  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (package != NULL, NULL);
  g_return_val_if_fail (server_key != NULL, NULL);

  self = count_new (package, error);
  if (self == NULL)
    return NULL;
  self->device = vk_package_lookup_device_by_key_id (package, vk_keypair_get_key_id (server_key));
  if (self->device == NULL || self->device->role_id != VK_ROLE_SERVER)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "%s: this key is not enrolled as a count server (role server)",
                   vk_package_get_path (package));
      return NULL;
    }
  if (memcmp (vk_keypair_get_public_key (server_key), self->device->public_key, VK_PUBLIC_KEY_BYTES) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "the key of %s does not match its enrolment",
                   self->device->device_id);
      return NULL;
    }
  if (!vk_device_is_valid_at (self->device, vk_count_now_ms ()))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "the enrolment of %s is not valid now", self->device->device_id);
      return NULL;
    }
  self->key = server_key;

  self->db = vk_db_open (db_path, VK_COUNT_APPLICATION_ID, VK_DB_CREATE | VK_DB_WAL, error);
  if (self->db == NULL || !vk_db_migrate (self->db, count_migrations, G_N_ELEMENTS (count_migrations), error))
    return NULL;
  if (!count_bind_meta (self, error) || !count_prepare (self, error) || !count_load (self, error))
    return NULL;

  body = vk_cbor_new_map ();
  vk_cbor_map_set_text (body, "role", vk_device_role_to_string (VK_ROLE_SERVER));
  vk_cbor_map_insert_text (body, "area", vk_cbor_new_null ());
  vk_cbor_map_set_text (body, "software", "valgkit " PACKAGE_VERSION);
  if (!vk_db_begin_immediate (self->db, error))
    return NULL;
  open_entry = vk_count_server_append (self, "device.open", body, error);
  if (open_entry == NULL || !vk_db_commit (self->db, error))
    {
      vk_db_rollback (self->db);
      return NULL;
    }
  vk_count_head_advance (vk_count_head (self, self->device->device_id), open_entry);
  vk_fold_add_entry (self->fold, open_entry);
  /* From here on commits are flushed by group commit (vk-count-durable.c). */
  if (!vk_count_durable_init (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

VkCount *
vk_count_open_read_only (const char *db_path, VkPackage *package, GError **error)
{
  g_autoptr (VkCount) self = NULL;
  g_autoptr (sqlite3_stmt) st = NULL;
  g_autofree char *server = NULL;

  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (package != NULL, NULL);

  self = count_new (package, error);
  if (self == NULL)
    return NULL;
  if (!g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "%s: no such count database", db_path);
      return NULL;
    }
  self->db = vk_db_open (db_path, VK_COUNT_APPLICATION_ID, VK_DB_READ_ONLY | VK_DB_WAL, error);
  if (self->db == NULL || !vk_db_migrate (self->db, count_migrations, G_N_ELEMENTS (count_migrations), error))
    return NULL;
  st = vk_db_prepare (self->db, "SELECT value FROM meta WHERE key = 'server_device'", error);
  if (st == NULL)
    return NULL;
  if (sqlite3_step (st) == SQLITE_ROW)
    server = g_strndup (sqlite3_column_blob (st, 0), (gsize)sqlite3_column_bytes (st, 0));
  self->device = server != NULL ? vk_package_lookup_device (package, server) : NULL;
  if (self->device == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: the count database names no server enrolled in %s", db_path,
                   vk_package_get_path (package));
      return NULL;
    }
  if (!count_bind_meta (self, error) || !count_prepare (self, error) || !count_load (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
vk_count_close (VkCount *self)
{
  if (self == NULL)
    return;
  if (self->unverified != NULL)
    vk_count_flush_unverified (self);
  g_clear_pointer (&self->unverified, g_hash_table_unref);
  g_clear_pointer (&self->st_insert_entry, sqlite3_finalize);
  g_clear_pointer (&self->st_insert_pending, sqlite3_finalize);
  g_clear_pointer (&self->st_entry_hash, sqlite3_finalize);
  g_clear_pointer (&self->st_pending_hash, sqlite3_finalize);
  g_clear_pointer (&self->st_receipt_get, sqlite3_finalize);
  g_clear_pointer (&self->st_receipt_put, sqlite3_finalize);
  g_clear_pointer (&self->db, vk_db_close);
  g_clear_pointer (&self->fold, vk_fold_free);
  g_clear_pointer (&self->election, vk_election_free);
  g_clear_pointer (&self->heads, g_hash_table_unref);
  vk_count_durable_clear (self);
  g_mutex_clear (&self->sync_lock);
  g_mutex_clear (&self->lock);
  g_free (self);
}

VkPackage *
vk_count_get_package (VkCount *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->package;
}

const VkElection *
vk_count_get_election (VkCount *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->election;
}

const char *
vk_count_get_device_id (VkCount *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->device->device_id;
}

VkFold *
vk_count_get_fold (VkCount *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->fold;
}

/* ---- reads -------------------------------------------------------------- */

GPtrArray *
vk_count_dup_entries (VkCount *self, const char *device_id, guint64 after_seq, GError **error)
{
  g_autoptr (GPtrArray) out = NULL;
  g_autoptr (sqlite3_stmt) st = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (device_id != NULL, NULL);

  g_mutex_lock (&self->lock);
  if (vk_package_lookup_device (self->package, device_id) == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "device %s is not enrolled in this election", device_id);
      goto out;
    }
  st = vk_db_prepare (self->db, "SELECT cose FROM entry WHERE device_id = ?1 AND seq > ?2 ORDER BY seq", error);
  if (st == NULL)
    goto out;
  sqlite3_bind_text (st, 1, device_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, (sqlite3_int64)MIN (after_seq, (guint64)G_MAXINT64));
  out = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_entry_free);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      VkEntry *e = vk_entry_decode (sqlite3_column_blob (st, 0), (gsize)sqlite3_column_bytes (st, 0), error);
      if (e == NULL)
        {
          g_clear_pointer (&out, g_ptr_array_unref);
          goto out;
        }
      g_ptr_array_add (out, e);
    }
  if (rc != SQLITE_DONE)
    {
      vk_db_set_error (self->db, error, "reading entries");
      g_clear_pointer (&out, g_ptr_array_unref);
    }
out:
  g_mutex_unlock (&self->lock);
  return g_steal_pointer (&out);
}

GBytes *
vk_count_dup_journal_bytes (VkCount *self, const char *device_id, guint64 after_seq, GError **error)
{
  g_autoptr (GPtrArray) entries = vk_count_dup_entries (self, device_id, after_seq, error);

  if (entries == NULL)
    return NULL;
  return vk_journal_serialize (entries);
}

static gint
compare_heads (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(VkCountHead *const *)a)->device_id, (*(VkCountHead *const *)b)->device_id);
}

static GPtrArray *
dup_heads_locked (VkCount *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_count_head_free);
  GHashTableIter it;
  gpointer k, v;

  g_hash_table_iter_init (&it, self->heads);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      const Head *h = v;
      const VkDevice *d = vk_package_lookup_device (self->package, k);
      VkCountHead *ch = g_new0 (VkCountHead, 1);

      ch->device_id = g_strdup (k);
      ch->role = g_strdup (d != NULL ? d->role : "");
      ch->area = d != NULL ? d->area : VK_PACKAGE_NO_AREA;
      ch->seq = h->seq;
      memcpy (ch->head, h->seq > 0 ? h->hash : vk_count_zero_hash, VK_HASH_BYTES);
      ch->time_ms = h->time_ms;
      ch->pending = h->pending;
      g_ptr_array_add (out, ch);
    }
  g_ptr_array_sort (out, compare_heads);
  return out;
}

GPtrArray *
vk_count_dup_heads (VkCount *self)
{
  GPtrArray *out;

  g_return_val_if_fail (self != NULL, NULL);
  g_mutex_lock (&self->lock);
  out = dup_heads_locked (self);
  g_mutex_unlock (&self->lock);
  return out;
}

static const char *
tally_state (gboolean signed_, guint tallies)
{
  return signed_ ? "signed" : tallies > 0 ? "counting" : "none";
}

JsonNode *
vk_count_status (VkCount *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (GPtrArray) heads = NULL;
  g_autofree char *eid = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  g_mutex_lock (&self->lock);
  eid = vk_hex_encode (vk_package_get_election_id (self->package), VK_ELECTION_ID_BYTES);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "election");
  json_builder_add_string_value (b, eid);
  json_builder_set_member_name (b, "server");
  json_builder_add_string_value (b, self->device->device_id);
  json_builder_set_member_name (b, "generated_ms");
  json_builder_add_int_value (b, (gint64)vk_count_now_ms ());
  json_builder_set_member_name (b, "areas");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->election->areas->len; i++)
    {
      const VkArea *a = g_ptr_array_index (self->election->areas, i);
      VkFoldAreaSummary s;
      g_autoptr (GPtrArray) devs = NULL;
      gint64 eligible = vk_package_count_voters (self->package, a->number, NULL);

      if (!vk_fold_get_area_summary (self->fold, a->number, NULL, &s))
        continue;
      devs = vk_fold_dup_area_devices (self->fold, a->number);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "area");
      json_builder_add_int_value (b, a->number);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, a->name);
      json_builder_set_member_name (b, "eligible");
      json_builder_add_int_value (b, eligible > 0 ? eligible : (gint64)a->eligible);
      json_builder_set_member_name (b, "devices");
      json_builder_begin_array (b);
      for (guint j = 0; j < devs->len; j++)
        json_builder_add_string_value (b, g_ptr_array_index (devs, j));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "last_entry_ms");
      if (s.last_entry_ms == 0)
        json_builder_add_null_value (b);
      else
        json_builder_add_int_value (b, (gint64)s.last_entry_ms);
      json_builder_set_member_name (b, "checkins");
      json_builder_add_int_value (b, (gint64)s.checkins);
      json_builder_set_member_name (b, "brevstemmer");
      json_builder_add_int_value (b, (gint64)s.brevstemmer);
      json_builder_set_member_name (b, "brevstemmer_accepted");
      json_builder_add_int_value (b, (gint64)s.brevstemmer_accepted);
      json_builder_set_member_name (b, "foreloebig");
      json_builder_add_string_value (b, tally_state (s.foreloebig_signed, s.foreloebig_tallies));
      json_builder_set_member_name (b, "fintaelling");
      json_builder_add_string_value (b, tally_state (s.fintaelling_signed, s.fintaelling_tallies));
      if (vk_election_get_n_contests (self->election) > 1)
        {
          /* Each contest's counts ("foreloebig"/"fintaelling" above are
           * the primary's). */
          json_builder_set_member_name (b, "contests");
          json_builder_begin_object (b);
          for (guint c = 0; c < vk_election_get_n_contests (self->election); c++)
            {
              const char *id = vk_election_contest_id (vk_election_get_contest_nth (self->election, c));
              VkFoldAreaSummary cs;

              if (!vk_fold_get_area_summary (self->fold, a->number, id, &cs))
                continue;
              json_builder_set_member_name (b, id);
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "foreloebig");
              json_builder_add_string_value (b, tally_state (cs.foreloebig_signed, cs.foreloebig_tallies));
              json_builder_set_member_name (b, "fintaelling");
              json_builder_add_string_value (b, tally_state (cs.fintaelling_signed, cs.fintaelling_tallies));
              json_builder_end_object (b);
            }
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  heads = dup_heads_locked (self);
  json_builder_set_member_name (b, "devices");
  json_builder_begin_array (b);
  for (guint i = 0; i < heads->len; i++)
    {
      const VkCountHead *h = g_ptr_array_index (heads, i);
      g_autofree char *hex = vk_hex_encode (h->head, VK_HASH_BYTES);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "device");
      json_builder_add_string_value (b, h->device_id);
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, h->role);
      json_builder_set_member_name (b, "area");
      if (h->area == VK_PACKAGE_NO_AREA)
        json_builder_add_null_value (b);
      else
        json_builder_add_int_value (b, h->area);
      json_builder_set_member_name (b, "seq");
      json_builder_add_int_value (b, (gint64)h->seq);
      json_builder_set_member_name (b, "head");
      json_builder_add_string_value (b, hex);
      json_builder_set_member_name (b, "time_ms");
      json_builder_add_int_value (b, (gint64)h->time_ms);
      json_builder_set_member_name (b, "pending");
      json_builder_add_int_value (b, (gint64)h->pending);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  g_mutex_unlock (&self->lock);
  return json_builder_get_root (b);
}

static VkResults *
results_locked (VkCount *self, const char *contest, VkResultKind kind, GError **error)
{
  g_autoptr (VkResults) res = NULL;
  const VkElection *c = vk_election_get_contest (self->election, contest);

  if (c == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "the election has no %s contest", contest);
      return NULL;
    }
  res = g_new0 (VkResults, 1);
  res->kind = kind;
  res->areas = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_area_result_free);
  for (guint i = 0; i < self->election->areas->len; i++)
    {
      const VkArea *a = g_ptr_array_index (self->election->areas, i);
      g_autoptr (GError) local = NULL;
      VkAreaResult *r = vk_fold_dup_result (self->fold, a->number, contest, kind, &local);
      const VkArea *ca = vk_election_lookup_area (c, a->number);
      gint64 eligible;
      gboolean per_voter;

      if (r == NULL)
        {
          if (g_error_matches (local, VK_ERROR, VK_ERROR_NOT_FOUND))
            continue;
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      /* The primary contest's eligible voters are the package's voter
       * list; another contest's are its own count per area (they differ
       * by a few between KV and RV in some areas).  An FV, EP or FA
       * contest's are always its own: the voters of the list who receive
       * its ballot (vk_election_count_eligible()), not every voter. */
      per_voter = c->type != VK_ELECTION_KV && c->type != VK_ELECTION_RV;
      eligible = c == self->election && !per_voter ? vk_package_count_voters (self->package, a->number, NULL) : -1;
      if (eligible > 0)
        r->eligible = (guint64)eligible;
      else if ((c != self->election || per_voter) && ca != NULL)
        r->eligible = ca->eligible;
      g_ptr_array_add (res->areas, r);
    }
  res->total = vk_results_sum (res->areas, self->election->municipality);
  return g_steal_pointer (&res);
}

VkResults *
vk_count_results (VkCount *self, const char *contest, VkResultKind kind, GError **error)
{
  VkResults *res;

  g_return_val_if_fail (self != NULL, NULL);
  g_mutex_lock (&self->lock);
  res = results_locked (self, contest, kind, error);
  g_mutex_unlock (&self->lock);
  return res;
}

VkSeatAllocation *
vk_count_mandates (VkCount *self, const char *contest, VkResultKind kind, const VkLots *lots, VkTie **ret_tie,
                   GError **error)
{
  g_autoptr (VkResults) res = NULL;
  VkSeatAllocation *alloc = NULL;
  const VkElection *c;

  g_return_val_if_fail (self != NULL, NULL);
  c = vk_election_get_contest (self->election, contest);
  /* A folketingsvalg's and a Europa-Parlamentsvalg's seats are the
   * country's; a folkeafstemning has none.  (A regionsrådsvalg's are the
   * region's, but its municipal allocation stays available.) */
  if (c != NULL && c->type != VK_ELECTION_KV && c->type != VK_ELECTION_RV)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "%s: the municipality allocates no seats (a %s's are allocated nationally, or it has none)", contest,
                   vk_election_type_name_da (c->type));
      return NULL;
    }
  g_mutex_lock (&self->lock);
  res = results_locked (self, contest, kind, error);
  if (res == NULL)
    goto out;
  if (res->areas->len == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "no area has a signed %s count yet",
                   kind == VK_RESULT_FORELOEBIG ? "foreløbig" : "fintælling");
      goto out;
    }
  alloc = vk_seats_allocate (vk_election_get_contest (self->election, contest), 0, res->total, lots, ret_tie, error);
out:
  g_mutex_unlock (&self->lock);
  return alloc;
}

guint64
vk_count_get_signoff_time (VkCount *self, guint area, const char *contest, VkResultKind kind)
{
  guint64 t;

  g_return_val_if_fail (self != NULL, 0);
  g_mutex_lock (&self->lock);
  t = vk_fold_get_signoff_time (self->fold, area, contest, kind);
  g_mutex_unlock (&self->lock);
  return t;
}

GPtrArray *
vk_count_discrepancies (VkCount *self, const VkRulesConfig *config, GError **error)
{
  GPtrArray *findings;

  g_return_val_if_fail (self != NULL, NULL);
  g_mutex_lock (&self->lock);
  findings = vk_rules_run (self->fold, config);
  g_mutex_unlock (&self->lock);
  return findings;
}

gboolean
vk_count_is_published (VkCount *self, const char *contest, VkResultKind kind)
{
  g_autoptr (sqlite3_stmt) st = NULL;
  const VkElection *c;
  const char *want_kind = vk_result_kind_to_string (kind);
  gboolean found = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);

  c = vk_election_get_contest (self->election, contest);
  if (c == NULL || want_kind == NULL)
    return FALSE;
  g_mutex_lock (&self->lock);
  st = vk_db_prepare (self->db, "SELECT cose FROM entry WHERE type = 'result.published' ORDER BY device_id, seq", NULL);
  if (st != NULL)
    {
      /* Only a count server's own entry publishes (also read-only, when
       * no key says which server this is). */
      while (!found && sqlite3_step (st) == SQLITE_ROW)
        {
          g_autoptr (VkEntry) e
              = vk_entry_decode (sqlite3_column_blob (st, 0), (gsize)sqlite3_column_bytes (st, 0), NULL);
          const VkDevice *d = e != NULL ? vk_package_lookup_device (self->package, e->device_id) : NULL;
          const char *k
              = d != NULL && d->role_id == VK_ROLE_SERVER ? vk_cbor_map_get_text_field (e->body, "kind", NULL) : NULL;
          const char *ec = e != NULL ? vk_cbor_map_get_text_field (e->body, "contest", NULL) : NULL;

          /* A single-contest package's entries name no contest: the primary. */
          if (ec == NULL)
            ec = vk_election_contest_id (self->election);
          found = k != NULL && strcmp (k, want_kind) == 0 && strcmp (ec, vk_election_contest_id (c)) == 0;
        }
    }
  g_mutex_unlock (&self->lock);
  return found;
}

VkEntry *
vk_count_publish_result (VkCount *self, const char *contest, VkResultKind kind, const guint8 digest[VK_HASH_BYTES],
                         GError **error)
{
  g_autoptr (VkCbor) body = vk_cbor_new_map ();
  g_autoptr (VkCbor) journals = vk_cbor_new_array ();
  g_autoptr (GPtrArray) heads = NULL;
  VkEntry *entry = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (digest != NULL, NULL);

  if (self->key == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_FAILED, "the count database is open read-only");
      return NULL;
    }
  g_mutex_lock (&self->lock);
  heads = dup_heads_locked (self);
  for (guint i = 0; i < heads->len; i++)
    {
      const VkCountHead *h = g_ptr_array_index (heads, i);
      VkCbor *j;

      if (h->seq == 0 || strcmp (h->device_id, self->device->device_id) == 0)
        continue;
      j = vk_cbor_new_array ();
      vk_cbor_array_append (j, vk_cbor_new_text (h->device_id, -1));
      vk_cbor_array_append (j, vk_cbor_new_uint (h->seq));
      vk_cbor_array_append (j, vk_cbor_new_bytes (h->head, VK_HASH_BYTES));
      vk_cbor_array_append (journals, j);
    }
  if (vk_election_get_n_contests (self->election) > 1)
    {
      const VkElection *c = vk_election_get_contest (self->election, contest);
      if (c == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "the election has no %s contest", contest);
          return NULL;
        }
      vk_cbor_map_set_text (body, "contest", vk_election_contest_id (c));
    }
  vk_cbor_map_set_text (body, "kind", vk_result_kind_to_string (kind));
  vk_cbor_map_set_bytes (body, "digest", digest, VK_HASH_BYTES);
  vk_cbor_map_insert_text (body, "journals", g_steal_pointer (&journals));
  if (!vk_db_begin_immediate (self->db, error))
    goto out;
  entry = vk_count_server_append (self, "result.published", body, error);
  if (entry == NULL || !vk_count_commit (self, error))
    {
      vk_db_rollback (self->db);
      g_clear_pointer (&entry, vk_entry_free);
      goto out;
    }
  vk_count_head_advance (vk_count_head (self, self->device->device_id), entry);
  vk_fold_add_entry (self->fold, entry);
out:
  g_mutex_unlock (&self->lock);
  return entry;
}
