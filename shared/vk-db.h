/* vk-db.h: SQLite connections opened the valgkit way.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every valgkit store (station database, count server database,
 * election package) is one SQLite file, and every connection to it is
 * opened here so that the rules of docs/architecture.md "Stores" hold
 * everywhere: foreign_keys=ON, synchronous=FULL, SQLITE_DBCONFIG_DEFENSIVE,
 * trusted_schema=OFF, an application_id that says whose file it is, and
 * user_version migrations that refuse a file written by a newer valgkit.
 *
 * Errors are VK_ERROR_DB with a message naming the file and SQLite's
 * own message, except: a file that is not a database (or is corrupt, or
 * truncated) is VK_ERROR_INVALID; a file of another application is
 * VK_ERROR_INVALID; a newer user_version is VK_ERROR_VERSION.
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

typedef enum
{
  VK_DB_FLAGS_NONE = 0,
  VK_DB_CREATE = 1 << 0,    /* create the file when missing (a new file gets the application_id) */
  VK_DB_READ_ONLY = 1 << 1, /* open read-only; migrations then only check the version */
  VK_DB_WAL = 1 << 2,       /* journal_mode=WAL (stores written while in use); otherwise DELETE */
} VkDbFlags;

typedef struct _VkDb VkDb;

/* Opens path, applies the pragmas and checks application_id: with
 * VK_DB_CREATE a fresh, empty database is stamped with application_id;
 * otherwise (and whenever it is not empty) it must already carry it. */
VkDb *vk_db_open (const char *path, guint32 application_id, VkDbFlags flags, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_db_close (VkDb *self);

sqlite3 *vk_db_get_handle (VkDb *self);
const char *vk_db_get_path (VkDb *self);

/* Runs one or more statements without parameters (schema, pragmas). */
gboolean vk_db_exec (VkDb *self, const char *sql, GError **error);
/* Prepares one statement; bind parameters with sqlite3_bind_*. */
sqlite3_stmt *vk_db_prepare (VkDb *self, const char *sql, GError **error);
/* sqlite3_step() that expects SQLITE_DONE, then resets the statement
 * (bindings are kept) so that it can be reused. */
gboolean vk_db_step_done (VkDb *self, sqlite3_stmt *stmt, GError **error);

gboolean vk_db_begin_immediate (VkDb *self, GError **error);
gboolean vk_db_commit (VkDb *self, GError **error);
/* Never fails in a way the caller can act on: errors are ignored, so it
 * can be called on every error path. */
void vk_db_rollback (VkDb *self);

/* Brings the schema to n_migrations: migrations[i] is the SQL that takes
 * user_version i to i + 1, run inside one BEGIN IMMEDIATE transaction
 * together with the new user_version.  A file whose user_version is
 * greater than n_migrations is refused with VK_ERROR_VERSION.  With
 * VK_DB_READ_ONLY an older file is VK_ERROR_VERSION too (it cannot be
 * upgraded). */
gboolean vk_db_migrate (VkDb *self, const char *const *migrations, guint n_migrations, GError **error);
/* The current user_version, or -1 with error. */
gint64 vk_db_get_user_version (VkDb *self, GError **error);

/* Sets error from the connection's last SQLite error:
 * "PATH: WHAT: sqlite message".  Always returns FALSE. */
gboolean vk_db_set_error (VkDb *self, GError **error, const char *what);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkDb, vk_db_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

G_END_DECLS
