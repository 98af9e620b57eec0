/* vk-journal.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "vk-cose.h"
#include "vk-db.h"
#include "vk-error.h"
#include "vk-file.h"
#include "vk-journal-private.h"
#include "vk-journal.h"
#include "vk-text.h"

/* The device database.  `entry` holds this device's journal and, later,
 * the journals of peers it has received; `meta` binds the file to one
 * election and one device.  Rows are never updated or deleted. */
static const char *const journal_migrations[] = {
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
  "  PRIMARY KEY (device_id, seq)"
  ") STRICT;",
};

#define VK_JOURNAL_APPLICATION_ID 0x564B4A4E /* 'VKJN' */

struct _VkJournal
{
  VkDb *db;
  char *path;
  char *device_id;
  guint8 election_id[VK_ELECTION_ID_BYTES];
  guint64 head_seq;
  guint8 head_hash[VK_HASH_BYTES];
  guint64 head_time_ms;
  VkJournalClockFunc clock;
  gpointer clock_data;
  sqlite3_stmt *st_append; /* prepared on the first append, kept until close */
};

static const guint8 zero_hash[VK_HASH_BYTES] = { 0 };

/* Entry signatures found valid in this process (pointer-sized, so that
 * g_atomic_pointer_add() counts it). */
static gsize signatures_verified;

void
vk_entry_free (VkEntry *self)
{
  if (self == NULL)
    return;
  g_free (self->device_id);
  g_free (self->type);
  g_clear_pointer (&self->body, vk_cbor_unref);
  g_clear_pointer (&self->payload, g_bytes_unref);
  g_clear_pointer (&self->cose, g_bytes_unref);
  g_free (self);
}

/* Before anything is decoded or copied: an entry whose payload byte
 * string claims more than VK_JOURNAL_MAX_PAYLOAD_BYTES is refused from
 * its head (a COSE_Sign1 of valgkit starts with 17 fixed-shape bytes:
 * tag 18, array of 4, the protected header {1: -8}, {4: 8-byte kid};
 * then the payload's head).  Anything else is left to the decoder,
 * which says what is wrong. */
static gboolean
entry_precheck (const guint8 *data, gsize len, GError **error)
{
  static const guint8 shape[] = { 0xd2, 0x84, 0x43, 0xa1, 0x01, 0x27, 0xa1, 0x04, 0x48 };
  guint64 n = 0;
  guint ai;

  if (len < 18 || memcmp (data, shape, sizeof shape) != 0 || (data[17] >> 5) != 2)
    return TRUE;
  ai = data[17] & 0x1f;
  if (ai >= 24 && ai <= 27)
    {
      gsize k = (gsize)1 << (ai - 24);

      if (len < 18 + k)
        return TRUE;
      for (gsize i = 0; i < k; i++)
        n = (n << 8) | data[18 + i];
    }
  else
    n = ai;
  if (n > VK_JOURNAL_MAX_PAYLOAD_BYTES)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "COSE_Sign1: payload of %" G_GUINT64_FORMAT " bytes, more than the %d an entry may hold", n,
                   VK_JOURNAL_MAX_PAYLOAD_BYTES);
      return FALSE;
    }
  return TRUE;
}

static VkEntry *
entry_new_from_cose (VkCoseSign1 *cose, guint64 *budget, GError **error)
{
  g_autoptr (VkEntry) self = g_new0 (VkEntry, 1);

  self->payload = g_bytes_ref (cose->payload);
  self->cose = g_bytes_ref (cose->encoded);
  memcpy (self->key_id, cose->key_id, VK_KEY_ID_BYTES);
  if (!vk_journal_payload_parse (self, budget, error))
    return NULL;
  return g_steal_pointer (&self);
}

VkEntry *
vk_entry_decode (const guint8 *data, gsize len, GError **error)
{
  g_autoptr (VkCoseSign1) cose = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  guint64 budget = VK_JOURNAL_MAX_ENTRY_ITEMS;

  if (!entry_precheck (data, len, error))
    return NULL;
  cose = vk_cose_sign1_decode (data, len, error);
  if (cose == NULL)
    return NULL;
  return entry_new_from_cose (cose, &budget, error);
}

/* The signature, the long way (decode the item again); not counted. */
static gboolean
entry_verify_decoded (const VkEntry *self, const guint8 public_key[VK_PUBLIC_KEY_BYTES], GError **error)
{
  g_autoptr (VkCoseSign1) cose = NULL;

  cose = vk_cose_sign1_decode (g_bytes_get_data (self->cose, NULL), g_bytes_get_size (self->cose), error);
  if (cose == NULL)
    return FALSE;
  return vk_cose_sign1_verify (cose, public_key, error);
}

gboolean
vk_entry_verify_signature (const VkEntry *self, const guint8 public_key[VK_PUBLIC_KEY_BYTES], GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!entry_verify_decoded (self, public_key, error))
    return FALSE;
  g_atomic_pointer_add (&signatures_verified, 1);
  return TRUE;
}

