/* test-gui-listen.c: valgkit-station listening for the other tables.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under Xvfb (test/gui-run.sh); skips when no display can be
 * opened.  A window opens table bord-1 with a listen address; a second
 * table of the same area (bord-2, its own database) checks a voter in
 * and pushes its journal to the window's URL with vk_sync_with_peer();
 * the window must then show that voter as checked in at bord-2 within
 * two seconds, without any sync round of its own.
 */
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#include "station-window.h"
#include "vk-fake-election.h"
#include "vk-fake.h"
#include "vk-sync.h"
#include "vk-test-util.h"

#define PASS "prøvevalg"
#define SEED 2031

typedef struct
{
  char *dir;
  char *pkg_path;
  VkVoterList *voters;
  VkKeypair *bord2_key;
  guint area;
} Fixture;

static Fixture fx;

static void
make_fixture (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) election = vk_fake_election_new (SEED);
  g_autoptr (VkKeypair) election_key = vk_keypair_generate ();
  g_autoptr (VkKeypair) bord1_key = vk_keypair_generate ();
  g_autoptr (VkPackage) package = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *bord1_path = NULL;
  guint64 now = (guint64)(g_get_real_time () / 1000);

  fx.dir = vk_test_tmpdir ();
  fx.pkg_path = g_build_filename (fx.dir, "election.vkp", NULL);
  fx.voters = vk_voters_generate_for_election (election, 120, SEED);
  fx.area = ((VkArea *)g_ptr_array_index (election->areas, 0))->number;
  package = vk_package_create (fx.pkg_path, election, fx.voters, election_key, &error);
  g_assert_no_error (error);
  keys = g_build_filename (fx.dir, "keys", NULL);
  g_assert_cmpint (g_mkdir_with_parents (keys, 0700), ==, 0);
  bord1_path = g_build_filename (keys, "bord-1.key", NULL);
  g_assert_true (vk_keypair_save (bord1_key, bord1_path, PASS, VK_KDF_INTERACTIVE, "valgbord", "bord-1", &error));
  fx.bord2_key = vk_keypair_generate ();
  g_assert_true (vk_package_enroll (package, election_key, "bord-1", "valgbord", fx.area,
                                    vk_keypair_get_public_key (bord1_key), now - 3600000, now + 24 * 3600000ull,
                                    &error));
  g_assert_true (vk_package_enroll (package, election_key, "bord-2", "valgbord", fx.area,
                                    vk_keypair_get_public_key (fx.bord2_key), now - 3600000, now + 24 * 3600000ull,
                                    &error));
  g_assert_no_error (error);
}

/* Spins the main loop until cond holds or ms have passed. */
#define WAIT_FOR_MS(cond, ms)                                                                                          \
  G_STMT_START                                                                                                         \
  {                                                                                                                    \
    gint64 deadline_ = g_get_monotonic_time () + (ms)*1000;                                                            \
    while (!(cond) && g_get_monotonic_time () < deadline_)                                                             \
      g_main_context_iteration (NULL, FALSE);                                                                          \
    g_assert_true (cond);                                                                                              \
  }                                                                                                                    \
  G_STMT_END

static gpointer
child (VkStationWindow *win, const char *name)
{
  GObject *o = gtk_widget_get_template_child (GTK_WIDGET (win), VK_TYPE_STATION_WINDOW, name);
  g_assert_nonnull (o);
  return o;
}

/* Types a løbenummer into the search field and reports whether the
 * window blocks the voter as checked in at bord-2. */
static gboolean
shown_at_bord2 (VkStationWindow *win, guint lnr)
{
  g_autofree char *typed = g_strdup_printf ("%u", lnr);
  GtkWidget *search = child (win, "search_entry");
  GtkLabel *message = child (win, "message_label");

  gtk_editable_set_text (GTK_EDITABLE (search), "");
  gtk_editable_set_text (GTK_EDITABLE (search), typed);
  g_signal_emit_by_name (search, "activate");
  return gtk_widget_get_visible (GTK_WIDGET (message)) && gtk_widget_has_css_class (GTK_WIDGET (message), "vk-blocked")
         && strstr (gtk_label_get_text (message), "bord-2") != NULL;
}

typedef struct
{
  char *db;
  char *url;
  VkSyncStats stats;
  GError *error;
  gboolean ok;
  gint done;
} Push;

/* The push blocks until the window's server answers, and the server
 * runs on this test's main context: so it runs in a thread. */
static gpointer
push_thread (gpointer data)
{
  Push *p = data;
  g_autoptr (VkPackage) package = vk_package_open (fx.pkg_path, &p->error);
  g_autoptr (VkSync) sync = NULL;

  if (package != NULL)
    sync = vk_sync_new (package, p->db, "bord-2", &p->error);
  if (sync != NULL)
    p->ok = vk_sync_with_peer (sync, p->url, NULL, &p->stats, &p->error);
  g_atomic_int_set (&p->done, 1);
  return NULL;
}

