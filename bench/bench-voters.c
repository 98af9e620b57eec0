/* bench-voters.c: CSV import speed for a large municipality's voter list.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Generates 600,000 synthetic voters in 60 areas (about Copenhagen's
 * 541,000 eligible), writes them as CSV and times the import.
 */
#include <glib/gstdio.h>

#include "vk-fake.h"
#include "vk-voters.h"

int
main (int argc, char **argv)
{
  enum
  {
    N_AREAS = 60,
    PER_AREA = 10000
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vk-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "voters.csv", NULL);
  g_autoptr (VkVoterList) generated = NULL;
  g_autoptr (VkVoterList) imported = NULL;
  guint areas[N_AREAS], counts[N_AREAS];
  GStatBuf st;
  gint64 t0, t1, t2;

  for (guint i = 0; i < N_AREAS; i++)
    {
      areas[i] = i + 1;
      counts[i] = PER_AREA;
    }

  t0 = g_get_monotonic_time ();
  generated = vk_voters_generate (areas, counts, N_AREAS, "København", 1);
  if (!vk_voter_list_write_csv (generated, path, &error))
    g_error ("%s", error->message);
  t1 = g_get_monotonic_time ();
  imported = vk_voter_list_import_csv (path, &error);
  t2 = g_get_monotonic_time ();
  if (imported == NULL)
    g_error ("%s", error->message);
  if (vk_voter_list_get_length (imported) != N_AREAS * PER_AREA)
    g_error ("imported %u voters", vk_voter_list_get_length (imported));
  (void)g_stat (path, &st);

  g_print ("voters-csv-import: %u rows, %.1f MB, generate+write %.0f ms, import %.0f ms (%.0f rows/s)\n",
           vk_voter_list_get_length (imported), st.st_size / 1e6, (t1 - t0) / 1e3, (t2 - t1) / 1e3,
           vk_voter_list_get_length (imported) / ((t2 - t1) / 1e6));
  (void)g_unlink (path);
  (void)g_rmdir (dir);
  return 0;
}