guint64
vk_journal_item_budget (gsize len)
{
  /* A genuine entry holds about one item per 9 bytes or fewer (a
   * COSE_Sign1 of 8 items, 64 signature bytes and a payload with two
   * 32-byte hashes around a small body): a check-in is some 24 items in
   * 215 bytes.  One per 8 bytes, plus one entry's worth for small
   * batches, keeps a request's decoded items (some 40 bytes each)
   * within about 5 times its size. */
  return (guint64)len / 8 + VK_JOURNAL_MAX_ENTRY_ITEMS;
}

GPtrArray *
vk_journal_parse (const guint8 *data, gsize len, const char *name, GError **error)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_entry_free);
  gsize offset = 0;
  guint64 budget = vk_journal_item_budget (len);

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (name == NULL)
    name = "journal";

  while (offset < len)
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (VkCoseSign1) cose = NULL;
      VkEntry *entry;
      gsize consumed = 0;

      if (entry_precheck (data + offset, len - offset, &local_error))
        cose = vk_cose_sign1_decode_prefix (data + offset, len - offset, &consumed, &local_error);
      if (cose != NULL)
        {
          entry = entry_new_from_cose (cose, &budget, &local_error);
          if (entry != NULL)
            {
              g_ptr_array_add (entries, entry);
              offset += consumed;
              continue;
            }
        }
      g_set_error (error, VK_ERROR, local_error->domain == VK_ERROR ? local_error->code : VK_ERROR_INVALID,
                   "%s: entry %u at byte %" G_GSIZE_FORMAT ": %s", name, entries->len + 1, offset,
                   local_error->message);
      return NULL;
    }
  return g_steal_pointer (&entries);
}

GPtrArray *
vk_journal_read_file (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  gsize len = 0;

  g_return_val_if_fail (path != NULL, NULL);

  /* A journal file comes from a USB stick or another device: a regular
   * file of at most VK_FILE_MAX_JOURNAL_BYTES, its name escaped. */
  if (!vk_file_read_untrusted (path, VK_FILE_MAX_JOURNAL_BYTES, &contents, &len, error))
    {
      g_prefix_error (error, "cannot read journal: ");
      return NULL;
    }
  name = vk_text_escape_controls (path);
  return vk_journal_parse ((const guint8 *)contents, len, name, error);
}

GBytes *
vk_journal_serialize (GPtrArray *entries)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();

  g_return_val_if_fail (entries != NULL, NULL);

  for (guint i = 0; i < entries->len; i++)
    {
      const VkEntry *entry = g_ptr_array_index (entries, i);
      g_byte_array_append (out, g_bytes_get_data (entry->cose, NULL), (guint)g_bytes_get_size (entry->cose));
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

gboolean
vk_journal_write_file (GPtrArray *entries, const char *path, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;

  g_return_val_if_fail (entries != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  bytes = vk_journal_serialize (entries);
  /* G_FILE_SET_CONTENTS_CONSISTENT writes a temporary file, fsyncs it and
   * renames it over the target: a reader sees the old file or the new
   * one, never half of one. */
  if (!g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), (gssize)g_bytes_get_size (bytes),
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600, error))
    {
      g_prefix_error (error, "cannot write journal: ");
      return FALSE;
    }
  return TRUE;
}

/* The device store. */

static gboolean
journal_load_head (VkJournal *self, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = vk_db_prepare (self->db, "SELECT seq, hash, time_ms FROM entry WHERE device_id = ?1 ORDER BY seq DESC LIMIT 1",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, self->device_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (sqlite3_column_bytes (stmt, 1) != VK_HASH_BYTES)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_DB, "%s: damaged journal head", self->path);
          return FALSE;
        }
      self->head_seq = (guint64)sqlite3_column_int64 (stmt, 0);
      memcpy (self->head_hash, sqlite3_column_blob (stmt, 1), VK_HASH_BYTES);
      self->head_time_ms = (guint64)sqlite3_column_int64 (stmt, 2);
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    return vk_db_set_error (self->db, error, "reading the journal head");
  self->head_seq = 0;
  memset (self->head_hash, 0, VK_HASH_BYTES);
  self->head_time_ms = 0;
  return TRUE;
}

