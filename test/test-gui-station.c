/* test-gui-station.c: valgkit-station driven through its real widgets.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under Xvfb (test/gui-run.sh); skips when no display can be
 * opened.  Scans a valgkort into the search field, confirms the birth
 * date and hands out the ballot; tries again and sees the block; undoes
 * as valgstyrer; records a home-visit brevstemme, carries it over on
 * "USB" and accepts it at the polling station.  Screenshots go to
 * $VK_SCREENSHOT_DIR (docs/screenshots/ when refreshed by hand) or the
 * build folder.
 */
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "brevstemme-page.h"
#include "count-page.h"
#include "guard-dialog.h"
#include "vk-error.h"
#include "vk-tally.h"
#include "vk-test-gui.h"
#include "vk-ui-util.h"
#include "vk-valgkort.h"

#define PASS VK_TEST_GUI_PASS
#define SEED 2029

static VkTestGuiElection fx;

static void
make_fixture (void)
{
  guint64 now = (guint64)(g_get_real_time () / 1000);
  const char *devices[][2]
      = { { "bord-1", "valgbord" }, { "hjem-1", "hjemmebesoeg" }, { "valgstyrer-1", "valgstyrer" } };

  vk_test_gui_election_create_fake (&fx, SEED, 150);
  for (gsize i = 0; i < G_N_ELEMENTS (devices); i++)
    vk_keypair_free (vk_test_gui_enroll (&fx, devices[i][0], devices[i][1],
                                         strcmp (devices[i][1], "hjemmebesoeg") != 0 ? fx.area : VK_PACKAGE_NO_AREA,
                                         now - 3600000, now + 30 * 24 * 3600000ull));
  g_clear_pointer (&fx.package, vk_package_free);
}

#define WAIT_FOR(cond) VK_TEST_WAIT_FOR (cond)
#define spin(ms) vk_test_gui_spin (ms)
#define child(win, name) vk_test_gui_child (win, name)

/* The keyboard focus is on the widget or inside it (an entry's text). */
static gboolean
focus_in (VkStationWindow *win, const char *name)
{
  GtkWidget *w = child (win, name);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (win));

  return focus != NULL && (focus == w || gtk_widget_is_ancestor (focus, w));
}

static void
type_and_enter (VkStationWindow *win, const char *entry, const char *text)
{
  GtkWidget *e = child (win, entry);
  gtk_editable_set_text (GTK_EDITABLE (e), text);
  g_signal_emit_by_name (e, "activate");
  spin (30);
}

#define screenshot(win, name) vk_test_gui_screenshot (win, name, 150)

/* Enter in the dialog on screen (vk_test_gui_press_enter): it confirms,
 * and the dialog closes itself. */
static void
enter_dialog (AdwMessageDialog *dialog)
{
  gpointer gone = dialog;

  g_object_add_weak_pointer (G_OBJECT (dialog), &gone);
  vk_test_gui_press_enter (dialog);
  VK_TEST_WAIT_FOR (gone == NULL || !gtk_widget_get_mapped (GTK_WIDGET (gone)));
  if (gone != NULL)
    g_object_remove_weak_pointer (G_OBJECT (gone), &gone);
}
#define last_entry(win) vk_test_gui_last_entry (win)
#define new_window() vk_test_gui_new_window (VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT)

/* Drives the setup page: package, device, key, passphrase, Open. */
static void
open_device (VkStationWindow *win, const char *device, const char *db_name, gboolean shoot)
{
  g_autofree char *name = g_strconcat (device, ".key", NULL);
  g_autofree char *key = g_build_filename (fx.dir, "keys", name, NULL);
  g_autofree char *db = g_build_filename (fx.dir, db_name, NULL);
  GtkDropDown *dropdown = child (win, "device_dropdown");
  GListModel *model;
  GtkLabel *error_label = child (win, "setup_error");
  guint index = G_MAXUINT;

  type_and_enter (win, "package_entry", fx.pkg_path);
  model = gtk_drop_down_get_model (dropdown);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_str_has_prefix (gtk_string_list_get_string (GTK_STRING_LIST (model), i), device))
      index = i;
  g_assert_cmpuint (index, !=, G_MAXUINT);
  gtk_drop_down_set_selected (dropdown, index);
  /* The key beside the package is proposed. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (win, "key_entry"))), ==, key);
  gtk_editable_set_text (GTK_EDITABLE (child (win, "db_entry")), db);

  gtk_editable_set_text (GTK_EDITABLE (child (win, "passphrase_entry")), PASS);
  if (shoot)
    screenshot (win, "station-setup.png");
  /* A wrong passphrase first: a clear message, still on the setup page. */
  gtk_editable_set_text (GTK_EDITABLE (child (win, "passphrase_entry")), "forkert");
  gtk_widget_activate_action (child (win, "setup_view"), "setup.open", NULL);
  WAIT_FOR (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_cmpstr (gtk_label_get_text (error_label), ==, _ ("Wrong passphrase for the device key."));
  g_assert_null (vk_station_window_get_station (win));

  gtk_editable_set_text (GTK_EDITABLE (child (win, "passphrase_entry")), PASS);
  g_signal_emit_by_name (child (win, "passphrase_entry"), "activate");
  WAIT_FOR (vk_station_window_get_station (win) != NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (win, "stack")), ==, "work");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
}

/* The QR text on a PDF's first page (pdftoppm + zbarimg), or NULL when
 * the tools are missing. */
static char *
scan_pdf_qr (const char *pdf)
{
  g_autofree char *ppm = g_find_program_in_path ("pdftoppm");
  g_autofree char *zbar = g_find_program_in_path ("zbarimg");
  g_autofree char *prefix = g_build_filename (fx.dir, "scan", NULL);
  g_autofree char *png = g_build_filename (fx.dir, "scan.png", NULL);
  g_autofree char *out = NULL, *err = NULL, *qr = NULL, *err2 = NULL;

  if (ppm == NULL || zbar == NULL)
    {
      g_test_message ("pdftoppm or zbarimg missing: the følgebrev QR is not scanned");
      return NULL;
    }
  {
    const char *argv[] = { ppm, "-r", "150", "-png", "-singlefile", pdf, prefix, NULL };
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 0);
  }
  {
    const char *argv[] = { zbar, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", png, NULL };
    g_assert_cmpint (vk_test_spawn (argv, &qr, &err2), ==, 0);
  }
  return g_strdup (g_strstrip (qr));
}

static const VkVoter *
voter (guint area, guint lnr)
{
  const VkVoter *v = vk_voter_list_lookup (fx.voters, area, lnr);
  g_assert_nonnull (v);
  return v;
}

static char *
ddmmyy (const VkVoter *v)
{
  return g_strdup_printf ("%.2s%.2s%.2s", v->birth_date + 8, v->birth_date + 5, v->birth_date + 2);
}

static void
test_i18n_default (void)
{
  /* The app's own strings come out Danish: the catalogue was loaded. */
  g_assert_cmpstr (g_getenv ("LANGUAGE"), ==, "da");
  g_assert_cmpstr (_ ("Hand out ballot"), !=, "Hand out ballot");
  g_assert_cmpstr (_ ("Set up this device"), !=, "Set up this device");
}

/* Every refusal code of the engines has its own sentence (Danish here:
 * po-da-complete checks the catalogue): none falls back to the engine's
 * English message. */
