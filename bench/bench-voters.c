/* bench-voters.c: CSV import speed for a large municipality's voter list.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Generates 600,000 synthetic voters in 60 areas (about Copenhagen's
 * 541,000 eligible), writes them as CSV and times the import, then
 * times writing and opening (verifying) an election package with them.
 */
#include <glib/gstdio.h>

#include "vk-bench.h"
#include "vk-fake.h"
#include "vk-package.h"
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
  vk_bench_result ("voters-csv-import", "csv_import", vk_voter_list_get_length (imported) / ((t2 - t1) / 1e6), "rows/s",
                   -1, "-", "vk_voter_list_import_csv, 600,000 voters");
  {
    g_autoptr (VkElection) election = vk_election_new ();
    g_autoptr (VkKeypair) key = vk_keypair_generate ();
    g_autofree char *vkp = g_build_filename (dir, "election.vkp", NULL);
    g_autoptr (VkPackage) pkg = NULL;
    gint64 t3, t4;

    for (guint i = 0; i < N_AREAS; i++)
      vk_election_add_area (election, i + 1, "Område", "", PER_AREA);
    t2 = g_get_monotonic_time ();
    pkg = vk_package_create (vkp, election, imported, key, &error);
    t3 = g_get_monotonic_time ();
    if (pkg == NULL)
      g_error ("%s", error->message);
    g_clear_pointer (&pkg, vk_package_free);
    pkg = vk_package_open (vkp, &error);
    t4 = g_get_monotonic_time ();
    if (pkg == NULL)
      g_error ("%s", error->message);
    (void)g_stat (vkp, &st);
    g_print ("package-600k: %.1f MB, create+sign+verify %.0f ms, open+verify %.0f ms\n", st.st_size / 1e6,
             (t3 - t2) / 1e3, (t4 - t3) / 1e3);
    vk_bench_result ("voters-csv-import", "package_create", (t3 - t2) / 1e3, "ms", -1, "-",
                     "vk_package_create with 600,000 voters (sign + verify)");
    vk_bench_result ("voters-csv-import", "package_open", (t4 - t3) / 1e3, "ms", -1, "-",
                     "vk_package_open with 600,000 voters (re-hash + verify)");
    (void)g_unlink (vkp);
  }
  (void)g_unlink (path);
  (void)g_rmdir (dir);
  return 0;
}
