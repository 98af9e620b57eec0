/* test-gui-visits.c: the hjemmebesøg device's list of the day's visits in valgkit-station.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The valgsekretariat journals a register (shared/vk-home-register.h)
 * and exports it; the hjemmebesøg device loads the export through the
 * page's visits.load action and lists exactly the visits of the journal
 * clock's day planned for it or for no team.  A tampered export is
 * refused; the loaded plan is still there after a restart.  The
 * screenshot (docs/screenshots/station-hjemmebesoeg.png) is taken at
 * 1366×768.
 */
#include <glib/gi18n.h>
#include <string.h>

#include "visits-page.h"
#include "vk-home-register.h"
#include "vk-test-gui.h"

#define SEED 2029

static VkTestGuiElection fx;
static char *plan_path;

/* 2029-11-12 10:00 Danish time (CET): the day of the visits. */
static guint64
visit_day_clock (gpointer user_data)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Copenhagen");
  g_autoptr (GDateTime) t = g_date_time_new (tz, 2029, 11, 12, 10, 0, 0);

  return (guint64)g_date_time_to_unix (t) * 1000;
}

/* The register: on 2029-11-12, hjem-1 has its own 09:15 visit, the
 * unassigned 10:30 visit and its own visit with no time; hjem-2's 11:00
 * visit, a refused (late) request planned that day and a visit the day
 * after are not listed. */
