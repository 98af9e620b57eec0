/* test-concurrent.c: 60 station processes push to one real count server at once.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 4's integration test: a real `valgkit serve` on 127.0.0.1 and
 * 60 `valgkit push` processes, each with its own station database,
 * pushing concurrently through the real HTTP stack.  Afterwards every
 * entry is held exactly once, every device's head is its station's
 * head, and the rules find no integrity problem.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vk-count.h"
#include "vk-error.h"
#include "vk-fake-election.h"
#include "vk-fake.h"
#include "vk-rules.h"
#include "vk-station.h"
#include "vk-test-util.h"

#define N_STATIONS 60
#define CHECKINS 25
#define PASS "concurrent-test"

static GPid
start_server (const char *pkg, const char *db, const char *key, char **ret_url)
{
  g_autoptr (GError) error = NULL;
  const char *argv[]
      = { vk_test_valgkit (), "serve", "--election", pkg, "--db", db, "--key", key, "--listen", "127.0.0.1:0", NULL };
  GPid pid;
  int out_fd = -1;
  g_autoptr (GString) line = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  char c;

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **)argv, NULL,
                                           G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid,
                                           NULL, &out_fd, NULL, &error));
  g_assert_no_error (error);
  while (g_get_monotonic_time () < deadline && read (out_fd, &c, 1) == 1)
    {
      if (c != '\n')
        {
          g_string_append_c (line, c);
          continue;
        }
      if (strstr (line->str, "http://") != NULL)
        {
          *ret_url = g_strdup (strstr (line->str, "http://"));
          break;
        }
      g_string_truncate (line, 0);
    }
  /* The server's stdout stays open in this process until the test ends. */
  g_assert_nonnull (*ret_url);
  return pid;
}

