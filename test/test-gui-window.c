/* test-gui-window.c: the station window's keyboard and its width.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under Xvfb (test/gui-run.sh).  Enter confirms every confirmation
 * of the window: the valgstyrer prompt, the undo of a check-in, closing
 * the poll, adding a valgstyrer who signs, creating a device key (the
 * guards' dialogs are pressed with Enter in test-gui-station's
 * /gui/station/guards).  The window's minimum width is at most 800 px on
 * every page of every role (valgbord, brevstemme team, fintælling, the
 * setup page), measured with gtk_widget_measure().
 */
#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count-page.h"
#include "guard-dialog.h"
#include "vk-rules.h"
#include "vk-tally.h"
#include "vk-test-journals.h"
#include "vk-test-gui.h"

#define PASS VK_TEST_GUI_PASS
#define SEED 1313
#define MAX_MIN_WIDTH 800

static VkTestGuiElection fx;

#define WAIT_FOR(cond) VK_TEST_WAIT_FOR (cond)
#define spin(ms) vk_test_gui_spin (ms)
#define child(win, name) vk_test_gui_child (win, name)
#define press_enter(w) vk_test_gui_press_enter (w)

static void
make_fixture (void)
{
  guint64 now = (guint64)(g_get_real_time () / 1000);
  guint64 from = now - 3600000, to = now + 30 * 24 * 3600000ull;

  vk_test_gui_election_create_fake (&fx, SEED, 60);
  vk_keypair_free (vk_test_gui_enroll (&fx, "bord-1", "valgbord", fx.area, from, to));
  vk_keypair_free (vk_test_gui_enroll (&fx, "hjem-1", "hjemmebesoeg", VK_PACKAGE_NO_AREA, from, to));
  vk_keypair_free (vk_test_gui_enroll (&fx, "fin-1", "fintaelling", VK_PACKAGE_NO_AREA, from, to));
  vk_keypair_free (vk_test_gui_enroll (&fx, "vs-1", "valgstyrer", fx.area, from, to));
  g_clear_pointer (&fx.package, vk_package_free);
}

static VkStationWindow *
open_window_db (const char *device, const char *db_name, int width, int height)
{
  VkStationWindow *win = vk_test_gui_new_window (width, height);
  g_autofree char *key = vk_test_gui_key_path (fx.dir, device);
  g_autofree char *db = g_build_filename (fx.dir, db_name, NULL);

  vk_test_gui_open_device (win, fx.pkg_path, device, key, db);
  return win;
}

static VkStationWindow *
open_window (const char *device, int width, int height)
{
  VkStationWindow *win = vk_test_gui_new_window (width, height);
  g_autofree char *key = vk_test_gui_key_path (fx.dir, device);
  g_autofree char *db_name = g_strconcat (device, ".db", NULL);
  g_autofree char *db = g_build_filename (fx.dir, db_name, NULL);

  vk_test_gui_open_device (win, fx.pkg_path, device, key, db);
  return win;
}

static AdwMessageDialog *
wait_dialog (void)
{
  AdwMessageDialog *dialog = NULL;

  WAIT_FOR ((dialog = vk_test_gui_find_dialog ()) != NULL);
  /* Presented: the focus is where the dialog put it. */
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  spin (30);
  return dialog;
}

/* Enter in the dialog confirms, and the dialog goes away. */
static void
enter_and_close (AdwMessageDialog *dialog)
{
  gpointer gone = dialog;

  /* The dialog closes itself after its response (another may follow). */
  g_object_add_weak_pointer (G_OBJECT (dialog), &gone);
  press_enter (dialog);
  WAIT_FOR (gone == NULL || !gtk_widget_get_mapped (GTK_WIDGET (gone)));
  if (gone != NULL)
    g_object_remove_weak_pointer (G_OBJECT (gone), &gone);
}

static void enter_count_twice (VkStation *station, GtkWidget *page);

