/* vk-count-durable.c: group commit for the count server's database.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In WAL mode, SQLite's synchronous=FULL is synchronous=NORMAL plus one
 * fsync of the WAL after each commit's frames are written; everything
 * else (the WAL header after a restart, the WAL before a checkpoint, the
 * database after it) NORMAL syncs as well.  SQLite does that fsync with
 * the write lock held, and the engine holds its own lock around it, so
 * pushes are made durable strictly one after another: when the disk
 * stalls on one flush (on a shared host 50-250 ms now and then, issue
 * 14), every push that arrives meanwhile queues behind it and then pays
 * a flush of its own.
 *
 * Here the connection runs with synchronous=NORMAL and the engine does
 * that fsync itself, after releasing its lock, on its own descriptor of
 * the same WAL file (fsync is per file, not per descriptor).  Commits are
 * counted; a flush started after commit N was counted makes commits 1..N
 * durable, so one flush serves every push that committed while the
 * previous one was running (group commit), and each push waits for at
 * most the rest of one flush and one more.  Nothing is acknowledged
 * before its commit is on disk: vk_count_sync_to() returns only then.
 *
 * A failed flush is not retried: after fsync reports an error the kernel
 * may have dropped the dirty pages, so a later flush that succeeds proves
 * nothing (PostgreSQL's "fsyncgate").  The engine then refuses every
 * write until it is restarted, which recovers from what is on disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vk-count-private.h"
#include "vk-error.h"

static gboolean
wal_open (VkCount *self, GError **error)
{
  int fd = open (self->wal_path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: %s", self->wal_path, g_strerror (saved));
      return FALSE;
    }
  if (self->wal_fd >= 0)
    (void)close (self->wal_fd);
  self->wal_fd = fd;
  return TRUE;
}

/* TRUE when our descriptor is still the WAL SQLite writes to.  SQLite
 * removes the WAL only when the last connection closes (ours stays
 * open), but a descriptor of a removed file would make every flush a
 * silent no-op, so this is checked before every flush, not assumed. */
static gboolean
wal_is_current (VkCount *self)
{
  struct stat ours, named;

  return fstat (self->wal_fd, &ours) == 0 && stat (self->wal_path, &named) == 0 && ours.st_dev == named.st_dev
         && ours.st_ino == named.st_ino;
}

gboolean
vk_count_durable_init (VkCount *self, GError **error)
{
  const char *wal = sqlite3_filename_wal (sqlite3_db_filename (vk_db_get_handle (self->db), "main"));

  g_assert (self->wal_fd < 0);
  /* The WAL exists: vk_count_open() committed device.open with
   * synchronous=FULL, which also made its directory entry durable. */
  self->wal_path = g_strdup (wal);
  if (self->wal_path == NULL || !wal_open (self, error))
    return FALSE;
  self->changes_seen = sqlite3_total_changes (vk_db_get_handle (self->db));
  return vk_db_exec (self->db, "PRAGMA synchronous = NORMAL", error);
}

void
vk_count_durable_clear (VkCount *self)
{
  if (self->wal_fd >= 0)
    (void)close (self->wal_fd);
  self->wal_fd = -1;
  g_clear_pointer (&self->wal_path, g_free);
  g_clear_pointer (&self->sync_error, g_free);
}

gboolean
vk_count_commit_deferred (VkCount *self, guint *ret_mark, GError **error)
{
  int changes;

  /* Not sync_lock: that is held across a flush. */
  if (g_atomic_int_get (&self->sync_failed))
    {
      g_set_error_literal (error, VK_ERROR, VK_ERROR_IO,
                           "the count database could not be flushed to disk: nothing more is stored or "
                           "acknowledged; restart the server");
      return FALSE;
    }
  if (!vk_db_commit (self->db, error))
    return FALSE;
  /* Counted after COMMIT returned: its frames are in the WAL file.  A
   * transaction that changed no row (a batch already held) wrote none
   * and needs no flush of its own. */
  changes = sqlite3_total_changes (vk_db_get_handle (self->db));
  if (self->wal_fd >= 0 && changes != self->changes_seen)
    g_atomic_int_inc (&self->committed);
  self->changes_seen = changes;
  if (ret_mark != NULL)
    *ret_mark = vk_count_commit_mark (self);
  return TRUE;
}

gboolean
vk_count_commit (VkCount *self, GError **error)
{
  guint mark = 0;

  return vk_count_commit_deferred (self, &mark, error) && vk_count_sync_to (self, mark, error);
}

guint
vk_count_commit_mark (VkCount *self)
{
  return (guint)g_atomic_int_get (&self->committed);
}

gboolean
vk_count_sync_to (VkCount *self, guint mark, GError **error)
{
  gboolean ok;

  if (self->wal_fd < 0)
    return TRUE; /* synchronous=FULL: SQLite synced at commit */
  g_mutex_lock (&self->sync_lock);
  /* Wrap-around safe: durable is at most committed, and the two are
   * never 2^31 commits apart. */
  if (self->sync_error == NULL && (gint)(self->durable - mark) < 0)
    {
      guint upto = vk_count_commit_mark (self);

      /* A WAL that is no longer the file SQLite writes to cannot prove
       * anything durable, whatever is at its path now. */
      if (!wal_is_current (self))
        self->sync_error = g_strdup_printf ("%s: the WAL file was removed or replaced: nothing more is acknowledged; "
                                            "restart the server",
                                            self->wal_path);
      if (self->sync_error == NULL && fdatasync (self->wal_fd) != 0)
        {
          int saved = errno;
          self->sync_error = g_strdup_printf ("%s: fdatasync failed (%s): nothing more is acknowledged; restart the "
                                              "server",
                                              self->wal_path, g_strerror (saved));
        }
      if (self->sync_error == NULL)
        {
          self->durable = upto;
          self->syncs++;
        }
      else
        g_atomic_int_set (&self->sync_failed, TRUE);
    }
  ok = self->sync_error == NULL;
  if (!ok)
    g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s", self->sync_error);
  g_mutex_unlock (&self->sync_lock);
  return ok;
}

gboolean
vk_count_sync (VkCount *self, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return vk_count_sync_to (self, vk_count_commit_mark (self), error);
}

void
vk_count_get_sync_stats (VkCount *self, guint *ret_commits, guint *ret_durable, guint *ret_syncs)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->sync_lock);
  if (ret_commits != NULL)
    *ret_commits = vk_count_commit_mark (self);
  if (ret_durable != NULL)
    *ret_durable = self->durable;
  if (ret_syncs != NULL)
    *ret_syncs = self->syncs;
  g_mutex_unlock (&self->sync_lock);
}
