/* vk-ui-util.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#ifdef VK_HAVE_UNIX_PRINT
#include <gtk/gtkunixprint.h>
#endif

#include "vk-entry-schema.h"
#include "vk-tally.h"
#include "vk-text.h"
#include "vk-ui-util.h"
#include "vk-valgkort.h"

static const char *const place_keys[VK_UI_N_PLACES]
    = { "borgerservice", "hjem", "plejehjem", "hospital", "faengsel", "andet" };

void
vk_ui_show_message (GtkLabel *label, const char *css_class, const char *text)
{
  static const char *const kinds[] = { "vk-ok", "vk-blocked", "vk-warning" };

  g_return_if_fail (GTK_IS_LABEL (label));

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (label), kinds[i]);
  if (text == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (label), FALSE);
      return;
    }
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (label), css_class);
  gtk_label_set_text (label, text);
  gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
}

/* The stations are in Denmark, whatever the machine's zone says. */
static GTimeZone *
danish_time_zone (void)
{
  static gsize tz;

  if (g_once_init_enter (&tz))
    {
      GTimeZone *zone = g_time_zone_new_identifier ("Europe/Copenhagen");
      if (zone == NULL)
        zone = g_time_zone_new_local ();
      g_once_init_leave (&tz, (gsize)zone);
    }
  return (GTimeZone *)tz;
}

char *
vk_ui_format_time (guint64 time_ms, const char *format)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc ((gint64)(time_ms / 1000));
  g_autoptr (GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, danish_time_zone ()) : NULL;

  return local != NULL ? g_date_time_format (local, format) : g_strdup ("?");
}

char *
vk_ui_format_clock (guint64 time_ms)
{
  return vk_ui_format_time (time_ms, "%H.%M");
}

char *
vk_ui_format_date_clock (guint64 time_ms)
{
  return vk_ui_format_time (time_ms, "%d-%m-%Y kl. %H.%M");
}

char *
vk_ui_format_birth_date (const char *iso)
{
  if (iso == NULL || strlen (iso) != 10)
    return g_strdup (iso != NULL ? iso : "");
  return g_strdup_printf ("%.2s-%.2s-%.4s", iso + 8, iso + 5, iso);
}

const char *
vk_ui_role_label (const char *role)
{
  switch (vk_device_role_from_string (role))
    {
      case VK_ROLE_VALGBORD:
        return _ ("Polling table");
      case VK_ROLE_BREVSTEMMESTED:
        return _ ("Postal voting (Borgerservice)");
      case VK_ROLE_HJEMMEBESOEG:
        return _ ("Home visits");
      case VK_ROLE_FINTAELLING:
        return _ ("Counting table");
      case VK_ROLE_INVALID:
      case VK_ROLE_OPTAELLING:
      case VK_ROLE_SERVER:
      case VK_ROLE_VALGSTYRER:
      case VK_ROLE_REVISOR:
      case VK_ROLE_COLLECTOR:
      case VK_ROLE_VALGSEKRETARIAT:
      default:
        return role;
    }
}

const char *
vk_ui_place_key (guint index)
{
  return place_keys[MIN (index, VK_UI_N_PLACES - 1)];
}

const char *
vk_ui_place_label (const char *place)
{
  for (guint i = 0; i < G_N_ELEMENTS (place_keys); i++)
    if (g_strcmp0 (place, place_keys[i]) == 0)
      {
        switch (i)
          {
            case 0:
              return _ ("Borgerservice");
            case 1:
              return _ ("Home");
            case 2:
              return _ ("Care home");
            case 3:
              return _ ("Hospital");
            case 4:
              return _ ("Prison");
            default:
              return _ ("Other");
          }
      }
  return place;
}