static void
choose_voter (VkStationWindow *win, guint loebenummer)
{
  g_autofree char *typed = g_strdup_printf ("%u", loebenummer);

  gtk_editable_set_text (GTK_EDITABLE (child (win, "search_entry")), typed);
  g_signal_emit_by_name (child (win, "search_entry"), "activate");
  spin (30);
}

static void
test_enter_confirms (void)
{
  VkStationWindow *win = open_window ("bord-1", 1366, 768);
  VkStation *station = vk_station_window_get_station (win);
  g_autofree char *vs_key = vk_test_gui_key_path (fx.dir, "vs-1");
  GtkWidget *page = vk_station_window_get_count_page (win);
  VkSignoffBox *signoff = vk_count_page_get_signoff_box (VK_COUNT_PAGE (page));
  AdwMessageDialog *dialog;
  GtkWindow *prompt = NULL;

  choose_voter (win, 1);
  gtk_widget_activate_action (child (win, "checkin_view"), "checkin.check-in", NULL);
  WAIT_FOR (vk_station_is_checked_in (station, 1));

  /* The valgstyrer prompt: Enter in the name field unlocks the key. */
  gtk_toggle_button_set_active (child (win, "valgstyrer_button"), TRUE);
  WAIT_FOR ((prompt = vk_test_gui_find_toplevel ("valgstyrer_dialog")) != NULL);
  gtk_editable_set_text (GTK_EDITABLE (vk_test_gui_find_named (GTK_WIDGET (prompt), "valgstyrer_name")), "Vera");
  gtk_editable_set_text (GTK_EDITABLE (vk_test_gui_find_named (GTK_WIDGET (prompt), "valgstyrer_key_path")), vs_key);
  gtk_editable_set_text (GTK_EDITABLE (vk_test_gui_find_named (GTK_WIDGET (prompt), "valgstyrer_passphrase")), PASS);
  gtk_widget_grab_focus (vk_test_gui_find_named (GTK_WIDGET (prompt), "valgstyrer_name"));
  g_assert_true (gtk_window_get_default_widget (prompt)
                 == vk_test_gui_find_named (GTK_WIDGET (prompt), "valgstyrer_unlock"));
  press_enter (prompt);
  WAIT_FOR (vk_station_window_get_valgstyrer (win) != NULL);
  g_assert_cmpstr (vk_station_window_get_valgstyrer (win), ==, "Vera");

  /* Undo the check-in: the reason typed, Enter. */
  choose_voter (win, 1);
  gtk_widget_activate_action (child (win, "checkin_view"), "checkin.undo", NULL);
  dialog = wait_dialog ();
  g_assert_true (vk_test_gui_default_is (dialog, _ ("Undo check-in")));
  /* Enter without a reason does nothing. */
  press_enter (dialog);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_assert_true (vk_station_is_checked_in (station, 1));
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "Forkert vælger");
  enter_and_close (dialog);
  g_assert_false (vk_station_is_checked_in (station, 1));

  /* Close the poll: the confirmation, Enter. */
  gtk_stack_set_visible_child_name (child (win, "work_stack"), "count");
  gtk_widget_activate_action (page, "count.close-poll", NULL);
  dialog = wait_dialog ();
  g_assert_true (vk_test_gui_default_is (dialog, _ ("Close the poll")));
  enter_and_close (dialog);
  g_assert_true (vk_station_is_poll_closed (station));

  /* Both entries of the count made (the engine's, as two tilforordnede
   * would through the form), then add a valgstyrer who signs: name, key,
   * passphrase, Enter. */
  enter_count_twice (station, page);
  gtk_widget_activate_action (GTK_WIDGET (signoff), "signoff.add-signer", NULL);
  dialog = wait_dialog ();
  g_assert_true (vk_test_gui_default_is (dialog, _ ("Add")));
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "vk-name"), "Vera Valgstyrer");
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "vk-key"), vs_key);
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "vk-passphrase"), PASS);
  gtk_widget_grab_focus (g_object_get_data (G_OBJECT (dialog), "vk-passphrase"));
  enter_and_close (dialog);
  {
    GtkListBox *signers
        = (GtkListBox *)gtk_widget_get_template_child (GTK_WIDGET (signoff), VK_TYPE_SIGNOFF_BOX, "signers_list");
    GtkListBoxRow *row = gtk_list_box_get_row_at_index (signers, 0);
    g_assert_nonnull (row);
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gtk_list_box_row_get_child (row))), "Vera Valgstyrer"));
  }

  gtk_toggle_button_set_active (child (win, "valgstyrer_button"), FALSE);
  gtk_window_destroy (GTK_WINDOW (win));
}