/* The meta table: what this database is bound to. */
static gboolean
meta_get (VkDb *db, const char *key, GBytes **ret_value, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = vk_db_prepare (db, "SELECT value FROM meta WHERE key = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *ret_value = g_bytes_new (sqlite3_column_blob (stmt, 0), (gsize)sqlite3_column_bytes (stmt, 0));
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    return vk_db_set_error (db, error, "reading meta");
  *ret_value = NULL;
  return TRUE;
}

static gboolean
meta_set (VkDb *db, const char *key, const guint8 *value, gsize len, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = vk_db_prepare (db, "INSERT INTO meta (key, value) VALUES (?1, ?2)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 2, value, (int)len, SQLITE_TRANSIENT);
  return vk_db_step_done (db, stmt, error);
}

/* Binds a fresh database to the election and device, or checks that an
 * existing one is bound to the same. */
static gboolean
journal_bind_meta (VkJournal *self, GError **error)
{
  g_autoptr (GBytes) election = NULL;
  g_autoptr (GBytes) device = NULL;

  if (!meta_get (self->db, "election_id", &election, error) || !meta_get (self->db, "device_id", &device, error))
    return FALSE;

  if (election == NULL && device == NULL)
    {
      if (!vk_db_begin_immediate (self->db, error))
        return FALSE;
      if (!meta_set (self->db, "election_id", self->election_id, VK_ELECTION_ID_BYTES, error)
          || !meta_set (self->db, "device_id", (const guint8 *)self->device_id, strlen (self->device_id), error)
          || !vk_db_commit (self->db, error))
        {
          vk_db_rollback (self->db);
          return FALSE;
        }
      return TRUE;
    }

  if (election == NULL || g_bytes_get_size (election) != VK_ELECTION_ID_BYTES
      || memcmp (g_bytes_get_data (election, NULL), self->election_id, VK_ELECTION_ID_BYTES) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "%s: this journal belongs to another election", self->path);
      return FALSE;
    }
  if (device == NULL || g_bytes_get_size (device) != strlen (self->device_id)
      || memcmp (g_bytes_get_data (device, NULL), self->device_id, strlen (self->device_id)) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "%s: this journal belongs to another device", self->path);
      return FALSE;
    }
  return TRUE;
}