const char *
vk_ui_reason_label (guint reason)
{
  switch (reason)
    {
      case 1:
        return _ ("not on the valgliste");
      case 2:
        return _ ("moved out or dead");
      case 3:
        return _ ("more than one følgebrev or envelope");
      case 4:
        return _ ("non-official material");
      case 5:
        return _ ("procedure not followed, or the voter has already voted in person");
      case 6:
        return _ ("cast outside the deadlines");
      case 7:
        return _ ("a later brevstemme from the same voter counts instead");
      default:
        return "";
    }
}

const char *
vk_ui_area_name (VkStation *station, guint number)
{
  const VkArea *area = vk_election_lookup_area (vk_station_get_election (station), number);
  return area != NULL ? area->name : "";
}

char *
vk_ui_voter_details (VkStation *station, const VkVoter *v)
{
  g_autofree char *born = vk_ui_format_birth_date (v->birth_date);
  return g_strdup_printf (_ ("%s\nBorn %s\nNumber %u on the valgliste of area %u %s"),
                          *v->address != '\0' ? v->address : _ ("(no address)"), born, v->loebenummer, v->area,
                          vk_ui_area_name (station, v->area));
}

char *
vk_ui_search_error_dup_text (const char *query)
{
  if (vk_valgkort_looks_like (query))
    {
      g_autofree char *code = g_strstrip (g_strdup (query));

      /* A code that parses was refused for its kommunekode. */
      if (vk_valgkort_parse (code, NULL, NULL))
        return g_strdup (_ ("This valgkort is from another municipality. Search by name or birth date instead."));
      return g_strdup_printf (_ ("The barcode cannot be read: “%s”. Scan it again, or search by name or "
                                 "birth date."),
                              code);
    }
  return g_strdup (
      _ ("The search cannot be understood: a date or CPR number that does not exist. Check what was typed."));
}

void
vk_ui_remove_children (GtkWidget *box)
{
  GtkWidget *child;

  g_return_if_fail (GTK_IS_WIDGET (box));

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_LIST_BOX (box))
        gtk_list_box_remove (GTK_LIST_BOX (box), child);
      else
        gtk_box_remove (GTK_BOX (box), child);
    }
}

void
vk_ui_clear_list (GtkListBox *list)
{
  vk_ui_remove_children (GTK_WIDGET (list));
}

GtkWidget *
vk_ui_make_row (const char *title, const char *subtitle, const char *badge, gpointer data)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *t = gtk_label_new (title);
  GtkWidget *s = gtk_label_new (subtitle);

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (t), 0);
  gtk_label_set_xalign (GTK_LABEL (s), 0);
  gtk_label_set_ellipsize (GTK_LABEL (s), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (t, "vk-row-title");
  gtk_widget_add_css_class (s, "dim-label");
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (texts), t);
  gtk_box_append (GTK_BOX (texts), s);
  gtk_box_append (GTK_BOX (box), texts);
  if (badge != NULL)
    {
      GtkWidget *b = gtk_label_new (badge);
      gtk_widget_add_css_class (b, "warning");
      gtk_widget_set_valign (b, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), b);
    }
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "vk-data", data);
  return row;
}

static void
file_chosen_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  const char *action = g_object_get_data (G_OBJECT (dialog), "vk-action");
  GtkWidget *widget = g_object_get_data (G_OBJECT (dialog), "vk-widget");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      if (path != NULL)
        gtk_widget_activate_action (widget, action, "s", path);
    }
  g_object_unref (dialog);
}