/* Both entries of the foreløbig count of fx.area made with the engine
 * (as two tilforordnede would through the form). */
static void
enter_count_twice (VkStation *station, GtkWidget *page)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkCbor) counts = vk_test_counts_for (fx.election, 2 + fx.election->lists->len, 0);
  g_autoptr (VkAreaResult) result
      = vk_rules_counts_to_result (fx.election, VK_RESULT_FORELOEBIG, fx.area, counts, &error);
  VkBallotAccount ballots = { 0 };

  g_assert_no_error (error);
  for (guint round = 1; round <= 2; round++)
    g_assert_cmpuint (vk_tally_enter (station, NULL, VK_RESULT_FORELOEBIG, fx.area, round, round == 1 ? "Ib" : "Ulla",
                                      result, &ballots, &error),
                      >, 0);
  vk_count_page_refresh (VK_COUNT_PAGE (page));
  spin (30);
}

/* Adds a valgstyrer who signs through the dialog (name, vs-1's key, Enter). */
static void
add_signer (VkSignoffBox *signoff, const char *name)
{
  g_autofree char *vs_key = vk_test_gui_key_path (fx.dir, "vs-1");
  AdwMessageDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (signoff), "signoff.add-signer", NULL);
  dialog = wait_dialog ();
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "vk-name"), name);
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "vk-key"), vs_key);
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "vk-passphrase"), PASS);
  gtk_widget_grab_focus (g_object_get_data (G_OBJECT (dialog), "vk-passphrase"));
  enter_and_close (dialog);
}

/* A foreløbig sign-off while a brevstemme of the area is undecided: the
 * engine refuses (the guards), and the dialog gives the number and leads
 * to the waiting brevstemme; it offers no explanation (the engine signs
 * no count with one undecided), and nothing is journaled. */
