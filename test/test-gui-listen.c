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
#include <string.h>

#include "vk-sync.h"
#include "vk-test-gui.h"

#define SEED 2031

static VkTestGuiElection fx;
static VkKeypair *bord2_key;

static void
make_fixture (void)
{
  guint64 now = (guint64)(g_get_real_time () / 1000);

  vk_test_gui_election_create_fake (&fx, SEED, 120);
  /* bord-1 is opened through the window, bord-2 by the engine with its key. */
  vk_keypair_free (vk_test_gui_enroll (&fx, "bord-1", "valgbord", fx.area, now - 3600000, now + 24 * 3600000ull));
  bord2_key = vk_test_gui_enroll (&fx, "bord-2", "valgbord", fx.area, now - 3600000, now + 24 * 3600000ull);
  g_clear_pointer (&fx.package, vk_package_free);
}

#define WAIT_FOR_MS(cond, ms) VK_TEST_WAIT_FOR_MS (cond, ms)
#define child(win, name) vk_test_gui_child (win, name)

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
    vk_sync_set_key (sync, bord2_key); /* the peer server wants signed reads */
  if (sync != NULL)
    p->ok = vk_sync_with_peer (sync, p->url, NULL, &p->stats, &p->error);
  g_atomic_int_set (&p->done, 1);
  return NULL;
}

static void
test_listen (void)
{
  g_autoptr (GError) error = NULL;
  VkStationWindow *win = vk_test_gui_new_window (1280, 800);
  g_autofree char *key = vk_test_gui_key_path (fx.dir, "bord-1");
  g_autofree char *db1 = g_build_filename (fx.dir, "bord-1.db", NULL);
  g_autoptr (VkPackage) package = vk_package_open (fx.pkg_path, &error);
  const char *url;
  guint lnr = 9;
  Push push = { 0 };
  GThread *thread;

  g_assert_no_error (error);
  vk_station_window_set_listen (win, "127.0.0.1:0", NULL, NULL);
  vk_test_gui_open_device (win, fx.pkg_path, "bord-1", key, db1);

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
    g_autoptr (VkStation) bord2 = vk_station_open (package, push.db, "bord-2", bord2_key, &error);
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
  VkStationWindow *win = vk_test_gui_new_window (1280, 800);
  g_autofree char *key = vk_test_gui_key_path (fx.dir, "bord-1");
  g_autofree char *db1 = g_build_filename (fx.dir, "bord-1-refused.db", NULL);
  g_autofree char *expected = g_strdup_printf (_ ("Not listening: %s"), "");

  vk_station_window_set_listen (win, "0.0.0.0:0", NULL, NULL);
  vk_test_gui_open_device (win, fx.pkg_path, "bord-1", key, db1);
  g_assert_null (vk_station_window_get_listen_url (win));
  g_assert_nonnull (strstr (adw_window_title_get_subtitle (child (win, "window_title")), expected));
  gtk_window_destroy (GTK_WINDOW (win));
}

int
main (int argc, char **argv)
{
  int status;

  if (!vk_test_gui_init (&argc, &argv, "/gui/listen/skip"))
    return g_test_run ();
  make_fixture ();
  g_test_add_func ("/gui/listen/push-shows", test_listen);
  g_test_add_func ("/gui/listen/refused", test_listen_refused);
  status = g_test_run ();
  g_clear_pointer (&bord2_key, vk_keypair_free);
  vk_test_gui_election_clear (&fx);
  return status;
}
