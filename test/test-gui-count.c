/* test-gui-count.c: counting in valgkit-station, driven through its widgets.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under Xvfb (test/gui-run.sh); skips without a display or without
 * the KV2025 data.  The election is Aarhus's real one.  At the valgbord
 * of area 9 (Beder Skole): close the poll, type the official foreløbig
 * count twice (the second time with two lists swapped, then corrected),
 * sign off with two valgstyrere's own keys, print the valgbog and read
 * it back (pdftotext, pdftoppm + zbarimg, the QR's signature).  At a
 * fintælling table: area 31 (Borum Forsamlingshus) with every personal
 * vote, compared with the foreløbig count that came on USB, a doubtful
 * ballot set aside and decided, signed off.  The journaled counts are
 * compared with the valg.dk files.  Screenshots go to $VK_SCREENSHOT_DIR
 * or the build folder.
 */
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "count-page.h"
#include "station-window.h"
#include "vk-tally-form.h"
#include "vk-fake.h"
#include "vk-test-gui.h"
#include "vk-ui-util.h"
#include "vk-valgbog.h"
#include <gtk/gtkunixprint.h>

#define PASS VK_TEST_GUI_PASS

typedef VkTestGuiElection Fixture;

static Fixture fx;

static gboolean
make_fixture (void)
{
  g_autofree char *kd = vk_test_data_path ("Aarhus", "kandidat-data.json", NULL);
  g_autofree char *areas = vk_test_data_path ("Aarhus", "fintaelling", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) election = NULL;
  g_autoptr (VkVoterList) voters = NULL;
  const char *devices[][2] = { { "omr09-bord1", "valgbord" },
                               { "omr31-bord1", "valgbord" },
                               { "fintaelling-1", "fintaelling" },
                               { "vs-anne", "valgstyrer" },
                               { "vs-bo", "valgstyrer" } };
  const guint device_areas[] = { 9, 31, VK_PACKAGE_NO_AREA, VK_PACKAGE_NO_AREA, VK_PACKAGE_NO_AREA };

  if (kd == NULL || areas == NULL)
    return FALSE;
  election = vk_election_import_kandidatdata (kd, &error);
  g_assert_no_error (error);
  g_assert_true (vk_election_import_areas_dir (election, areas, &error));
  voters = vk_voters_generate_for_election (election, 20, 7);
  vk_test_gui_election_create (&fx, g_steal_pointer (&election), g_steal_pointer (&voters));
  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    vk_keypair_free (vk_test_gui_enroll (&fx, devices[i][0], devices[i][1], device_areas[i], 0, G_MAXINT64));
  g_clear_pointer (&fx.package, vk_package_free);
  return TRUE;
}

static char *
key_path (const char *device)
{
  return vk_test_gui_key_path (fx.dir, device);
}

/* The shared GUI fixture (vk-test-gui.h) under this file's old names. */
#define WAIT_FOR(cond) VK_TEST_WAIT_FOR (cond)
#define spin(ms) vk_test_gui_spin (ms)
#define wchild(win, name) vk_test_gui_child (win, name)
#define screenshot(win, name) vk_test_gui_screenshot (win, name, 200)
#define last_entry(win) vk_test_gui_last_entry (win)
#define find_dialog() vk_test_gui_find_dialog ()

/* A template child of the count page or of one of the parts it hosts. */
static gpointer
pchild (VkCountPage *page, const char *name)
{
  const struct
  {
    GtkWidget *widget;
    GType type;
  } parts[] = {
    { GTK_WIDGET (page), VK_TYPE_COUNT_PAGE },
    { GTK_WIDGET (vk_count_page_get_form (page)), VK_TYPE_COUNT_FORM },
    { GTK_WIDGET (vk_count_page_get_signoff_box (page)), VK_TYPE_SIGNOFF_BOX },
    { GTK_WIDGET (vk_count_page_get_doubtful_box (page)), VK_TYPE_DOUBTFUL_BOX },
  };
  GObject *o = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (parts) && o == NULL; i++)
    o = gtk_widget_get_template_child (parts[i].widget, parts[i].type, name);
  g_assert_nonnull (o);
  return o;
}

static VkStationWindow *
open_window (const char *device)
{
  VkStationWindow *win = vk_test_gui_new_window (VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT);
  g_autofree char *db_name = g_strconcat (device, ".db", NULL);
  g_autofree char *db = g_build_filename (fx.dir, db_name, NULL);
  g_autofree char *key = key_path (device);

  vk_test_gui_open_device (win, fx.pkg_path, device, key, db);
  return win;
}

static AdwMessageDialog *
wait_dialog (void)
{
  AdwMessageDialog *dialog = NULL;
  WAIT_FOR ((dialog = find_dialog ()) != NULL);
  return dialog;
}

static void
respond (AdwMessageDialog *dialog, const char *response)
{
  /* As a click on the button: the response, then the dialog closes. */
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  WAIT_FOR (find_dialog () == NULL);
}

static void
set_field (VkCountPage *page, const char *field, guint64 value)
{
  GtkEditable *e = vk_count_page_get_field (page, field);
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, value);

  if (e == NULL)
    g_error ("no field %s in the form", field);
  gtk_editable_set_text (e, text);
}

static void
set_list (VkCountPage *page, const char *group, const char *id, guint64 value)
{
  g_autofree char *field = g_strdup_printf ("%s.%s", group, id);
  set_field (page, field, value);
}

/* Types a whole valg.dk count into the form: what the paper says. */
static void
type_count (VkCountPage *page, const VkAreaResult *r, const VkBallotAccount *ballots)
{
  GHashTableIter iter;
  gpointer key, value;

  if (ballots != NULL)
    {
      set_field (page, "received", ballots->received);
      set_field (page, "unused", ballots->unused);
      set_field (page, "returned", ballots->returned);
    }
  set_field (page, "cast", r->cast);
  set_field (page, "valid", r->valid);
  set_field (page, "blank_fremmoedte", r->blank_in_person);
  set_field (page, "blank_brev", r->blank_postal);
  set_field (page, "invalid", r->other_invalid);
  for (guint i = 0; i < r->invalid_reasons->len; i++)
    {
      const VkInvalidReason *reason = &g_array_index (r->invalid_reasons, VkInvalidReason, i);
      g_autofree char *code = g_strdup_printf ("%u", reason->code);
      if (reason->code != VK_INVALID_BLANK_IN_PERSON && reason->code != VK_INVALID_BLANK_POSTAL)
        set_list (page, "invalid", code, reason->count);
    }
  for (guint i = 0; i < r->lists->len; i++)
    {
      const VkListResult *l = g_ptr_array_index (r->lists, i);
      set_list (page, "lists", l->list_id, l->votes);
      if (r->has_candidate_votes)
        set_list (page, "listestemmer", l->list_id, l->list_votes);
    }
  if (r->has_candidate_votes)
    {
      g_hash_table_iter_init (&iter, r->candidate_votes);
      while (g_hash_table_iter_next (&iter, &key, &value))
        set_list (page, "candidates", key, *(guint64 *)value);
    }
}

/* The codes of the messages the page shows. */
static char *
shown_codes (VkCountPage *page)
{
  GString *s = g_string_new (NULL);

  for (GtkWidget *c = gtk_widget_get_first_child (pchild (page, "messages_box")); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      const char *code = g_object_get_data (G_OBJECT (c), "vk-code");
      if (code != NULL)
        g_string_append_printf (s, "%s ", code);
    }
  return g_string_free (s, FALSE);
}

static gboolean
row_has (VkCountPage *page, const char *field, const char *klass)
{
  GtkWidget *row = vk_count_page_get_row (page, field);
  g_assert_nonnull (row);
  return gtk_widget_has_css_class (row, klass);
}