static void
test_signoff_undecided (void)
{
  VkStationWindow *win
      = open_window_db ("bord-1", "bord-1-signoff.db", VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT);
  VkStation *station = vk_station_window_get_station (win);
  GtkWidget *page = vk_station_window_get_count_page (win);
  VkSignoffBox *signoff = vk_count_page_get_signoff_box (VK_COUNT_PAGE (page));
  GtkTextView *why
      = (GtkTextView *)gtk_widget_get_template_child (GTK_WIDGET (signoff), VK_TYPE_SIGNOFF_BOX, "explanation_view");
  g_autoptr (GError) error = NULL;
  g_autofree char *envelope = NULL;
  g_autoptr (VkEntry) entry = NULL;
  AdwMessageDialog *dialog;
  guint64 head;
  guint bells;

  /* A brevstemme of voter 3, received on a home visit, arrives undecided. */
  {
    g_autoptr (VkPackage) package = vk_package_open (fx.pkg_path, &error);
    g_autofree char *hjem_key_path = vk_test_gui_key_path (fx.dir, "hjem-1");
    g_autoptr (VkKeypair) hjem_key = vk_keypair_load (hjem_key_path, PASS, &error);
    g_autofree char *hjem_db = g_build_filename (fx.dir, "hjem-1-signoff.db", NULL);
    g_autoptr (VkStation) hjem = NULL;
    const char *receivers[] = { "Anne Holm", "Bo Berg", NULL };
    VkBrevstemmeInput in = { fx.area, 3, NULL, "hjem", receivers, 0 };
    g_autoptr (GPtrArray) entries = NULL;

    g_assert_no_error (error);
    hjem = vk_station_open (package, hjem_db, "hjem-1", hjem_key, &error);
    g_assert_no_error (error);
    envelope = vk_station_receive_brevstemme (hjem, &in, NULL, &error);
    g_assert_no_error (error);
    entries = vk_journal_dup_entries (vk_station_get_journal (hjem), 0, &error);
    g_assert_true (vk_station_ingest (station, entries, NULL, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (vk_station_count_undecided (station, fx.area), ==, 1);

  /* The poll closed (guards off: the tables' rule is tested in gui-station),
   * the count entered twice and agreed, two valgstyrere added. */
  g_assert_cmpuint (vk_tally_close_poll (station, &error), >, 0);
  g_assert_no_error (error);
  vk_count_page_refresh (VK_COUNT_PAGE (page));
  gtk_stack_set_visible_child_name (child (win, "work_stack"), "count");
  enter_count_twice (station, page);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (why), "Prøve: ingen vælgere afkrydset", -1);
  add_signer (signoff, "Vera Valgstyrer");
  add_signer (signoff, "Villy Valgstyrer");

  /* At a real table the guards are on. */
  vk_station_set_guards (station, TRUE);
  head = vk_journal_get_head_seq (vk_station_get_journal (station));
  gtk_widget_activate_action (GTK_WIDGET (signoff), "signoff.sign-off", NULL);
  dialog = wait_dialog ();
  g_assert_cmpstr (gtk_widget_get_name (GTK_WIDGET (dialog)), ==, "undecided_dialog");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "1 brevstemme "));
  g_assert_null (vk_test_gui_find_named (GTK_WIDGET (dialog), "undecided_explanation"));
  g_assert_false (adw_message_dialog_has_response (dialog, "explain"));
  g_assert_true (vk_test_gui_default_is (dialog, _ ("Decide brevstemmer")));
  g_assert_cmpuint (vk_journal_get_head_seq (vk_station_get_journal (station)), ==, head);
  /* Enter: the brevstemme page, the waiting one shown. */
  enter_and_close (dialog);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (win, "work_stack")), ==, "decide");
  g_assert_cmpuint (gtk_drop_down_get_selected (child (win, "status_filter")), ==, 1);

  /* Decided (rejected: the voter voted in person), the sign-off meets the
   * date: today is not election day.  Outside valgstyrer mode it is
   * refused with the bell; in it a valgstyrer confirms with their name
   * (Enter) and the count is signed, the confirmation journaled. */
  {
    g_autofree char *vs_key = vk_test_gui_key_path (fx.dir, "vs-1");
    const char *styrere[] = { "Vera Valgstyrer", "Villy Valgstyrer", NULL };

    g_assert_false (vk_station_is_election_day (station));
    g_assert_true (vk_test_gui_enter_valgstyrer (win, "Vera Valgstyrer", vs_key, PASS));
    g_assert_cmpuint (vk_station_decide_brevstemme (station, envelope, FALSE, 5, styrere, &error), >, 0);
    g_assert_no_error (error);
    gtk_toggle_button_set_active (child (win, "valgstyrer_button"), FALSE);
    g_assert_null (vk_station_window_get_valgstyrer (win));
    vk_count_page_refresh (VK_COUNT_PAGE (page));
    head = vk_journal_get_head_seq (vk_station_get_journal (station));
    gtk_stack_set_visible_child_name (child (win, "work_stack"), "count");
    bells = vk_guard_get_bell_count ();
    gtk_widget_activate_action (GTK_WIDGET (signoff), "signoff.sign-off", NULL);
    spin (50);
    g_assert_null (vk_test_gui_find_dialog ());
    g_assert_cmpuint (vk_guard_get_bell_count (), ==, bells + 1);
    g_assert_cmpuint (vk_journal_get_head_seq (vk_station_get_journal (station)), ==, head);
    g_assert_true (vk_test_gui_enter_valgstyrer (win, "Vera Valgstyrer", vs_key, PASS));
    gtk_widget_activate_action (GTK_WIDGET (signoff), "signoff.sign-off", NULL);
    dialog = wait_dialog ();
    g_assert_true (vk_test_gui_default_is (dialog, _ ("Confirm and record")));
    gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "Vera Valgstyrer");
    gtk_widget_grab_focus (adw_message_dialog_get_extra_child (dialog));
    enter_and_close (dialog);
    g_assert_cmpuint (vk_journal_get_head_seq (vk_station_get_journal (station)), ==, head + 1);
    entry = vk_test_gui_last_entry (win);
    g_assert_cmpstr (entry->type, ==, "tally.signoff");
    g_assert_cmpstr (vk_cbor_map_get_text_field (entry->body, "confirmed_by", NULL), ==, "Vera Valgstyrer");
  }
  gtk_toggle_button_set_active (child (win, "valgstyrer_button"), FALSE);
  vk_station_set_guards (station, FALSE);
  gtk_window_destroy (GTK_WINDOW (win));
}

