/* test-gui-crash.c: kill -9 the station app right after "Udlever
 * stemmeseddel" returns; after a restart the voter is still marked.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test binary re-executes itself with --child: the child builds the
 * real station window, opens the enrolled table through the setup page,
 * scans a valgkort into the search field, types the birth date and
 * presses Enter, which hands out the ballot.  Right after that action
 * has returned it writes "DONE <løbenummer>" to stdout and keeps running
 * its main loop.  The parent reads the line and sends SIGKILL at once,
 * so that nothing the app might do later (closing the database, a WAL
 * checkpoint) can happen.  Then the parent reopens the device, with the
 * station engine and with the window in this process, and checks that
 * the voter is marked and that the journal verifies.  Several rounds
 * run over the same database.  Runs under Xvfb (test/gui-run.sh).
 */
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vk-test-gui.h"
#include "vk-valgkort.h"

#define SEED 2031
#define DEVICE "bord-1"
#define ROUNDS 4

#define child(win, name) vk_test_gui_child (win, name)

static char *
ddmmyy (const VkVoter *v)
{
  return g_strdup_printf ("%.2s%.2s%.2s", v->birth_date + 8, v->birth_date + 5, v->birth_date + 2);
}

static void
paths (const char *dir, char **ret_pkg, char **ret_key, char **ret_db)
{
  *ret_pkg = g_build_filename (dir, "election.vkp", NULL);
  *ret_key = g_build_filename (dir, "keys", DEVICE ".key", NULL);
  *ret_db = g_build_filename (dir, DEVICE ".db", NULL);
}

/* The window, opened on the device through its setup page. */
static VkStationWindow *
open_window (const char *dir)
{
  g_autofree char *pkg = NULL, *key = NULL, *db = NULL;
  VkStationWindow *win;

  paths (dir, &pkg, &key, &db);
  win = vk_test_gui_new_window (1280, 800);
  vk_test_gui_open_device (win, pkg, DEVICE, key, db);
  return win;
}

/* ---- the child: the app, killed from outside ---------------------------- */

typedef struct
{
  VkStationWindow *win;
  guint loebenummer;
} ChildState;

/* Runs after the birth date entry's own handler, which hands out the
 * ballot synchronously: the action has returned. */
static void
birth_activated_after_cb (GtkEntry *entry, ChildState *st)
{
  char line[64];
  int n;

  if (!vk_station_is_checked_in (vk_station_window_get_station (st->win), st->loebenummer))
    n = g_snprintf (line, sizeof line, "FAIL not checked in\n");
  else
    n = g_snprintf (line, sizeof line, "DONE %u\n", st->loebenummer);
  /* write(2), not stdio: no buffer stands between the action and the parent. */
  g_assert_cmpint (write (STDOUT_FILENO, line, (size_t)n), ==, n);
}

static int
run_child (const char *dir, guint loebenummer)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *pkg = NULL, *key = NULL, *db = NULL;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkVoter) v = NULL;
  g_autofree char *code = NULL;
  g_autofree char *birth = NULL;
  ChildState st = { NULL, loebenummer };
  GtkLabel *name;
  gint64 deadline;

  vk_station_init_i18n ();
  gtk_init ();
  adw_init ();
  g_assert_cmpint (sodium_init (), >=, 0);
  paths (dir, &pkg, &key, &db);
  package = vk_package_open (pkg, &error);
  g_assert_no_error (error);

  st.win = open_window (dir);
  v = vk_package_lookup_voter (package, vk_station_get_area (vk_station_window_get_station (st.win)), loebenummer,
                               &error);
  g_assert_no_error (error);
  code = vk_valgkort_format (999, v->area, loebenummer);
  gtk_editable_set_text (GTK_EDITABLE (child (st.win, "search_entry")), code);
  g_signal_emit_by_name (child (st.win, "search_entry"), "activate");
  name = child (st.win, "voter_name");
  g_assert_cmpstr (gtk_label_get_text (name), ==, v->name);
  g_assert_true (gtk_widget_get_sensitive (child (st.win, "checkin_button")));
  birth = ddmmyy (v);
  g_signal_connect_after (child (st.win, "birth_entry"), "activate", G_CALLBACK (birth_activated_after_cb), &st);
  gtk_editable_set_text (GTK_EDITABLE (child (st.win, "birth_entry")), birth);
  g_signal_emit_by_name (child (st.win, "birth_entry"), "activate");

  /* Keep running as the app would, until killed; a parent that never
   * kills must not leave the child behind. */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return 3;
}

/* ---- the parent ----------------------------------------------------------- */

static VkTestGuiElection fx;
static char *self_exe;

static void
make_fixture (void)
{
  guint64 now = (guint64)(g_get_real_time () / 1000);

  vk_test_gui_election_create_fake (&fx, SEED, 60);
  vk_keypair_free (vk_test_gui_enroll (&fx, DEVICE, "valgbord", fx.area, now - 3600000, now + 30 * 24 * 3600000ull));
  g_clear_pointer (&fx.package, vk_package_free);
}

/* Starts the child for one voter, waits for "DONE", kills it with
 * SIGKILL at once and reaps it. */