static void
save_round (VkCountPage *page, const char *by)
{
  gtk_editable_set_text (GTK_EDITABLE (pchild (page, "by_entry")), by);
  gtk_widget_activate_action (GTK_WIDGET (vk_count_page_get_form (page)), "form.save", NULL);
  spin (30);
  /* The focus stays in the form. */
  {
    GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (page)));
    g_assert_nonnull (focus);
    g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (vk_count_page_get_form (page))));
  }
}

static void
add_signer (VkCountPage *page, const char *name, const char *device, const char *passphrase)
{
  AdwMessageDialog *dialog;
  g_autofree char *key = key_path (device);

  gtk_widget_activate_action (GTK_WIDGET (vk_count_page_get_signoff_box (page)), "signoff.add-signer", NULL);
  dialog = wait_dialog ();
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "vk-name"), name);
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "vk-key"), key);
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "vk-passphrase"), passphrase);
  /* Each field has a visible label (its mnemonic widget), not a placeholder only. */
  for (const char *const *f = (const char *const[]){ "vk-name", "vk-key", "vk-passphrase", NULL }; *f != NULL; f++)
    {
      GList *labels = gtk_widget_list_mnemonic_labels (g_object_get_data (G_OBJECT (dialog), *f));
      g_assert_cmpuint (g_list_length (labels), ==, 1);
      g_assert_cmpstr (gtk_label_get_text (labels->data), !=, "");
      g_list_free (labels);
    }
  /* Enter in a field activates the default response ("activates-default"). */
  for (const char *const *f = (const char *const[]){ "vk-name", "vk-key", "vk-passphrase", NULL }; *f != NULL; f++)
    {
      gboolean activates = FALSE;
      g_object_get (g_object_get_data (G_OBJECT (dialog), *f), "activates-default", &activates, NULL);
      g_assert_true (activates);
    }
  respond (dialog, "add");
}

/* The journaled counts equal the valg.dk file, field by field. */
static void
assert_contest_counts_equal_file (const VkEntry *signoff, const VkElection *contest, const VkAreaResult *file,
                                  VkResultKind kind)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkAreaResult) got = vk_counts_from_cbor (vk_cbor_map_lookup_text (signoff->body, "counts"), contest, kind,
                                                      file->area_number, NULL, NULL, &error);
  GHashTableIter iter;
  gpointer key, value;

  g_assert_no_error (error);
  g_assert_cmpuint (got->cast, ==, file->cast);
  g_assert_cmpuint (got->valid, ==, file->valid);
  g_assert_cmpuint (got->blank_in_person, ==, file->blank_in_person);
  g_assert_cmpuint (got->blank_postal, ==, file->blank_postal);
  g_assert_cmpuint (got->other_invalid, ==, file->other_invalid);
  for (guint i = 0; i < file->invalid_reasons->len; i++)
    {
      const VkInvalidReason *r = &g_array_index (file->invalid_reasons, VkInvalidReason, i);
      g_assert_cmpuint (vk_area_result_get_invalid (got, r->code), ==, r->count);
    }
  for (guint i = 0; i < file->lists->len; i++)
    {
      const VkListResult *l = g_ptr_array_index (file->lists, i);
      g_assert_cmpuint (vk_area_result_get_list_votes (got, l->list_id), ==, l->votes);
    }
  /* No list outside the file has votes. */
  for (guint i = 0; i < got->lists->len; i++)
    {
      const VkListResult *l = g_ptr_array_index (got->lists, i);
      if (g_hash_table_lookup (file->lists_by_id, l->list_id) == NULL)
        g_assert_cmpuint (l->votes, ==, 0);
    }
  if (kind == VK_RESULT_FINTAELLING)
    {
      for (guint i = 0; i < file->lists->len; i++)
        {
          const VkListResult *l = g_ptr_array_index (file->lists, i);
          const VkListResult *gl = g_hash_table_lookup (got->lists_by_id, l->list_id);
          g_assert_cmpuint (gl->list_votes, ==, l->list_votes);
        }
      g_hash_table_iter_init (&iter, file->candidate_votes);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_assert_cmpuint (vk_area_result_get_candidate_votes (got, key), ==, *(guint64 *)value);
    }
}

static void
assert_counts_equal_file (const VkEntry *signoff, const VkAreaResult *file, VkResultKind kind)
{
  assert_contest_counts_equal_file (signoff, fx.election, file, kind);
}

static VkAreaResult *
load_file (const char *kind_dir, const char *file)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = vk_test_data_path ("Aarhus", kind_dir, file, NULL);
  VkAreaResult *r = vk_area_result_import (fx.election, path, &error);

  g_assert_no_error (error);
  return r;
}

/* Danish thousands separators, written independently of the printouts. */
static char *
danish (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *s = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (s, '.');
      g_string_append_c (s, digits[i]);
    }
  return g_string_free (s, FALSE);
}

static gboolean
has_line_with (const char *text, const char *a, const char *b)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (char **l = lines; *l != NULL; l++)
    if (strstr (*l, a) != NULL && strstr (*l, b) != NULL)
      return TRUE;
  return FALSE;
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