static void
test_refusal_texts (void)
{
  static const struct
  {
    const char *domain;
    int last;
  } domains[] = {
    { "station", VK_STATION_ERROR_BAD_REJECTION_REASON },
    { "tally", VK_TALLY_ERROR_DOUBTFUL_BAD_CODE },
    { "entry", VK_ENTRY_ERROR_DECISION },
  };

  for (guint d = 0; d < G_N_ELEMENTS (domains); d++)
    for (int code = 0; code <= domains[d].last; code++)
      {
        GQuark quark = d == 0 ? VK_STATION_ERROR : d == 1 ? VK_TALLY_ERROR : VK_ENTRY_ERROR;
        g_autoptr (GError) error = g_error_new (quark, code, "english %s %d", domains[d].domain, code);
        g_autofree char *text = vk_ui_error_dup_text (error);

        g_assert_cmpstr (text, !=, error->message);
      }
  /* An error that is not a refusal keeps its message. */
  {
    g_autoptr (GError) io = g_error_new (VK_ERROR, VK_ERROR_IO, "disk full");
    g_autofree char *text = vk_ui_error_dup_text (io);
    g_assert_cmpstr (text, ==, "disk full");
  }
  /* Two codes in the Danish catalogue. */
  {
    g_autoptr (GError) e = g_error_new (VK_STATION_ERROR, VK_STATION_ERROR_SAME_PERSON, "x");
    g_autofree char *text = vk_ui_error_dup_text (e);
    g_assert_nonnull (strstr (text, "to forskellige personer"));
  }
  {
    g_autoptr (GError) e = g_error_new (VK_TALLY_ERROR, VK_TALLY_ERROR_DOUBTFUL_TOO_MANY, "x");
    g_autofree char *text = vk_ui_error_dup_text (e);
    g_assert_nonnull (strstr (text, "mangler at blive afgjort"));
  }
}

static void
test_checkin (void)
{
  VkStationWindow *win = new_window ();
  GtkLabel *message = NULL;
  GtkLabel *name = NULL;
  g_autofree char *code = NULL;
  g_autofree char *birth = NULL;
  g_autoptr (VkEntry) entry = NULL;
  guint64 head;
  const VkVoter *v7 = voter (fx.area, 7);

  open_device (win, "bord-1", "bord-1.db", TRUE);
  message = child (win, "message_label");
  name = child (win, "voter_name");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (win, "work_stack")), ==, "checkin");
  /* The header names the device and its role. */
  g_assert_nonnull (strstr (adw_window_title_get_subtitle (child (win, "window_title")), "bord-1"));

  /* Keyboard flow with a typed løbenummer: Enter selects, Enter hands out. */
  for (guint lnr = 1; lnr <= 4; lnr++)
    {
      g_autofree char *typed = g_strdup_printf ("%u", lnr);
      type_and_enter (win, "search_entry", typed);
      g_assert_cmpstr (gtk_label_get_text (name), ==, voter (fx.area, lnr)->name);
      g_assert_true (focus_in (win, "checkin_button"));
      gtk_check_button_set_active (child (win, "assisted_check"), lnr == 2);
      /* Enter on the focused button: a button activates after a short press animation. */
      gtk_widget_activate (child (win, "checkin_button"));
      WAIT_FOR (vk_station_is_checked_in (vk_station_window_get_station (win), lnr));
      g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-ok"));
    }
  head = vk_journal_get_head_seq (vk_station_get_journal (vk_station_window_get_station (win)));

  /* A scanned valgkort asks for the birth date. */
  code = vk_valgkort_format (999, fx.area, 7);
  type_and_enter (win, "search_entry", code);
  g_assert_cmpstr (gtk_label_get_text (name), ==, v7->name);
  g_assert_true (gtk_widget_get_visible (child (win, "birth_box")));
  g_assert_true (focus_in (win, "birth_entry"));
  screenshot (win, "station-checkin.png");
  /* A wrong birth date: warned, nothing journaled. */
  type_and_enter (win, "birth_entry", "010101");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-warning"));
  g_assert_cmpuint (vk_journal_get_head_seq (vk_station_get_journal (vk_station_window_get_station (win))), ==, head);
  /* The right one hands out the ballot: a journaled check-in. */
  birth = ddmmyy (v7);
  type_and_enter (win, "birth_entry", birth);
  entry = last_entry (win);
  g_assert_cmpstr (entry->type, ==, "checkin");
  g_assert_cmpuint (entry->seq, ==, head + 1);
  g_assert_cmpstr (vk_cbor_map_get_text_field (entry->body, "method", NULL), ==, "scan");
  {
    guint64 lnr = 0;
    g_assert_true (vk_cbor_map_get_uint_field (entry->body, "loebenummer", &lnr, NULL));
    g_assert_cmpuint (lnr, ==, 7);
  }
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-ok"));
  g_assert_nonnull (strstr (gtk_label_get_text (message), v7->name));
  /* One contest: one ballot, worded as ever (a joint event's is in test-gui-count). */
  g_assert_null (strstr (gtk_label_get_text (message), "+"));
  g_assert_cmpstr (gtk_button_get_label (child (win, "checkin_button")), ==, _ ("Hand out ballot"));
  g_assert_true (focus_in (win, "search_entry"));

  /* Again: blocked with a large message, the button disabled. */
  type_and_enter (win, "search_entry", code);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-blocked"));
  g_assert_nonnull (strstr (gtk_label_get_text (message), "bord-1"));
  g_assert_false (gtk_widget_get_sensitive (child (win, "checkin_button")));
  g_assert_false (gtk_widget_get_visible (child (win, "undo_button")));
  screenshot (win, "station-blocked.png");
  /* The search field has an accessible label (not the placeholder only). */
  gtk_test_accessible_assert_property (child (win, "search_entry"), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       _ ("Scan the valgkort, or search: name, birth date, address, number"));

  /* Another area's voter: blocked, with the area named. */
  {
    g_autofree char *other = vk_valgkort_format (999, fx.other_area, 3);
    g_autofree char *area = g_strdup_printf (" %u ", fx.other_area);
    type_and_enter (win, "search_entry", other);
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-blocked"));
    g_assert_nonnull (strstr (gtk_label_get_text (message), area));
    g_assert_false (gtk_widget_get_sensitive (child (win, "checkin_button")));
  }

  /* Undo as valgstyrer, with a reason, through the dialog. */
  type_and_enter (win, "search_entry", code);
  {
    g_autofree char *vs_key = vk_test_gui_key_path (fx.dir, "valgstyrer-1");
    g_assert_true (vk_test_gui_enter_valgstyrer (win, "Vera Valgstyrer", vs_key, PASS));
  }
  spin (20);
  g_assert_true (gtk_widget_get_visible (child (win, "undo_button")));
  gtk_widget_activate_action (child (win, "checkin_view"), "checkin.undo", NULL);
  {
    AdwMessageDialog *dialog = NULL;
    GtkEditable *reason;

    WAIT_FOR ((dialog = vk_test_gui_find_dialog ()) != NULL);
    reason = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
    g_assert_false (adw_message_dialog_get_response_enabled (dialog, "undo"));
    gtk_editable_set_text (reason, "Forkert vælger udpeget");
    g_assert_true (adw_message_dialog_get_response_enabled (dialog, "undo"));
    adw_message_dialog_response (dialog, "undo");
    spin (50);
  }
  g_clear_pointer (&entry, vk_entry_free);
  entry = last_entry (win);
  g_assert_cmpstr (entry->type, ==, "checkin.undo");
  g_assert_cmpstr (vk_cbor_map_get_text_field (entry->body, "reason", NULL), ==, "Forkert vælger udpeget");
  g_assert_false (vk_station_is_checked_in (vk_station_window_get_station (win), 7));
  g_assert_true (gtk_widget_get_sensitive (child (win, "checkin_button")));

  /* Checked in after the voter was chosen (as when another table's
   * check-in arrives): the engine refuses by code (ALREADY_CHECKED_IN),
   * the page words it in Danish and names the table. */
  type_and_enter (win, "search_entry", "8");
  g_assert_cmpstr (gtk_label_get_text (name), ==, voter (fx.area, 8)->name);
  g_assert_true (gtk_widget_get_sensitive (child (win, "checkin_button")));
  g_assert_cmpuint (vk_station_check_in (vk_station_window_get_station (win), 8, VK_CHECKIN_SEARCH, FALSE, NULL), >, 0);
  head = vk_journal_get_head_seq (vk_station_get_journal (vk_station_window_get_station (win)));
  gtk_widget_activate_action (child (win, "checkin_view"), "checkin.check-in", NULL);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-blocked"));
  g_assert_nonnull (strstr (gtk_label_get_text (message), "ALLEREDE AFKRYDSET: vælgeren er afkrydset"));
  g_assert_nonnull (strstr (gtk_label_get_text (message), "bord-1"));
  g_assert_null (strstr (gtk_label_get_text (message), "already"));
  g_assert_false (gtk_widget_get_sensitive (child (win, "checkin_button")));
  g_assert_cmpuint (vk_journal_get_head_seq (vk_station_get_journal (vk_station_window_get_station (win))), ==, head);

  gtk_window_destroy (GTK_WINDOW (win));
}

