/* vk-db.c: SQLite connections opened the valgkit way.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vk-db.h"
#include "vk-error.h"
#include "vk-text.h"

struct _VkDb
{
  sqlite3 *handle;
  char *path;
  VkDbFlags flags;
};

/* Corrupt, truncated and foreign files are bad input rather than a
 * database failure: callers report them as such. */
static int
code_for_sqlite (int rc)
{
  switch (rc & 0xff)
    {
      case SQLITE_NOTADB:
      case SQLITE_CORRUPT:
        return VK_ERROR_INVALID;
      default:
        return VK_ERROR_DB;
    }
}

/* An I/O error names its extended code and the system's errno, so that a
 * "disk I/O error" in the field says which call failed and why (a full
 * disk, a vanished journal file, a lock); "" for other errors. */
static char *
io_detail (VkDb *self, int rc)
{
  if ((rc & 0xff) != SQLITE_IOERR)
    return g_strdup ("");
  return g_strdup_printf (" (SQLite extended code %d, errno %d: %s)", rc, sqlite3_system_errno (self->handle),
                          g_strerror (sqlite3_system_errno (self->handle)));
}

gboolean
vk_db_set_error (VkDb *self, GError **error, const char *what)
{
  int rc = sqlite3_extended_errcode (self->handle);
  g_autofree char *detail = io_detail (self, rc);

  g_set_error (error, VK_ERROR, code_for_sqlite (rc), "%s: %s: %s%s", self->path, what, sqlite3_errmsg (self->handle),
               detail);
  return FALSE;
}

static gboolean
query_int (VkDb *self, const char *sql, gint64 *ret_value, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = vk_db_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return vk_db_set_error (self, error, sql);
  *ret_value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

VkDb *
vk_db_open (const char *path, guint32 application_id, VkDbFlags flags, GError **error)
{
  g_autoptr (VkDb) self = NULL;
  int open_flags = SQLITE_OPEN_NOMUTEX;
  gint64 found_id = 0, n_objects = 0;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (flags & VK_DB_READ_ONLY)
    open_flags |= SQLITE_OPEN_READONLY;
  else
    open_flags |= SQLITE_OPEN_READWRITE;
  if ((flags & VK_DB_CREATE) && !(flags & VK_DB_READ_ONLY))
    open_flags |= SQLITE_OPEN_CREATE;

  self = g_new0 (VkDb, 1);
  self->path = g_strdup (path);
  self->flags = flags;

  /* SQLite creates a database with 0644 (less the umask), and its -wal,
   * -shm and -journal files with the database file's mode.  Every valgkit
   * database holds personal data (the package: every voter's name and
   * address; the station and count databases: who voted), so a new file
   * is created here, 0600, before SQLite opens it; the companions then
   * follow.  An existing file is left as it is. */
  if ((flags & VK_DB_CREATE) && !(flags & VK_DB_READ_ONLY))
    {
      int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);

      if (fd >= 0)
        (void)close (fd);
      else if (errno != EEXIST)
        {
          int saved = errno;
          g_set_error (error, VK_ERROR, VK_ERROR_DB, "%s: cannot create: %s", path, g_strerror (saved));
          return NULL;
        }
    }

  /* A package may come on a stick: SQLite would block opening a FIFO and
   * read a device.  Whatever is at path must be a regular file (a link
   * to one is followed; the header checks below refuse a foreign file). */
  {
    int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct stat st;

    if (fd >= 0)
      {
        gboolean regular = fstat (fd, &st) == 0 && S_ISREG (st.st_mode);

        (void)close (fd);
        if (!regular)
          {
            g_autofree char *name = vk_text_escape_controls (path);
            g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: is not a regular file", name);
            return NULL;
          }
      }
  }

  rc = sqlite3_open_v2 (path, &self->handle, open_flags, NULL);
  if (rc != SQLITE_OK)
    {
      if (self->handle == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_DB, "%s: cannot open: %s", path, sqlite3_errstr (rc));
          return NULL;
        }
      vk_db_set_error (self, error, "cannot open");
      return NULL;
    }
  sqlite3_extended_result_codes (self->handle, 1);

  /* Defensive mode forbids writes that can corrupt the file
   * (writable_schema, journal_mode=OFF, ...), even by a crafted schema. */
  if (sqlite3_db_config (self->handle, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) != SQLITE_OK
      || sqlite3_db_config (self->handle, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL) != SQLITE_OK)
    {
      vk_db_set_error (self, error, "cannot configure");
      return NULL;
    }
  sqlite3_busy_timeout (self->handle, 5000);

  /* The first statement reads the header: a file that is not SQLite
   * fails here with SQLITE_NOTADB. */
  if (!query_int (self, "PRAGMA application_id", &found_id, error)
      || !query_int (self, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    return NULL;

  if ((guint32)found_id != application_id)
    {
      if (found_id == 0 && n_objects == 0 && (flags & VK_DB_CREATE) && !(flags & VK_DB_READ_ONLY))
        {
          g_autofree char *sql
              = g_strdup_printf ("PRAGMA application_id = %" G_GINT64_FORMAT, (gint64)(gint32)application_id);
          if (!vk_db_exec (self, sql, error))
            return NULL;
        }
      else
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "%s: not the expected kind of file (application_id 0x%08x, expected 0x%08x)", path,
                       (guint32)found_id, application_id);
          return NULL;
        }
    }

  if (!vk_db_exec (self, "PRAGMA foreign_keys = ON", error))
    return NULL;
  if (!(flags & VK_DB_READ_ONLY))
    {
      if (!vk_db_exec (self, (flags & VK_DB_WAL) ? "PRAGMA journal_mode = WAL" : "PRAGMA journal_mode = DELETE", error)
          || !vk_db_exec (self, "PRAGMA synchronous = FULL", error))
        return NULL;
    }

  return g_steal_pointer (&self);
}