/* The valgbog written by the page, read back with tools we did not write. */
static void
check_valgbog (const char *pdf, const VkAreaResult *file, VkStation *station)
{
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");
  g_autofree char *pdftoppm = g_find_program_in_path ("pdftoppm");
  g_autofree char *zbarimg = g_find_program_in_path ("zbarimg");
  g_autofree char *text = NULL, *err = NULL;
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *prefix = g_build_filename (dir, "page", NULL);
  g_autofree char *png = NULL;
  g_autoptr (GString) all_codes = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkResultSummary) s = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GPtrArray) texts = g_ptr_array_new ();

  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
  if (pdftotext == NULL || pdftoppm == NULL || zbarimg == NULL)
    {
      g_test_message ("poppler-utils or zbar-tools missing: the valgbog is not read back");
      return;
    }
  {
    const char *argv[] = { pdftotext, "-layout", "-enc", "UTF-8", pdf, "-", NULL };
    g_assert_cmpint (vk_test_spawn (argv, &text, &err), ==, 0);
  }
  g_assert_nonnull (strstr (text, file->area_name));
  {
    g_autofree char *cast = danish (file->cast);
    g_assert_true (has_line_with (text, "Afgivne stemmer", cast));
  }
  for (guint i = 0; i < file->lists->len; i++)
    {
      const VkListResult *l = g_ptr_array_index (file->lists, i);
      g_autofree char *votes = danish (l->votes);
      g_assert_true (has_line_with (text, vk_election_lookup_list (fx.election, l->list_id)->name, votes));
    }
  g_assert_nonnull (strstr (text, "Anne Valgstyrer"));
  g_assert_nonnull (strstr (text, "Tilforordnet Ib"));

  {
    const char *argv[] = { pdftoppm, "-r", "150", "-png", pdf, prefix, NULL };
    g_autofree char *out = NULL, *e2 = NULL;
    g_assert_cmpint (vk_test_spawn (argv, &out, &e2), ==, 0);
  }
  /* The QR is on the last page; every page is scanned. */
  {
    g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
    g_autoptr (GPtrArray) pages = g_ptr_array_new_with_free_func (g_free);
    const char *name;

    g_assert_nonnull (d);
    while ((name = g_dir_read_name (d)) != NULL)
      g_ptr_array_add (pages, g_build_filename (dir, name, NULL));
    g_ptr_array_sort (pages, compare_paths);
    g_assert_cmpuint (pages->len, >, 0);
    png = g_strdup (g_ptr_array_index (pages, 0));
    for (guint i = 0; i < pages->len; i++)
      {
        const char *argv[]
            = { zbarimg, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", g_ptr_array_index (pages, i), NULL };
        g_autofree char *out = NULL, *e3 = NULL;
        int status = vk_test_spawn (argv, &out, &e3);

        /* zbarimg exits 4 when a page has no code. */
        g_assert_true (status == 0 || status == 4);
        g_string_append (all_codes, out);
      }
  }
  if (g_getenv ("VK_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *copy = g_build_filename (g_getenv ("VK_SCREENSHOT_DIR"), "count-valgbog.png", NULL);
      g_autofree char *contents = NULL;
      gsize len;
      g_assert_true (g_file_get_contents (png, &contents, &len, NULL));
      g_assert_true (g_file_set_contents (copy, contents, len, NULL));
    }
  lines = g_strsplit (all_codes->str, "\n", -1);
  for (char **l = lines; *l != NULL; l++)
    if (**l != '\0')
      g_ptr_array_add (texts, *l);
  g_assert_cmpuint (texts->len, >, 0);
  s = vk_valgbog_qr_decode ((const char *const *)texts->pdata, texts->len,
                            vk_keypair_get_public_key (vk_station_get_key (station)), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->area_number, ==, file->area_number);
  g_assert_cmpuint (s->cast, ==, file->cast);
  g_assert_cmpuint (s->valid, ==, file->valid);
  for (guint i = 0; i < file->lists->len; i++)
    {
      const VkListResult *l = g_ptr_array_index (file->lists, i);
      g_assert_cmpuint (vk_result_summary_lookup_list (s, l->list_id)->votes, ==, l->votes);
    }
  g_assert_cmpmem (s->source_digest, 32, vk_journal_get_head_hash (vk_station_get_journal (station)), 32);
  /* Signed by the table's key, not anyone's: another key fails. */
  {
    g_autoptr (VkKeypair) other = vk_keypair_generate ();
    g_autoptr (VkResultSummary) s2 = vk_valgbog_qr_decode ((const char *const *)texts->pdata, texts->len,
                                                           vk_keypair_get_public_key (other), &error);
    g_assert_null (s2);
    g_assert_nonnull (error);
  }
}

/* Election night at Beder Skole. */
static void
test_foreloebig (void)
{
  g_autoptr (VkAreaResult) file = NULL;
  g_autoptr (VkEntry) entry = NULL;
  VkStationWindow *win;
  VkCountPage *page;
  VkStation *station;
  const VkListResult *l0, *l1;
  VkBallotAccount ballots;
  g_autofree char *codes = NULL;

  if (fx.election == NULL)
    {
      g_test_skip ("no KV2025 data");
      return;
    }
  file = load_file ("foreloebig", "Beder_Skole.json");
  g_assert_cmpuint (file->area_number, ==, 9);
  win = open_window ("omr09-bord1");
  station = vk_station_window_get_station (win);
  page = VK_COUNT_PAGE (vk_station_window_get_count_page (win));
  g_assert_nonnull (page);

  /* Three voters checked in at the table, through the check-in page. */
  for (guint lnr = 1; lnr <= 3; lnr++)
    {
      g_autofree char *typed = g_strdup_printf ("%u", lnr);
      gtk_editable_set_text (GTK_EDITABLE (wchild (win, "search_entry")), typed);
      g_signal_emit_by_name (wchild (win, "search_entry"), "activate");
      gtk_widget_activate_action (wchild (win, "checkin_view"), "checkin.check-in", NULL);
      WAIT_FOR (vk_station_is_checked_in (station, lnr));
    }

  /* Close the poll: a confirmation first. */
  gtk_stack_set_visible_child_name (wchild (win, "work_stack"), "count");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (pchild (page, "page_stack")), ==, "open");
  gtk_widget_activate_action (GTK_WIDGET (page), "count.close-poll", NULL);
  respond (wait_dialog (), "cancel");
  g_assert_false (vk_station_is_poll_closed (station));
  gtk_widget_activate_action (GTK_WIDGET (page), "count.close-poll", NULL);
  respond (wait_dialog (), "close");
  g_assert_true (vk_station_is_poll_closed (station));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (pchild (page, "page_stack")), ==, "form");
  /* Check-in is refused from now on, with a clear message. */
  g_assert_true (gtk_widget_has_css_class (wchild (win, "message_label"), "vk-blocked"));
  g_assert_cmpstr (gtk_label_get_text (wchild (win, "message_label")), ==,
                   _ ("The poll is closed: no more ballots can be handed out."));
  gtk_editable_set_text (GTK_EDITABLE (wchild (win, "search_entry")), "4");
  g_signal_emit_by_name (wchild (win, "search_entry"), "activate");
  g_assert_false (gtk_widget_get_sensitive (wchild (win, "checkin_button")));
  g_assert_cmpstr (gtk_label_get_text (wchild (win, "message_label")), ==,
                   _ ("The poll is closed: no more ballots can be handed out."));
  g_assert_false (vk_station_is_checked_in (station, 4));

  /* First entry, typed from the paper (the official file). */
  ballots = (VkBallotAccount){ TRUE, file->cast + 512, 500, 12 };
  type_count (page, file, &ballots);
  /* Everything adds up; the urn has more ballots than the 3 marked voters: T11. */
  codes = shown_codes (page);
  g_assert_cmpstr (codes, ==, "T11 ");
  g_assert_true (row_has (page, "cast", "vk-field-warning"));
  {
    /* The reconciliation: ballots in the urn against the 3 marked voters,
     * and every equation holds (✓) but that one (✗). */
    const char *recon = gtk_label_get_text (pchild (page, "recon_label"));
    g_autofree char *diff = g_strdup_printf ("%+lld", (long long)file->cast - 3);
    g_autofree char *valid = g_strdup_printf ("%" G_GUINT64_FORMAT ")", file->valid);
    g_autofree char *received = g_strdup_printf ("%" G_GUINT64_FORMAT ")", ballots.received);

    g_assert_true (has_line_with (recon, "✗", diff));
    g_assert_true (has_line_with (recon, "✓", valid));
    g_assert_true (has_line_with (recon, "✓", received));
  }
  /* A mistyped list: T02 blocks, the warnings are hidden, the lists marked. */
  l0 = g_ptr_array_index (file->lists, 0);
  l1 = g_ptr_array_index (file->lists, 1);
  g_assert_cmpuint (l0->votes, !=, l1->votes);
  set_list (page, "lists", l0->list_id, l0->votes + 10);
  g_clear_pointer (&codes, g_free);
  codes = shown_codes (page);
  g_assert_cmpstr (codes, ==, "T02 ");
  {
    /* Σ lists is 10 more than the valid votes: that line says ✗. */
    g_autofree char *valid = g_strdup_printf ("%" G_GUINT64_FORMAT ")", file->valid);
    g_assert_true (has_line_with (gtk_label_get_text (pchild (page, "recon_label")), "✗", valid));
  }
  {
    g_autofree char *f = g_strdup_printf ("lists.%s", l1->list_id);
    g_assert_true (row_has (page, f, "vk-field-error"));
    g_assert_false (row_has (page, "cast", "vk-field-warning"));
  }
  /* Saving is refused while it does not add up. */
  save_round (page, "Tilforordnet Ea");
  g_assert_true (gtk_widget_has_css_class (pchild (page, "state_label"), "vk-blocked"));
  g_assert_nonnull (strstr (gtk_label_get_text (pchild (page, "state_label")), "T02"));
  set_list (page, "lists", l0->list_id, l0->votes);
  g_assert_true (row_has (page, "cast", "vk-field-warning"));
  gtk_editable_set_text (GTK_EDITABLE (pchild (page, "by_entry")), "Tilforordnet Ea");
  screenshot (win, "count-foreloebig.png");
  save_round (page, "Tilforordnet Ea");
  entry = last_entry (win);
  g_assert_cmpstr (entry->type, ==, "tally");
  g_assert_cmpstr (vk_cbor_map_get_text_field (entry->body, "by", NULL), ==, "Tilforordnet Ea");
  /* The form is empty for the second person. */
  g_assert_cmpstr (gtk_editable_get_text (vk_count_page_get_field (page, "cast")), ==, "");
  g_assert_cmpstr (gtk_button_get_label (pchild (page, "save_button")), ==, _ ("Save the second entry"));

  /* Second entry with two lists swapped: both rows marked, both listed. */
  type_count (page, file, &ballots);
  set_list (page, "lists", l0->list_id, l1->votes);
  set_list (page, "lists", l1->list_id, l0->votes);
  save_round (page, "Tilforordnet Ib");
  g_assert_true (gtk_widget_get_visible (pchild (page, "diff_section")));
  {
    g_autofree char *f0 = g_strdup_printf ("lists.%s", l0->list_id);
    g_autofree char *f1 = g_strdup_printf ("lists.%s", l1->list_id);
    const char *diff = gtk_label_get_text (pchild (page, "diff_label"));

    g_assert_true (row_has (page, f0, "vk-diff"));
    g_assert_true (row_has (page, f1, "vk-diff"));
    g_assert_false (row_has (page, "cast", "vk-diff"));
    g_assert_nonnull (strstr (diff, vk_election_lookup_list (fx.election, l0->list_id)->name));
    g_assert_nonnull (strstr (diff, vk_election_lookup_list (fx.election, l1->list_id)->name));
    screenshot (win, "count-mismatch.png");

    /* Correct the second entry; the first person may not do it. */
    gtk_widget_activate_action (GTK_WIDGET (vk_count_page_get_form (page)), "form.reenter", "u", 2);
    spin (20);
    g_assert_cmpstr (gtk_editable_get_text (vk_count_page_get_field (page, f0)), !=, "");
    set_list (page, "lists", l0->list_id, l0->votes);
    set_list (page, "lists", l1->list_id, l1->votes);
    save_round (page, "Tilforordnet Ea");
    g_assert_true (gtk_widget_has_css_class (pchild (page, "state_label"), "vk-blocked"));
    g_assert_nonnull (strstr (gtk_label_get_text (pchild (page, "state_label")),
                              _ ("The two entries must be made by two different people: the other entry was made by "
                                 "the same name.")));
    save_round (page, "Tilforordnet Ib");
    g_assert_false (gtk_widget_get_visible (pchild (page, "diff_section")));
    g_assert_false (row_has (page, f0, "vk-diff"));
  }
  g_assert_true (gtk_widget_has_css_class (pchild (page, "state_label"), "vk-ok"));

  /* Sign-off: one valgstyrer is not enough; a wrong passphrase is refused. */
  gtk_widget_activate_action (GTK_WIDGET (vk_count_page_get_signoff_box (page)), "signoff.sign-off", NULL);
  g_assert_true (gtk_widget_has_css_class (pchild (page, "signoff_message"), "vk-blocked"));
  /* The engine's refusal code, worded by the app. */
  g_assert_nonnull (strstr (gtk_label_get_text (pchild (page, "signoff_message")),
                            _ ("At least two valgstyrere must sign: add each with their own key.")));
  add_signer (page, "Anne Valgstyrer", "vs-anne", "forkert");
  g_assert_true (gtk_widget_has_css_class (pchild (page, "signoff_message"), "vk-blocked"));
  add_signer (page, "Anne Valgstyrer", "vs-anne", PASS);
  add_signer (page, "Bo Valgstyrer", "vs-bo", PASS);
  /* The table's own device key is no valgstyrer's key. */
  add_signer (page, "Carl Tilforordnet", "omr09-bord1", PASS);
  g_assert_true (gtk_widget_has_css_class (pchild (page, "signoff_message"), "vk-blocked"));
  /* 3 marked voters, thousands of ballots: the explanation is required. */
  gtk_widget_activate_action (GTK_WIDGET (vk_count_page_get_signoff_box (page)), "signoff.sign-off", NULL);
  g_assert_true (gtk_widget_has_css_class (pchild (page, "signoff_message"), "vk-blocked"));
  g_assert_nonnull (strstr (gtk_label_get_text (pchild (page, "signoff_message")),
                            _ ("The votes cast differ from the marked voters: write the explanation first.")));
  g_clear_pointer (&entry, vk_entry_free);
  entry = last_entry (win);
  g_assert_cmpstr (entry->type, ==, "tally");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (pchild (page, "explanation_view")),
                            "Prøvevalg: kun tre vælgere blev afkrydset i testen.", -1);
  screenshot (win, "count-signoff.png");
  /* Singular and plural by ngettext: "3 afkrydsninger + 0 brevstemmer". */
  {
    const char *recon = gtk_label_get_text (pchild (page, "recon_label"));
    g_assert_nonnull (strstr (recon, " afkrydsninger + 0 brevstemmer = "));
  }
  gtk_widget_activate_action (GTK_WIDGET (vk_count_page_get_signoff_box (page)), "signoff.sign-off", NULL);
  spin (30);
  g_assert_true (gtk_widget_has_css_class (pchild (page, "signoff_message"), "vk-ok"));
  g_clear_pointer (&entry, vk_entry_free);
  entry = last_entry (win);
  g_assert_cmpstr (entry->type, ==, "tally.signoff");
  assert_counts_equal_file (entry, file, VK_RESULT_FORELOEBIG);
  g_assert_cmpuint (vk_cbor_array_get_length (vk_cbor_map_lookup_text (entry->body, "signatures")), ==, 2);
  g_assert_cmpstr (vk_cbor_map_get_text_field (entry->body, "explanation", NULL), ==,
                   "Prøvevalg: kun tre vælgere blev afkrydset i testen.");
  /* No count server set: the page says how the count travels. */
  g_assert_true (gtk_widget_get_visible (pchild (page, "receipt_label")));

  /* The valgbog. */
  g_assert_true (gtk_widget_get_visible (pchild (page, "valgbog_section")));
  gtk_widget_activate_action (GTK_WIDGET (vk_count_page_get_signoff_box (page)), "signoff.print-valgbog", NULL);
  g_assert_nonnull (vk_count_page_get_valgbog_path (page));
  g_assert_nonnull (
      strstr (gtk_label_get_text (pchild (page, "valgbog_label")), vk_count_page_get_valgbog_path (page)));
  check_valgbog (vk_count_page_get_valgbog_path (page), file, station);
  /* Written where the user can see it, the path on the page with Print … and Open folder. */
  {
    g_autofree char *dir = vk_ui_printout_dir ();
    g_autofree char *parent = g_path_get_dirname (vk_count_page_get_valgbog_path (page));
    g_assert_cmpstr (parent, ==, dir);
    /* not the app's data folder (hidden in ~/.local/share) */
    g_assert_false (g_str_has_prefix (vk_count_page_get_valgbog_path (page), g_get_user_data_dir ()));
  }
  g_assert_true (gtk_widget_get_visible (pchild (page, "open_valgbog_button")));
  g_assert_true (gtk_widget_get_visible (pchild (page, "open_folder_button")));
  /* Print … opens GTK's print dialog; cancelled, the page still names the PDF. */
  gtk_widget_activate_action (GTK_WIDGET (vk_count_page_get_signoff_box (page)), "signoff.open-valgbog", NULL);
  spin (10);
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    GtkWidget *dialog = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
      {
        g_autoptr (GObject) w = g_list_model_get_item (toplevels, i);
        if (GTK_IS_PRINT_UNIX_DIALOG (w))
          dialog = GTK_WIDGET (w);
      }
    g_assert_nonnull (dialog);
    gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
    spin (5);
  }
  g_assert_nonnull (
      strstr (gtk_label_get_text (pchild (page, "valgbog_label")), vk_count_page_get_valgbog_path (page)));
  gtk_window_destroy (GTK_WINDOW (win));
}

