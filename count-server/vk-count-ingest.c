/* vk-count-ingest.c: the count server takes in journals (vk_count_ingest()).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-count-private.h"
#include "vk-error.h"
#include "vk-file.h"
#include "vk-text.h"

/* The stored (or pending) hash and COSE of device+seq; FALSE when absent. */
static gboolean
lookup_stored (VkCount *self, sqlite3_stmt *st, const char *device_id, guint64 seq, guint8 ret_hash[VK_HASH_BYTES],
               GBytes **ret_cose)
{
  gboolean found = FALSE;

  sqlite3_bind_text (st, 1, device_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, (sqlite3_int64)seq);
  if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_bytes (st, 0) == VK_HASH_BYTES)
    {
      memcpy (ret_hash, sqlite3_column_blob (st, 0), VK_HASH_BYTES);
      if (ret_cose != NULL)
        *ret_cose = g_bytes_new (sqlite3_column_blob (st, 1), (gsize)sqlite3_column_bytes (st, 1));
      found = TRUE;
    }
  sqlite3_reset (st);
  sqlite3_clear_bindings (st);
  return found;
}

/* ---- ingest ------------------------------------------------------------- */

/* TRUE when the same refusal (device, seq, kind, reason) is recorded
 * already: a replayed batch adds nothing. */
static gboolean
refusal_known (VkCount *self, VkRefusalKind kind, const char *device_id, guint64 seq, const char *reason)
{
  g_autoptr (sqlite3_stmt) st = vk_db_prepare (
      self->db, "SELECT 1 FROM refusal WHERE device_id = ?1 AND seq = ?2 AND kind = ?3 AND reason = ?4", NULL);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, device_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, (sqlite3_int64)seq);
  sqlite3_bind_int (st, 3, kind);
  sqlite3_bind_text (st, 4, reason, -1, SQLITE_STATIC);
  return sqlite3_step (st) == SQLITE_ROW;
}

/* Refuses a batch no enrolled key vouches for: it is counted under its
 * source (D21), never recorded under the device it names.  Takes local. */
static gboolean
refuse_unverified (VkCount *self, GError *local, const char *source, GError **error)
{
  g_autoptr (GError) err = local;
  g_autofree char *reason = g_strdup_printf ("%s: %s", source, err->message);

  vk_count_note_unverified (self, source, err->message);
  g_set_error_literal (error, err->domain, err->code, reason);
  return FALSE;
}

/* Records a refusal (its own transaction) and sets error.  Takes local.
 * Only for batches whose every entry verifies under the enrolled key of
 * the device they name (signed_by_device()): a refusal is a finding
 * about that device (D01, D03). */