static void
check_in_and_kill (guint loebenummer)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *lnr = g_strdup_printf ("%u", loebenummer);
  const char *argv[] = { self_exe, "--child", fx.dir, lnr, NULL };
  g_autoptr (GSubprocess) proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autofree char *expect = g_strdup_printf ("DONE %u", loebenummer);
  const char *id;
  gint64 t_done, t_killed;

  g_assert_no_error (error);
  id = g_subprocess_get_identifier (proc);
  g_assert_nonnull (id);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  /* The child exits on its own after a minute, so this read ends. */
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  t_done = g_get_monotonic_time ();
  g_assert_cmpint (kill ((pid_t)g_ascii_strtoll (id, NULL, 10), SIGKILL), ==, 0);
  t_killed = g_get_monotonic_time ();
  g_assert_cmpstr (line, ==, expect);
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  g_assert_no_error (error);
  /* It died of the signal: it did not get to close anything. */
  g_assert_true (g_subprocess_get_if_signaled (proc));
  g_assert_cmpint (g_subprocess_get_term_sig (proc), ==, SIGKILL);
  g_test_message ("voter %u: SIGKILL %.2f ms after DONE", loebenummer, (t_killed - t_done) / 1000.0);
}

/* Reopens the device with the engine: every voter of lnrs is marked,
 * each by exactly one check-in entry, and the journal verifies. */
static void
assert_marked (const guint *lnrs, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *pkg = NULL, *key_path = NULL, *db = NULL;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (VkStation) station = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  VkVerifyReport report;

  paths (fx.dir, &pkg, &key_path, &db);
  package = vk_package_open (pkg, &error);
  g_assert_no_error (error);
  key = vk_keypair_load (key_path, VK_TEST_GUI_PASS, &error);
  g_assert_no_error (error);
  station = vk_station_open (package, db, DEVICE, key, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_station_get_checked_in_count (station), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (VkVoterStatus) st = vk_station_dup_voter_status (station, vk_station_get_area (station), lnrs[i]);
      g_assert_true (vk_station_is_checked_in (station, lnrs[i]));
      g_assert_cmpint (st->state, ==, VK_VOTER_CHECKED_IN);
      g_assert_cmpuint (st->checkins->len, ==, 1);
      g_assert_cmpstr (((VkCheckinRef *)g_ptr_array_index (st->checkins, 0))->device_id, ==, DEVICE);
      g_assert_true (((VkCheckinRef *)g_ptr_array_index (st->checkins, 0))->method == VK_CHECKIN_SCAN);
    }
  entries = vk_journal_dup_entries (vk_station_get_journal (station), 0, &error);
  g_assert_no_error (error);
  g_assert_true (vk_journal_verify (entries, vk_package_get_election_id (package), vk_package_device_lookup, package, 0,
                                    &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.entries, ==, entries->len);
  /* One device.open per start (each child's and each reopening here)
   * and one check-in per round; nothing else. */
  {
    guint checkins = 0;
    for (guint i = 0; i < entries->len; i++)
      {
        const VkEntry *e = g_ptr_array_index (entries, i);
        if (strcmp (e->type, "checkin") == 0)
          checkins++;
        else
          g_assert_cmpstr (e->type, ==, "device.open");
      }
    g_assert_cmpuint (checkins, ==, n);
  }
}

static void
test_kill_after_checkin (void)
{
  guint lnrs[ROUNDS];

  for (guint r = 0; r < ROUNDS; r++)
    {
      lnrs[r] = 3 + r * 5;
      check_in_and_kill (lnrs[r]);
      assert_marked (lnrs, r + 1);
    }

  /* The restarted app shows the block: scan the first voter's valgkort again. */
  {
    VkStationWindow *win = open_window (fx.dir);
    VkStation *station = vk_station_window_get_station (win);
    g_autofree char *code = vk_valgkort_format (999, vk_station_get_area (station), lnrs[0]);
    GtkWidget *message = child (win, "message_label");

    gtk_editable_set_text (GTK_EDITABLE (child (win, "search_entry")), code);
    g_signal_emit_by_name (child (win, "search_entry"), "activate");
    g_assert_true (gtk_widget_has_css_class (message, "vk-blocked"));
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (message)), DEVICE));
    g_assert_false (gtk_widget_get_sensitive (child (win, "checkin_button")));
    gtk_window_destroy (GTK_WINDOW (win));
  }
}

int
main (int argc, char **argv)
{
  int status;

  if (argc == 4 && strcmp (argv[1], "--child") == 0)
    return run_child (argv[2], (guint)g_ascii_strtoull (argv[3], NULL, 10));

  if (!vk_test_gui_init (&argc, &argv, "/gui/crash/skip"))
    return g_test_run ();
  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  if (self_exe == NULL)
    self_exe = g_strdup (argv[0]);
  make_fixture ();
  g_test_add_func ("/gui/crash/kill-after-checkin", test_kill_after_checkin);
  status = g_test_run ();
  vk_test_gui_election_clear (&fx);
  g_free (self_exe);
  return status;
}