void
vk_ui_choose_file (GtkWidget *widget, const char *title, GtkFileChooserAction mode, const char *action)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *dialog
      = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, mode, NULL, NULL);

  g_object_set_data_full (G_OBJECT (dialog), "vk-action", g_strdup (action), g_free);
  /* The page may go while the chooser is open: it is kept until the answer. */
  g_object_set_data_full (G_OBJECT (dialog), "vk-widget", g_object_ref (widget), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (file_chosen_cb), NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* The engines' refusals.  Each code is one rule; the sentence says what
 * to do.  The table, with the rules' legal basis, is in
 * docs/station-app.md and docs/counting.md. */

static const char *
station_error_text (VkStationError code)
{
  switch (code)
    {
      case VK_STATION_ERROR_WRONG_ROLE:
        return _ ("This device's role does not allow this.");
      case VK_STATION_ERROR_POLL_CLOSED:
        return _ ("The poll is closed: no more ballots can be handed out.");
      case VK_STATION_ERROR_ALREADY_CLOSED:
        return _ ("The poll is already closed.");
      case VK_STATION_ERROR_NOT_ON_LIST:
        return _ ("The voter is not on the valgliste.");
      case VK_STATION_ERROR_ALREADY_CHECKED_IN:
        return _ ("ALREADY CHECKED IN: the voter has been checked in at a table. Do not hand out a ballot.");
      case VK_STATION_ERROR_HAS_BREVSTEMME:
        return _ ("HAS VOTED BY LETTER: the voter's brevstemme has been accepted. Do not hand out a ballot.");
      case VK_STATION_ERROR_NOT_VALGSTYRER:
        return _ ("Only a valgstyrer can undo a check-in.");
      case VK_STATION_ERROR_NO_REASON:
        return _ ("Write the reason for the undo.");
      case VK_STATION_ERROR_NOT_STANDING:
        return _ ("The check-in has already been undone, or it does not exist.");
      case VK_STATION_ERROR_BAD_PLACE:
        return _ ("Choose where the brevstemme was cast.");
      case VK_STATION_ERROR_SAME_PERSON:
        return _ ("The same name is given twice: two different people are needed.");
      case VK_STATION_ERROR_TOO_FEW_RECEIVERS:
        return _ ("Too few stemmemodtagere: two in a home or a care home, otherwise one.");
      case VK_STATION_ERROR_BAD_CPR:
        return _ ("Type the CPR number as DDMMYY-SSSS, with a real date.");
      case VK_STATION_ERROR_CPR_MISMATCH:
        return _ ("The CPR number does not match the voter's birth date: check that the right voter is chosen.");
      case VK_STATION_ERROR_UNKNOWN_ENVELOPE:
        return _ ("This envelope is not known here: its brevstemme journal has not arrived yet.");
      case VK_STATION_ERROR_ALREADY_DECIDED:
        return _ ("This brevstemme has already been decided.");
      case VK_STATION_ERROR_TOO_FEW_VALGSTYRERE:
        return _ ("Two different valgstyrere must check the brevstemme: type both names.");
      case VK_STATION_ERROR_CANNOT_ACCEPT:
        return _ ("This brevstemme cannot be accepted: the law says it must be rejected.");
      case VK_STATION_ERROR_BAD_REJECTION_REASON:
        return _ ("Choose the reason for the rejection (1–7).");
      case VK_STATION_ERROR_WRONG_DATE:
        return _ ("Today is not election day: a valgstyrer must confirm before this is recorded.");
      case VK_STATION_ERROR_OUTSIDE_WINDOW:
        return _ ("The brevstemme period has not begun: a valgstyrer must confirm before the brevstemme is "
                  "received.");
      case VK_STATION_ERROR_TOO_LATE:
        return _ ("TOO LATE: the brevstemme period has ended. A brevstemme cast now cannot count and is not "
                  "received.");
      case VK_STATION_ERROR_UNDECIDED_BREVSTEMMER:
        return _ ("Brevstemmer of this area are still undecided: decide each of them first (two valgstyrere).");
      case VK_STATION_ERROR_CANCELLED:
        return _ ("This brevstemme has been cancelled by the team that received it.");
      case VK_STATION_ERROR_NOT_CANCELLABLE:
        return _ ("This brevstemme cannot be cancelled here: it is decided, or another team received it.");
      case VK_STATION_ERROR_UNCONFIRMED_BREVSTEMME:
        return _ ("The voter has a brevstemme that is not decided yet: a valgstyrer must confirm.");
      case VK_STATION_ERROR_NOT_ELIGIBLE:
        return _ ("NOT ELIGIBLE: the voter may not vote in any contest of this election. Do not hand out a ballot.");
      default:
        return NULL;
    }
}

static const char *
tally_error_text (VkTallyError code)
{
  switch (code)
    {
      case VK_TALLY_ERROR_WRONG_TABLE:
        return _ ("This table does not take this count.");
      case VK_TALLY_ERROR_WRONG_ROUND:
        return _ ("A count is saved as the first or the second entry, with the name of who typed it.");
      case VK_TALLY_ERROR_SIGNED:
        return _ ("The count is signed off and final: it cannot be changed.");
      case VK_TALLY_ERROR_ROUND1_FIRST:
        return _ ("Save the first entry before the second.");
      case VK_TALLY_ERROR_SAME_PERSON:
        return _ ("The two entries must be made by two different people: the other entry was made by "
                  "the same name.");
      case VK_TALLY_ERROR_NOT_ENTERED:
        return _ ("Both entries of the count must be saved before the sign-off.");
      case VK_TALLY_ERROR_DIFFERENT:
        return _ ("The two entries differ: correct one of them first.");
      case VK_TALLY_ERROR_CHECK_FAILED:
        return _ ("A check fails: correct the numbers first (see Checks).");
      case VK_TALLY_ERROR_NO_EXPLANATION:
        return _ ("The votes cast differ from the marked voters: write the explanation first.");
      case VK_TALLY_ERROR_TOO_FEW_SIGNERS:
        return _ ("At least two valgstyrere must sign: add each with their own key.");
      case VK_TALLY_ERROR_NOT_VALGSTYRER:
        return _ ("A signer's key is not enrolled as a valgstyrer's key.");
      case VK_TALLY_ERROR_NOT_SIGNED:
        return _ ("The valgbog is printed after the sign-off of the count.");
      case VK_TALLY_ERROR_NOT_FINTAELLING:
        return _ ("Doubtful ballots are set aside and decided at a fintælling table.");
      case VK_TALLY_ERROR_UNKNOWN_AREA:
        return _ ("This area is not an area of the election.");
      case VK_TALLY_ERROR_DOUBTFUL_NONE:
        return _ ("Type how many ballots are set aside.");
      case VK_TALLY_ERROR_DOUBTFUL_NO_NOTE:
        return _ ("Write why the ballots are doubtful.");
      case VK_TALLY_ERROR_DOUBTFUL_UNKNOWN_REF:
        return _ ("These doubtful ballots were not set aside at this table for this area.");
      case VK_TALLY_ERROR_DOUBTFUL_TOO_MANY:
        return _ ("The decision is for no ballots, or for more than remain undecided.");
      case VK_TALLY_ERROR_DOUBTFUL_UNKNOWN_ID:
        return _ ("This list or candidate is not in the election.");
      case VK_TALLY_ERROR_DOUBTFUL_BAD_CODE:
        return _ ("Choose a reason of invalidity from the list.");
      default:
        return NULL;
    }
}

static const char *
entry_error_text (VkEntryError code)
{
  switch (code)
    {
      case VK_ENTRY_ERROR_FIELD:
        return _ ("A journal entry has a missing or wrong field.");
      case VK_ENTRY_ERROR_UNKNOWN_TYPE:
        return _ ("A journal entry is of a type valgkit does not know.");
      case VK_ENTRY_ERROR_UNKNOWN_ID:
        return _ ("A journal entry names a list or candidate the election does not have.");
      case VK_ENTRY_ERROR_ROLE:
        return _ ("A journal entry was written by a device whose role does not allow it, or that is not enrolled.");
      case VK_ENTRY_ERROR_AREA:
        return _ ("A journal entry is for an area other than the device's.");
      case VK_ENTRY_ERROR_DECISION:
        return _ ("A decision on doubtful ballots is for more ballots than were set aside.");
      default:
        return NULL;
    }
}

char *
vk_ui_error_dup_text (const GError *error)
{
  const char *text = NULL;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == VK_STATION_ERROR)
    text = station_error_text ((VkStationError)error->code);
  else if (error->domain == VK_TALLY_ERROR)
    text = tally_error_text ((VkTallyError)error->code);
  else if (error->domain == VK_ENTRY_ERROR)
    text = entry_error_text ((VkEntryError)error->code);
  /* Any other message may quote a file name or an id from a stick or
   * the network: control characters escaped. */
  return text != NULL ? g_strdup (text) : vk_text_escape_controls (error->message);
}