/* Closing the poll on a day that is not election day (the guards on):
 * outside valgstyrer mode refused with the bell and the reason on the
 * page; in valgstyrer mode the date confirmation (a name, Enter) and the
 * close, journaled with the confirmation. */
static void
test_close_wrong_date (void)
{
  VkStationWindow *win = open_window_db ("bord-1", "bord-1-date.db", VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT);
  VkStation *station = vk_station_window_get_station (win);
  GtkWidget *page = vk_station_window_get_count_page (win);
  GtkWidget *close_button = GTK_WIDGET (gtk_widget_get_template_child (page, VK_TYPE_COUNT_PAGE, "close_button"));
  AdwStatusPage *status = ADW_STATUS_PAGE (gtk_widget_get_ancestor (close_button, ADW_TYPE_STATUS_PAGE));
  g_autofree char *vs_key = vk_test_gui_key_path (fx.dir, "vs-1");
  g_autoptr (VkEntry) entry = NULL;
  AdwMessageDialog *dialog;
  guint bells;

  vk_station_set_guards (station, TRUE);
  g_assert_false (vk_station_is_election_day (station));
  gtk_stack_set_visible_child_name (child (win, "work_stack"), "count");
  bells = vk_guard_get_bell_count ();
  gtk_widget_activate_action (page, "count.close-poll", NULL);
  enter_and_close (wait_dialog ());
  g_assert_false (vk_station_is_poll_closed (station));
  g_assert_null (vk_test_gui_find_dialog ());
  g_assert_cmpuint (vk_guard_get_bell_count (), ==, bells + 1);
  g_assert_cmpstr (adw_status_page_get_description (status), ==,
                   _ ("Today is not election day: a valgstyrer must confirm before this is recorded."));

  g_assert_true (vk_test_gui_enter_valgstyrer (win, "Vera Valgstyrer", vs_key, PASS));
  gtk_widget_activate_action (page, "count.close-poll", NULL);
  enter_and_close (wait_dialog ());
  dialog = wait_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "IKKE VALGDAG"));
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "confirm"));
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "Vera Valgstyrer");
  gtk_widget_grab_focus (adw_message_dialog_get_extra_child (dialog));
  enter_and_close (dialog);
  g_assert_true (vk_station_is_poll_closed (station));
  entry = vk_test_gui_last_entry (win);
  g_assert_cmpstr (entry->type, ==, "poll.close");
  g_assert_cmpstr (vk_cbor_map_get_text_field (entry->body, "confirmed_by", NULL), ==, "Vera Valgstyrer");
  gtk_toggle_button_set_active (child (win, "valgstyrer_button"), FALSE);
  vk_station_set_guards (station, FALSE);
  gtk_window_destroy (GTK_WINDOW (win));
}