/* The valgbord of area 31 signs its foreløbig count (engine-side) and
 * exports its journal: what reaches the fintælling on a USB stick. */
static char *
foreloebig_usb (const VkAreaResult *fore)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkPackage) package = vk_package_open (fx.pkg_path, &error);
  g_autofree char *kp = key_path ("omr31-bord1");
  g_autoptr (VkKeypair) key = vk_keypair_load (kp, PASS, &error);
  g_autofree char *db = g_build_filename (fx.dir, "omr31-engine.db", NULL);
  g_autoptr (VkStation) bord = NULL;
  g_autoptr (VkTallyForm) form = NULL;
  char *usb = g_build_filename (fx.dir, "usb31", NULL);
  VkSigner signers[] = { { "Anne Valgstyrer", NULL }, { "Bo Valgstyrer", NULL } };

  g_assert_no_error (error);
  bord = vk_station_open (package, db, "omr31-bord1", key, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_tally_close_poll (bord, &error), >, 0);
  form = vk_tally_form_new (fx.election, VK_RESULT_FORELOEBIG, 31);
  g_assert_true (vk_tally_form_set (form, "cast", fore->cast, NULL, &error));
  g_assert_true (vk_tally_form_set (form, "valid", fore->valid, NULL, &error));
  g_assert_true (vk_tally_form_set (form, "blank_fremmoedte", fore->blank_in_person, NULL, &error));
  g_assert_true (vk_tally_form_set (form, "blank_brev", fore->blank_postal, NULL, &error));
  g_assert_true (vk_tally_form_set (form, "invalid", fore->other_invalid, NULL, &error));
  for (guint i = 0; i < fore->invalid_reasons->len; i++)
    {
      const VkInvalidReason *r = &g_array_index (fore->invalid_reasons, VkInvalidReason, i);
      g_autofree char *f = g_strdup_printf ("invalid.%u", r->code);
      if (r->code != VK_INVALID_BLANK_IN_PERSON && r->code != VK_INVALID_BLANK_POSTAL)
        g_assert_true (vk_tally_form_set (form, f, r->count, NULL, &error));
    }
  for (guint i = 0; i < fore->lists->len; i++)
    {
      const VkListResult *l = g_ptr_array_index (fore->lists, i);
      g_autofree char *f = g_strdup_printf ("lists.%s", l->list_id);
      g_assert_true (vk_tally_form_set (form, f, l->votes, NULL, &error));
    }
  g_assert_cmpuint (vk_tally_form_enter (form, bord, 1, "Ea", &error), >, 0);
  g_assert_cmpuint (vk_tally_form_enter (form, bord, 2, "Ib", &error), >, 0);
  g_assert_cmpuint (vk_tally_sign_off (bord, NULL, VK_RESULT_FORELOEBIG, 31, signers, 2, "Ingen afkrydsninger i testen",
                                       0, fore->eligible, &error),
                    >, 0);
  g_assert_no_error (error);
  g_assert_true (vk_station_export_usb (bord, usb, &error));
  g_assert_no_error (error);
  return usb;
}