static void
test_concurrent_push (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *pkg_path = g_build_filename (dir, "e.vkp", NULL);
  g_autofree char *server_db = g_build_filename (dir, "count.db", NULL);
  g_autofree char *server_key_path = g_build_filename (dir, "server.key", NULL);
  g_autofree char *url = NULL;
  g_autoptr (VkElection) election = vk_fake_election_new (7);
  g_autoptr (VkVoterList) voters = vk_voters_generate_for_election (election, 0, 7);
  g_autoptr (VkKeypair) election_key = vk_keypair_generate ();
  g_autoptr (VkKeypair) server_key = vk_keypair_generate ();
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (GPtrArray) heads = g_ptr_array_new_with_free_func (g_free);
  GPid server;
  GPid pushers[N_STATIONS];
  gint64 t0;

  g_setenv ("VALGKIT_PASSPHRASE", PASS, TRUE);
  package = vk_package_create (pkg_path, election, voters, election_key, &error);
  g_assert_no_error (error);
  g_assert_true (vk_package_enroll (package, election_key, "taelleserver", "server", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (server_key), 0, G_MAXINT64, &error));
  g_assert_true (
      vk_keypair_save (server_key, server_key_path, PASS, VK_KDF_INTERACTIVE, "server", "taelleserver", &error));
  g_assert_no_error (error);

  /* 60 tables, 15 per area, each checking in its own voters. */
  for (guint i = 0; i < N_STATIONS; i++)
    {
      guint area = 1 + i % 4;
      g_autofree char *device = g_strdup_printf ("omr%02u-bord%02u", area, i / 4 + 1);
      g_autofree char *db = g_strdup_printf ("%s/%s.db", dir, device);
      g_autoptr (VkKeypair) key = vk_keypair_generate ();
      g_autoptr (VkStation) station = NULL;

      g_assert_true (vk_package_enroll (package, election_key, device, "valgbord", area,
                                        vk_keypair_get_public_key (key), 0, G_MAXINT64, &error));
      g_assert_no_error (error);
      station = vk_station_open (package, db, device, key, &error);
      g_assert_no_error (error);
      for (guint k = 0; k < CHECKINS; k++)
        g_assert_cmpuint (vk_station_check_in (station, 1 + (i / 4) * CHECKINS + k, VK_CHECKIN_SCAN, FALSE, &error), >,
                          0);
      g_assert_no_error (error);
      g_ptr_array_add (heads, g_strdup_printf ("%s %" G_GUINT64_FORMAT, device,
                                               vk_journal_get_head_seq (vk_station_get_journal (station))));
    }

  server = start_server (pkg_path, server_db, server_key_path, &url);

  /* All at once. */
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < N_STATIONS; i++)
    {
      g_auto (GStrv) parts = g_strsplit (g_ptr_array_index (heads, i), " ", 2);
      g_autofree char *db = g_strdup_printf ("%s/%s.db", dir, parts[0]);
      const char *argv[] = { vk_test_valgkit (), "push", "--election", pkg_path, "--db", db, "--server", url, NULL };
      g_assert_true (g_spawn_async (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                    NULL, NULL, &pushers[i], &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < N_STATIONS; i++)
    {
      int status = 0;
      g_assert_cmpint (waitpid (pushers[i], &status, 0), ==, pushers[i]);
      g_spawn_close_pid (pushers[i]);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    }
  g_test_message ("%d concurrent pushes of %d entries each took %.0f ms", N_STATIONS, CHECKINS + 1,
                  (g_get_monotonic_time () - t0) / 1000.0);

  /* A second round changes nothing (idempotent). */
  for (guint i = 0; i < 5; i++)
    {
      g_auto (GStrv) parts = g_strsplit (g_ptr_array_index (heads, i), " ", 2);
      g_autofree char *db = g_strdup_printf ("%s/%s.db", dir, parts[0]);
      g_autofree char *out = NULL, *err = NULL;
      const char *argv[] = { vk_test_valgkit (), "push", "--election", pkg_path, "--db", db, "--server", url, NULL };
      g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 0);
    }

  kill (server, SIGTERM);
  waitpid (server, NULL, 0);
  g_spawn_close_pid (server);

  /* Every entry once: each device's held journal is exactly the station's. */
  {
    g_autoptr (VkCount) count = vk_count_open_read_only (server_db, package, &error);
    g_autoptr (GPtrArray) held = NULL;
    g_autoptr (GPtrArray) findings = NULL;
    guint64 total = 0;
    VkRulesConfig config;

    g_assert_no_error (error);
    for (guint i = 0; i < N_STATIONS; i++)
      {
        g_auto (GStrv) parts = g_strsplit (g_ptr_array_index (heads, i), " ", 2);
        guint64 want = g_ascii_strtoull (parts[1], NULL, 10);
        g_autoptr (GPtrArray) entries = vk_count_dup_entries (count, parts[0], 0, &error);

        g_assert_no_error (error);
        g_assert_cmpuint (entries->len, ==, want);
        for (guint k = 0; k < entries->len; k++)
          g_assert_cmpuint (((VkEntry *)g_ptr_array_index (entries, k))->seq, ==, k + 1);
        total += entries->len;
      }
    held = vk_count_dup_heads (count);
    /* 60 stations and the server itself. */
    g_assert_cmpuint (held->len, ==, N_STATIONS + 1);
    g_assert_cmpuint (total, ==, N_STATIONS * (CHECKINS + 1));
    vk_rules_config_init (&config, election);
    findings = vk_count_discrepancies (count, &config, &error);
    g_assert_no_error (error);
    /* Mid-day there is no tally yet (D09); what must not be there is any
     * integrity, enrolment, fork or double check-in finding. */
    for (guint i = 0; i < findings->len; i++)
      {
        const VkFinding *f = g_ptr_array_index (findings, i);
        g_test_message ("D%02u %s", f->rule, f->message_en);
        g_assert_cmpuint (f->rule, !=, 1);
        g_assert_cmpuint (f->rule, !=, 2);
        g_assert_cmpuint (f->rule, !=, 3);
        g_assert_cmpuint (f->rule, !=, 4);
      }
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/concurrent/push-60-stations", test_concurrent_push);
  return g_test_run ();
}