/* "Create a new key": Enter in the second passphrase creates it. */
#define NEW_KEY_PASS "prøvevalg-bord-13"

static void
test_enter_key_dialog (void)
{
  VkStationWindow *win = vk_test_gui_new_window (1366, 768);
  g_autofree char *key_path = g_build_filename (fx.dir, "keys", "bord-13.key", NULL);
  GtkWidget *dialog;
  GtkLabel *result;

  gtk_editable_set_text (GTK_EDITABLE (child (win, "package_entry")), fx.pkg_path);
  g_signal_emit_by_name (child (win, "package_entry"), "activate");
  spin (30);
  gtk_widget_activate_action (child (win, "setup_view"), "setup.create-key", NULL);
  WAIT_FOR ((dialog = vk_station_window_get_key_dialog (win, NULL)) != NULL && gtk_widget_get_mapped (dialog));
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (dialog))
                 == vk_station_window_get_key_dialog (win, "key_create"));
  result = GTK_LABEL (vk_station_window_get_key_dialog (win, "key_result"));
  gtk_editable_set_text (GTK_EDITABLE (vk_station_window_get_key_dialog (win, "key_device_id")), "bord-13");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (vk_station_window_get_key_dialog (win, "key_role")), 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (vk_station_window_get_key_dialog (win, "key_area")), 1);
  gtk_editable_set_text (GTK_EDITABLE (vk_station_window_get_key_dialog (win, "key_path")), key_path);
  gtk_editable_set_text (GTK_EDITABLE (vk_station_window_get_key_dialog (win, "key_passphrase")), NEW_KEY_PASS);
  gtk_editable_set_text (GTK_EDITABLE (vk_station_window_get_key_dialog (win, "key_passphrase_again")), NEW_KEY_PASS);
  gtk_widget_grab_focus (vk_station_window_get_key_dialog (win, "key_passphrase_again"));
  press_enter (dialog);
  WAIT_FOR (strstr (gtk_label_get_text (result), "valgkit enroll") != NULL);
  g_assert_true (g_file_test (key_path, G_FILE_TEST_IS_REGULAR));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (win));
}