/* The fintælling of Borum Forsamlingshus. */
static void
test_fintaelling (void)
{
  g_autoptr (VkAreaResult) fore = NULL;
  g_autoptr (VkAreaResult) file = NULL;
  g_autoptr (VkEntry) entry = NULL;
  g_autofree char *usb = NULL;
  VkStationWindow *win;
  VkCountPage *page;
  const VkList *biggest = NULL;
  const VkListResult *l0;
  guint index = G_MAXUINT;
  gint64 total_us = 0, max_us = 0;
  guint keystrokes = 0;
  guint64 doubt_seq = 0;

  if (fx.election == NULL)
    {
      g_test_skip ("no KV2025 data");
      return;
    }
  fore = load_file ("foreloebig", "Borum_Forsamlingshus.json");
  file = load_file ("fintaelling", "Borum_Forsamlingshus.json");
  usb = foreloebig_usb (fore);
  win = open_window ("fintaelling-1");
  page = VK_COUNT_PAGE (vk_station_window_get_count_page (win));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (wchild (win, "work_stack")), ==, "count");
  g_assert_true (gtk_widget_get_visible (pchild (page, "area_box")));

  /* The valgbord's journal comes on USB; then area 31 is chosen. */
  gtk_widget_activate_action (GTK_WIDGET (win), "win.import-journals", "s", usb);
  for (guint i = 0; i < fx.election->areas->len; i++)
    if (((VkArea *)g_ptr_array_index (fx.election->areas, i))->number == 31)
      index = i;
  g_assert_cmpuint (index, !=, G_MAXUINT);
  gtk_drop_down_set_selected (pchild (page, "area_dropdown"), index);
  spin (20);
  g_assert_nonnull (strstr (gtk_label_get_text (pchild (page, "compare_label")), "omr31-bord1"));

  /* Typing every number; each keystroke's time is measured on the
   * longest list of the election (29 candidates in Aarhus). */
  for (guint i = 0; i < fx.election->lists->len; i++)
    {
      const VkList *l = g_ptr_array_index (fx.election->lists, i);
      if (biggest == NULL || l->candidates->len > biggest->candidates->len)
        biggest = l;
    }
  type_count (page, file, NULL);
  for (guint round = 0; round < 20; round++)
    for (guint k = 0; k < biggest->candidates->len; k++)
      {
        const VkCandidate *c = g_ptr_array_index (biggest->candidates, k);
        g_autofree char *f = g_strdup_printf ("candidates.%s", c->id);
        GtkEditable *e = vk_count_page_get_field (page, f);
        g_autofree char *keep = g_strdup (gtk_editable_get_text (e));
        g_autofree char *typed = g_strconcat (keep, "7", NULL);
        gint64 us;

        gtk_editable_set_text (e, typed); /* a keystroke */
        /* A keystroke updates the form in place: the field typed into is
         * still the form's widget (nothing rebuilt). */
        g_assert_true (vk_count_page_get_field (page, f) == e);
        us = vk_count_page_get_last_keystroke_us (page);
        total_us += us;
        max_us = MAX (max_us, us);
        keystrokes++;
        gtk_editable_set_text (e, keep); /* and its correction */
        us = vk_count_page_get_last_keystroke_us (page);
        total_us += us;
        max_us = MAX (max_us, us);
        keystrokes++;
      }
  printf ("# fintælling form, Aarhus (%u lists, %u candidates on the longest list): %u keystrokes, "
          "%.1f µs per keystroke on average, %" G_GINT64_FORMAT " µs at most\n",
          fx.election->lists->len, biggest->candidates->len, keystrokes, (double)total_us / keystrokes, max_us);
  /* The time is reported, not asserted: timing belongs in bench/ (a
   * loaded CI machine under ASan once took 182 ms for one keystroke). */

  /* All typed: no check fails; each list's computed total shows. */
  {
    g_autofree char *codes = shown_codes (page);
    g_assert_cmpstr (codes, ==, "");
  }
  l0 = g_ptr_array_index (file->lists, 0);
  {
    g_autofree char *f = g_strdup_printf ("lists.%s", l0->list_id);
    g_autofree char *want = g_strdup_printf ("%" G_GUINT64_FORMAT, l0->votes);
    GtkWidget *row = vk_count_page_get_row (page, f);
    GtkWidget *computed = gtk_widget_get_next_sibling (gtk_widget_get_first_child (row));
    g_assert_true (GTK_IS_LABEL (computed));
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (computed)), want));
    /* A personal vote mistyped: T03 on this list, its total recomputed at once. */
    {
      GHashTableIter iter;
      gpointer key, value;
      g_autofree char *cf = NULL;
      g_autofree char *want2 = g_strdup_printf ("%" G_GUINT64_FORMAT, l0->votes + 5);

      g_hash_table_iter_init (&iter, file->candidate_list);
      while (cf == NULL && g_hash_table_iter_next (&iter, &key, &value))
        if (strcmp (value, l0->list_id) == 0)
          cf = g_strdup_printf ("candidates.%s", (char *)key);
      set_field (page, cf, vk_area_result_get_candidate_votes (file, cf + strlen ("candidates.")) + 5);
      g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (computed)), want2));
      g_assert_true (row_has (page, f, "vk-field-error"));
      {
        g_autofree char *codes = shown_codes (page);
        g_assert_cmpstr (codes, ==, "T03 ");
      }
      set_field (page, cf, vk_area_result_get_candidate_votes (file, cf + strlen ("candidates.")));
      g_assert_false (row_has (page, f, "vk-field-error"));
    }
  }
  /* Each list whose total differs from the foreløbig count is named, no other. */
  {
    const char *cmp = gtk_label_get_text (pchild (page, "compare_label"));
    for (guint i = 0; i < file->lists->len; i++)
      {
        const VkListResult *l = g_ptr_array_index (file->lists, i);
        const char *name = vk_election_lookup_list (fx.election, l->list_id)->name;
        gboolean differs = vk_area_result_get_list_votes (fore, l->list_id) != l->votes;
        g_autofree char *needle = g_strdup_printf ("%s: ", name);
        g_assert_cmpint (strstr (cmp, needle) != NULL, ==, differs);
      }
    if (fore->cast != file->cast)
      {
        g_autofree char *delta = g_strdup_printf ("(%+" G_GINT64_FORMAT ")", (gint64)file->cast - (gint64)fore->cast);
        g_assert_nonnull (strstr (cmp, delta));
      }
  }
  /* A doubtful ballot set aside. */
  gtk_editable_set_text (GTK_EDITABLE (pchild (page, "doubt_count_entry")), "1");
  gtk_editable_set_text (GTK_EDITABLE (pchild (page, "doubt_note_entry")), "Krydset står på stregen mellem to lister");
  gtk_widget_activate_action (GTK_WIDGET (vk_count_page_get_doubtful_box (page)), "doubtful.set-aside", NULL);
  g_clear_pointer (&entry, vk_entry_free);
  entry = last_entry (win);
  g_assert_cmpstr (entry->type, ==, "ballot.doubtful");
  doubt_seq = entry->seq;
  g_assert_nonnull (gtk_list_box_get_row_at_index (pchild (page, "doubt_list"), 0));
  gtk_editable_set_text (GTK_EDITABLE (pchild (page, "by_entry")), "Fintæller Ida");
  screenshot (win, "count-fintaelling.png");

  /* Both entries, by two people. */
  save_round (page, "Fintæller Ida");
  type_count (page, file, NULL);
  save_round (page, "Fintæller Ole");
  g_assert_true (gtk_widget_has_css_class (pchild (page, "state_label"), "vk-ok"));
  add_signer (page, "Anne Valgstyrer", "vs-anne", PASS);
  add_signer (page, "Bo Valgstyrer", "vs-bo", PASS);
  gtk_widget_activate_action (GTK_WIDGET (vk_count_page_get_signoff_box (page)), "signoff.sign-off", NULL);
  spin (30);
  g_clear_pointer (&entry, vk_entry_free);
  entry = last_entry (win);
  g_assert_cmpstr (entry->type, ==, "tally.signoff");
  assert_counts_equal_file (entry, file, VK_RESULT_FINTAELLING);

  /* The valgbestyrelse decides the doubtful ballot: for the first list. */
  gtk_widget_activate_action (GTK_WIDGET (vk_count_page_get_doubtful_box (page)), "doubtful.decide", "t", doubt_seq);
  {
    AdwMessageDialog *dialog = wait_dialog ();
    GtkDropDown *choice = g_object_get_data (G_OBJECT (dialog), "vk-choice");
    GListModel *model = gtk_drop_down_get_model (choice);
    const char *name = vk_election_lookup_list (fx.election, l0->list_id)->name;
    guint pick = G_MAXUINT;

    for (guint i = 0; i < g_list_model_get_n_items (model) && pick == G_MAXUINT; i++)
      if (strstr (gtk_string_list_get_string (GTK_STRING_LIST (model), i), name) != NULL)
        pick = i;
    g_assert_cmpuint (pick, !=, G_MAXUINT);
    gtk_drop_down_set_selected (choice, pick);
    gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "vk-count"), "1");
    respond (dialog, "decide");
  }
  g_clear_pointer (&entry, vk_entry_free);
  entry = last_entry (win);
  g_assert_cmpstr (entry->type, ==, "ballot.decision");
  g_assert_cmpstr (vk_cbor_map_get_text_field (vk_cbor_map_lookup_text (entry->body, "decision"), "list", NULL), ==,
                   l0->list_id);
  {
    g_autofree char *cast = g_strdup_printf ("%" G_GUINT64_FORMAT, file->cast + 1);
    g_assert_nonnull (strstr (gtk_label_get_text (pchild (page, "doubt_label")), cast));
  }
  gtk_window_destroy (GTK_WINDOW (win));
}

