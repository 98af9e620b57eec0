/* vk-station-durable.c: batched durability, for a replay.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A station's journal is SQLite in WAL mode with synchronous=FULL: each
 * entry's commit fsyncs the WAL, so the entry survives power loss when
 * the call that wrote it returns.  That costs one fsync per entry (2–5 ms
 * on the virtual disks here), which is nothing at a table (a voter every
 * few seconds) and most of the time of a replay that writes 200,000
 * check-ins in a row (`valgkit demo`).
 *
 * Batched mode sets synchronous=NORMAL on the journal's connection: a
 * commit is still atomic and in order (the WAL is never left half
 * written), but it is fsynced only at a checkpoint.  vk_station_sync()
 * runs a full checkpoint, which fsyncs the WAL, copies it into the
 * database and fsyncs that: every entry appended before it is durable
 * when it returns TRUE.  The caller syncs before anything leaves the
 * device (a push, an export, a printout someone signs), so nothing is
 * ever pushed or acknowledged that a power loss could take back.
 */
#include "vk-db.h"
#include "vk-error.h"
#include "vk-station-private.h"

gboolean
vk_station_sync (VkStation *self, GError **error)
{
  VkDb *db;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 busy, log_frames, checkpointed;

  g_return_val_if_fail (self != NULL, FALSE);

  db = vk_journal_get_db (self->journal);
  stmt = vk_db_prepare (db, "PRAGMA wal_checkpoint(FULL)", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      vk_db_set_error (db, error, "making the journal durable");
      return FALSE;
    }
  busy = sqlite3_column_int64 (stmt, 0);
  log_frames = sqlite3_column_int64 (stmt, 1);
  checkpointed = sqlite3_column_int64 (stmt, 2);
  if (busy != 0 || checkpointed < log_frames)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_DB,
                   "%s: the journal could not be made durable (checkpoint %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                   " pages, busy %" G_GINT64_FORMAT ")",
                   vk_journal_get_path (self->journal), checkpointed, log_frames, busy);
      return FALSE;
    }
  return TRUE;
}

gboolean
vk_station_set_batched_durability (VkStation *self, gboolean batched, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  batched = !!batched;
  if (batched == self->batched)
    return TRUE;
  if (!batched)
    {
      /* Back to one fsync per entry: first make the batch durable. */
      if (!vk_station_sync (self, error)
          || !vk_db_exec (vk_journal_get_db (self->journal), "PRAGMA synchronous = FULL", error))
        return FALSE;
    }
  else if (!vk_db_exec (vk_journal_get_db (self->journal), "PRAGMA synchronous = NORMAL", error))
    return FALSE;
  self->batched = batched;
  return TRUE;
}

gboolean
vk_station_get_batched_durability (VkStation *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->batched;
}