void
vk_db_close (VkDb *self)
{
  if (self == NULL)
    return;
  /* sqlite3_close_v2 defers the close until every statement is
   * finalized, so a leaked statement cannot keep the file half-open. */
  if (self->handle != NULL)
    (void)sqlite3_close_v2 (self->handle);
  g_free (self->path);
  g_free (self);
}

sqlite3 *
vk_db_get_handle (VkDb *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->handle;
}

const char *
vk_db_get_path (VkDb *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->path;
}

gboolean
vk_db_exec (VkDb *self, const char *sql, GError **error)
{
  char *msg = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);

  rc = sqlite3_exec (self->handle, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK)
    {
      int ext = sqlite3_extended_errcode (self->handle);
      g_autofree char *detail = io_detail (self, ext);

      g_set_error (error, VK_ERROR, code_for_sqlite (ext), "%s: %s%s", self->path,
                   msg != NULL ? msg : sqlite3_errstr (rc), detail);
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

sqlite3_stmt *
vk_db_prepare (VkDb *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (sqlite3_prepare_v2 (self->handle, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      vk_db_set_error (self, error, "cannot prepare statement");
      return NULL;
    }
  return stmt;
}

gboolean
vk_db_step_done (VkDb *self, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    {
      vk_db_set_error (self, error, "cannot write");
      (void)sqlite3_reset (stmt);
      return FALSE;
    }
  (void)sqlite3_reset (stmt);
  return TRUE;
}

gboolean
vk_db_begin_immediate (VkDb *self, GError **error)
{
  return vk_db_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
vk_db_commit (VkDb *self, GError **error)
{
  return vk_db_exec (self, "COMMIT", error);
}

void
vk_db_rollback (VkDb *self)
{
  if (self == NULL || sqlite3_get_autocommit (self->handle))
    return;
  (void)sqlite3_exec (self->handle, "ROLLBACK", NULL, NULL, NULL);
}

gint64
vk_db_get_user_version (VkDb *self, GError **error)
{
  gint64 version = -1;

  g_return_val_if_fail (self != NULL, -1);

  if (!query_int (self, "PRAGMA user_version", &version, error))
    return -1;
  return version;
}

gboolean
vk_db_migrate (VkDb *self, const char *const *migrations, guint n_migrations, GError **error)
{
  gint64 version;

  g_return_val_if_fail (self != NULL, FALSE);

  version = vk_db_get_user_version (self, error);
  if (version < 0)
    return FALSE;
  if (version > (gint64)n_migrations)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_VERSION,
                   "%s: written by a newer valgkit (schema version %" G_GINT64_FORMAT ", this build knows up to %u)",
                   self->path, version, n_migrations);
      return FALSE;
    }
  if (version == (gint64)n_migrations)
    return TRUE;
  if (self->flags & VK_DB_READ_ONLY)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_VERSION,
                   "%s: schema version %" G_GINT64_FORMAT " needs an upgrade to %u, but the file is open read-only",
                   self->path, version, n_migrations);
      return FALSE;
    }

  /* Each step runs in its own transaction with its user_version, so an
   * interrupted upgrade leaves the file at a well-defined version. */
  for (guint i = (guint)version; i < n_migrations; i++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u", i + 1);

      if (!vk_db_begin_immediate (self, error))
        return FALSE;
      if (!vk_db_exec (self, migrations[i], error) || !vk_db_exec (self, bump, error) || !vk_db_commit (self, error))
        {
          vk_db_rollback (self);
          g_prefix_error (error, "migration to schema version %u: ", i + 1);
          return FALSE;
        }
    }
  return TRUE;
}