/* The search field's whole text is selected: the next scan replaces it. */
static gboolean
search_text_selected (VkStationWindow *win)
{
  GtkEditable *e = GTK_EDITABLE (child (win, "search_entry"));
  int start = -1, end = -1;

  if (!gtk_editable_get_selection_bounds (e, &start, &end))
    return FALSE;
  return start == 0 && end == (int)g_utf8_strlen (gtk_editable_get_text (e), -1) && end > 0;
}

/* Escape in the search field, through its key controller. */
static gboolean
press_escape_in_search (VkStationWindow *win)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (child (win, "search_entry"));
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (c) && g_strcmp0 (gtk_event_controller_get_name (c), "vk-search-escape") == 0)
        g_signal_emit_by_name (c, "key-pressed", GDK_KEY_Escape, 9, (GdkModifierType)0, &handled);
    }
  return handled;
}

/* The scanner loop (issue 13): after every outcome the field is
 * selected and focused, so a scanner's next code replaces the last one;
 * Escape clears it; a code typed in a US layout ('+' for '-') checks in
 * the right voter; a VK… text that does not parse is an error that says
 * so, not a name search. */
static void
test_scan_loop (void)
{
  VkStationWindow *win = new_window ();
  GtkLabel *message;
  GtkLabel *name;
  GtkLabel *info;
  const VkVoter *v20 = voter (fx.area, 20);
  g_autofree char *code = vk_valgkort_format (999, fx.area, 20);
  g_autofree char *plus = g_strdup (code);
  g_autofree char *birth = ddmmyy (v20);
  g_autoptr (VkEntry) entry = NULL;

  open_device (win, "bord-1", "bord-scan.db", FALSE);
  message = child (win, "message_label");
  name = child (win, "voter_name");
  info = child (win, "search_info");
  g_strdelimit (plus, "-", '+');
  g_assert_nonnull (strchr (plus, '+'));

  /* A '+' code: the right voter, the birth date asked, a scan check-in. */
  type_and_enter (win, "search_entry", plus);
  g_assert_cmpstr (gtk_label_get_text (name), ==, v20->name);
  g_assert_true (gtk_widget_get_visible (child (win, "birth_box")));
  g_assert_true (focus_in (win, "birth_entry"));
  type_and_enter (win, "birth_entry", birth);
  entry = last_entry (win);
  g_assert_cmpstr (entry->type, ==, "checkin");
  g_assert_cmpstr (vk_cbor_map_get_text_field (entry->body, "method", NULL), ==, "scan");
  {
    guint64 lnr = 0;
    g_assert_true (vk_cbor_map_get_uint_field (entry->body, "loebenummer", &lnr, NULL));
    g_assert_cmpuint (lnr, ==, 20);
  }
  g_assert_true (vk_station_is_checked_in (vk_station_window_get_station (win), 20));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-ok"));
  /* Back in the (emptied) field for the next voter. */
  g_assert_true (focus_in (win, "search_entry"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (win, "search_entry"))), ==, "");

  /* The same card again: blocked, and the field selected and focused. */
  type_and_enter (win, "search_entry", code);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-blocked"));
  g_assert_nonnull (strstr (gtk_label_get_text (message), "ALLEREDE AFKRYDSET"));
  g_assert_true (focus_in (win, "search_entry"));
  VK_TEST_WAIT_FOR_MS (search_text_selected (win), 2000);

  /* Two scans appended, and other VK garbage: the barcode cannot be read. */
  {
    const char *bad[] = { "VK1-825-15-000010VK1-825-15-000011", "vk1*999*01*1", "VKX" };

    for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        type_and_enter (win, "search_entry", bad[i]);
        g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-warning"));
        g_assert_nonnull (strstr (gtk_label_get_text (message), "Stregkoden kan ikke læses"));
        g_assert_nonnull (strstr (gtk_label_get_text (message), bad[i]));
        g_assert_cmpstr (gtk_label_get_text (info), !=, "Ingen vælgere fundet.");
        g_assert_true (focus_in (win, "search_entry"));
        VK_TEST_WAIT_FOR_MS (search_text_selected (win), 2000);
      }
  }

  /* A valgkort not on any valgliste: blocked, selected. */
  {
    g_autofree char *unknown = vk_valgkort_format (999, fx.area, 9999999);
    type_and_enter (win, "search_entry", unknown);
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-blocked"));
    g_assert_true (focus_in (win, "search_entry"));
    VK_TEST_WAIT_FOR_MS (search_text_selected (win), 2000);
  }

  /* A name search that finds nobody: selected too. */
  type_and_enter (win, "search_entry", "Qxzzyv");
  g_assert_cmpstr (gtk_label_get_text (info), ==, "Ingen vælgere fundet.");
  spin (100); /* a person types after the field is selected */
  g_assert_true (focus_in (win, "search_entry"));
  VK_TEST_WAIT_FOR_MS (search_text_selected (win), 2000);

  /* Escape clears the field. */
  g_assert_true (press_escape_in_search (win));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (win, "search_entry"))), ==, "");

  gtk_window_destroy (GTK_WINDOW (win));
}