VkJournal *
vk_journal_open (const char *db_path, const guint8 election_id[VK_ELECTION_ID_BYTES], const char *device_id,
                 GError **error)
{
  g_autoptr (VkJournal) self = NULL;

  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (election_id != NULL, NULL);
  g_return_val_if_fail (device_id != NULL && *device_id != '\0', NULL);

  self = g_new0 (VkJournal, 1);
  self->path = g_strdup (db_path);
  self->device_id = g_strdup (device_id);
  memcpy (self->election_id, election_id, VK_ELECTION_ID_BYTES);

  self->db = vk_db_open (db_path, VK_JOURNAL_APPLICATION_ID, VK_DB_CREATE | VK_DB_WAL, error);
  if (self->db == NULL || !vk_db_migrate (self->db, journal_migrations, G_N_ELEMENTS (journal_migrations), error))
    return NULL;
  if (!journal_bind_meta (self, error) || !journal_load_head (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
vk_journal_close (VkJournal *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->st_append, sqlite3_finalize);
  g_clear_pointer (&self->db, vk_db_close);
  g_free (self->path);
  g_free (self->device_id);
  g_free (self);
}

static GBytes *
encode_payload (const VkJournal *self, guint64 seq, guint64 time_ms, const char *type, VkCbor *body)
{
  g_autoptr (VkCbor) payload = vk_cbor_new_array ();

  vk_cbor_array_append (payload, vk_cbor_new_uint (VK_JOURNAL_VERSION));
  vk_cbor_array_append (payload, vk_cbor_new_bytes (self->election_id, VK_ELECTION_ID_BYTES));
  vk_cbor_array_append (payload, vk_cbor_new_text (self->device_id, -1));
  vk_cbor_array_append (payload, vk_cbor_new_uint (seq));
  vk_cbor_array_append (payload, vk_cbor_new_bytes (self->head_hash, VK_HASH_BYTES));
  vk_cbor_array_append (payload, vk_cbor_new_uint (time_ms));
  vk_cbor_array_append (payload, vk_cbor_new_text (type, -1));
  vk_cbor_array_append (payload, vk_cbor_ref (body));
  return vk_cbor_encode (payload);
}

VkEntry *
vk_journal_append_at (VkJournal *self, const VkKeypair *key, guint64 time_ms, const char *type, VkCbor *body,
                      GError **error)
{
  g_autoptr (GBytes) payload = NULL;
  g_autoptr (GBytes) cose = NULL;
  g_autoptr (VkEntry) entry = NULL;
  sqlite3_stmt *stmt;
  int rc;
  guint64 seq;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (type != NULL && *type != '\0', NULL);
  g_return_val_if_fail (body != NULL && vk_cbor_get_type (body) == VK_CBOR_MAP, NULL);

  for (gsize i = 0; i < vk_cbor_map_get_length (body); i++)
    g_return_val_if_fail (vk_cbor_get_type (vk_cbor_map_get_key (body, i)) == VK_CBOR_TEXT, NULL);

  /* Time never runs backwards inside a journal: a clock stepped back
   * (NTP, a wrong manual setting) keeps the previous entry's time. */
  if (time_ms < self->head_time_ms)
    time_ms = self->head_time_ms;

  seq = self->head_seq + 1;
  payload = encode_payload (self, seq, time_ms, type, body);
  cose = vk_cose_sign1_create (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), key, error);
  if (cose == NULL)
    return NULL;
  entry = vk_entry_decode (g_bytes_get_data (cose, NULL), g_bytes_get_size (cose), error);
  if (entry == NULL)
    return NULL;

  if (!vk_db_begin_immediate (self->db, error))
    return NULL;
  /* Prepared once per journal: a station appends every entry here. */
  if (self->st_append == NULL)
    self->st_append = vk_db_prepare (
        self->db, "INSERT INTO entry (device_id, seq, hash, time_ms, type, cose) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        error);
  stmt = self->st_append;
  if (stmt == NULL)
    {
      vk_db_rollback (self->db);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, self->device_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64)seq);
  sqlite3_bind_blob (stmt, 3, entry->hash, VK_HASH_BYTES, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, (sqlite3_int64)time_ms);
  sqlite3_bind_text (stmt, 5, type, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 6, g_bytes_get_data (cose, NULL), (int)g_bytes_get_size (cose), SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    vk_db_set_error (self->db, error, "appending an entry");
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    {
      vk_db_rollback (self->db);
      return NULL;
    }
  /* With synchronous=FULL the commit returns after the WAL is fsynced:
   * from here on the entry survives power loss. */
  if (!vk_db_commit (self->db, error))
    {
      vk_db_rollback (self->db);
      return NULL;
    }

  self->head_seq = seq;
  memcpy (self->head_hash, entry->hash, VK_HASH_BYTES);
  self->head_time_ms = time_ms;
  return g_steal_pointer (&entry);
}

static VkJournalClockFunc default_clock;
static gpointer default_clock_data;

void
vk_journal_set_default_clock (VkJournalClockFunc clock, gpointer user_data)
{
  default_clock = clock;
  default_clock_data = user_data;
}

void
vk_journal_set_clock (VkJournal *self, VkJournalClockFunc clock, gpointer user_data)
{
  g_return_if_fail (self != NULL);
  self->clock = clock;
  self->clock_data = user_data;
}

guint64
vk_journal_now_ms (const VkJournal *self)
{
  gint64 now;

  g_return_val_if_fail (self != NULL, 0);
  if (self->clock != NULL)
    return self->clock (self->clock_data);
  if (default_clock != NULL)
    return default_clock (default_clock_data);
  now = g_get_real_time () / 1000;
  return now > 0 ? (guint64)now : 0;
}

VkEntry *
vk_journal_append (VkJournal *self, const VkKeypair *key, const char *type, VkCbor *body, GError **error)
{
  gint64 now;

  g_return_val_if_fail (self != NULL, NULL);
  if (self->clock != NULL)
    return vk_journal_append_at (self, key, self->clock (self->clock_data), type, body, error);
  if (default_clock != NULL)
    return vk_journal_append_at (self, key, default_clock (default_clock_data), type, body, error);
  now = g_get_real_time () / 1000;

  return vk_journal_append_at (self, key, now > 0 ? (guint64)now : 0, type, body, error);
}

guint64
vk_journal_get_head_seq (const VkJournal *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->head_seq;
}

const guint8 *
vk_journal_get_head_hash (const VkJournal *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->head_hash;
}

const char *
vk_journal_get_device_id (const VkJournal *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->device_id;
}

const char *
vk_journal_get_path (const VkJournal *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->path;
}

GPtrArray *
vk_journal_dup_entries (VkJournal *self, guint64 after_seq, GError **error)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_entry_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = vk_db_prepare (self->db, "SELECT seq, cose FROM entry WHERE device_id = ?1 AND seq > ?2 ORDER BY seq", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, self->device_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64)MIN (after_seq, (guint64)G_MAXINT64));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (GError) local_error = NULL;
      VkEntry *entry
          = vk_entry_decode (sqlite3_column_blob (stmt, 1), (gsize)sqlite3_column_bytes (stmt, 1), &local_error);
      if (entry == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_DB, "%s: stored entry %" G_GINT64_FORMAT " is damaged: %s", self->path,
                       (gint64)sqlite3_column_int64 (stmt, 0), local_error->message);
          return NULL;
        }
      g_ptr_array_add (entries, entry);
    }
  if (rc != SQLITE_DONE)
    {
      vk_db_set_error (self->db, error, "reading entries");
      return NULL;
    }
  return g_steal_pointer (&entries);
}

gboolean
vk_journal_export (VkJournal *self, const char *path, GError **error)
{
  g_autoptr (GPtrArray) entries = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  entries = vk_journal_dup_entries (self, 0, error);
  if (entries == NULL)
    return FALSE;
  return vk_journal_write_file (entries, path, error);
}

/* ---- batch verification on every core ----------------------------------- */

guint64
vk_journal_signatures_verified (void)
{
  return (guint64)g_atomic_pointer_get (&signatures_verified);
}

/* One entry's signature, from the bytes already held: the signature is
 * the last item of the deterministic COSE_Sign1 (a 64-byte string, head
 * 0x58 0x40), the payload is the decoded one.  An item of another shape
 * (none is, after vk_entry_decode()) goes the long way. */