char *
vk_ui_format_election_id (const guint8 *election_id)
{
  g_autofree char *hex = NULL;
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (election_id != NULL, NULL);

  hex = vk_hex_encode (election_id, VK_ELECTION_ID_BYTES);
  for (gsize i = 0; hex[i] != '\0'; i++)
    {
      if (i > 0 && i % 8 == 0)
        g_string_append_c (out, ' ');
      g_string_append_c (out, hex[i]);
    }
  return g_string_free (out, FALSE);
}

gboolean
vk_ui_package_is_test (VkPackage *package)
{
  const VkElection *e;

  g_return_val_if_fail (package != NULL, FALSE);

  e = vk_package_get_election (package);
  return e != NULL && e->test;
}

typedef struct
{
  char *path;
  char *passphrase;
} LoadKey;

static void
load_key_free (LoadKey *data)
{
  g_free (data->path);
  if (data->passphrase != NULL)
    sodium_memzero (data->passphrase, strlen (data->passphrase));
  g_free (data->passphrase);
  g_free (data);
}

static void
load_key_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  LoadKey *data = task_data;
  GError *error = NULL;
  VkKeypair *key = vk_keypair_load (data->path, data->passphrase, &error);

  if (key == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, key, (GDestroyNotify)vk_keypair_free);
}