/* The joint event of 18 November 2025 on Læsø: the kommunalvalg (KV)
 * and Region Nordjylland's regionsrådsvalg (RV), from the official files. */
static Fixture jfx;
static VkAreaResult *joint_kv_file;
static VkAreaResult *joint_rv_file;

static gboolean
make_joint_fixture (void)
{
  g_autofree char *kd = vk_test_data_path ("Læsø", "kandidat-data.json", NULL);
  g_autofree char *areas = vk_test_data_path ("Læsø", "fintaelling", NULL);
  g_autofree char *kv_file = vk_test_data_path ("Læsø", "foreloebig", "Læsø.json", NULL);
  g_autofree char *data = kd != NULL ? g_path_get_dirname (vk_test_data_dir ()) : NULL;
  g_autofree char *rv_dir = data != NULL ? g_build_filename (data, "rv2025", "Region_Nordjylland", NULL) : NULL;
  g_autofree char *rv_kd = rv_dir != NULL ? g_build_filename (rv_dir, "kandidat-data.json", NULL) : NULL;
  g_autofree char *rv_file = rv_dir != NULL ? g_build_filename (rv_dir, "foreloebig", "825-015-Læsø.json", NULL) : NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) election = NULL;
  g_autoptr (VkVoterList) voters = NULL;
  VkElection *rv;
  const VkArea *area;

  if (kd == NULL || areas == NULL || kv_file == NULL || rv_kd == NULL || !g_file_test (rv_kd, G_FILE_TEST_EXISTS)
      || !g_file_test (rv_file, G_FILE_TEST_EXISTS))
    return FALSE;
  election = vk_election_import_kandidatdata (kd, &error);
  g_assert_no_error (error);
  g_assert_true (vk_election_import_areas_dir (election, areas, &error));
  rv = vk_election_import_kandidatdata (rv_kd, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rv->type, ==, VK_ELECTION_RV);
  rv->seats = 25; /* Region Nordjylland since the 2027 reform (shared/docs/danish-elections.md) */
  vk_election_copy_areas (rv, election);
  g_assert_true (vk_election_add_contest (election, rv, &error));
  g_assert_no_error (error);
  joint_kv_file = vk_area_result_import (election, kv_file, &error);
  g_assert_no_error (error);
  joint_rv_file = vk_area_result_import (rv, rv_file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (joint_kv_file->area_number, ==, joint_rv_file->area_number);
  area = vk_election_lookup_area (election, joint_kv_file->area_number);
  g_assert_nonnull (area);
  voters = vk_voters_generate_for_election (election, 20, 7);
  vk_test_gui_election_create (&jfx, g_steal_pointer (&election), g_steal_pointer (&voters));
  vk_keypair_free (vk_test_gui_enroll (&jfx, "laesoe-bord1", "valgbord", area->number, 0, G_MAXINT64));
  vk_keypair_free (vk_test_gui_enroll (&jfx, "vs-anne", "valgstyrer", VK_PACKAGE_NO_AREA, 0, G_MAXINT64));
  vk_keypair_free (vk_test_gui_enroll (&jfx, "vs-bo", "valgstyrer", VK_PACKAGE_NO_AREA, 0, G_MAXINT64));
  vk_keypair_free (vk_test_gui_enroll (&jfx, "fintaelling-1", "fintaelling", VK_PACKAGE_NO_AREA, 0, G_MAXINT64));
  g_clear_pointer (&jfx.package, vk_package_free);
  return TRUE;
}