static gboolean
entry_signature_ok (const VkEntry *e, const guint8 public_key[VK_PUBLIC_KEY_BYTES],
                    const guint8 key_id[VK_KEY_ID_BYTES])
{
  gsize len = 0;
  const guint8 *cose = g_bytes_get_data (e->cose, &len);
  gsize payload_len = 0;
  const guint8 *payload = g_bytes_get_data (e->payload, &payload_len);

  if (memcmp (e->key_id, key_id, VK_KEY_ID_BYTES) != 0)
    return FALSE;
  if (len < 66 + payload_len || cose[len - 66] != 0x58 || cose[len - 65] != VK_SIGNATURE_BYTES)
    return entry_verify_decoded (e, public_key, NULL);
  return vk_cose_verify_payload (payload, payload_len, cose + len - VK_SIGNATURE_BYTES, public_key);
}

/* Entries per unit of work: large enough that handing a chunk over costs
 * nothing beside its signatures (≈ 60 µs each), small enough that the
 * cores finish together. */
#define SIG_CHUNK 32

typedef struct
{
  gint ref;
  GPtrArray *entries; /* borrowed: the caller waits until every chunk is done */
  guint from, to;
  guint8 public_key[VK_PUBLIC_KEY_BYTES];
  guint8 key_id[VK_KEY_ID_BYTES];
  guint8 *ok; /* one byte per entry of the range */
  gint n_chunks;
  gint next; /* the next chunk to take */
  gint done; /* chunks finished */
  GMutex lock;
  GCond cond;
} SigJob;

static void
sig_job_unref (SigJob *job)
{
  if (!g_atomic_int_dec_and_test (&job->ref))
    return;
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->cond);
  g_free (job);
}

/* Takes chunks until none is left.  A helper that starts after the last
 * chunk was taken touches nothing but the counters. */
static void
sig_job_work (SigJob *job)
{
  gint c;

  while ((c = g_atomic_int_add (&job->next, 1)) < job->n_chunks)
    {
      guint a = job->from + (guint)c * SIG_CHUNK, b = MIN (a + SIG_CHUNK, job->to);
      gsize good = 0;

      for (guint i = a; i < b; i++)
        {
          job->ok[i - job->from]
              = entry_signature_ok (g_ptr_array_index (job->entries, i), job->public_key, job->key_id);
          good += job->ok[i - job->from];
        }
      g_atomic_pointer_add (&signatures_verified, good);
      if (g_atomic_int_add (&job->done, 1) + 1 == job->n_chunks)
        {
          g_mutex_lock (&job->lock);
          g_cond_broadcast (&job->cond);
          g_mutex_unlock (&job->lock);
        }
    }
}

static void
sig_helper (gpointer data, gpointer user_data)
{
  SigJob *job = data;

  sig_job_work (job);
  sig_job_unref (job);
}

static GThreadPool *
sig_pool (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    {
      GThreadPool *p = g_thread_pool_new (sig_helper, NULL, (gint)MAX (g_get_num_processors (), 1), FALSE, NULL);
      g_once_init_leave (&pool, p);
    }
  return pool;
}

gboolean
vk_journal_verify_signatures (GPtrArray *entries, guint from, guint to, const guint8 public_key[VK_PUBLIC_KEY_BYTES],
                              guint8 *ret_ok)
{
  SigJob *job;
  g_autofree guint8 *ok_own = NULL;
  guint n_helpers;
  gboolean all = TRUE;

  g_return_val_if_fail (entries != NULL && from <= to && to <= entries->len, FALSE);
  g_return_val_if_fail (public_key != NULL, FALSE);

  if (from == to)
    return TRUE;
  job = g_new0 (SigJob, 1);
  job->ref = 1;
  job->entries = entries;
  job->from = from;
  job->to = to;
  memcpy (job->public_key, public_key, VK_PUBLIC_KEY_BYTES);
  vk_key_id_from_public_key (public_key, job->key_id);
  job->ok = ret_ok != NULL ? ret_ok : (ok_own = g_malloc (to - from));
  job->n_chunks = (gint)((to - from + SIG_CHUNK - 1) / SIG_CHUNK);
  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);

  /* Helpers for the other cores; this thread takes chunks too, so that
   * the work gets done even when every pool thread is busy elsewhere. */
  n_helpers = MIN ((guint)job->n_chunks - 1, MAX (g_get_num_processors (), 1) - 1);
  for (guint i = 0; i < n_helpers; i++)
    {
      g_atomic_int_inc (&job->ref);
      /* Queued even when no new thread could be started (then an
       * existing one takes it later, as a no-op), so never unref here. */
      (void)g_thread_pool_push (sig_pool (), job, NULL);
    }
  sig_job_work (job);
  g_mutex_lock (&job->lock);
  while (g_atomic_int_get (&job->done) < job->n_chunks)
    g_cond_wait (&job->cond, &job->lock);
  g_mutex_unlock (&job->lock);

  for (guint i = 0; i < to - from; i++)
    all = all && job->ok[i];
  sig_job_unref (job);
  return all;
}