static void
test_listen (void)
{
  g_autoptr (GError) error = NULL;
  VkStationWindow *win = vk_station_window_new (NULL);
  g_autofree char *key = g_build_filename (fx.dir, "keys", "bord-1.key", NULL);
  g_autofree char *db1 = g_build_filename (fx.dir, "bord-1.db", NULL);
  g_autoptr (VkPackage) package = vk_package_open (fx.pkg_path, &error);
  const char *url;
  guint lnr = 9;
  Push push = { 0 };
  GThread *thread;

  g_assert_no_error (error);
  vk_station_window_set_listen (win, "127.0.0.1:0", NULL, NULL);
  gtk_window_set_default_size (GTK_WINDOW (win), 1280, 800);
  gtk_window_present (GTK_WINDOW (win));
  WAIT_FOR_MS (gtk_widget_get_mapped (GTK_WIDGET (win)), 10000);
  vk_station_window_prefill (win, fx.pkg_path, "bord-1", key, db1);
  gtk_editable_set_text (GTK_EDITABLE (child (win, "passphrase_entry")), PASS);
  gtk_widget_activate_action (GTK_WIDGET (win), "win.open", NULL);
  WAIT_FOR_MS (vk_station_window_get_station (win) != NULL, 10000);

  /* The window listens on a port of its own and says where. */
  url = vk_station_window_get_listen_url (win);
  g_assert_nonnull (url);
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  g_assert_cmpstr (url, !=, "http://127.0.0.1:0");
  g_assert_nonnull (strstr (adw_window_title_get_subtitle (child (win, "window_title")), url));
  /* Nobody has checked the voter in yet. */
  g_assert_false (shown_at_bord2 (win, lnr));
  g_assert_true (gtk_widget_get_sensitive (child (win, "checkin_button")));

  /* The other table of the area checks the voter in, in its own database. */
  push.db = g_build_filename (fx.dir, "bord-2.db", NULL);
  {
    g_autoptr (VkStation) bord2 = vk_station_open (package, push.db, "bord-2", fx.bord2_key, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (vk_station_check_in (bord2, lnr, VK_CHECKIN_SEARCH, FALSE, &error), >, 0);
    g_assert_no_error (error);
  }
  /* ... and pushes to the window's URL. */
  push.url = g_strdup (url);
  thread = g_thread_new ("push", push_thread, &push);
  WAIT_FOR_MS (g_atomic_int_get (&push.done), 10000);
  g_thread_join (thread);
  g_assert_no_error (push.error);
  g_assert_true (push.ok);
  g_assert_cmpuint (push.stats.pushed, >, 0);

  /* Within two seconds the window blocks the voter, naming bord-2. */
  WAIT_FOR_MS (shown_at_bord2 (win, lnr), 2000);
  g_assert_false (gtk_widget_get_sensitive (child (win, "checkin_button")));
  g_assert_true (vk_station_is_checked_in (vk_station_window_get_station (win), lnr));

  gtk_window_destroy (GTK_WINDOW (win));
  g_free (push.db);
  g_free (push.url);
}

/* A non-loopback address without TLS is refused, and the header says so. */
static void
test_listen_refused (void)
{
  g_autoptr (GError) error = NULL;
  VkStationWindow *win = vk_station_window_new (NULL);
  g_autofree char *key = g_build_filename (fx.dir, "keys", "bord-1.key", NULL);
  g_autofree char *db1 = g_build_filename (fx.dir, "bord-1-refused.db", NULL);
  g_autofree char *expected = g_strdup_printf (_ ("Not listening: %s"), "");

  vk_station_window_set_listen (win, "0.0.0.0:0", NULL, NULL);
  gtk_window_present (GTK_WINDOW (win));
  vk_station_window_prefill (win, fx.pkg_path, "bord-1", key, db1);
  gtk_editable_set_text (GTK_EDITABLE (child (win, "passphrase_entry")), PASS);
  gtk_widget_activate_action (GTK_WIDGET (win), "win.open", NULL);
  WAIT_FOR_MS (vk_station_window_get_station (win) != NULL, 10000);
  g_assert_null (vk_station_window_get_listen_url (win));
  g_assert_nonnull (strstr (adw_window_title_get_subtitle (child (win, "window_title")), expected));
  gtk_window_destroy (GTK_WINDOW (win));
}

static void
test_skip (void)
{
  g_test_skip ("no display (run under xvfb-run: test/gui-run.sh)");
}

int
main (int argc, char **argv)
{
  int status;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_test_init (&argc, &argv, NULL);
      g_test_add_func ("/gui/listen/skip", test_skip);
      return g_test_run ();
    }
  gtk_test_init (&argc, &argv, NULL);
  vk_station_init_i18n ();
  adw_init ();
  g_assert_cmpint (sodium_init (), >=, 0);
  make_fixture ();
  g_test_add_func ("/gui/listen/push-shows", test_listen);
  g_test_add_func ("/gui/listen/refused", test_listen_refused);
  status = g_test_run ();
  g_clear_pointer (&fx.voters, vk_voter_list_free);
  g_clear_pointer (&fx.bord2_key, vk_keypair_free);
  g_free (fx.pkg_path);
  g_free (fx.dir);
  return status;
}