static void
dump_widths (GtkWidget *w, int depth)
{
  int min = 0, nat = 0;

  if (!gtk_widget_get_visible (w) || depth > 40)
    return;
  gtk_widget_measure (w, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  if (min >= (g_getenv ("VK_DUMP_MIN") != NULL ? atoi (g_getenv ("VK_DUMP_MIN")) : 300))
    g_test_message ("%*s%s %s %s: %d", depth, "", G_OBJECT_TYPE_NAME (w), gtk_widget_get_name (w),
                    GTK_IS_LABEL (w) ? gtk_label_get_text (GTK_LABEL (w)) : "", min);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    dump_widths (c, depth + 1);
}

/* The window's minimum width with what is on screen now. */
static void
assert_min_width (VkStationWindow *win, const char *what)
{
  int min = 0, nat = 0;

  spin (50);
  gtk_widget_measure (GTK_WIDGET (win), GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  g_test_message ("minimum width, %s: %d px", what, min);
  if (min > MAX_MIN_WIDTH || g_getenv ("VK_DUMP_WIDTHS") != NULL)
    dump_widths (GTK_WIDGET (win), 0);
  if (min > MAX_MIN_WIDTH)
    g_error ("%s: the window needs %d px, more than %d", what, min, MAX_MIN_WIDTH);
}

/* Every page of the work stack that this role shows. */
static void
assert_pages (VkStationWindow *win, const char *role)
{
  GtkStack *stack = child (win, "work_stack");
  GtkSelectionModel *pages = gtk_stack_get_pages (stack);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      GtkStackPage *p = g_list_model_get_item (G_LIST_MODEL (pages), i);
      g_autofree char *what = NULL;

      if (gtk_stack_page_get_visible (p))
        {
          gtk_stack_set_visible_child (stack, gtk_stack_page_get_child (p));
          what = g_strdup_printf ("%s, page %s", role, gtk_stack_page_get_name (p));
          assert_min_width (win, what);
        }
      g_object_unref (p);
    }
  g_object_unref (pages);
}

static void
test_min_width (void)
{
  VkStationWindow *win = vk_test_gui_new_window (1366, 768);
  const char *devices[][2] = { { "bord-1", "valgbord" }, { "hjem-1", "hjemmebesoeg" }, { "fin-1", "fintaelling" } };

  assert_min_width (win, "setup page");
  gtk_editable_set_text (GTK_EDITABLE (child (win, "package_entry")), fx.pkg_path);
  g_signal_emit_by_name (child (win, "package_entry"), "activate");
  assert_min_width (win, "setup page with the package read");
  gtk_window_destroy (GTK_WINDOW (win));

  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    {
      VkStationWindow *w = open_window (devices[i][0], 1366, 768);

      assert_pages (w, devices[i][1]);
      /* With a long message shown on the check-in page. */
      if (i == 0)
        {
          gtk_stack_set_visible_child_name (child (w, "work_stack"), "checkin");
          choose_voter (w, 9999);
          assert_min_width (w, "valgbord, a failed search");
        }
      gtk_window_destroy (GTK_WINDOW (w));
    }
}

/* Presses keyval with mods on widget through its shortcut controllers,
 * as GTK does with a key event (the class's bindings included); FALSE
 * when no shortcut has that trigger. */
static gboolean
press_shortcut (GtkWidget *widget, guint keyval, GdkModifierType mods)
{
  GListModel *controllers = gtk_widget_observe_controllers (widget);
  gboolean done = FALSE;

  for (guint i = 0; !done && i < g_list_model_get_n_items (controllers); i++)
    {
      GObject *c = g_list_model_get_item (controllers, i);

      if (GTK_IS_SHORTCUT_CONTROLLER (c))
        for (guint k = 0; !done && k < g_list_model_get_n_items (G_LIST_MODEL (c)); k++)
          {
            GtkShortcut *s = g_list_model_get_item (G_LIST_MODEL (c), k);
            GtkShortcutTrigger *t = gtk_shortcut_get_trigger (s);

            if (GTK_IS_KEYVAL_TRIGGER (t) && gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (t)) == keyval
                && gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (t)) == mods)
              done = gtk_shortcut_action_activate (gtk_shortcut_get_action (s), 0, widget,
                                                   gtk_shortcut_get_arguments (s));
            g_object_unref (s);
          }
      g_object_unref (c);
    }
  g_object_unref (controllers);
  return done;
}

/* The tabs: a mnemonic each (Alt and its letter), and Alt+1, Alt+2 … in order. */
static void
test_tab_keys (void)
{
  VkStationWindow *win = open_window ("bord-1", 1366, 768);
  GtkStack *stack = child (win, "work_stack");
  GListModel *pages = G_LIST_MODEL (gtk_stack_get_pages (stack));
  const char *order[] = { "checkin", "decide", "count" };
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (pages); i++)
    {
      GtkStackPage *p = g_list_model_get_item (pages, i);
      if (gtk_stack_page_get_visible (p))
        {
          g_assert_true (gtk_stack_page_get_use_underline (p));
          g_assert_nonnull (strchr (gtk_stack_page_get_title (p), '_'));
          g_assert_cmpstr (gtk_stack_page_get_name (p), ==, order[n++]);
        }
      g_object_unref (p);
    }
  g_object_unref (pages);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (order));
  for (int k = (int)n - 1; k >= 0; k--)
    {
      g_assert_true (press_shortcut (GTK_WIDGET (win), GDK_KEY_1 + k, GDK_ALT_MASK));
      g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, order[k]);
    }
  /* No fourth tab at a valgbord. */
  g_assert_false (press_shortcut (GTK_WIDGET (win), GDK_KEY_4, GDK_ALT_MASK));
  gtk_window_destroy (GTK_WINDOW (win));
}