/* Verification. */

static void
device_info_clear (VkDeviceInfo *info)
{
  g_clear_pointer (&info->role, g_free);
}

#define FAIL_AT(entry_, code_, ...)                                                                                    \
  G_STMT_START                                                                                                         \
  {                                                                                                                    \
    g_autofree char *msg_ = g_strdup_printf (__VA_ARGS__);                                                             \
    report.failed_seq = (entry_)->seq;                                                                                 \
    g_set_error (error, VK_ERROR, (code_), "entry %" G_GUINT64_FORMAT " of device %s: %s", (entry_)->seq,              \
                 (entry_)->device_id, msg_);                                                                           \
    goto out;                                                                                                          \
  }                                                                                                                    \
  G_STMT_END

gboolean
vk_journal_verify (GPtrArray *entries, const guint8 election_id[VK_ELECTION_ID_BYTES], VkDeviceLookupFunc lookup,
                   gpointer user_data, VkVerifyFlags flags, VkVerifyReport *ret_report, GError **error)
{
  VkVerifyReport report = { 0 };
  VkDeviceInfo info = { 0 };
  guint8 key_id[VK_KEY_ID_BYTES];
  g_autofree guint8 *sig_ok = NULL;
  const VkEntry *first;
  gboolean ok = FALSE;

  g_return_val_if_fail (entries != NULL, FALSE);
  g_return_val_if_fail (election_id != NULL, FALSE);
  g_return_val_if_fail (lookup != NULL, FALSE);

  if (entries->len == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the journal holds no entries");
      goto out;
    }

  first = g_ptr_array_index (entries, 0);
  if (!lookup (first->device_id, &info, user_data))
    FAIL_AT (first, VK_ERROR_KEY, "device is not enrolled in this election");
  vk_key_id_from_public_key (info.public_key, key_id);
  /* Every signature at once on every core; the loop below reports the
   * first failure in entry order, as it would have found it. */
  if ((flags & VK_VERIFY_PARALLEL) && !(flags & VK_VERIFY_FAST))
    {
      sig_ok = g_malloc (entries->len);
      (void)vk_journal_verify_signatures (entries, 0, entries->len, info.public_key, sig_ok);
    }

  for (guint i = 0; i < entries->len; i++)
    {
      const VkEntry *entry = g_ptr_array_index (entries, i);
      const VkEntry *prev = i > 0 ? g_ptr_array_index (entries, i - 1) : NULL;
      gboolean check_signature = !(flags & VK_VERIFY_FAST) || i + 1 == entries->len;

      if (memcmp (entry->election_id, election_id, VK_ELECTION_ID_BYTES) != 0)
        FAIL_AT (entry, VK_ERROR_KEY, "belongs to another election");
      if (strcmp (entry->device_id, first->device_id) != 0)
        FAIL_AT (entry, VK_ERROR_INVALID, "a journal holds one device's entries, this is %s's journal",
                 first->device_id);
      if (memcmp (entry->key_id, key_id, VK_KEY_ID_BYTES) != 0)
        {
          g_autofree char *kid_hex = vk_hex_encode (entry->key_id, VK_KEY_ID_BYTES);
          FAIL_AT (entry, VK_ERROR_KEY, "signed with key id %s, not the enrolled key", kid_hex);
        }

      if (prev == NULL)
        {
          if (!(flags & VK_VERIFY_PARTIAL) && entry->seq != 1)
            FAIL_AT (entry, VK_ERROR_CHAIN, "the journal does not start at entry 1");
          if (entry->seq == 1 && memcmp (entry->prev, zero_hash, VK_HASH_BYTES) != 0)
            FAIL_AT (entry, VK_ERROR_CHAIN, "entry 1 must have an all-zero prev hash");
        }
      else
        {
          if (entry->seq != prev->seq + 1)
            FAIL_AT (entry, VK_ERROR_CHAIN, "follows entry %" G_GUINT64_FORMAT " (entries missing or out of order)",
                     prev->seq);
          if (memcmp (entry->prev, prev->hash, VK_HASH_BYTES) != 0)
            FAIL_AT (entry, VK_ERROR_CHAIN, "prev hash does not match the hash of entry %" G_GUINT64_FORMAT, prev->seq);
          if (entry->time_ms < prev->time_ms)
            FAIL_AT (entry, VK_ERROR_CHAIN,
                     "time runs backwards (%" G_GUINT64_FORMAT " ms before entry %" G_GUINT64_FORMAT ")",
                     prev->time_ms - entry->time_ms, prev->seq);
        }

      if (entry->time_ms < info.valid_from || (info.valid_to != 0 && entry->time_ms > info.valid_to))
        FAIL_AT (entry, VK_ERROR_KEY, "time is outside the device's enrolment window");

      /* Without PARALLEL: the same check over the decoded payload
       * (entry_signature_ok()); only a failure takes the long way, for
       * its message. */
      if (check_signature && sig_ok == NULL && entry_signature_ok (entry, info.public_key, key_id))
        g_atomic_pointer_add (&signatures_verified, 1);
      else if (check_signature && !(sig_ok != NULL && sig_ok[i]))
        {
          g_autoptr (GError) sig_error = NULL;
          if (!vk_entry_verify_signature (entry, info.public_key, &sig_error))
            FAIL_AT (entry, VK_ERROR_SIGNATURE, "%s", sig_error->message);
        }
    }

  {
    const VkEntry *last = g_ptr_array_index (entries, entries->len - 1);
    report.entries = entries->len;
    report.head_seq = last->seq;
    memcpy (report.head_hash, last->hash, VK_HASH_BYTES);
  }
  ok = TRUE;

out:
  device_info_clear (&info);
  if (ret_report != NULL)
    *ret_report = report;
  return ok;
}