void
vk_ui_load_key_async (const char *path, const char *passphrase, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  LoadKey *data = g_new0 (LoadKey, 1);

  data->path = g_strdup (path);
  data->passphrase = g_strdup (passphrase);
  g_task_set_task_data (task, data, (GDestroyNotify)load_key_free);
  g_task_run_in_thread (task, load_key_thread);
}

VkKeypair *
vk_ui_load_key_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
busy_pulse_cb (gpointer user_data)
{
  gtk_progress_bar_pulse (GTK_PROGRESS_BAR (user_data));
  return G_SOURCE_CONTINUE;
}

static void
busy_source_remove (gpointer id)
{
  g_source_remove (GPOINTER_TO_UINT (id));
}

void
vk_ui_busy_start (GtkProgressBar *bar)
{
  g_return_if_fail (GTK_IS_PROGRESS_BAR (bar));

  if (vk_ui_busy_get (bar))
    return;
  gtk_progress_bar_set_pulse_step (bar, 0.12);
  gtk_progress_bar_pulse (bar);
  g_object_set_data_full (G_OBJECT (bar), "vk-busy", GUINT_TO_POINTER (g_timeout_add (100, busy_pulse_cb, bar)),
                          busy_source_remove);
  gtk_widget_set_opacity (GTK_WIDGET (bar), 1.0);
}

void
vk_ui_busy_stop (GtkProgressBar *bar)
{
  g_return_if_fail (GTK_IS_PROGRESS_BAR (bar));
  g_object_set_data (G_OBJECT (bar), "vk-busy", NULL);
  gtk_progress_bar_set_fraction (bar, 0);
  /* Its room stays: nothing moves when it comes and goes. */
  gtk_widget_set_opacity (GTK_WIDGET (bar), 0.0);
}

gboolean
vk_ui_busy_get (GtkProgressBar *bar)
{
  g_return_val_if_fail (GTK_IS_PROGRESS_BAR (bar), FALSE);
  return g_object_get_data (G_OBJECT (bar), "vk-busy") != NULL;
}