static void
test_brevstemme (void)
{
  VkStationWindow *hjem = new_window ();
  VkStationWindow *bord = NULL;
  const VkVoter *v = voter (fx.area, 12);
  g_autofree char *born = g_strdup_printf ("%.2s-%.2s-%.4s", v->birth_date + 8, v->birth_date + 5, v->birth_date);
  g_autofree char *query = NULL;
  g_autofree char *cpr = NULL;
  g_autofree char *usb = g_build_filename (fx.dir, "usb", NULL);
  g_autofree char *envelope = NULL;
  g_autofree char *label_pdf = g_build_filename (fx.dir, "foelgebrev.pdf", NULL);
  g_autofree char *label_qr = NULL;
  g_autoptr (VkEntry) entry = NULL;
  GtkListBox *list;
  GtkLabel *message;

  /* The home-visit team. */
  open_device (hjem, "hjem-1", "hjem-1.db", FALSE);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (hjem, "work_stack")), ==, "receive");
  query = g_strdup_printf ("%s %s", v->name, born);
  type_and_enter (hjem, "brev_search_entry", query);
  list = child (hjem, "brev_results");
  {
    /* Choose the row of this voter (name + birth date may match more than one). */
    GtkListBoxRow *row = NULL;
    for (guint i = 0; (row = gtk_list_box_get_row_at_index (list, (int)i)) != NULL; i++)
      if (g_object_get_data (G_OBJECT (row), "vk-data")
          == vk_voter_index_lookup (vk_station_get_index (vk_station_window_get_station (hjem)), fx.area, 12))
        break;
    g_assert_nonnull (row);
    g_signal_emit_by_name (list, "row-activated", row);
  }
  g_assert_cmpstr (gtk_label_get_text (child (hjem, "brev_voter")), ==, v->name);
  cpr = g_strdup_printf ("%.2s%.2s%.2s-%s", v->birth_date + 8, v->birth_date + 5, v->birth_date + 2,
                         v->birth_date[0] == '2' ? "4123" : "1123");
  gtk_editable_set_text (GTK_EDITABLE (child (hjem, "cpr_entry")), cpr);
  g_assert_cmpuint (gtk_drop_down_get_selected (child (hjem, "place_dropdown")), ==, 1); /* hjem */
  gtk_editable_set_text (GTK_EDITABLE (child (hjem, "receiver1_entry")), "Anne Holm");
  /* One stemmemodtager is not enough in a home. */
  gtk_widget_activate_action (child (hjem, "receive_view"), "receive.record", NULL);
  message = child (hjem, "brev_message");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-blocked"));
  /* The engine's refusal (VK_STATION_ERROR_TOO_FEW_RECEIVERS), worded by the app. */
  g_assert_nonnull (strstr (gtk_label_get_text (message), "stemmemodtagere"));
  g_assert_cmpuint (vk_journal_get_head_seq (vk_station_get_journal (vk_station_window_get_station (hjem))), ==, 1);
  /* The same person twice is not two (VK_STATION_ERROR_SAME_PERSON). */
  gtk_editable_set_text (GTK_EDITABLE (child (hjem, "receiver2_entry")), "Anne Holm");
  gtk_widget_activate_action (child (hjem, "receive_view"), "receive.record", NULL);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-blocked"));
  g_assert_nonnull (strstr (gtk_label_get_text (message), "to forskellige personer"));
  g_assert_cmpuint (vk_journal_get_head_seq (vk_station_get_journal (vk_station_window_get_station (hjem))), ==, 1);
  gtk_editable_set_text (GTK_EDITABLE (child (hjem, "receiver2_entry")), "Bo Berg");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (message)));
  screenshot (hjem, "station-brevstemme.png");
  gtk_widget_activate_action (child (hjem, "receive_view"), "receive.record", NULL);
  spin (20);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-ok"));
  entry = last_entry (hjem);
  g_assert_cmpstr (entry->type, ==, "brevstemme.received");
  envelope = g_strdup (vk_cbor_map_get_text_field (entry->body, "envelope", NULL));
  g_assert_nonnull (strstr (gtk_label_get_text (message), envelope));
  /* The CPR number left the screen. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (hjem, "cpr_entry"))), ==, "");
  /* "Print følgebrev": the slip of this envelope, with its signed QR. */
  g_assert_true (gtk_widget_get_sensitive (child (hjem, "label_button")));
  gtk_widget_activate_action (child (hjem, "receive_view"), "receive.print-label", "s", label_pdf);
  spin (20);
  g_assert_true (g_file_test (label_pdf, G_FILE_TEST_IS_REGULAR));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-ok"));
  g_assert_nonnull (strstr (gtk_label_get_text (message), label_pdf));
  label_qr = scan_pdf_qr (label_pdf);
  gtk_widget_activate_action (GTK_WIDGET (hjem), "win.export-usb", "s", usb);
  spin (20);
  g_assert_true (g_file_test (usb, G_FILE_TEST_IS_DIR));

  /* The polling station reads the USB stick and decides. */
  bord = new_window ();
  open_device (bord, "bord-1", "bord-1b.db", FALSE);
  /* The fake election is in 2029; the brevstemme was cast today. */
  {
    guint64 now = (guint64)(g_get_real_time () / 1000);
    vk_station_set_brevstemme_window (vk_station_window_get_station (bord), now - 24 * 3600000ull,
                                      now + 24 * 3600000ull);
  }
  gtk_widget_activate_action (GTK_WIDGET (bord), "win.import-journals", "s", usb);
  spin (20);
  gtk_stack_set_visible_child_name (child (bord, "work_stack"), "decide");
  if (label_qr != NULL)
    {
      /* A følgebrev QR changed in one character is refused ... */
      g_autofree char *bad = g_strdup (label_qr);
      bad[strlen (bad) - 2] = bad[strlen (bad) - 2] == '0' ? '1' : '0';
      type_and_enter (bord, "envelope_entry", bad);
      g_assert_true (gtk_widget_has_css_class (child (bord, "env_message"), "vk-blocked"));
      g_assert_false (gtk_widget_get_visible (child (bord, "env_assessment")));
      /* ... the scanned slip finds the envelope. */
      type_and_enter (bord, "envelope_entry", label_qr);
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (bord, "envelope_entry"))), ==, envelope);
    }
  else
    type_and_enter (bord, "envelope_entry", envelope);
  g_assert_nonnull (strstr (gtk_label_get_text (child (bord, "env_title")), envelope));
  g_assert_true (gtk_widget_has_css_class (child (bord, "env_assessment"), "vk-ok"));
  gtk_editable_set_text (GTK_EDITABLE (child (bord, "styrer1_entry")), "Karen Dahl");
  gtk_editable_set_text (GTK_EDITABLE (child (bord, "styrer2_entry")), "Ole Vinther");
  screenshot (bord, "station-brevstemme-decide.png");
  gtk_widget_activate_action (child (bord, "brevstemme_view"), "brevstemme.accept", NULL);
  spin (20);
  g_clear_pointer (&entry, vk_entry_free);
  entry = last_entry (bord);
  g_assert_cmpstr (entry->type, ==, "brevstemme.decision");
  {
    gboolean accepted = FALSE;
    g_assert_true (vk_cbor_get_bool (vk_cbor_map_lookup_text (entry->body, "accepted"), &accepted));
    g_assert_true (accepted);
  }
  g_assert_true (gtk_widget_has_css_class (child (bord, "env_message"), "vk-ok"));

  /* The voter is marked: at the check-in page the valgkort is blocked. */
  gtk_stack_set_visible_child_name (child (bord, "work_stack"), "checkin");
  {
    g_autofree char *code = vk_valgkort_format (999, fx.area, 12);
    type_and_enter (bord, "search_entry", code);
    g_assert_true (gtk_widget_has_css_class (child (bord, "message_label"), "vk-blocked"));
    g_assert_false (gtk_widget_get_sensitive (child (bord, "checkin_button")));
  }
  gtk_window_destroy (GTK_WINDOW (hjem));
  gtk_window_destroy (GTK_WINDOW (bord));
}

/* Some label under widget says text (a result row's badge). */
static gboolean
widget_has_label (GtkWidget *widget, const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (widget_has_label (c, text))
      return TRUE;
  return FALSE;
}

/* The result row of voter v, or NULL. */
static GtkListBoxRow *
row_of (VkStationWindow *win, const VkVoter *v)
{
  GtkListBox *list = child (win, "results");
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    {
      const VkVoter *r = g_object_get_data (G_OBJECT (row), "vk-data");
      if (r != NULL && r->area == v->area && r->loebenummer == v->loebenummer)
        return row;
    }
  return NULL;
}

static guint
n_rows (GtkListBox *list)
{
  guint n = 0;
  while (gtk_list_box_get_row_at_index (list, (int)n) != NULL)
    n++;
  return n;
}

/* Replaces every ø in text by with. */
static char *
replace_oe (const char *text, const char *with)
{
  g_auto (GStrv) parts = g_strsplit (text, "ø", -1);
  return g_strjoinv (with, parts);
}