gboolean
vk_journal_find_fork (GPtrArray *entries, VkEntry **ret_a, VkEntry **ret_b)
{
  g_autoptr (GHashTable) seen = NULL;

  g_return_val_if_fail (entries != NULL, FALSE);

  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < entries->len; i++)
    {
      VkEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *key = g_strdup_printf ("%s\x1f%" G_GUINT64_FORMAT, entry->device_id, entry->seq);
      VkEntry *other = g_hash_table_lookup (seen, key);

      if (other == NULL)
        {
          g_hash_table_insert (seen, g_steal_pointer (&key), entry);
          continue;
        }
      if (memcmp (other->hash, entry->hash, VK_HASH_BYTES) != 0)
        {
          if (ret_a != NULL)
            *ret_a = other;
          if (ret_b != NULL)
            *ret_b = entry;
          return TRUE;
        }
    }
  return FALSE;
}

/* Journals of other devices. */

void
vk_journal_head_free (VkJournalHead *self)
{
  if (self == NULL)
    return;
  g_free (self->device_id);
  g_free (self);
}

struct _VkDb *
vk_journal_get_db (VkJournal *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->db;
}

GPtrArray *
vk_journal_dup_device_entries (VkJournal *self, const char *device_id, guint64 after_seq, GError **error)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_entry_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (device_id != NULL, NULL);

  stmt = vk_db_prepare (self->db, "SELECT seq, cose FROM entry WHERE device_id = ?1 AND seq > ?2 ORDER BY seq", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64)MIN (after_seq, (guint64)G_MAXINT64));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (GError) local_error = NULL;
      VkEntry *entry
          = vk_entry_decode (sqlite3_column_blob (stmt, 1), (gsize)sqlite3_column_bytes (stmt, 1), &local_error);
      if (entry == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_DB, "%s: stored entry %" G_GINT64_FORMAT " of %s is damaged: %s",
                       self->path, (gint64)sqlite3_column_int64 (stmt, 0), device_id, local_error->message);
          return NULL;
        }
      g_ptr_array_add (entries, entry);
    }
  if (rc != SQLITE_DONE)
    {
      vk_db_set_error (self->db, error, "reading entries");
      return NULL;
    }
  return g_steal_pointer (&entries);
}

GPtrArray *
vk_journal_dup_heads (VkJournal *self, GError **error)
{
  g_autoptr (GPtrArray) heads = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_journal_head_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  /* SQLite fills the bare column `hash` from the row that holds MAX (seq). */
  stmt = vk_db_prepare (self->db, "SELECT device_id, MAX (seq), hash FROM entry GROUP BY device_id ORDER BY device_id",
                        error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VkJournalHead *head;

      if (sqlite3_column_bytes (stmt, 2) != VK_HASH_BYTES)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_DB, "%s: damaged head of device %s", self->path,
                       (const char *)sqlite3_column_text (stmt, 0));
          return NULL;
        }
      head = g_new0 (VkJournalHead, 1);
      head->device_id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      head->seq = (guint64)sqlite3_column_int64 (stmt, 1);
      memcpy (head->hash, sqlite3_column_blob (stmt, 2), VK_HASH_BYTES);
      g_ptr_array_add (heads, head);
    }
  if (rc != SQLITE_DONE)
    {
      vk_db_set_error (self->db, error, "reading journal heads");
      return NULL;
    }
  return g_steal_pointer (&heads);
}