static void
add_joint_signer (VkCountPage *page, const char *name, const char *device)
{
  AdwMessageDialog *dialog;
  g_autofree char *key = vk_test_gui_key_path (jfx.dir, device);

  gtk_widget_activate_action (GTK_WIDGET (vk_count_page_get_signoff_box (page)), "signoff.add-signer", NULL);
  dialog = wait_dialog ();
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "vk-name"), name);
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "vk-key"), key);
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "vk-passphrase"), PASS);
  respond (dialog, "add");
}

static VkTallyState
station_state (VkStation *station, const char *contest, guint area)
{
  g_autoptr (VkTally) t = vk_tally_new_from_fold (
      vk_station_get_fold (station), vk_station_get_device (station)->device_id, contest, VK_RESULT_FORELOEBIG, area);
  return vk_tally_get_state (t);
}

/* One contest's foreløbig count through the page: two entries, two
 * valgstyrere, the explanation (one voter checked in, hundreds of ballots). */
static void
count_contest (VkStationWindow *win, VkCountPage *page, const VkAreaResult *file, const char *contest, const char *shot)
{
  g_autoptr (VkEntry) entry = NULL;

  type_count (page, file, NULL);
  gtk_editable_set_text (GTK_EDITABLE (pchild (page, "by_entry")), "Tilforordnet Ea");
  if (shot != NULL)
    screenshot (win, shot);
  save_round (page, "Tilforordnet Ea");
  entry = last_entry (win);
  g_assert_cmpstr (entry->type, ==, "tally");
  g_assert_cmpstr (vk_cbor_map_get_text_field (entry->body, "contest", NULL), ==, contest);
  g_clear_pointer (&entry, vk_entry_free);
  type_count (page, file, NULL);
  save_round (page, "Tilforordnet Ib");
  g_assert_true (gtk_widget_has_css_class (pchild (page, "state_label"), "vk-ok"));
  add_joint_signer (page, "Anne Valgstyrer", "vs-anne");
  add_joint_signer (page, "Bo Valgstyrer", "vs-bo");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (pchild (page, "explanation_view")),
                            "Prøvevalg: kun én vælger blev afkrydset i testen.", -1);
  gtk_widget_activate_action (GTK_WIDGET (vk_count_page_get_signoff_box (page)), "signoff.sign-off", NULL);
  spin (30);
  g_assert_true (gtk_widget_has_css_class (pchild (page, "signoff_message"), "vk-ok"));
  entry = last_entry (win);
  g_assert_cmpstr (entry->type, ==, "tally.signoff");
  g_assert_cmpstr (vk_cbor_map_get_text_field (entry->body, "contest", NULL), ==, contest);
  assert_contest_counts_equal_file (entry, vk_election_get_contest (jfx.election, contest), file, VK_RESULT_FORELOEBIG);
}

/* The joint KV + RV night at Læsø's valgbord: the check-in hands out both
 * ballots; the count page has a switcher, each contest its own double
 * entry and sign-off; the valgbog covers both once both are signed. */
static void
test_joint (void)
{
  VkStationWindow *win;
  VkCountPage *page;
  VkStation *station;
  GtkWidget *kv_button, *rv_button;
  guint area;
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");

  if (jfx.election == NULL)
    {
      g_test_skip ("no KV2025/RV2025 data of Læsø");
      return;
    }
  area = joint_kv_file->area_number;
  win = vk_test_gui_new_window (VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT); /* a 1366×768 screenshot */
  {
    g_autofree char *db = g_build_filename (jfx.dir, "laesoe-bord1.db", NULL);
    g_autofree char *key = vk_test_gui_key_path (jfx.dir, "laesoe-bord1");
    vk_test_gui_open_device (win, jfx.pkg_path, "laesoe-bord1", key, db);
  }
  station = vk_station_window_get_station (win);
  page = VK_COUNT_PAGE (vk_station_window_get_count_page (win));

  /* Check-in: the confirmation names both contests' ballots. */
  {
    g_autofree char *label = g_strdup_printf (_ ("Hand out ballots (%s)"), "KV + RV");
    g_assert_cmpstr (gtk_button_get_label (wchild (win, "checkin_button")), ==, label);
  }
  gtk_editable_set_text (GTK_EDITABLE (wchild (win, "search_entry")), "1");
  g_signal_emit_by_name (wchild (win, "search_entry"), "activate");
  gtk_widget_activate_action (wchild (win, "checkin_view"), "checkin.check-in", NULL);
  WAIT_FOR (vk_station_is_checked_in (station, 1));
  g_assert_true (gtk_widget_has_css_class (wchild (win, "message_label"), "vk-ok"));
  g_assert_nonnull (strstr (gtk_label_get_text (wchild (win, "message_label")), "(KV + RV)"));
  screenshot (win, "checkin-joint.png");

  /* The count page: the switcher, KV first. */
  gtk_stack_set_visible_child_name (wchild (win, "work_stack"), "count");
  gtk_widget_activate_action (GTK_WIDGET (page), "count.close-poll", NULL);
  respond (wait_dialog (), "close");
  g_assert_true (gtk_widget_get_visible (pchild (page, "contest_box")));
  kv_button = vk_count_page_get_contest_button (page, "KV");
  rv_button = vk_count_page_get_contest_button (page, "RV");
  g_assert_nonnull (kv_button);
  g_assert_nonnull (rv_button);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (kv_button)));
  g_assert_cmpstr (vk_count_page_get_contest (page), ==, "KV");
  /* KV's lists, not RV's. */
  {
    const VkList *kv_list = g_ptr_array_index (jfx.election->lists, 0);
    const VkList *rv_list = g_ptr_array_index (vk_election_get_contest (jfx.election, "RV")->lists, 0);
    g_autofree char *kv_field = g_strdup_printf ("lists.%s", kv_list->id);
    g_autofree char *rv_field = g_strdup_printf ("lists.%s", rv_list->id);
    g_assert_nonnull (vk_count_page_get_field (page, kv_field));
    g_assert_null (vk_count_page_get_field (page, rv_field));

    count_contest (win, page, joint_kv_file, "KV", NULL);
    /* KV signed; RV untouched, and the valgbog waits for it. */
    g_assert_cmpint (station_state (station, "KV", area), ==, VK_TALLY_SIGNED);
    g_assert_cmpint (station_state (station, "RV", area), ==, VK_TALLY_EMPTY);
    g_assert_false (gtk_widget_get_visible (pchild (page, "valgbog_section")));
    g_assert_true (gtk_widget_get_visible (pchild (page, "valgbog_pending_label")));
    g_assert_nonnull (strstr (gtk_label_get_text (pchild (page, "valgbog_pending_label")), "RV"));
    {
      /* The valgbog waits for RV; KV's record is complete. */
      g_autoptr (GError) error = NULL;
      g_autofree char *pdf = vk_valgbog_write_station (station, jfx.dir, &error);
      g_autoptr (VkTallyRecord) record = NULL;

      g_assert_null (pdf);
      g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_NOT_SIGNED);
      g_clear_error (&error);
      record = vk_tally_dup_record (station, "KV", &error);
      g_assert_no_error (error);
      g_assert_cmpstr (record->contest, ==, "KV");
      g_assert_cmpuint (record->counts->cast, ==, joint_kv_file->cast);
      g_assert_cmpuint (record->signers->len, ==, 2);
    }

    /* Through the switcher to RV: its own rows, an empty double entry. */
    g_signal_emit_by_name (rv_button, "clicked");
    spin (20);
    g_assert_cmpstr (vk_count_page_get_contest (page), ==, "RV");
    g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (kv_button)));
    g_assert_nonnull (vk_count_page_get_field (page, rv_field));
    g_assert_null (vk_count_page_get_field (page, kv_field));
    g_assert_cmpint (vk_count_form_get_state (vk_count_page_get_form (page)), ==, VK_TALLY_EMPTY);
    g_assert_cmpstr (gtk_editable_get_text (vk_count_page_get_field (page, "cast")), ==, "");
  }
  count_contest (win, page, joint_rv_file, "RV", "count-joint.png");
  g_assert_cmpint (station_state (station, "KV", area), ==, VK_TALLY_SIGNED);
  g_assert_cmpint (station_state (station, "RV", area), ==, VK_TALLY_SIGNED);
  {
    /* RV's record holds RV's entries only: open, close, two rounds, its sign-off. */
    g_autoptr (GError) error = NULL;
    g_autoptr (VkTallyRecord) record = vk_tally_dup_record (station, "RV", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (record->contest, ==, "RV");
    g_assert_cmpuint (record->counts->cast, ==, joint_rv_file->cast);
    g_assert_cmpuint (record->events->len, ==, 5);
    g_assert_cmpuint (record->entered->len, ==, 2);
    g_assert_cmpstr (record->explanation, ==, "Prøvevalg: kun én vælger blev afkrydset i testen.");
  }

  /* Back to KV: still signed, its numbers shown. */
  g_signal_emit_by_name (kv_button, "clicked");
  spin (20);
  g_assert_cmpint (vk_count_form_get_state (vk_count_page_get_form (page)), ==, VK_TALLY_SIGNED);
  {
    g_autofree char *cast = g_strdup_printf ("%" G_GUINT64_FORMAT, joint_kv_file->cast);
    g_assert_cmpstr (gtk_editable_get_text (vk_count_page_get_field (page, "cast")), ==, cast);
  }

  /* The valgbog: both contests, each with its counts and signers. */
  g_assert_true (gtk_widget_get_visible (pchild (page, "valgbog_section")));
  g_assert_false (gtk_widget_get_visible (pchild (page, "valgbog_pending_label")));
  gtk_widget_activate_action (GTK_WIDGET (vk_count_page_get_signoff_box (page)), "signoff.print-valgbog", NULL);
  g_assert_nonnull (vk_count_page_get_valgbog_path (page));
  if (pdftotext != NULL)
    {
      g_autofree char *out = NULL;
      g_autofree char *kv_cast = danish (joint_kv_file->cast), *rv_cast = danish (joint_rv_file->cast);
      const char *argv[] = { pdftotext, "-layout", vk_count_page_get_valgbog_path (page), "-", NULL };
      const char *kv_at, *rv_at;

      g_assert_cmpint (vk_test_spawn (argv, &out, NULL), ==, 0);
      kv_at = strstr (out, "Kommunalvalg (KV) – foreløbig optælling");
      rv_at = strstr (out, "Regionsrådsvalg (RV) – foreløbig optælling");
      g_assert_nonnull (kv_at);
      g_assert_nonnull (rv_at);
      g_assert_true (kv_at < rv_at);
      /* Each section has its own votes cast (the official files'). */
      g_assert_true (has_line_with (kv_at, "Afgivne stemmer", kv_cast));
      g_assert_true (has_line_with (rv_at, "Afgivne stemmer", rv_cast));
      g_assert_nonnull (strstr (out, "Foreløbig optælling KV underskrevet"));
      g_assert_nonnull (strstr (out, "Foreløbig optælling RV underskrevet"));
      g_assert_nonnull (strstr (rv_at, "Valgstyrernes underskrifter – Regionsrådsvalg (RV)"));
    }
  gtk_window_destroy (GTK_WINDOW (win));
}