/* Search as you type (issue 13): the old "Ingen vælgere fundet" goes at
 * once, the list follows the text after a pause, nothing is chosen and
 * the focus stays; ø is found as o and as oe; six digits say which
 * reading was used; a block rings the bell, and the scanner's next code
 * after it is read whole; an undo refreshes the voter's row. */
static void
test_search_as_you_type (void)
{
  VkStationWindow *win = vk_test_gui_new_window (VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT);
  GtkLabel *info;
  GtkLabel *message;
  GtkListBox *list;
  const VkVoter *with_oe = NULL;
  g_autofree char *word = NULL;
  g_autofree char *as_o = NULL;
  g_autofree char *as_oe = NULL;
  guint expected = 0, bells;

  open_device (win, "bord-1", "bord-type.db", FALSE);
  info = child (win, "search_info");
  message = child (win, "message_label");
  list = child (win, "results");

  /* A surname with ø in this list (Sørensen, Jørgensen, …), typed without it. */
  for (guint i = 0; i < vk_voter_list_get_length (fx.voters) && with_oe == NULL; i++)
    {
      const VkVoter *v = vk_voter_list_get (fx.voters, i);
      g_auto (GStrv) words = g_strsplit (v->name, " ", -1);
      for (guint w = 0; words[w] != NULL && with_oe == NULL; w++)
        if (strstr (words[w], "ø") != NULL)
          {
            with_oe = v;
            word = g_utf8_strdown (words[w], -1);
          }
    }
  g_assert_nonnull (with_oe);
  for (guint i = 0; i < vk_voter_list_get_length (fx.voters); i++)
    {
      g_autofree char *lower = g_utf8_strdown (vk_voter_list_get (fx.voters, i)->name, -1);
      g_auto (GStrv) words = g_strsplit (lower, " ", -1);
      gboolean match = FALSE;
      for (guint w = 0; words[w] != NULL; w++)
        match = match || g_str_has_prefix (words[w], word);
      expected += match;
    }
  as_o = replace_oe (word, "o");
  as_oe = replace_oe (word, "oe");

  type_and_enter (win, "search_entry", "Qxzzyv");
  g_assert_cmpstr (gtk_label_get_text (info), ==, "Ingen vælgere fundet.");
  spin (100); /* a person types after the field is selected */
  /* Typing: the old outcome goes at once, the search follows the pause. */
  gtk_editable_set_text (GTK_EDITABLE (child (win, "search_entry")), as_o);
  g_assert_cmpstr (gtk_label_get_text (info), ==, "");
  WAIT_FOR (row_of (win, with_oe) != NULL);
  g_assert_cmpuint (n_rows (list), ==, MIN (expected, 50));
  g_assert_nonnull (strstr (gtk_label_get_text (info), "fundet"));
  g_assert_true (focus_in (win, "search_entry"));
  g_assert_cmpstr (gtk_label_get_text (child (win, "voter_name")), ==, _ ("No voter chosen"));
  screenshot (win, "station-search-as-you-type.png");
  /* The same with "oe" for ø. */
  gtk_editable_set_text (GTK_EDITABLE (child (win, "search_entry")), as_oe);
  spin (400);
  g_assert_nonnull (row_of (win, with_oe));
  g_assert_cmpuint (n_rows (list), ==, MIN (expected, 50));

  /* Six digits that are no date: said to be a løbenummer. */
  type_and_enter (win, "search_entry", "310299");
  g_assert_nonnull (strstr (gtk_label_get_text (info), "Søgt som løbenummer 310299"));
  g_assert_nonnull (strstr (gtk_label_get_text (info), "31-02-99"));
  /* Six digits that are a date: the birth date and the number. */
  {
    g_autofree char *born = ddmmyy (voter (fx.area, 5));
    g_autofree char *date = g_strdup_printf ("%.2s-%.2s-%.2s", born, born + 2, born + 4);
    type_and_enter (win, "search_entry", born);
    g_assert_nonnull (strstr (gtk_label_get_text (info), "Søgt som fødselsdato"));
    g_assert_nonnull (strstr (gtk_label_get_text (info), date));
  }

  /* Check voter 5 in, then find the row: "Afkrydset"; a scan of the card
   * is a block and rings the bell; the scanner's next code is read whole. */
  type_and_enter (win, "search_entry", "5");
  gtk_widget_activate (child (win, "checkin_button"));
  WAIT_FOR (vk_station_is_checked_in (vk_station_window_get_station (win), 5));
  {
    g_autofree char *code5 = vk_valgkort_format (999, fx.area, 5);
    g_autofree char *code6 = vk_valgkort_format (999, fx.area, 6);

    bells = vk_guard_get_bell_count ();
    type_and_enter (win, "search_entry", code5);
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-blocked"));
    g_assert_cmpuint (vk_guard_get_bell_count (), ==, bells + 1);
    g_assert_true (widget_has_label (GTK_WIDGET (row_of (win, voter (fx.area, 5))), "Afkrydset"));
    VK_TEST_WAIT_FOR_MS (search_text_selected (win), 2000);
    /* The scanner types the next code over the selection and presses Enter. */
    type_and_enter (win, "search_entry", code6);
    g_assert_cmpstr (gtk_label_get_text (child (win, "voter_name")), ==, voter (fx.area, 6)->name);
    g_assert_cmpuint (vk_guard_get_bell_count (), ==, bells + 1);
    /* An unreadable code rings too. */
    type_and_enter (win, "search_entry", "VK1-999-1");
    g_assert_cmpuint (vk_guard_get_bell_count (), ==, bells + 2);
    /* Undo as valgstyrer: the row follows ("Afkrydset" gone). */
    type_and_enter (win, "search_entry", code5);
  }
  {
    g_autofree char *vs_key = vk_test_gui_key_path (fx.dir, "valgstyrer-1");
    g_assert_true (vk_test_gui_enter_valgstyrer (win, "Vera Valgstyrer", vs_key, PASS));
  }
  spin (20);
  gtk_widget_activate_action (child (win, "checkin_view"), "checkin.undo", NULL);
  {
    AdwMessageDialog *dialog = NULL;

    WAIT_FOR ((dialog = vk_test_gui_find_dialog ()) != NULL);
    gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "Forkert vælger");
    adw_message_dialog_response (dialog, "undo");
    spin (20);
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  g_assert_false (vk_station_is_checked_in (vk_station_window_get_station (win), 5));
  g_assert_nonnull (row_of (win, voter (fx.area, 5)));
  g_assert_false (widget_has_label (GTK_WIDGET (row_of (win, voter (fx.area, 5))), "Afkrydset"));
  gtk_toggle_button_set_active (child (win, "valgstyrer_button"), FALSE);
  gtk_window_destroy (GTK_WINDOW (win));
}

/* The guards at the table (issue 13), with the guards on as in the app:
 * today is not the fake election's day (2029-11-20), so a check-in needs
 * a valgstyrer's confirmation, journaled; a voter with an undecided
 * brevstemme is a warning the valgstyrer confirms; at reception a
 * brevstemme after the deadline is refused (not green), one recorded
 * twice is noticed, and a wrong one is cancelled with a reason. */
