/* bench-search.c: voter search and check-in latency at a station.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * 600,000 synthetic voters in 60 areas (about Copenhagen's 541,000
 * eligible) go into a signed package; a valgbord of area 1 opens it
 * (index built at open) and searches as a table does: scanned valgkort
 * codes, name prefixes, birth dates, addresses.  Then it checks voters
 * in, each one durable (synchronous=FULL) before the call returns.
 * Prints p50/p99/max per kind; goal p99 < 10 ms for search, < 20 ms for
 * check-in (issue 5).
 */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "vk-fake-election.h"
#include "vk-fake.h"
#include "vk-station.h"
#include "vk-valgkort.h"

enum
{
  N_AREAS = 60,
  PER_AREA = 10000,
  N_QUERIES = 2000,
  N_CHECKINS = 300,
};

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y ? 1 : 0;
}

static void
report (const char *what, double *ms, guint n, guint results)
{
  qsort (ms, n, sizeof (double), compare_doubles);
  g_print ("%-22s n=%-5u p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms  (avg %.1f results)\n", what, n, ms[n / 2],
           ms[(guint)(n * 0.99)], ms[n - 1], (double)results / n);
}

static double
time_search (VkStation *station, const char *query, guint *results)
{
  g_autoptr (GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (VkSearchResult) r = vk_station_search (station, query, 50, &error);
  gint64 t1 = g_get_monotonic_time ();

  if (r == NULL)
    g_error ("search \"%s\": %s", query, error->message);
  *results += r->voters->len;
  return (t1 - t0) / 1e3;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vk-bench-search-XXXXXX", NULL);
  g_autofree char *pkg_path = g_build_filename (dir, "election.vkp", NULL);
  g_autofree char *db_path = g_build_filename (dir, "bord.db", NULL);
  g_autoptr (VkElection) election = vk_fake_election_new (1);
  g_autoptr (VkVoterList) voters = NULL;
  g_autoptr (VkKeypair) election_key = vk_keypair_generate ();
  g_autoptr (VkKeypair) device_key = vk_keypair_generate ();
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkStation) station = NULL;
  guint areas[N_AREAS], counts[N_AREAS];
  double *ms = g_new (double, N_QUERIES);
  guint64 now = (guint64)(g_get_real_time () / 1000);
  gint64 t0, t1, t2;
  VkFakeRng rng;
  guint results;

  /* The fake election has four areas; the benchmark needs sixty. */
  g_ptr_array_set_size (election->areas, 0);
  for (guint i = 0; i < N_AREAS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Område %u", i + 1);
      vk_election_add_area (election, i + 1, name, "", PER_AREA);
      areas[i] = i + 1;
      counts[i] = PER_AREA;
    }
  voters = vk_voters_generate (areas, counts, N_AREAS, "København", 1);

  t0 = g_get_monotonic_time ();
  package = vk_package_create (pkg_path, election, voters, election_key, &error);
  if (package == NULL
      || !vk_package_enroll (package, election_key, "bord-1", "valgbord", 1, vk_keypair_get_public_key (device_key),
                             now - 3600000, now + 3600000, &error))
    g_error ("%s", error->message);
  vk_package_free (g_steal_pointer (&package));
  package = vk_package_open (pkg_path, &error);
  if (package == NULL)
    g_error ("%s", error->message);
  t1 = g_get_monotonic_time ();
  station = vk_station_open (package, db_path, "bord-1", device_key, &error);
  if (station == NULL)
    g_error ("%s", error->message);
  t2 = g_get_monotonic_time ();
  g_print ("voters %u in %u areas; package create+open %.0f ms; station open (load + index) %.0f ms\n",
           vk_voter_list_get_length (voters), N_AREAS, (t1 - t0) / 1e3, (t2 - t1) / 1e3);

  vk_fake_rng_init (&rng, 99);

  /* Scanned valgkort codes, most of them of this area. */
  results = 0;
  for (guint i = 0; i < N_QUERIES; i++)
    {
      g_autofree char *code = vk_valgkort_format (999, i % 10 == 0 ? 1 + vk_fake_rng_range (&rng, N_AREAS) : 1,
                                                  1 + vk_fake_rng_range (&rng, PER_AREA));
      ms[i] = time_search (station, code, &results);
    }
  report ("barcode", ms, N_QUERIES, results);

  /* Name prefixes: 1–4 letters of a first name, then first name + surname prefix. */
  results = 0;
  for (guint i = 0; i < N_QUERIES; i++)
    {
      const VkVoter *v = vk_voter_list_get (voters, vk_fake_rng_range (&rng, vk_voter_list_get_length (voters)));
      g_auto (GStrv) words = g_strsplit (v->name, " ", -1);
      guint n = g_strv_length (words);
      g_autofree char *q = NULL;

      if (i % 2 == 0)
        q = g_utf8_substring (words[0], 0, MIN (1 + i % 4, g_utf8_strlen (words[0], -1)));
      else
        {
          g_autofree char *sur = g_utf8_substring (words[n - 1], 0, MIN (3, g_utf8_strlen (words[n - 1], -1)));
          q = g_strdup_printf ("%s %s", words[0], sur);
        }
      ms[i] = time_search (station, q, &results);
    }
  report ("name prefix", ms, N_QUERIES, results);

  /* Birth dates, DD-MM-YYYY and DDMMYY. */
  results = 0;
  for (guint i = 0; i < N_QUERIES; i++)
    {
      const VkVoter *v = vk_voter_list_get (voters, vk_fake_rng_range (&rng, vk_voter_list_get_length (voters)));
      const char *d = v->birth_date;
      g_autofree char *q = i % 2 == 0 ? g_strdup_printf ("%.2s-%.2s-%.4s", d + 8, d + 5, d)
                                      : g_strdup_printf ("%.2s%.2s%.2s", d + 8, d + 5, d + 2);
      ms[i] = time_search (station, q, &results);
    }
  report ("birth date", ms, N_QUERIES, results);

  /* Addresses: street and number. */
  results = 0;
  for (guint i = 0; i < N_QUERIES; i++)
    {
      const VkVoter *v = vk_voter_list_get (voters, vk_fake_rng_range (&rng, vk_voter_list_get_length (voters)));
      g_auto (GStrv) parts = g_strsplit (v->address, ",", 2);
      ms[i] = time_search (station, parts[0], &results);
    }
  report ("address", ms, N_QUERIES, results);

  /* Worst cases: one-letter names across all areas. */
  results = 0;
  for (guint i = 0; i < 26; i++)
    {
      char q[2] = { (char)('a' + i), 0 };
      ms[i] = time_search (station, q, &results);
    }
  report ("one letter (a-z)", ms, 26, results);

  /* Check-in: durable journal entry before return. */
  for (guint i = 0; i < N_CHECKINS; i++)
    {
      gint64 c0 = g_get_monotonic_time ();
      if (vk_station_check_in (station, i + 1, VK_CHECKIN_SCAN, FALSE, &error) == 0)
        g_error ("%s", error->message);
      ms[i] = (g_get_monotonic_time () - c0) / 1e3;
    }
  report ("check-in (durable)", ms, N_CHECKINS, 0);

  g_clear_pointer (&station, vk_station_close);
  g_clear_pointer (&package, vk_package_free);
  {
    const char *const files[] = { "election.vkp", "bord.db", "bord.db-wal", "bord.db-shm" };
    for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *p = g_build_filename (dir, files[i], NULL);
        (void)g_unlink (p);
      }
    (void)g_rmdir (dir);
  }
  g_free (ms);
  return 0;
}