void
vk_ui_wrap_button_labels (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (GTK_IS_BUTTON (root) && GTK_IS_LABEL (gtk_button_get_child (GTK_BUTTON (root))))
    {
      GtkLabel *label = GTK_LABEL (gtk_button_get_child (GTK_BUTTON (root)));
      gtk_label_set_wrap (label, TRUE);
      gtk_label_set_justify (label, GTK_JUSTIFY_CENTER);
      return;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    vk_ui_wrap_button_labels (c);
}

GtkWidget *
vk_ui_labelled_field (const char *mnemonic_label, GtkWidget *field)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *label = gtk_label_new_with_mnemonic (mnemonic_label);

  g_return_val_if_fail (GTK_IS_WIDGET (field), NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), field);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  if (GTK_IS_ENTRY (field) || GTK_IS_PASSWORD_ENTRY (field))
    g_object_set (field, "activates-default", TRUE, NULL);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), field);
  return box;
}

/* Printing. */

char *
vk_ui_printout_dir (void)
{
  const char *env = g_getenv ("VALGKIT_PRINT_DIR");
  const char *docs = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
  char *dir;

  if (env != NULL && *env != '\0')
    dir = g_strdup (env);
  else if (docs != NULL && g_strcmp0 (docs, g_get_home_dir ()) != 0)
    dir = g_build_filename (docs, "valgkit", NULL);
  else
    dir = g_build_filename (g_get_home_dir (), "valgkit", NULL);
  (void)g_mkdir_with_parents (dir, 0700);
  return dir;
}

void
vk_ui_open_folder (GtkWidget *widget, const char *path)
{
  g_autofree char *dir = NULL, *uri = NULL;
  GtkRoot *root;

  g_return_if_fail (GTK_IS_WIDGET (widget) && path != NULL);

  dir = g_file_test (path, G_FILE_TEST_IS_DIR) ? g_strdup (path) : g_path_get_dirname (path);
  uri = g_filename_to_uri (dir, NULL, NULL);
  root = gtk_widget_get_root (widget);
  if (uri != NULL)
    gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
}

typedef struct
{
  char *path;
  char *title;
  GtkWidget *widget;
  GtkLabel *status; /* weak */
  GObject *job;     /* the GtkPrintJob while it is sent */
  char *prefix;     /* the first line status said when printing began (a kuvert id) */
} PrintRequest;

static void
print_request_free (PrintRequest *r)
{
  if (r->status != NULL)
    g_object_remove_weak_pointer (G_OBJECT (r->status), (gpointer *)&r->status);
  g_clear_object (&r->widget);
  g_clear_object (&r->job);
  g_free (r->prefix);
  g_free (r->path);
  g_free (r->title);
  g_free (r);
}

/* The outcome under what the page said before (which may hold a kuvert id). */
static void
print_status (PrintRequest *r, const char *css_class, const char *text)
{
  g_autofree char *full = NULL;

  if (r->status == NULL)
    return;
  full = r->prefix != NULL && *r->prefix != '\0' ? g_strdup_printf ("%s\n%s", r->prefix, text) : g_strdup (text);
  vk_ui_show_message (r->status, css_class, full);
}

static void
print_viewer_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PrintRequest *r = user_data;
  g_autoptr (GError) error = NULL;

  if (!gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error))
    {
      g_autofree char *text
          = g_strdup_printf (_ ("No PDF viewer could open it (%s). The PDF is saved as %s: print it from another "
                                "computer or copy it to USB."),
                             error->message, r->path);
      print_status (r, "vk-warning", text);
    }
  print_request_free (r);
}

/* Without a printer that takes PDF: the default viewer prints it. */
static void
print_in_viewer (PrintRequest *r, const char *why)
{
  g_autofree char *uri = g_filename_to_uri (r->path, NULL, NULL);
  g_autofree char *text
      = g_strdup_printf (_ ("%s The PDF %s opens in the PDF viewer: print it from there."), why, r->path);
  GtkRoot *root = gtk_widget_get_root (r->widget);

  print_status (r, "vk-warning", text);
  if (uri == NULL || !GTK_IS_WINDOW (root))
    {
      print_request_free (r);
      return;
    }
  gtk_show_uri_full (GTK_WINDOW (root), uri, GDK_CURRENT_TIME, NULL, print_viewer_cb, r);
}