static void
test_guards (void)
{
  VkStationWindow *hjem = vk_test_gui_new_window (VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT);
  VkStationWindow *bord = NULL;
  VkStation *hs, *bs;
  GtkLabel *message;
  g_autoptr (VkEntry) entry = NULL;
  g_autofree char *query = NULL;
  guint64 now = (guint64)(g_get_real_time () / 1000), head, bells;
  const VkVoter *v = voter (fx.area, 40);
  AdwMessageDialog *dialog = NULL;

  /* Reception: a brevstemme team whose period has ended. */
  open_device (hjem, "hjem-1", "hjem-guard.db", FALSE);
  hs = vk_station_window_get_station (hjem);
  vk_station_set_guards (hs, TRUE);
  vk_station_set_brevstemme_window (hs, now - 30 * 24 * 3600000ull, now - 24 * 3600000ull);
  message = child (hjem, "brev_message");
  query = g_strdup_printf ("%s", v->name);
  type_and_enter (hjem, "brev_search_entry", query);
  {
    GtkListBox *list = child (hjem, "brev_results");
    GtkListBoxRow *row = NULL;
    for (guint i = 0; (row = gtk_list_box_get_row_at_index (list, (int)i)) != NULL; i++)
      if (g_object_get_data (G_OBJECT (row), "vk-data")
          == vk_voter_index_lookup (vk_station_get_index (hs), fx.area, 40))
        break;
    g_assert_nonnull (row);
    g_signal_emit_by_name (list, "row-activated", row);
  }
  gtk_editable_set_text (GTK_EDITABLE (child (hjem, "receiver1_entry")), "Anne Holm");
  gtk_editable_set_text (GTK_EDITABLE (child (hjem, "receiver2_entry")), "Bo Berg");
  head = vk_journal_get_head_seq (vk_station_get_journal (hs));
  gtk_widget_activate_action (child (hjem, "receive_view"), "receive.record", NULL);
  spin (20);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-blocked"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-ok"));
  g_assert_nonnull (strstr (gtk_label_get_text (message), "FOR SENT"));
  g_assert_cmpuint (vk_journal_get_head_seq (vk_station_get_journal (hs)), ==, head);
  screenshot (hjem, "station-brevstemme-too-late.png");

  /* In the period: recorded; recorded again minutes later: noticed. */
  vk_station_set_brevstemme_window (hs, now - 24 * 3600000ull, now + 24 * 3600000ull);
  gtk_widget_activate_action (child (hjem, "receive_view"), "receive.record", NULL);
  spin (20);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-ok"));
  type_and_enter (hjem, "brev_search_entry", query);
  {
    GtkListBox *list = child (hjem, "brev_results");
    GtkListBoxRow *row = NULL;
    for (guint i = 0; (row = gtk_list_box_get_row_at_index (list, (int)i)) != NULL; i++)
      if (g_object_get_data (G_OBJECT (row), "vk-data")
          == vk_voter_index_lookup (vk_station_get_index (hs), fx.area, 40))
        break;
    g_signal_emit_by_name (list, "row-activated", row);
  }
  bells = vk_guard_get_bell_count ();
  gtk_widget_activate_action (child (hjem, "receive_view"), "receive.record", NULL);
  spin (20);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-warning"));
  g_assert_nonnull (strstr (gtk_label_get_text (message), "for få minutter siden"));
  g_assert_cmpuint (vk_guard_get_bell_count (), ==, bells + 1);
  /* Cancel the second, with a reason. */
  g_assert_true (gtk_widget_get_sensitive (child (hjem, "cancel_button")));
  gtk_widget_activate_action (child (hjem, "receive_view"), "receive.cancel", NULL);
  WAIT_FOR ((dialog = vk_test_gui_find_dialog ()) != NULL);
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "Registreret to gange");
  /* Enter cancels it, once the reason is written. */
  g_assert_true (vk_test_gui_default_is (dialog, _ ("Cancel brevstemme")));
  enter_dialog (dialog);
  dialog = NULL;
  entry = last_entry (hjem);
  g_assert_cmpstr (entry->type, ==, "brevstemme.cancel");
  g_assert_cmpstr (vk_cbor_map_get_text_field (entry->body, "reason", NULL), ==, "Registreret to gange");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-ok"));
  g_assert_cmpuint (vk_fold_count_voter_brevstemmer (vk_station_get_fold (hs), fx.area, 40), ==, 1);

  /* The table: the brevstemme arrives undecided. */
  bord = vk_test_gui_new_window (VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT);
  /* As in the app (station-app.c): the guards on from the start, and the
   * first screen says that today is not election day. */
  vk_station_set_guards_default (TRUE);
  open_device (bord, "bord-1", "bord-guard.db", FALSE);
  vk_station_set_guards_default (FALSE);
  bs = vk_station_window_get_station (bord);
  g_assert_true (vk_station_get_guards (bs));
  g_assert_true (gtk_widget_has_css_class (child (bord, "message_label"), "vk-warning"));
  g_assert_nonnull (strstr (gtk_label_get_text (child (bord, "message_label")), "I dag er ikke valgdag (20-11-2029)"));
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) entries = vk_journal_dup_entries (vk_station_get_journal (hs), 0, &error);
    g_assert_true (vk_station_ingest (bs, entries, NULL, &error));
    g_assert_no_error (error);
  }
  /* The list counts by status and filters (the cancelled one shown as such). */
  gtk_stack_set_visible_child_name (child (bord, "work_stack"), "decide");
  vk_brevstemme_page_refresh (child (bord, "brevstemme_view"));
  g_assert_nonnull (strstr (gtk_label_get_text (child (bord, "status_counts")), "1 afventer"));
  g_assert_nonnull (strstr (gtk_label_get_text (child (bord, "status_counts")), "1 annulleret"));
  gtk_drop_down_set_selected (child (bord, "status_filter"), 4); /* cancelled */
  g_assert_cmpuint (n_rows (child (bord, "envelope_list")), ==, 1);
  gtk_drop_down_set_selected (child (bord, "status_filter"), 2); /* accepted */
  g_assert_cmpuint (n_rows (child (bord, "envelope_list")), ==, 0);
  gtk_drop_down_set_selected (child (bord, "status_filter"), 0);
  g_assert_cmpuint (n_rows (child (bord, "envelope_list")), ==, 2);
  gtk_stack_set_visible_child_name (child (bord, "work_stack"), "checkin");
  message = child (bord, "message_label");

  /* Wrong date: a check-in of voter 41 is refused until a valgstyrer confirms. */
  head = vk_journal_get_head_seq (vk_station_get_journal (bs));
  bells = vk_guard_get_bell_count ();
  type_and_enter (bord, "search_entry", "41");
  gtk_widget_activate_action (child (bord, "checkin_view"), "checkin.check-in", NULL);
  spin (20);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-blocked"));
  g_assert_nonnull (strstr (gtk_label_get_text (message), "IKKE VALGDAG"));
  g_assert_cmpuint (vk_guard_get_bell_count (), ==, bells + 1);
  screenshot (bord, "station-wrong-date.png");
  g_assert_cmpuint (vk_journal_get_head_seq (vk_station_get_journal (bs)), ==, head);
  {
    g_autofree char *vs_key = vk_test_gui_key_path (fx.dir, "valgstyrer-1");
    g_assert_true (vk_test_gui_enter_valgstyrer (bord, "Vera Valgstyrer", vs_key, PASS));
  }
  spin (20);
  type_and_enter (bord, "search_entry", "41");
  gtk_widget_activate_action (child (bord, "checkin_view"), "checkin.check-in", NULL);
  WAIT_FOR ((dialog = vk_test_gui_find_dialog ()) != NULL);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "confirm"));
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "Karen Dahl");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "confirm"));
  vk_test_gui_screenshot (dialog, "station-wrong-date-dialog.png", 150);
  g_assert_true (vk_test_gui_default_is (dialog, _ ("Confirm and record")));
  enter_dialog (dialog);
  dialog = NULL;
  g_clear_pointer (&entry, vk_entry_free);
  entry = last_entry (bord);
  g_assert_cmpstr (entry->type, ==, "checkin");
  g_assert_cmpstr (vk_cbor_map_get_text_field (entry->body, "confirmed_by", NULL), ==, "Karen Dahl");
  {
    gboolean wrong = FALSE;
    g_assert_true (vk_cbor_get_bool (vk_cbor_map_lookup_text (entry->body, "wrong_date"), &wrong));
    g_assert_true (wrong);
  }

  /* Voter 40 has an undecided brevstemme: a warning; outside valgstyrer
   * mode no ballot, in it a confirmation, journaled. */
  gtk_toggle_button_set_active (child (bord, "valgstyrer_button"), FALSE);
  spin (20);
  bells = vk_guard_get_bell_count ();
  type_and_enter (bord, "search_entry", "40");
  g_assert_cmpstr (gtk_label_get_text (child (bord, "voter_name")), ==, v->name);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "vk-warning"));
  g_assert_nonnull (strstr (gtk_label_get_text (message), "BREVSTEMME VENTER"));
  g_assert_false (gtk_widget_get_sensitive (child (bord, "checkin_button")));
  g_assert_cmpuint (vk_guard_get_bell_count (), ==, bells + 1);
  screenshot (bord, "station-brevstemme-waiting.png");
  {
    g_autofree char *vs_key = vk_test_gui_key_path (fx.dir, "valgstyrer-1");
    g_assert_true (vk_test_gui_enter_valgstyrer (bord, "Vera Valgstyrer", vs_key, PASS));
  }
  spin (20);
  g_assert_true (gtk_widget_get_sensitive (child (bord, "checkin_button")));
  gtk_widget_activate_action (child (bord, "checkin_view"), "checkin.check-in", NULL);
  WAIT_FOR ((dialog = vk_test_gui_find_dialog ()) != NULL);
  g_assert_true (vk_test_gui_default_is (dialog, _ ("Confirm and hand out")));
  enter_dialog (dialog);
  g_assert_true (vk_station_is_checked_in (bs, 40));
  g_clear_pointer (&entry, vk_entry_free);
  entry = last_entry (bord);
  {
    gboolean pending = FALSE;
    g_assert_true (vk_cbor_get_bool (vk_cbor_map_lookup_text (entry->body, "brevstemme_pending"), &pending));
    g_assert_true (pending);
  }

  /* "Luk afstemningen" is refused while voter 40's brevstemme is
   * undecided: a dialog gives the number and goes to the brevstemmer, or
   * a valgstyrer writes why the poll closes anyway (journaled). */
  {
    GtkWidget *page = vk_station_window_get_count_page (bord);
    GtkWidget *close_button = GTK_WIDGET (gtk_widget_get_template_child (page, VK_TYPE_COUNT_PAGE, "close_button"));
    AdwStatusPage *status = ADW_STATUS_PAGE (gtk_widget_get_ancestor (close_button, ADW_TYPE_STATUS_PAGE));
    GtkWidget *explanation;
    const char *why = "Kuverten lå i den forkerte kasse; den afgøres i morgen af valgbestyrelsen";

    g_assert_cmpuint (vk_station_count_undecided (bs, fx.area), ==, 1);
    /* Outside valgstyrer mode: no explanation, only the way to the brevstemmer. */
    gtk_toggle_button_set_active (child (bord, "valgstyrer_button"), FALSE);
    spin (20);
    gtk_stack_set_visible_child_name (child (bord, "work_stack"), "count");
    gtk_widget_activate_action (page, "count.close-poll", NULL);
    WAIT_FOR ((dialog = vk_test_gui_find_dialog ()) != NULL);
    g_assert_true (vk_test_gui_default_is (dialog, _ ("Close the poll")));
    enter_dialog (dialog);
    g_assert_false (vk_station_is_poll_closed (bs));
    g_assert_nonnull (strstr (adw_status_page_get_description (status), "uafgjorte brevstemmer"));
    WAIT_FOR ((dialog = vk_test_gui_find_dialog ()) != NULL);
    g_assert_cmpstr (gtk_widget_get_name (GTK_WIDGET (dialog)), ==, "undecided_dialog");
    g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "1 brevstemme "));
    explanation = vk_test_gui_find_named (GTK_WIDGET (dialog), "undecided_explanation");
    /* A text box with a visible label of its own (its mnemonic widget). */
    gtk_test_accessible_assert_role (GTK_ACCESSIBLE (explanation), GTK_ACCESSIBLE_ROLE_TEXT_BOX);
    {
      GList *labels = gtk_widget_list_mnemonic_labels (explanation);
      g_assert_cmpuint (g_list_length (labels), ==, 1);
      gtk_test_accessible_assert_relation (GTK_ACCESSIBLE (explanation), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                           labels->data, NULL);
      g_list_free (labels);
    }
    g_assert_false (gtk_widget_get_sensitive (explanation));
    g_assert_false (adw_message_dialog_get_response_enabled (dialog, "explain"));
    g_assert_true (vk_test_gui_default_is (dialog, _ ("Decide brevstemmer")));
    /* Enter: the brevstemme page, showing the waiting one. */
    enter_dialog (dialog);
    g_assert_cmpstr (gtk_stack_get_visible_child_name (child (bord, "work_stack")), ==, "decide");
    g_assert_cmpuint (gtk_drop_down_get_selected (child (bord, "status_filter")), ==, 1);
    g_assert_cmpuint (n_rows (child (bord, "envelope_list")), ==, 1);

    /* In valgstyrer mode: the explanation is required, then Enter closes. */
    {
      g_autofree char *vs_key = vk_test_gui_key_path (fx.dir, "valgstyrer-1");
      g_assert_true (vk_test_gui_enter_valgstyrer (bord, "Vera Valgstyrer", vs_key, PASS));
    }
    spin (20);
    gtk_stack_set_visible_child_name (child (bord, "work_stack"), "count");
    gtk_widget_activate_action (page, "count.close-poll", NULL);
    WAIT_FOR ((dialog = vk_test_gui_find_dialog ()) != NULL);
    enter_dialog (dialog);
    WAIT_FOR ((dialog = vk_test_gui_find_dialog ()) != NULL);
    explanation = vk_test_gui_find_named (GTK_WIDGET (dialog), "undecided_explanation");
    g_assert_true (gtk_widget_get_sensitive (explanation));
    gtk_editable_set_text (GTK_EDITABLE (explanation), "   ");
    g_assert_false (adw_message_dialog_get_response_enabled (dialog, "explain"));
    gtk_editable_set_text (GTK_EDITABLE (explanation), why);
    g_assert_true (adw_message_dialog_get_response_enabled (dialog, "explain"));
    g_assert_true (vk_test_gui_default_is (dialog, _ ("Close with explanation")));
    vk_test_gui_screenshot (dialog, "station-undecided-dialog.png", 150);
    gtk_widget_grab_focus (explanation);
    enter_dialog (dialog);
    g_assert_true (vk_station_is_poll_closed (bs));
    g_clear_pointer (&entry, vk_entry_free);
    entry = last_entry (bord);
    g_assert_cmpstr (entry->type, ==, "poll.close");
    g_assert_cmpstr (vk_cbor_map_get_text_field (entry->body, "explanation", NULL), ==, why);
    g_assert_cmpuint (vk_cbor_get_uint (vk_cbor_map_lookup_text (entry->body, "undecided")), ==, 1);
  }
  gtk_toggle_button_set_active (child (bord, "valgstyrer_button"), FALSE);
  gtk_window_destroy (GTK_WINDOW (hjem));
  gtk_window_destroy (GTK_WINDOW (bord));
}