static gboolean
refuse (VkCount *self, GError *local, VkRefusalKind kind, const char *device_id, guint64 seq, const char *source,
        GError **error)
{
  g_autoptr (GError) err = local;
  g_autoptr (sqlite3_stmt) st = NULL;
  g_autofree char *reason = g_strdup_printf ("%s: %s", source, err->message);

  if (device_id != NULL && !refusal_known (self, kind, device_id, seq, err->message)
      && vk_db_begin_immediate (self->db, NULL))
    {
      st = vk_db_prepare (self->db,
                          "INSERT INTO refusal (received_ms, source, device_id, seq, kind, code, reason) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                          NULL);
      if (st != NULL)
        {
          sqlite3_bind_int64 (st, 1, (sqlite3_int64)vk_count_now_ms ());
          sqlite3_bind_text (st, 2, source, -1, SQLITE_STATIC);
          sqlite3_bind_text (st, 3, device_id, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (st, 4, (sqlite3_int64)seq);
          sqlite3_bind_int (st, 5, kind);
          /* The column holds VK_ERROR codes (docs/count-engine.md): a
           * schema refusal is stored as the code it had before it had a
           * domain of its own. */
          sqlite3_bind_int (st, 6,
                            err->domain != VK_ENTRY_ERROR       ? err->code
                            : vk_entry_error_is_enrolment (err) ? VK_ERROR_KEY
                                                                : VK_ERROR_INVALID);
          sqlite3_bind_text (st, 7, err->message, -1, SQLITE_STATIC);
        }
      if (st != NULL && vk_db_step_done (self->db, st, NULL) && vk_count_commit (self, NULL))
        vk_fold_add_refusal (self->fold, kind, device_id, seq, source, err->message);
      else
        vk_db_rollback (self->db);
    }
  g_set_error_literal (error, err->domain, err->code, reason);
  return FALSE;
}

static VkRefusalKind
refusal_kind_for (const GError *e)
{
  if ((e->domain == VK_ERROR && e->code == VK_ERROR_KEY) || vk_entry_error_is_enrolment (e))
    return VK_REFUSAL_ENROLMENT;
  return VK_REFUSAL_INTEGRITY;
}

static VkCountReceipt *
make_receipt (VkCount *self, const char *device_id, guint64 stored, GError **error)
{
  g_autoptr (VkCountReceipt) r = g_new0 (VkCountReceipt, 1);
  sqlite3_stmt *st;
  Head *h = vk_count_head (self, device_id);

  r->device_id = g_strdup (device_id);
  r->seq = h->seq;
  memcpy (r->head, h->seq > 0 ? h->hash : vk_count_zero_hash, VK_HASH_BYTES);
  r->stored = stored;
  r->held = h->pending;
  st = self->st_receipt_get;
  sqlite3_bind_text (st, 1, device_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, self->device->device_id, -1, SQLITE_STATIC);
  if (sqlite3_step (st) == SQLITE_ROW)
    {
      r->server_seq = (guint64)sqlite3_column_int64 (st, 0);
      r->cose = g_bytes_new (sqlite3_column_blob (st, 1), (gsize)sqlite3_column_bytes (st, 1));
    }
  sqlite3_reset (st);
  sqlite3_clear_bindings (st);
  return g_steal_pointer (&r);
}

/* Moves the pending entries that now continue the head into `entry`.
 * Appends the moved entries (VkEntry*) to moved.  A pending entry whose
 * prev does not match the head is fork evidence: the device signed two
 * different entries at seq head (the one held and the one the pending
 * entry chains to); the pending run is dropped and the pair recorded. */
static gboolean
drain_pending (VkCount *self, const char *device_id, Head *h, guint64 received_ms, GPtrArray *moved, GPtrArray *forks,
               GError **error)
{
  g_autoptr (sqlite3_stmt) sel = NULL;
  g_autoptr (sqlite3_stmt) del = NULL;
  guint64 seq = h->seq;
  guint8 hash[VK_HASH_BYTES];
  guint64 time_ms = h->time_ms;
  int rc;

  memcpy (hash, h->hash, VK_HASH_BYTES);
  sel = vk_db_prepare (self->db, "SELECT seq, prev, cose FROM pending WHERE device_id = ?1 AND seq > ?2 ORDER BY seq",
                       error);
  if (sel == NULL)
    return FALSE;
  sqlite3_bind_text (sel, 1, device_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (sel, 2, (sqlite3_int64)seq);
  while ((rc = sqlite3_step (sel)) == SQLITE_ROW)
    {
      guint64 pseq = (guint64)sqlite3_column_int64 (sel, 0);
      g_autoptr (VkEntry) e = NULL;

      if (pseq != seq + 1)
        break;
      e = vk_entry_decode (sqlite3_column_blob (sel, 2), (gsize)sqlite3_column_bytes (sel, 2), error);
      if (e == NULL)
        return FALSE;
      if (memcmp (e->prev, hash, VK_HASH_BYTES) != 0 || e->time_ms < time_ms)
        {
          g_ptr_array_add (forks, g_steal_pointer (&e));
          break;
        }
      if (!vk_count_insert_entry (self, e, received_ms, error))
        return FALSE;
      seq = e->seq;
      memcpy (hash, e->hash, VK_HASH_BYTES);
      time_ms = e->time_ms;
      g_ptr_array_add (moved, g_steal_pointer (&e));
    }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return vk_db_set_error (self->db, error, "reading pending entries");
  g_clear_pointer (&sel, sqlite3_finalize);
  /* Moved entries leave `pending`; so does a run that turned out to
   * chain to another entry than the one held (it cannot ever apply). */
  del = vk_db_prepare (self->db, "DELETE FROM pending WHERE device_id = ?1 AND seq <= ?2", error);
  if (del == NULL)
    return FALSE;
  sqlite3_bind_text (del, 1, device_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (del, 2, (sqlite3_int64)seq);
  if (!vk_db_step_done (self->db, del, error))
    return FALSE;
  if (forks->len > 0)
    {
      g_autoptr (sqlite3_stmt) drop = vk_db_prepare (self->db, "DELETE FROM pending WHERE device_id = ?1", error);
      if (drop == NULL)
        return FALSE;
      sqlite3_bind_text (drop, 1, device_id, -1, SQLITE_STATIC);
      if (!vk_db_step_done (self->db, drop, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
insert_fork (VkCount *self, const char *device_id, guint64 seq, GBytes *held, GBytes *other, const char *source,
             GError **error)
{
  g_autoptr (sqlite3_stmt) st = vk_db_prepare (self->db,
                                               "INSERT INTO fork (device_id, seq, held_cose, other_cose, source, "
                                               "received_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                               error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, device_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, (sqlite3_int64)seq);
  sqlite3_bind_blob (st, 3, g_bytes_get_data (held, NULL), (int)g_bytes_get_size (held), SQLITE_STATIC);
  sqlite3_bind_blob (st, 4, g_bytes_get_data (other, NULL), (int)g_bytes_get_size (other), SQLITE_STATIC);
  sqlite3_bind_text (st, 5, source, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 6, (sqlite3_int64)vk_count_now_ms ());
  return vk_db_step_done (self->db, st, error);
}

/* A batch parsed and checked before the engine's lock is taken.  Parsing,
 * the signature and chain inside the batch and what the device may say
 * depend only on the package (which does not change while the database is
 * open), so concurrent requests do that work on all cores; the lock
 * covers only what reads or writes the held state.  A refusal found here
 * is recorded under the lock (refusal, kind, seq). */
typedef struct
{
  GPtrArray *entries;
  const VkDevice *device;
  GError *refusal;
  VkRefusalKind kind;
  gboolean attributable; /* the refusal is about the device (signed_by_device()) */
} Checked;

/* TRUE when the device named is enrolled and every entry of the batch is
 * signed by its enrolled key, in one contiguous run: only then can a
 * refusal say something about that device.  Anyone can write a device
 * id, zero a signature or reorder genuine entries. */
static gboolean
signed_by_device (const VkDevice *device, GPtrArray *entries)
{
  guint8 key_id[VK_KEY_ID_BYTES];

  if (device == NULL)
    return FALSE;
  vk_key_id_from_public_key (device->public_key, key_id);
  for (guint i = 0; i < entries->len; i++)
    {
      const VkEntry *e = g_ptr_array_index (entries, i);

      if (i > 0 && e->seq != ((const VkEntry *)g_ptr_array_index (entries, i - 1))->seq + 1)
        return FALSE;
      if (strcmp (e->device_id, device->device_id) != 0 || memcmp (e->key_id, key_id, VK_KEY_ID_BYTES) != 0
          || !vk_entry_verify_signature (e, device->public_key, NULL))
        return FALSE;
    }
  return TRUE;
}

static void
checked_clear (Checked *c)
{
  g_clear_pointer (&c->entries, g_ptr_array_unref);
  g_clear_error (&c->refusal);
}

/* FALSE (and error) for a batch that is not one device's entries; TRUE
 * with c->refusal set for one that must be refused and recorded. */
static gboolean
count_ingest_check (VkCount *self, const guint8 *data, gsize len, const char *source, Checked *c, GError **error)
{
  const VkEntry *first;
  const char *dev;

  c->entries = vk_journal_parse (data, len, source, error);
  if (c->entries == NULL)
    return FALSE;
  if (c->entries->len == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: the batch holds no entries", source);
      return FALSE;
    }
  first = g_ptr_array_index (c->entries, 0);
  dev = first->device_id;
  c->device = vk_package_lookup_device (self->package, dev);

  for (guint i = 1; i < c->entries->len; i++)
    if (strcmp (((VkEntry *)g_ptr_array_index (c->entries, i))->device_id, dev) != 0)
      {
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                     "%s: a batch holds one device's entries: entry %u is %s's, not %s's", source, i + 1,
                     ((VkEntry *)g_ptr_array_index (c->entries, i))->device_id, dev);
        return FALSE;
      }
  if (memcmp (first->election_id, vk_package_get_election_id (self->package), VK_ELECTION_ID_BYTES) != 0)
    {
      g_set_error (&c->refusal, VK_ERROR, VK_ERROR_KEY, "the journal of %s belongs to another election", dev);
      c->kind = VK_REFUSAL_ELECTION;
      c->attributable = signed_by_device (c->device, c->entries);
      return TRUE;
    }
  if (strcmp (dev, self->device->device_id) == 0)
    {
      g_set_error (&c->refusal, VK_ERROR, VK_ERROR_KEY, "%s is this server's own device id", dev);
      c->kind = VK_REFUSAL_ENROLMENT;
      c->attributable = signed_by_device (c->device, c->entries);
      return TRUE;
    }
  if (c->device == NULL)
    {
      g_set_error (&c->refusal, VK_ERROR, VK_ERROR_KEY, "device %s is not enrolled in this election", dev);
      c->kind = VK_REFUSAL_ENROLMENT;
      return TRUE;
    }

  /* Every signature (not only the last: each entry's COSE bytes are
   * stored and served, so each must be the device's), chain inside the
   * batch, key id, enrolment window.  Nothing is stored before this. */
  if (!vk_journal_verify (c->entries, vk_package_get_election_id (self->package), vk_package_device_lookup,
                          self->package, VK_VERIFY_PARTIAL | VK_VERIFY_PARALLEL, NULL, &c->refusal))
    {
      c->kind = refusal_kind_for (c->refusal);
      c->attributable = signed_by_device (c->device, c->entries);
      return TRUE;
    }

  /* What the device may say; every entry is the device's own now. */
  c->attributable = TRUE;
  if (!vk_entry_schema_check_entries (self->package, self->election, c->entries, 0, &c->refusal))
    c->kind = refusal_kind_for (c->refusal);
  return TRUE;
}

static gboolean
count_ingest_locked (VkCount *self, Checked *c, const char *source, VkCountReceipt **ret_receipt, GError **error)
{
  GPtrArray *entries = c->entries;
  g_autoptr (GPtrArray) moved = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_entry_free);
  g_autoptr (GPtrArray) pending_forks = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_entry_free);
  g_autoptr (VkEntry) receipt_entry = NULL;
  GError *local = NULL;
  const VkEntry *first = g_ptr_array_index (entries, 0);
  const char *dev = first->device_id;
  Head *h;
  Head nh;
  guint64 received = vk_count_now_ms ();
  guint new_from; /* index of the first entry after the head */
  gboolean to_pending = FALSE;
  guint64 stored = 0;

  if (c->refusal != NULL && !c->attributable)
    return refuse_unverified (self, g_steal_pointer (&c->refusal), source, error);
  if (c->refusal != NULL)
    return refuse (self, g_steal_pointer (&c->refusal), c->kind, dev, first->seq, source, error);

  /* Entries already held (or pending) must be the same; a different one
   * is a fork.  The batch's chain is verified, so both are the device's. */
  h = vk_count_head (self, dev);
  new_from = entries->len;
  for (guint i = 0; i < entries->len; i++)
    {
      const VkEntry *e = g_ptr_array_index (entries, i);
      guint8 hash[VK_HASH_BYTES];
      g_autoptr (GBytes) held = NULL;
      gboolean found = FALSE;

      if (e->seq > h->seq && new_from == entries->len)
        new_from = i;
      if (e->seq <= h->seq)
        {
          if (!lookup_stored (self, self->st_entry_hash, dev, e->seq, hash, &held))
            {
              g_set_error (error, VK_ERROR, VK_ERROR_DB, "%s: entry %s#%" G_GUINT64_FORMAT " is missing", source, dev,
                           e->seq);
              return FALSE;
            }
          found = TRUE;
        }
      else if (h->pending > 0)
        found = lookup_stored (self, self->st_pending_hash, dev, e->seq, hash, &held);
      if (found && memcmp (hash, e->hash, VK_HASH_BYTES) != 0)
        {
          /* Evidence first, in its own transaction: it must survive the refusal. */
          if (!vk_db_begin_immediate (self->db, error))
            return FALSE;
          if (!insert_fork (self, dev, e->seq, held, e->cose, source, error) || !vk_count_commit (self, error))
            {
              vk_db_rollback (self->db);
              return FALSE;
            }
          vk_fold_add_fork (self->fold, dev, e->seq);
          g_set_error (&local, VK_ERROR, VK_ERROR_FORK,
                       "entry %" G_GUINT64_FORMAT " of %s differs from the one held: both are kept as evidence (D02)",
                       e->seq, dev);
          return refuse (self, local, VK_REFUSAL_INTEGRITY, dev, e->seq, source, error);
        }
    }

  if (new_from < entries->len)
    {
      const VkEntry *e = g_ptr_array_index (entries, new_from);

      if (e->seq == h->seq + 1)
        {
          /* Continues what is held: its prev must be the stored head. */
          const guint8 *expect = h->seq == 0 ? vk_count_zero_hash : h->hash;
          if (memcmp (e->prev, expect, VK_HASH_BYTES) != 0)
            {
              g_set_error (&local, VK_ERROR, VK_ERROR_CHAIN,
                           "entry %" G_GUINT64_FORMAT " of %s: prev hash does not match the entry %" G_GUINT64_FORMAT
                           " held",
                           e->seq, dev, h->seq);
              return refuse (self, local, VK_REFUSAL_INTEGRITY, dev, e->seq, source, error);
            }
          if (e->time_ms < h->time_ms)
            {
              g_set_error (&local, VK_ERROR, VK_ERROR_CHAIN,
                           "entry %" G_GUINT64_FORMAT " of %s: time runs backwards from the entry held", e->seq, dev);
              return refuse (self, local, VK_REFUSAL_INTEGRITY, dev, e->seq, source, error);
            }
        }
      else if (e->seq > h->seq + 1)
        to_pending = TRUE;
    }

  if (!vk_db_begin_immediate (self->db, error))
    return FALSE;
  nh = *h;
  for (guint i = new_from; i < entries->len; i++)
    {
      const VkEntry *e = g_ptr_array_index (entries, i);

      if (!to_pending)
        {
          if (!vk_count_insert_entry (self, e, received, error))
            goto fail;
          vk_count_head_advance (&nh, e);
        }
      else
        {
          sqlite3_stmt *st = self->st_insert_pending;

          sqlite3_bind_text (st, 1, e->device_id, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (st, 2, (sqlite3_int64)e->seq);
          sqlite3_bind_blob (st, 3, e->hash, VK_HASH_BYTES, SQLITE_STATIC);
          sqlite3_bind_blob (st, 4, e->prev, VK_HASH_BYTES, SQLITE_STATIC);
          sqlite3_bind_int64 (st, 5, (sqlite3_int64)e->time_ms);
          sqlite3_bind_text (st, 6, e->type, -1, SQLITE_STATIC);
          sqlite3_bind_blob (st, 7, g_bytes_get_data (e->cose, NULL), (int)g_bytes_get_size (e->cose), SQLITE_STATIC);
          sqlite3_bind_int64 (st, 8, (sqlite3_int64)received);
          sqlite3_bind_text (st, 9, source, -1, SQLITE_STATIC);
          if (!vk_db_step_done (self->db, st, error))
            {
              sqlite3_clear_bindings (st);
              goto fail;
            }
          sqlite3_clear_bindings (st);
        }
      stored++;
    }
  if (!to_pending && nh.pending > 0)
    {
      if (!drain_pending (self, dev, &nh, received, moved, pending_forks, error))
        goto fail;
      for (guint i = 0; i < moved->len; i++)
        vk_count_head_advance (&nh, g_ptr_array_index (moved, i));
      for (guint i = 0; i < pending_forks->len; i++)
        {
          const VkEntry *pf = g_ptr_array_index (pending_forks, i);
          guint8 hh[VK_HASH_BYTES];
          g_autoptr (GBytes) held = NULL;

          /* The pending entry chains to another entry at seq - 1 than
           * the one held: that is the fork. */
          if (lookup_stored (self, self->st_entry_hash, dev, pf->seq - 1, hh, &held)
              && !insert_fork (self, dev, pf->seq - 1, held, pf->cose, "pending", error))
            goto fail;
        }
    }
  if (to_pending || nh.pending > 0)
    {
      g_autoptr (sqlite3_stmt) cnt
          = vk_db_prepare (self->db, "SELECT count(*) FROM pending WHERE device_id = ?1", error);
      if (cnt == NULL)
        goto fail;
      sqlite3_bind_text (cnt, 1, dev, -1, SQLITE_STATIC);
      nh.pending = sqlite3_step (cnt) == SQLITE_ROW ? (guint64)sqlite3_column_int64 (cnt, 0) : 0;
    }

  /* The receipt: journalled only when the head moved. */
  if (nh.seq != h->seq)
    {
      g_autoptr (VkCbor) body = vk_cbor_new_map ();
      sqlite3_stmt *st = self->st_receipt_put;
      gboolean put;

      vk_cbor_map_set_text (body, "device", dev);
      vk_cbor_map_set_uint (body, "seq", nh.seq);
      vk_cbor_map_set_bytes (body, "head", nh.hash, VK_HASH_BYTES);
      receipt_entry = vk_count_server_append (self, "receipt", body, error);
      if (receipt_entry == NULL)
        goto fail;
      sqlite3_bind_text (st, 1, dev, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 2, (sqlite3_int64)nh.seq);
      sqlite3_bind_blob (st, 3, nh.hash, VK_HASH_BYTES, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 4, (sqlite3_int64)receipt_entry->seq);
      put = vk_db_step_done (self->db, st, error);
      sqlite3_clear_bindings (st);
      if (!put)
        goto fail;
    }
  /* The commit is in the WAL but not yet on disk: vk_count_ingest()
   * flushes it (vk_count_sync_to()) after releasing the lock, and only
   * then may anything be acknowledged. */
  if (!vk_count_commit_deferred (self, NULL, error))
    goto fail;

  /* Committed: bring the memory up to date.  The batch's entries passed
   * vk_entry_schema_check_entries() against this package before the lock
   * (count_ingest_check(), or the batch would have been refused above);
   * entries moved from `pending` are decoded anew and checked again. */
  if (!to_pending)
    for (guint i = new_from; i < entries->len; i++)
      vk_fold_add_schema_checked (self->fold, g_ptr_array_index (entries, i));
  for (guint i = 0; i < moved->len; i++)
    vk_fold_add_entry (self->fold, g_ptr_array_index (moved, i));
  for (guint i = 0; i < pending_forks->len; i++)
    vk_fold_add_fork (self->fold, dev, ((VkEntry *)g_ptr_array_index (pending_forks, i))->seq - 1);
  *h = nh;
  if (receipt_entry != NULL)
    {
      vk_count_head_advance (vk_count_head (self, self->device->device_id), receipt_entry);
      vk_fold_add_entry (self->fold, receipt_entry);
    }

  if (ret_receipt != NULL)
    {
      *ret_receipt = make_receipt (self, dev, stored, error);
      if (*ret_receipt == NULL)
        return FALSE;
    }
  return TRUE;

fail:
  vk_db_rollback (self->db);
  g_prefix_error (error, "%s: ", source);
  return FALSE;
}

gboolean
vk_count_ingest (VkCount *self, const guint8 *cbor_seq, gsize len, const char *source_name,
                 VkCountReceipt **ret_receipt, GError **error)
{
  const char *source = source_name != NULL ? source_name : "batch";
  g_autoptr (GError) local = NULL;
  Checked c = { 0 };
  gboolean ok;
  guint mark;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (cbor_seq != NULL || len == 0, FALSE);

  if (self->key == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_FAILED, "the count database is open read-only");
      return FALSE;
    }
  if (!count_ingest_check (self, cbor_seq != NULL ? cbor_seq : (const guint8 *)"", len, source, &c, &local))
    {
      /* Not one device's entries: nobody's to blame but the sender. */
      g_mutex_lock (&self->lock);
      vk_count_note_unverified (self, source, local->message);
      g_mutex_unlock (&self->lock);
      checked_clear (&c);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  ok = count_ingest_locked (self, &c, source, ret_receipt, error);
  /* What this batch committed, and everything its receipt was read
   * from (a batch already held is answered from memory), must be on
   * disk before the receipt leaves: flushed outside the lock, so that
   * pushes committing meanwhile share the next flush. */
  mark = vk_count_commit_mark (self);
  g_mutex_unlock (&self->lock);
  checked_clear (&c);
  if (ok && !vk_count_sync_to (self, mark, error))
    {
      if (ret_receipt != NULL)
        g_clear_pointer (ret_receipt, vk_count_receipt_free);
      ok = FALSE;
    }
  return ok;
}

gboolean
vk_count_ingest_file (VkCount *self, const char *path, VkCountReceipt **ret_receipt, GError **error)
{
  g_autofree char *data = NULL;
  g_autofree char *name = NULL;
  g_autoptr (GError) local = NULL;
  gsize len = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  /* USB import: a regular file, capped, its name escaped (vk-file.h). */
  if (!vk_file_read_untrusted (path, VK_FILE_MAX_JOURNAL_BYTES, &data, &len, &local))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  name = vk_text_escape_controls (path);
  return vk_count_ingest (self, (const guint8 *)data, len, name, ret_receipt, error);
}
