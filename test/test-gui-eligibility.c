/* test-gui-eligibility.c: the check-in page at an FV + FA event with
 * per-voter eligibility: the ballots named are the voter's, and a voter
 * who may receive none is refused on screen.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <string.h>

#include "vk-election-import.h"
#include "vk-test-gui.h"

static VkTestGuiElection fx;

/* Bornholm's FV2026 ballots and a folkeafstemning question, area 1 with
 * voters 1 (every ballot), 2 (FV only) and 3 (an EU citizen: none). */
static gboolean
make_fixture (void)
{
  const char *kv = vk_test_data_dir ();
  g_autofree char *geografi = kv != NULL ? g_build_filename (kv, "..", "fv2026", "geografi", NULL) : NULL;
  g_autofree char *kd = kv != NULL ? g_build_filename (kv, "..", "fv2026", "kandidat-data", NULL) : NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) geo = vk_election_new ();
  VkElection *fv;
  VkVoterList *voters = vk_voter_list_new ();

  if (geografi == NULL || !g_file_test (geografi, G_FILE_TEST_IS_DIR))
    {
      vk_voter_list_free (voters);
      return FALSE;
    }
  g_assert_true (vk_election_import_geografi (geo, geografi, "400", &error));
  fv = vk_election_import_fv_kandidatdata (geo, kd, &error);
  g_assert_no_error (error);
  g_assert_nonnull (vk_election_add_fa_question (fv, "Forsvarsforbeholdet", &error));
  g_assert_true (vk_voter_list_add_full (voters, 1, 1, "Anne Dansk", "Vej 1", "1960-01-01", "", &error));
  g_assert_true (vk_voter_list_add_full (voters, 1, 2, "Bo Kun FV", "Vej 2", "1960-01-01", "FV", &error));
  g_assert_true (vk_voter_list_add_full (voters, 1, 3, "Claire EU-borger", "Vej 3", "1960-01-01", "-", &error));
  g_assert_no_error (error);
  vk_election_count_eligible (fv, voters);
  vk_test_gui_election_create (&fx, fv, voters);
  vk_keypair_free (vk_test_gui_enroll (&fx, "bornholm-1-bord-1", "valgbord", 1, 0, G_MAXINT64));
  g_clear_pointer (&fx.package, vk_package_free);
  return TRUE;
}

static void
choose (VkStationWindow *win, const char *number)
{
  GtkWidget *entry = vk_test_gui_child (win, "search_entry");

  gtk_editable_set_text (GTK_EDITABLE (entry), number);
  g_signal_emit_by_name (entry, "activate");
  vk_test_gui_spin (20);
}

static void
test_checkin (void)
{
  VkStationWindow *win;
  VkStation *station;
  GtkWidget *message;
  GtkWidget *button;

  if (fx.election == NULL)
    {
      g_test_skip ("no FV2026 data");
      return;
    }
  win = vk_test_gui_new_window (VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT);
  {
    g_autofree char *db = g_build_filename (fx.dir, "bord1.db", NULL);
    g_autofree char *key = vk_test_gui_key_path (fx.dir, "bornholm-1-bord-1");

    vk_test_gui_open_device (win, fx.pkg_path, "bornholm-1-bord-1", key, db);
  }
  station = vk_station_window_get_station (win);
  message = vk_test_gui_child (win, "message_label");
  button = vk_test_gui_child (win, "checkin_button");

  /* Every ballot: FV + FA. */
  {
    g_autofree char *label = g_strdup_printf (_ ("Hand out ballots (%s)"), "FV + FA");

    g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, label);
  }
  choose (win, "1");
  gtk_widget_activate_action (vk_test_gui_child (win, "checkin_view"), "checkin.check-in", NULL);
  VK_TEST_WAIT_FOR (vk_station_is_checked_in (station, 1));
  g_assert_true (gtk_widget_has_css_class (message, "vk-ok"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (message)), "(FV + FA)"));

  /* FV only: the button and the confirmation say so. */
  choose (win, "2");
  {
    g_autofree char *label = g_strdup_printf (_ ("Hand out ballots (%s)"), "FV");

    g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, label);
  }
  gtk_widget_activate_action (vk_test_gui_child (win, "checkin_view"), "checkin.check-in", NULL);
  VK_TEST_WAIT_FOR (vk_station_is_checked_in (station, 2));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (message)), "(FV)"));
  g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (message)), "FA"));

  /* None: refused on screen, the check-in disabled, nothing journaled. */
  choose (win, "3");
  g_assert_true (gtk_widget_has_css_class (message, "vk-blocked"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (message)), "(FV + FA)"));
  g_assert_false (gtk_widget_is_sensitive (button));
  vk_test_gui_screenshot (win, "checkin-not-eligible.png", 100);
  gtk_widget_activate_action (vk_test_gui_child (win, "checkin_view"), "checkin.check-in", NULL);
  vk_test_gui_spin (50);
  g_assert_false (vk_station_is_checked_in (station, 3));
  gtk_window_destroy (GTK_WINDOW (win));
}

int
main (int argc, char **argv)
{
  int status;

  if (!vk_test_gui_init (&argc, &argv, "/gui/eligibility/skip"))
    return g_test_run ();
  (void)make_fixture ();
  g_test_add_func ("/gui/eligibility/checkin", test_checkin);
  status = g_test_run ();
  vk_test_gui_election_clear (&fx);
  return status;
}
