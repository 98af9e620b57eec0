/* fuzz-driver.c: runs a libFuzzer-style target over files, so that a
 * fuzz corpus replays as an ordinary test without libFuzzer.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: fuzz-TARGET FILE-OR-DIRECTORY...  Directories are read one level
 * deep, in name order so that runs repeat.  Finding no input at all is a
 * failure: a missing corpus must not pass silently.
 */
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *)a, *(char *const *)b);
}

static gboolean
run_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;
  guint8 *copy;

  if (!g_file_get_contents (path, &contents, &len, &error))
    {
      fprintf (stderr, "fuzz-driver: %s\n", error->message);
      return FALSE;
    }
  /* An exact-size copy, so that AddressSanitizer sees a read past the end. */
  copy = g_memdup2 (contents, len);
  LLVMFuzzerTestOneInput (copy, len);
  g_free (copy);
  return TRUE;
}

int
main (int argc, char **argv)
{
  guint runs = 0;

  for (int i = 1; i < argc; i++)
    {
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (GDir) dir = g_dir_open (argv[i], 0, &error);
          g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
          const char *name;

          if (dir == NULL)
            {
              fprintf (stderr, "fuzz-driver: %s\n", error->message);
              return 1;
            }
          while ((name = g_dir_read_name (dir)) != NULL)
            g_ptr_array_add (names, g_build_filename (argv[i], name, NULL));
          g_ptr_array_sort (names, compare_paths);
          for (guint k = 0; k < names->len; k++)
            {
              const char *path = g_ptr_array_index (names, k);

              if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
                continue;
              if (!run_file (path))
                return 1;
              runs++;
            }
        }
      else
        {
          if (!run_file (argv[i]))
            return 1;
          runs++;
        }
    }
  if (runs == 0)
    {
      fprintf (stderr, "fuzz-driver: no inputs\n");
      return 1;
    }
  printf ("fuzz-driver: %u inputs ran\n", runs);
  return 0;
}