static double
luminance (guint rgb)
{
  double c[3] = { ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0 };

  for (int i = 0; i < 3; i++)
    c[i] = c[i] <= 0.03928 ? c[i] / 12.92 : pow ((c[i] + 0.055) / 1.055, 2.4);
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

static guint
css_rgb (const char *text)
{
  return g_strcmp0 (text, "white") == 0 ? 0xffffff : (guint)g_ascii_strtoull (text + 1, NULL, 16);
}

/* Every rule of the app's style sheet (as the app loads it, from its
 * resources) that sets an opaque background and a text colour has a
 * contrast of at least 4.5:1 (WCAG AA for small text): the white on
 * green and on red messages, the status bar, the PRØVEVALG band. */
static void
test_contrast (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) css = g_resources_lookup_data ("/dk/valgkit/Station/station-style.css", 0, &error);
  g_autoptr (GRegex) rule = g_regex_new ("([^{}]+)\\{([^}]*)\\}", 0, 0, NULL);
  g_autoptr (GRegex) bg = g_regex_new ("(?:^|[;\\s])background-color:\\s*(#[0-9a-fA-F]{6})\\s*;", 0, 0, NULL);
  g_autoptr (GRegex) fg = g_regex_new ("(?:^|[;\\s])color:\\s*(white|#[0-9a-fA-F]{6})\\s*;", 0, 0, NULL);
  g_autoptr (GMatchInfo) m = NULL;
  g_autofree char *text = NULL;
  guint pairs = 0;

  g_assert_no_error (error);
  text = g_strndup (g_bytes_get_data (css, NULL), g_bytes_get_size (css));
  for (g_regex_match (rule, text, 0, &m); g_match_info_matches (m); g_match_info_next (m, NULL))
    {
      g_autofree char *selector = g_strstrip (g_match_info_fetch (m, 1));
      g_autofree char *body = g_match_info_fetch (m, 2);
      g_autoptr (GMatchInfo) mb = NULL;
      g_autoptr (GMatchInfo) mf = NULL;

      if (g_regex_match (bg, body, 0, &mb) && g_regex_match (fg, body, 0, &mf))
        {
          g_autofree char *b = g_match_info_fetch (mb, 1);
          g_autofree char *f = g_match_info_fetch (mf, 1);
          double l1 = luminance (css_rgb (b)), l2 = luminance (css_rgb (f));
          double ratio = (MAX (l1, l2) + 0.05) / (MIN (l1, l2) + 0.05);

          g_test_message ("%s: %s on %s, %.1f:1", selector, f, b, ratio);
          if (ratio < 4.5)
            g_error ("%s: %s on %s has a contrast of %.2f:1, below 4.5:1", selector, f, b, ratio);
          pairs++;
        }
    }
  /* vk-blocked, vk-ok, vk-warning, the band, the three connection states … */
  g_assert_cmpuint (pairs, >=, 7);
}

int
main (int argc, char **argv)
{
  if (!vk_test_gui_init (&argc, &argv, "/gui/window/skipped"))
    return g_test_run ();
  make_fixture ();
  g_test_add_func ("/gui/window/enter-confirms", test_enter_confirms);
  g_test_add_func ("/gui/window/enter-key-dialog", test_enter_key_dialog);
  g_test_add_func ("/gui/window/min-width", test_min_width);
  g_test_add_func ("/gui/window/tab-keys", test_tab_keys);
  g_test_add_func ("/gui/window/signoff-undecided", test_signoff_undecided);
  g_test_add_func ("/gui/window/contrast", test_contrast);
  g_test_add_func ("/gui/window/close-wrong-date", test_close_wrong_date);
  {
    int rc = g_test_run ();
    vk_test_gui_election_clear (&fx);
    return rc;
  }
}
