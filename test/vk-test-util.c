/* vk-test-util.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <stdarg.h>
#include <stdlib.h>

#include "vk-test-util.h"

static GPtrArray *tmpdirs;

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            (void)g_unlink (child);
        }
      g_dir_close (dir);
    }
  (void)g_rmdir (path);
}

static void
cleanup_tmpdirs (void)
{
  if (tmpdirs == NULL)
    return;
  if (g_getenv ("VK_TEST_KEEP") == NULL)
    for (guint i = 0; i < tmpdirs->len; i++)
      remove_tree (g_ptr_array_index (tmpdirs, i));
  g_clear_pointer (&tmpdirs, g_ptr_array_unref);
}

const char *
vk_test_data_dir (void)
{
  const char *dir = g_getenv ("VK_DATA_DIR");

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("KV2025 data (../shared/data/kv2025) not present");
      return NULL;
    }
  return dir;
}

char *
vk_test_data_path (const char *first, ...)
{
  const char *dir = vk_test_data_dir ();
  g_autoptr (GPtrArray) parts = g_ptr_array_new ();
  va_list ap;
  char *path;

  if (dir == NULL)
    return NULL;
  g_ptr_array_add (parts, (gpointer)dir);
  va_start (ap, first);
  for (const char *p = first; p != NULL; p = va_arg (ap, const char *))
    g_ptr_array_add (parts, (gpointer)p);
  va_end (ap);
  g_ptr_array_add (parts, NULL);
  path = g_build_filenamev ((char **)parts->pdata);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("KV2025 data file missing");
      g_free (path);
      return NULL;
    }
  return path;
}

char *
vk_test_tmpdir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("valgkit-test-XXXXXX", &error);

  g_assert_no_error (error);
  if (tmpdirs == NULL)
    {
      tmpdirs = g_ptr_array_new_with_free_func (g_free);
      atexit (cleanup_tmpdirs);
    }
  g_ptr_array_add (tmpdirs, g_strdup (dir));
  return dir;
}

GBytes *
vk_test_read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

int
vk_test_spawn (const char *const *argv, char **ret_stdout, char **ret_stderr)
{
  g_autoptr (GError) error = NULL;
  int wait_status = 0;

  g_autofree char *out = NULL;

  /* A child's stdout must never reach the test's own: it is the TAP
   * stream.  What the caller does not want goes to stderr instead. */
  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, ret_stderr, &wait_status, &error);
  g_assert_no_error (error);
  if (ret_stdout != NULL)
    *ret_stdout = g_steal_pointer (&out);
  else if (out != NULL && *out != '\0')
    g_printerr ("%s", out);
  if (WIFEXITED (wait_status))
    return WEXITSTATUS (wait_status);
  return 128 + (WIFSIGNALED (wait_status) ? WTERMSIG (wait_status) : 0);
}

const char *
vk_test_valgkit (void)
{
  const char *path = g_getenv ("VALGKIT");

  g_assert_nonnull (path);
  return path;
}
