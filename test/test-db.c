/* test-db.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "vk-db.h"
#include "vk-error.h"
#include "vk-test-util.h"

#define TEST_APP_ID 0x564B5445u /* 'VKTE' */

static const char *const migrations[] = {
  "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;",
  "CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES parent (id)) STRICT;",
};

static gint64
query_int (VkDb *db, const char *sql)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (sqlite3_stmt) stmt = vk_db_prepare (db, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static char *
new_db (void)
{
  g_autofree char *dir = vk_test_tmpdir ();
  return g_build_filename (dir, "test.db", NULL);
}

static void
test_db_create_migrate (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = new_db ();
  g_autoptr (VkDb) db = vk_db_open (path, TEST_APP_ID, VK_DB_CREATE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (db);
  g_assert_cmpstr (vk_db_get_path (db), ==, path);
  g_assert_cmpint ((guint32)query_int (db, "PRAGMA application_id"), ==, TEST_APP_ID);
  g_assert_cmpint (query_int (db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (query_int (db, "PRAGMA synchronous"), ==, 2); /* FULL */
  g_assert_cmpint (vk_db_get_user_version (db, &error), ==, 0);

  /* One step at a time, then both. */
  g_assert_true (vk_db_migrate (db, migrations, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vk_db_get_user_version (db, NULL), ==, 1);
  g_assert_true (vk_db_migrate (db, migrations, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vk_db_get_user_version (db, NULL), ==, 2);
  /* Running again is a no-op. */
  g_assert_true (vk_db_migrate (db, migrations, 2, &error));

  /* Foreign keys are enforced. */
  g_assert_false (vk_db_exec (db, "INSERT INTO child (id, parent) VALUES (1, 42)", &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_DB);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "FOREIGN KEY"));
  g_clear_error (&error);

  /* STRICT tables refuse a wrong type. */
  g_assert_false (vk_db_exec (db, "INSERT INTO parent (id, name) VALUES ('x', 1)", &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_DB);
  g_clear_error (&error);

  /* Defensive mode refuses writable_schema tricks. */
  (void)vk_db_exec (db, "PRAGMA writable_schema = ON", NULL);
  g_assert_false (vk_db_exec (db, "UPDATE sqlite_schema SET sql = 'x' WHERE name = 'parent'", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
}

static void
test_db_transactions (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = new_db ();
  g_autoptr (VkDb) db = vk_db_open (path, TEST_APP_ID, VK_DB_CREATE | VK_DB_WAL, &error);
  g_autoptr (sqlite3_stmt) insert = NULL;

  g_assert_no_error (error);
  g_assert_true (vk_db_migrate (db, migrations, G_N_ELEMENTS (migrations), &error));
  g_assert_no_error (error);

  insert = vk_db_prepare (db, "INSERT INTO parent (id, name) VALUES (?, ?)", &error);
  g_assert_no_error (error);

  g_assert_true (vk_db_begin_immediate (db, &error));
  sqlite3_bind_int (insert, 1, 1);
  sqlite3_bind_text (insert, 2, "kept", -1, SQLITE_STATIC);
  g_assert_true (vk_db_step_done (db, insert, &error));
  g_assert_true (vk_db_commit (db, &error));

  g_assert_true (vk_db_begin_immediate (db, &error));
  sqlite3_bind_int (insert, 1, 2);
  sqlite3_bind_text (insert, 2, "dropped", -1, SQLITE_STATIC);
  g_assert_true (vk_db_step_done (db, insert, &error));
  /* The same primary key again fails and leaves the statement usable. */
  g_assert_false (vk_db_step_done (db, insert, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_DB);
  g_clear_error (&error);
  vk_db_rollback (db);
  vk_db_rollback (db); /* harmless outside a transaction */

  g_assert_cmpint (query_int (db, "SELECT count(*) FROM parent"), ==, 1);
  {
    g_autoptr (sqlite3_stmt) mode = vk_db_prepare (db, "PRAGMA journal_mode", &error);
    g_assert_cmpint (sqlite3_step (mode), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *)sqlite3_column_text (mode, 0), ==, "wal");
  }
}

static void
test_db_refuse_newer (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = new_db ();
  g_autoptr (VkDb) db = vk_db_open (path, TEST_APP_ID, VK_DB_CREATE, &error);

  g_assert_true (vk_db_migrate (db, migrations, 2, &error));
  g_assert_true (vk_db_exec (db, "PRAGMA user_version = 3", &error));
  g_clear_pointer (&db, vk_db_close);

  db = vk_db_open (path, TEST_APP_ID, VK_DB_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_false (vk_db_migrate (db, migrations, 2, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_VERSION);
  g_assert_nonnull (strstr (error->message, "newer"));
  g_clear_error (&error);

  /* Read-only and older: cannot be upgraded. */
  g_assert_true (vk_db_exec (db, "PRAGMA user_version = 1", &error));
  g_clear_pointer (&db, vk_db_close);
  db = vk_db_open (path, TEST_APP_ID, VK_DB_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_false (vk_db_migrate (db, migrations, 2, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_VERSION);
}

static void
test_db_refuse_foreign (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = new_db ();
  g_autofree char *text = NULL;
  g_autoptr (VkDb) db = NULL;
  sqlite3 *raw = NULL;

  /* Another application's SQLite file. */
  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "CREATE TABLE t (x); PRAGMA application_id = 7;", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (raw);
  db = vk_db_open (path, TEST_APP_ID, VK_DB_CREATE, &error);
  g_assert_null (db);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "application_id"));
  g_clear_error (&error);

  /* A non-empty SQLite file without an application_id is not ours either. */
  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "PRAGMA application_id = 0;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  db = vk_db_open (path, TEST_APP_ID, VK_DB_CREATE, &error);
  g_assert_null (db);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);

  /* An empty file is not stamped unless asked to create. */
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  db = vk_db_open (path, TEST_APP_ID, VK_DB_FLAGS_NONE, &error);
  g_assert_null (db);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);
  {
    GStatBuf st;
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_size, ==, 0);
  }

  /* Not SQLite at all. */
  text = g_strnfill (4096, 'x');
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  db = vk_db_open (path, TEST_APP_ID, VK_DB_FLAGS_NONE, &error);
  g_assert_null (db);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  /* Missing without VK_DB_CREATE. */
  g_assert_true (g_remove (path) == 0);
  db = vk_db_open (path, TEST_APP_ID, VK_DB_FLAGS_NONE, &error);
  g_assert_null (db);
  g_assert_error (error, VK_ERROR, VK_ERROR_DB);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static int
mode_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (int)(st.st_mode & 07777);
}

/* Issue 12, item 8: a package or database path that is a FIFO (SQLite
 * blocked opening it) or a device is refused at once. */
static void
test_db_not_regular (void)
{
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *fifo = g_build_filename (dir, "fifo.vkp", NULL);
  const char *paths[] = { fifo, "/dev/zero", "/dev/null" };
  const VkDbFlags modes[] = { VK_DB_READ_ONLY, VK_DB_FLAGS_NONE, VK_DB_CREATE | VK_DB_WAL };

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    for (gsize m = 0; m < G_N_ELEMENTS (modes); m++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (VkDb) db = vk_db_open (paths[i], TEST_APP_ID, modes[m], &error);

        g_assert_null (db);
        g_assert_error (error, VK_ERROR, VK_ERROR_IO);
        g_assert_nonnull (strstr (error->message, "not a regular file"));
      }
}

/* Issue 12, item 9: every valgkit database holds personal data, so a new
 * one is created 0600 whatever the umask, and SQLite's -wal, -shm and
 * -journal files follow the database's mode.  Was 0644. */
static void
test_db_private_mode (void)
{
  g_autofree char *dir = vk_test_tmpdir ();
  const VkDbFlags modes[] = { VK_DB_CREATE | VK_DB_WAL, VK_DB_CREATE };

  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("private-%" G_GSIZE_FORMAT ".db", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);
      g_autofree char *journal = g_strconcat (path, "-journal", NULL);
      g_autoptr (VkDb) db = NULL;
      mode_t old = umask (0);

      /* The loosest umask: nothing but the code limits the mode. */
      db = vk_db_open (path, TEST_APP_ID, modes[i], &error);
      g_assert_no_error (error);
      g_assert_true (vk_db_migrate (db, migrations, G_N_ELEMENTS (migrations), &error));
      g_assert_no_error (error);
      g_assert_true (vk_db_begin_immediate (db, &error));
      g_assert_true (vk_db_exec (db, "INSERT INTO parent (name) VALUES ('Mette Sørensen')", &error));
      g_assert_no_error (error);
      g_assert_cmpint (mode_of (path), ==, 0600);
      if (g_file_test (journal, G_FILE_TEST_EXISTS))
        g_assert_cmpint (mode_of (journal), ==, 0600);
      g_assert_true (vk_db_commit (db, &error));
      g_assert_cmpint (mode_of (path), ==, 0600);
      if (modes[i] & VK_DB_WAL)
        {
          g_assert_cmpint (mode_of (wal), ==, 0600);
          g_assert_cmpint (mode_of (shm), ==, 0600);
        }
      (void)umask (old);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/db/create-migrate", test_db_create_migrate);
  g_test_add_func ("/db/transactions", test_db_transactions);
  g_test_add_func ("/db/refuse-newer", test_db_refuse_newer);
  g_test_add_func ("/db/refuse-foreign", test_db_refuse_foreign);
  g_test_add_func ("/db/private-mode", test_db_private_mode);
  g_test_add_func ("/db/not-regular", test_db_not_regular);
  return g_test_run ();
}