/* A fintælling table of the joint event: the switcher chooses RV, whose
 * rows, double entry and doubtful ballots are RV's. */
static void
test_joint_fintaelling (void)
{
  VkStationWindow *win;
  VkCountPage *page;
  VkStation *station;
  g_autoptr (VkEntry) entry = NULL;
  g_autoptr (GPtrArray) kv_held = NULL;
  g_autoptr (GPtrArray) rv_held = NULL;
  g_autoptr (GError) error = NULL;
  const VkElection *rv;
  g_autofree char *rv_field = NULL;
  guint area;

  if (jfx.election == NULL)
    {
      g_test_skip ("no KV2025/RV2025 data of Læsø");
      return;
    }
  area = joint_kv_file->area_number;
  rv = vk_election_get_contest (jfx.election, "RV");
  rv_field = g_strdup_printf (
      "candidates.%s",
      ((VkCandidate *)g_ptr_array_index (((VkList *)g_ptr_array_index (rv->lists, 0))->candidates, 0))->id);
  win = vk_test_gui_new_window (VK_TEST_GUI_SHOT_WIDTH, VK_TEST_GUI_SHOT_HEIGHT);
  {
    g_autofree char *db = g_build_filename (jfx.dir, "fintaelling-1.db", NULL);
    g_autofree char *key = vk_test_gui_key_path (jfx.dir, "fintaelling-1");
    vk_test_gui_open_device (win, jfx.pkg_path, "fintaelling-1", key, db);
  }
  station = vk_station_window_get_station (win);
  page = VK_COUNT_PAGE (vk_station_window_get_count_page (win));
  gtk_stack_set_visible_child_name (wchild (win, "work_stack"), "count");
  g_assert_true (gtk_widget_get_visible (pchild (page, "contest_box")));
  g_assert_null (vk_count_page_get_field (page, rv_field));
  g_signal_emit_by_name (vk_count_page_get_contest_button (page, "RV"), "clicked");
  spin (20);
  g_assert_cmpstr (vk_count_page_get_contest (page), ==, "RV");
  /* RV's candidates (personal votes) are the rows now. */
  g_assert_nonnull (vk_count_page_get_field (page, rv_field));

  gtk_editable_set_text (GTK_EDITABLE (pchild (page, "doubt_count_entry")), "1");
  gtk_editable_set_text (GTK_EDITABLE (pchild (page, "doubt_note_entry")), "Krydset står uden for feltet");
  gtk_widget_activate_action (GTK_WIDGET (vk_count_page_get_doubtful_box (page)), "doubtful.set-aside", NULL);
  entry = last_entry (win);
  g_assert_cmpstr (entry->type, ==, "ballot.doubtful");
  g_assert_cmpstr (vk_cbor_map_get_text_field (entry->body, "contest", NULL), ==, "RV");
  rv_held = vk_tally_dup_doubtful (station, "RV", area, &error);
  g_assert_no_error (error);
  kv_held = vk_tally_dup_doubtful (station, "KV", area, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rv_held->len, ==, 1);
  g_assert_cmpuint (kv_held->len, ==, 0);
  g_assert_nonnull (gtk_list_box_get_row_at_index (pchild (page, "doubt_list"), 0));
  /* Back to KV: its doubtful ballots (none). */
  g_signal_emit_by_name (vk_count_page_get_contest_button (page, "KV"), "clicked");
  spin (20);
  g_assert_null (gtk_list_box_get_row_at_index (pchild (page, "doubt_list"), 0));
  gtk_window_destroy (GTK_WINDOW (win));
}

int
main (int argc, char **argv)
{
  int status;

  if (!vk_test_gui_init (&argc, &argv, "/gui/count/skip"))
    return g_test_run ();
  (void)make_fixture ();
  (void)make_joint_fixture ();
  g_test_add_func ("/gui/count/foreloebig", test_foreloebig);
  g_test_add_func ("/gui/count/fintaelling", test_fintaelling);
  g_test_add_func ("/gui/count/joint", test_joint);
  g_test_add_func ("/gui/count/joint-fintaelling", test_joint_fintaelling);
  status = g_test_run ();
  vk_test_gui_election_clear (&fx);
  vk_test_gui_election_clear (&jfx);
  g_clear_pointer (&joint_kv_file, vk_area_result_free);
  g_clear_pointer (&joint_rv_file, vk_area_result_free);
  return status;
}