/* The stored hash of (device, seq); FALSE with *ret_found = FALSE when absent. */
static gboolean
journal_lookup_hash (VkJournal *self, const char *device_id, guint64 seq, gboolean *ret_found,
                     guint8 ret_hash[VK_HASH_BYTES], GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = vk_db_prepare (self->db, "SELECT hash FROM entry WHERE device_id = ?1 AND seq = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64)MIN (seq, (guint64)G_MAXINT64));
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_bytes (stmt, 0) == VK_HASH_BYTES)
    {
      memcpy (ret_hash, sqlite3_column_blob (stmt, 0), VK_HASH_BYTES);
      *ret_found = TRUE;
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    return vk_db_set_error (self->db, error, "reading an entry");
  *ret_found = FALSE;
  return TRUE;
}

static guint64
journal_device_head (VkJournal *self, const char *device_id, guint8 ret_hash[VK_HASH_BYTES], GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  memset (ret_hash, 0, VK_HASH_BYTES);
  stmt = vk_db_prepare (self->db, "SELECT seq, hash FROM entry WHERE device_id = ?1 ORDER BY seq DESC LIMIT 1", error);
  if (stmt == NULL)
    return G_MAXUINT64;
  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_bytes (stmt, 1) == VK_HASH_BYTES)
    {
      memcpy (ret_hash, sqlite3_column_blob (stmt, 1), VK_HASH_BYTES);
      return (guint64)sqlite3_column_int64 (stmt, 0);
    }
  if (rc != SQLITE_DONE)
    {
      vk_db_set_error (self->db, error, "reading a journal head");
      return G_MAXUINT64;
    }
  return 0;
}

gboolean
vk_journal_insert_verified (VkJournal *self, GPtrArray *entries, guint *ret_added, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  const VkEntry *first;
  guint8 head_hash[VK_HASH_BYTES];
  guint64 head_seq;
  guint added = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (entries != NULL, FALSE);

  if (entries->len == 0)
    {
      if (ret_added != NULL)
        *ret_added = 0;
      return TRUE;
    }
  first = g_ptr_array_index (entries, 0);
  if (strcmp (first->device_id, self->device_id) == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "%s: entries of this device (%s) are written by the device itself, not received", self->path,
                   self->device_id);
      return FALSE;
    }

  /* The check and the insert happen in one write transaction, so that a
   * concurrent writer (another connection syncing the same device) cannot
   * slip an entry in between. */
  if (!vk_db_begin_immediate (self->db, error))
    return FALSE;
  head_seq = journal_device_head (self, first->device_id, head_hash, error);
  if (head_seq == G_MAXUINT64)
    goto fail;
  stmt = vk_db_prepare (
      self->db, "INSERT INTO entry (device_id, seq, hash, time_ms, type, cose) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  if (stmt == NULL)
    goto fail;

  for (guint i = 0; i < entries->len; i++)
    {
      const VkEntry *entry = g_ptr_array_index (entries, i);

      if (strcmp (entry->device_id, first->device_id) != 0)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "a batch holds one device's entries (%s), not also %s's",
                       first->device_id, entry->device_id);
          goto fail;
        }
      if (entry->seq <= head_seq)
        {
          guint8 stored[VK_HASH_BYTES];
          gboolean found = FALSE;

          if (!journal_lookup_hash (self, entry->device_id, entry->seq, &found, stored, error))
            goto fail;
          if (found && memcmp (stored, entry->hash, VK_HASH_BYTES) == 0)
            continue;
          g_set_error (error, VK_ERROR, VK_ERROR_FORK,
                       "entry %" G_GUINT64_FORMAT " of device %s differs from the one already held (a fork)",
                       entry->seq, entry->device_id);
          goto fail;
        }
      if (entry->seq != head_seq + 1 || memcmp (entry->prev, head_hash, VK_HASH_BYTES) != 0)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_CHAIN,
                       "entry %" G_GUINT64_FORMAT " of device %s does not follow the held entry %" G_GUINT64_FORMAT,
                       entry->seq, entry->device_id, head_seq);
          goto fail;
        }
      sqlite3_bind_text (stmt, 1, entry->device_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, (sqlite3_int64)entry->seq);
      sqlite3_bind_blob (stmt, 3, entry->hash, VK_HASH_BYTES, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, (sqlite3_int64)entry->time_ms);
      sqlite3_bind_text (stmt, 5, entry->type, -1, SQLITE_TRANSIENT);
      sqlite3_bind_blob (stmt, 6, g_bytes_get_data (entry->cose, NULL), (int)g_bytes_get_size (entry->cose),
                         SQLITE_TRANSIENT);
      if (!vk_db_step_done (self->db, stmt, error))
        goto fail;
      head_seq = entry->seq;
      memcpy (head_hash, entry->hash, VK_HASH_BYTES);
      added++;
    }
  if (!vk_db_commit (self->db, error))
    goto fail;
  if (ret_added != NULL)
    *ret_added = added;
  return TRUE;

fail:
  vk_db_rollback (self->db);
  return FALSE;
}

char *
vk_journal_peek_device_id (const char *db_path, GError **error)
{
  g_autoptr (VkDb) db = NULL;
  g_autoptr (GBytes) device = NULL;
  gsize len = 0;
  const char *data;
  g_return_val_if_fail (db_path != NULL, NULL);
  db = vk_db_open (db_path, VK_JOURNAL_APPLICATION_ID, VK_DB_READ_ONLY, error);
  if (db == NULL || !meta_get (db, "device_id", &device, error))
    return NULL;
  if (device == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: the journal database names no device", db_path);
      return NULL;
    }
  data = g_bytes_get_data (device, &len);
  return g_strndup (data, len);
}