/* First start: create the device key in the dialog, have it enrolled,
 * then open the device with it. */
/* "Create a new key" wants at least 12 characters (key-dialog.c). */
#define NEW_KEY_PASS "prøvevalg-bord-9"

static void
test_create_key (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_build_filename (fx.dir, "newkey", NULL);
  g_autofree char *pkg_path = g_build_filename (dir, "election.vkp", NULL);
  g_autofree char *key_path = g_build_filename (dir, "keys", "bord-9.key", NULL);
  g_autofree char *pub_path = g_build_filename (dir, "keys", "bord-9.pub", NULL);
  g_autofree char *db = g_build_filename (dir, "bord-9.db", NULL);
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autofree char *key_id = NULL;
  VkStationWindow *win;
  GtkDropDown *dropdown;
  GtkLabel *result;
  GListModel *areas;
  guint64 now = (guint64)(g_get_real_time () / 1000);
  guint area_index = G_MAXUINT;
  struct stat st;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  package = vk_package_create (pkg_path, fx.election, NULL, fx.election_key, &error);
  g_assert_no_error (error);
  g_clear_pointer (&package, vk_package_free);

  win = new_window ();
  type_and_enter (win, "package_entry", pkg_path);
  g_assert_null (vk_station_window_get_key_dialog (win, NULL));
  gtk_widget_activate_action (child (win, "setup_view"), "setup.create-key", NULL);
  WAIT_FOR (vk_station_window_get_key_dialog (win, NULL) != NULL
            && gtk_widget_get_mapped (vk_station_window_get_key_dialog (win, NULL)));
  result = GTK_LABEL (vk_station_window_get_key_dialog (win, "key_result"));
  gtk_editable_set_text (GTK_EDITABLE (vk_station_window_get_key_dialog (win, "key_device_id")), "bord-9");
  /* Role 0 is valgbord; the areas come from the package. */
  dropdown = GTK_DROP_DOWN (vk_station_window_get_key_dialog (win, "key_role"));
  gtk_drop_down_set_selected (dropdown, 0);
  areas = gtk_drop_down_get_model (GTK_DROP_DOWN (vk_station_window_get_key_dialog (win, "key_area")));
  g_assert_cmpuint (g_list_model_get_n_items (areas), ==, fx.election->areas->len + 1);
  for (guint i = 0; i < g_list_model_get_n_items (areas); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("%u — ", fx.other_area);
      if (g_str_has_prefix (gtk_string_list_get_string (GTK_STRING_LIST (areas), i), prefix))
        area_index = i;
    }
  g_assert_cmpuint (area_index, !=, G_MAXUINT);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (vk_station_window_get_key_dialog (win, "key_area")), area_index);

  /* Two different passphrases: refused, nothing written. */
  gtk_editable_set_text (GTK_EDITABLE (vk_station_window_get_key_dialog (win, "key_passphrase")), NEW_KEY_PASS);
  gtk_editable_set_text (GTK_EDITABLE (vk_station_window_get_key_dialog (win, "key_passphrase_again")), "andet");
  g_signal_emit_by_name (vk_station_window_get_key_dialog (win, "key_create"), "clicked");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (result)));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (result), "vk-blocked"));
  g_assert_false (g_file_test (key_path, G_FILE_TEST_EXISTS));

  gtk_editable_set_text (GTK_EDITABLE (vk_station_window_get_key_dialog (win, "key_passphrase_again")), NEW_KEY_PASS);
  g_signal_emit_by_name (vk_station_window_get_key_dialog (win, "key_create"), "clicked");
  /* The key is made in a worker thread. */
  WAIT_FOR (strstr (gtk_label_get_text (result), "valgkit enroll") != NULL);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (result), "vk-blocked"));
  /* The dialog itself, with the key id and the enrol command. */
  screenshot (vk_station_window_get_key_dialog (win, NULL), "station-create-key.png");
  g_assert_cmpint (g_stat (key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_test (pub_path, G_FILE_TEST_IS_REGULAR));
  key = vk_keypair_load (key_path, NEW_KEY_PASS, &error);
  g_assert_no_error (error);
  key_id = vk_hex_encode (vk_keypair_get_key_id (key), VK_KEY_ID_BYTES);
  g_assert_nonnull (strstr (gtk_label_get_text (result), key_id));
  g_assert_nonnull (strstr (gtk_label_get_text (result), "valgkit enroll"));
  g_assert_nonnull (strstr (gtk_label_get_text (result), "bord-9.pub"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (win, "key_entry"))), ==, key_path);
  g_signal_emit_by_name (vk_station_window_get_key_dialog (win, "key_close"), "clicked");
  WAIT_FOR (vk_station_window_get_key_dialog (win, NULL) == NULL);

  /* The valgsekretariat enrols the public key and hands the package back. */
  package = vk_package_open (pkg_path, &error);
  g_assert_no_error (error);
  {
    guint8 pub[VK_PUBLIC_KEY_BYTES];
    g_autofree char *role = NULL, *id = NULL;
    g_assert_true (vk_public_key_load (pub_path, pub, &role, &id, &error));
    g_assert_cmpstr (role, ==, "valgbord");
    g_assert_cmpstr (id, ==, "bord-9");
    g_assert_true (vk_package_enroll (package, fx.election_key, id, role, fx.other_area, pub, now - 3600000,
                                      now + 30 * 24 * 3600000ull, &error));
    g_assert_no_error (error);
  }
  g_clear_pointer (&package, vk_package_free);

  /* Re-opening the package lists the device; the new key opens it. */
  type_and_enter (win, "package_entry", pkg_path);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (child (win, "device_dropdown"))), ==, 1);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (win, "key_entry"))), ==, key_path);
  gtk_editable_set_text (GTK_EDITABLE (child (win, "db_entry")), db);
  gtk_editable_set_text (GTK_EDITABLE (child (win, "passphrase_entry")), NEW_KEY_PASS);
  gtk_widget_activate_action (child (win, "setup_view"), "setup.open", NULL);
  WAIT_FOR (vk_station_window_get_station (win) != NULL);
  g_assert_cmpstr (vk_station_get_device (vk_station_window_get_station (win))->device_id, ==, "bord-9");
  g_assert_cmpuint (vk_station_get_device (vk_station_window_get_station (win))->area, ==, fx.other_area);
  gtk_window_destroy (GTK_WINDOW (win));
}