static void
make_fixture (void)
{
  guint64 now = (guint64)(g_get_real_time () / 1000);
  guint64 to = visit_day_clock (NULL) + 60 * 24 * 3600000ull;
  g_autoptr (VkKeypair) sek = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (VkJournal) journal = NULL;
  g_autoptr (GString) csv = g_string_new (
      "afstemningsomraade,loebenummer,modtaget,kanal,sted,besoeg_dato,besoeg_tid,modtager1,modtager2,udfald,enhed\n");
  g_autofree char *db = NULL;
  guint64 deadline = 0;
  guint a = 0, b = 0;

  vk_test_gui_election_create_fake (&fx, SEED, 150);
  a = fx.area;
  b = fx.other_area;
  g_string_append_printf (csv, "%u,3,2029-11-01 10:00,telefon,hjem,2029-11-12,10:30,Anna Holm,Bo Berg,,\n", a);
  g_string_append_printf (csv, "%u,4,2029-11-02 09:00,brev,plejehjem,2029-11-12,09:15,Bo Berg,Anna Holm,,hjem-1\n", a);
  g_string_append_printf (csv, "%u,2,2029-11-03 12:00,digital,hjem,2029-11-12,11:00,Cecilie Dam,Dan Ek,,hjem-2\n", b);
  g_string_append_printf (csv, "%u,6,2029-11-08 18:01,telefon,hjem,2029-11-12,12:00,Anna Holm,Bo Berg,,\n", a);
  g_string_append_printf (csv, "%u,5,2029-11-04 12:00,brev,hjem,2029-11-13,09:00,Anna Holm,Bo Berg,,hjem-1\n", b);
  g_string_append_printf (csv, "%u,1,2029-11-05 08:00,telefon,hjem,2029-11-12,,Anna Holm,Bo Berg,afgivet,hjem-1\n", b);

  sek = vk_test_gui_enroll (&fx, "sekretariat", "valgsekretariat", VK_PACKAGE_NO_AREA, now - 3600000, to);
  vk_keypair_free (vk_test_gui_enroll (&fx, "hjem-1", "hjemmebesoeg", VK_PACKAGE_NO_AREA, now - 3600000, to));
  vk_keypair_free (vk_test_gui_enroll (&fx, "hjem-2", "hjemmebesoeg", VK_PACKAGE_NO_AREA, now - 3600000, to));

  requests = vk_home_requests_parse ("anmodninger.csv", csv->str, csv->len, &error);
  g_assert_no_error (error);
  g_assert_true (vk_home_request_deadline_for_election (vk_package_get_election (fx.package), &deadline));
  g_assert_cmpuint (vk_home_visits_check (fx.package, requests, deadline, NULL), ==, 1);
  db = g_build_filename (fx.dir, "sekretariat.db", NULL);
  journal = vk_journal_open (db, vk_package_get_election_id (fx.package), "sekretariat", &error);
  g_assert_no_error (error);
  g_assert_true (
      vk_home_register_journal (fx.package, requests, "anmodninger.csv", journal, sek, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  plan_path = g_build_filename (fx.dir, "sekretariat.vkj", NULL);
  g_assert_true (vk_journal_export (journal, plan_path, &error));
  g_assert_no_error (error);
  g_clear_pointer (&fx.package, vk_package_free);
}

static VkVisitsPage *
visits_page (VkStationWindow *win)
{
  GtkStack *stack = vk_test_gui_child (win, "work_stack");
  GtkWidget *page = gtk_stack_get_child_by_name (stack, "visits");

  g_assert_nonnull (page);
  gtk_stack_set_visible_child_name (stack, "visits");
  return VK_VISITS_PAGE (page);
}

/* The rows' names, "visit-AREA-LØBENUMMER", joined by " ". */
static char *
row_names (VkVisitsPage *page)
{
  GtkWidget *list = vk_test_gui_child (page, "visits_list");
  g_autoptr (GString) s = g_string_new (NULL);

  for (GtkWidget *c = gtk_widget_get_first_child (list); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_LIST_BOX_ROW (c) && g_str_has_prefix (gtk_widget_get_name (c), "visit-"))
      g_string_append_printf (s, "%s%s", s->len > 0 ? " " : "", gtk_widget_get_name (c));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Every label's text under w, joined by "|". */
static void
collect_labels (GtkWidget *w, GString *out)
{
  if (GTK_IS_LABEL (w))
    g_string_append_printf (out, "%s|", gtk_label_get_text (GTK_LABEL (w)));
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_labels (c, out);
}

static void
test_visits (void)
{
  VkStationWindow *win = vk_test_gui_new_window (VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT);
  g_autofree char *key = vk_test_gui_key_path (fx.dir, "hjem-1");
  g_autofree char *db = g_build_filename (fx.dir, "hjem-1.db", NULL);
  g_autofree char *bad = g_build_filename (fx.dir, "tampered.vkj", NULL);
  g_autofree char *want = g_strdup_printf ("visit-%u-4 visit-%u-3 visit-%u-1", fx.area, fx.area, fx.other_area);
  g_autofree char *names = NULL, *bytes = NULL;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkVoter) v4 = NULL;
  g_autoptr (GString) labels = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  GtkLabel *message;
  VkVisitsPage *page;
  gsize len = 0;

  vk_test_gui_open_device (win, fx.pkg_path, "hjem-1", key, db);
  page = visits_page (win);
  message = vk_test_gui_child (page, "visits_message");
  g_assert_cmpuint (vk_visits_page_get_n_visits (page), ==, 0);
  g_assert_cmpstr (gtk_label_get_text (vk_test_gui_child (page, "visits_title")), ==, "Besøg 12-11-2029");

  /* A tampered export is refused and lists nothing. */
  g_assert_true (g_file_get_contents (plan_path, &bytes, &len, NULL));
  bytes[len - 10] ^= 0x01;
  g_assert_true (g_file_set_contents (bad, bytes, (gssize)len, NULL));
  gtk_widget_activate_action (GTK_WIDGET (page), "visits.load", "s", bad);
  VK_TEST_WAIT_FOR (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (message), "Besøgsplanen blev ikke indlæst"));
  g_assert_cmpuint (vk_visits_page_get_n_visits (page), ==, 0);

  gtk_widget_activate_action (GTK_WIDGET (page), "visits.load", "s", plan_path);
  g_assert_cmpstr (gtk_label_get_text (message), ==, "Besøgsplanen er indlæst og kontrolleret.");
  names = row_names (page);
  g_assert_cmpstr (names, ==, want);
  g_assert_cmpuint (vk_visits_page_get_n_visits (page), ==, 3);

  /* The first row: the time, the voter's name and address from the
   * package, the place, both receivers. */
  package = vk_package_open (fx.pkg_path, &error);
  g_assert_no_error (error);
  v4 = vk_package_lookup_voter (package, fx.area, 4, &error);
  g_assert_no_error (error);
  collect_labels (gtk_widget_get_first_child (vk_test_gui_child (page, "visits_list")), labels);
  g_assert_nonnull (strstr (labels->str, "09:15|"));
  g_assert_nonnull (strstr (labels->str, v4->name));
  g_assert_nonnull (strstr (labels->str, v4->address));
  g_assert_nonnull (strstr (labels->str, "Bo Berg og Anna Holm"));
  g_assert_nonnull (strstr (labels->str, "Ikke besøgt endnu"));
  /* The list fits a laptop's 800 px, as every page does (test-gui-window). */
  {
    int min = 0;
    vk_test_gui_spin (50);
    gtk_widget_measure (GTK_WIDGET (win), GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
    g_test_message ("minimum width with the day's visits: %d px", min);
    g_assert_cmpint (min, <=, 800);
  }
  vk_test_gui_screenshot (win, "station-hjemmebesoeg.png", 300);
  gtk_window_destroy (GTK_WINDOW (win));
  vk_test_gui_spin (100);

  /* After a restart the kept plan is listed without loading it again. */
  win = vk_test_gui_new_window (VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT);
  vk_test_gui_open_device (win, fx.pkg_path, "hjem-1", key, db);
  page = visits_page (win);
  g_clear_pointer (&names, g_free);
  names = row_names (page);
  g_assert_cmpstr (names, ==, want);
  gtk_window_destroy (GTK_WINDOW (win));
  vk_test_gui_spin (100);
}

int
main (int argc, char **argv)
{
  int status;

  if (!vk_test_gui_init (&argc, &argv, "/gui-visits/skipped"))
    return g_test_run ();
  vk_journal_set_default_clock (visit_day_clock, NULL);
  make_fixture ();
  g_test_add_func ("/gui-visits/day", test_visits);
  status = g_test_run ();
  vk_test_gui_election_clear (&fx);
  g_free (plan_path);
  return status;
}