#ifdef VK_HAVE_UNIX_PRINT
static void
print_job_done_cb (GtkPrintJob *job, gpointer user_data, const GError *error)
{
  PrintRequest *r = user_data;
  g_autofree char *text = NULL;

  if (error != NULL)
    {
      text = g_strdup_printf (_ ("The printer refused the job (%s). The PDF is saved as %s."), error->message, r->path);
      print_status (r, "vk-blocked", text);
      return;
    }
  text = g_strdup_printf (_ ("Sent to the printer %s. The PDF is saved as %s."),
                          gtk_printer_get_name (gtk_print_job_get_printer (job)), r->path);
  print_status (r, "vk-ok", text);
}

static void
print_dialog_response_cb (GtkDialog *dialog, int response, gpointer user_data)
{
  PrintRequest *r = user_data;
  GtkPrintUnixDialog *d = GTK_PRINT_UNIX_DIALOG (dialog);
  GtkPrinter *printer = response == GTK_RESPONSE_OK ? gtk_print_unix_dialog_get_selected_printer (d) : NULL;

  if (response != GTK_RESPONSE_OK)
    {
      g_autofree char *text = g_strdup_printf (_ ("Not printed. The PDF is saved as %s."), r->path);
      print_status (r, NULL, text);
      print_request_free (r);
    }
  else if (printer == NULL || !gtk_printer_accepts_pdf (printer))
    print_in_viewer (r, _ ("This printer does not take PDF."));
  else
    {
      g_autoptr (GtkPrintSettings) settings = gtk_print_unix_dialog_get_settings (d);
      g_autoptr (GtkPrintJob) job
          = gtk_print_job_new (r->title, printer, settings, gtk_print_unix_dialog_get_page_setup (d));
      g_autoptr (GError) error = NULL;

      if (!gtk_print_job_set_source_file (job, r->path, &error))
        {
          g_autofree char *text
              = g_strdup_printf (_ ("Cannot print %s: %s. The PDF is saved there."), r->path, error->message);
          print_status (r, "vk-blocked", text);
          print_request_free (r);
        }
      else
        {
          r->job = G_OBJECT (g_object_ref (job));
          gtk_print_job_send (job, print_job_done_cb, r, (GDestroyNotify)print_request_free);
        }
    }
  gtk_window_destroy (GTK_WINDOW (dialog));
}
#endif

void
vk_ui_print_pdf (GtkWidget *widget, const char *path, const char *title, GtkLabel *status)
{
  PrintRequest *r;

  g_return_if_fail (GTK_IS_WIDGET (widget) && path != NULL);

  r = g_new0 (PrintRequest, 1);
  r->path = g_strdup (path);
  r->title = g_strdup (title != NULL ? title : "valgkit");
  r->widget = g_object_ref (widget);
  r->status = status;
  if (status != NULL)
    {
      const char *now = gtk_label_get_text (status);
      const char *nl = now != NULL ? strchr (now, '\n') : NULL;

      r->prefix = nl != NULL ? g_strndup (now, (gsize)(nl - now)) : g_strdup (now);
      g_object_add_weak_pointer (G_OBJECT (status), (gpointer *)&r->status);
    }
#ifdef VK_HAVE_UNIX_PRINT
  {
    GtkRoot *root = gtk_widget_get_root (widget);
    GtkWidget *dialog = gtk_print_unix_dialog_new (_ ("Print"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);

    gtk_print_unix_dialog_set_embed_page_setup (GTK_PRINT_UNIX_DIALOG (dialog), FALSE);
    gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
    g_signal_connect (dialog, "response", G_CALLBACK (print_dialog_response_cb), r);
    gtk_window_present (GTK_WINDOW (dialog));
  }
#else
  print_in_viewer (r, _ ("This build cannot print directly."));
#endif
}