/* Without a database path the device opens in the user's data folder,
 * which G_TEST_OPTION_ISOLATE_DIRS makes this test's own. */
static void
test_default_db (void)
{
  VkStationWindow *win = new_window ();
  g_autofree char *key = vk_test_gui_key_path (fx.dir, "bord-1");
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "valgkit", "bord-1.db", NULL);

  /* Not the real home's: a temporary folder of this test. */
  g_assert_true (g_str_has_prefix (g_get_user_data_dir (), g_get_tmp_dir ()));
  vk_test_gui_open_device (win, fx.pkg_path, "bord-1", key, NULL);
  g_assert_cmpstr (vk_station_session_get_db_path (vk_station_window_get_session (win)), ==, expected);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
  gtk_window_destroy (GTK_WINDOW (win));
}

int
main (int argc, char **argv)
{
  int status;

  /* The default language must come out Danish without LANGUAGE or LANG:
   * vk_test_gui_init() unsets them. */
  if (!vk_test_gui_init (&argc, &argv, "/gui/station/skip"))
    return g_test_run ();
  make_fixture ();
  g_test_add_func ("/gui/station/i18n-default", test_i18n_default);
  g_test_add_func ("/gui/station/refusal-texts", test_refusal_texts);
  g_test_add_func ("/gui/station/checkin", test_checkin);
  g_test_add_func ("/gui/station/scan-loop", test_scan_loop);
  g_test_add_func ("/gui/station/brevstemme", test_brevstemme);
  g_test_add_func ("/gui/station/search-as-you-type", test_search_as_you_type);
  g_test_add_func ("/gui/station/guards", test_guards);
  g_test_add_func ("/gui/station/create-key", test_create_key);
  g_test_add_func ("/gui/station/default-db", test_default_db);
  status = g_test_run ();
  vk_test_gui_election_clear (&fx);
  return status;
}
