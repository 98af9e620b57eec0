/* station-window.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "station-window.h"
#include "count-page.h"
#include "vk-cpr.h"
#include "vk-device-key.h"
#include "vk-error.h"
#include "vk-label.h"
#include "vk-sync.h"
#include "vk-valgkort.h"
#include "vk-voter-index.h"

#define RESULT_LIMIT 50

struct _VkStationWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets. */
  AdwWindowTitle *window_title;
  GtkStackSwitcher *work_switcher;
  GtkMenuButton *menu_button;
  GtkToggleButton *valgstyrer_button;
  GtkStack *stack;
  GtkStack *work_stack;
  GtkStackPage *checkin_page;
  GtkStackPage *decide_page;
  GtkStackPage *receive_page;
  /* setup */
  GtkEntry *package_entry;
  GtkDropDown *device_dropdown;
  GtkEntry *key_entry;
  GtkPasswordEntry *passphrase_entry;
  GtkEntry *db_entry;
  GtkLabel *setup_error;
  GtkWindow *key_dialog; /* "Create a new key…", while open */
  /* check-in */
  GtkEntry *search_entry;
  GtkLabel *search_info;
  GtkListBox *results;
  GtkLabel *count_label;
  GtkDrawingArea *chart;
  GtkLabel *message_label;
  GtkLabel *voter_name;
  GtkLabel *voter_details;
  GtkBox *birth_box;
  GtkEntry *birth_entry;
  GtkCheckButton *assisted_check;
  GtkButton *checkin_button;
  GtkButton *undo_button;
  /* brevstemmer at the station */
  GtkEntry *envelope_entry;
  GtkListBox *envelope_list;
  GtkLabel *env_message;
  GtkLabel *env_title;
  GtkLabel *env_details;
  GtkLabel *env_assessment;
  GtkEntry *styrer1_entry;
  GtkEntry *styrer2_entry;
  GtkDropDown *reason_dropdown;
  GtkButton *accept_button;
  GtkButton *reject_button;
  /* receiving brevstemmer */
  GtkEntry *brev_search_entry;
  GtkListBox *brev_results;
  GtkLabel *brev_count;
  GtkLabel *brev_message;
  GtkLabel *brev_voter;
  GtkLabel *brev_voter_details;
  GtkPasswordEntry *cpr_entry;
  GtkDropDown *place_dropdown;
  GtkEntry *receiver1_entry;
  GtkEntry *receiver2_entry;
  GtkButton *receive_button;
  GtkButton *label_button;
  /* counting (built in code: it exists for valgbord and fintælling only) */
  VkCountPage *count_page;

  /* State. */
  VkPackage *package;
  GPtrArray *devices; /* VkDevice*, as listed in the dropdown */
  VkKeypair *key;
  VkStation *station;
  GTimeZone *tz;
  char *connection_state;
  gboolean confirm_birth_date;
  const VkVoter *selected; /* borrowed from the station's index */
  gboolean selected_by_scan;
  const VkVoter *brev_selected;
  char *envelope_selected;
  guint received_here;
  GStrv peers;
  char *server;
  VkSyncRunner *sync;
  char *listen;   /* HOST:PORT for other tables, or NULL */
  char *tls_cert; /* PEM files for a listen address off loopback */
  char *tls_key;
  VkSyncServer *listener;
  char *db_path;
  char *last_envelope; /* received in this session: "Print følgebrev" */
};

G_DEFINE_FINAL_TYPE (VkStationWindow, vk_station_window, ADW_TYPE_APPLICATION_WINDOW)

static int compare_names (gconstpointer a, gconstpointer b);

static const char *const place_keys[] = { "borgerservice", "hjem", "plejehjem", "hospital", "faengsel", "andet" };

/* Helpers. */

static char *
format_time (VkStationWindow *self, guint64 time_ms, const char *format)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc ((gint64)(time_ms / 1000));
  g_autoptr (GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, self->tz) : NULL;

  return local != NULL ? g_date_time_format (local, format) : g_strdup ("?");
}

/* YYYY-MM-DD → DD-MM-YYYY, as Danes write it. */
static char *
format_birth_date (const char *iso)
{
  if (iso == NULL || strlen (iso) != 10)
    return g_strdup (iso != NULL ? iso : "");
  return g_strdup_printf ("%.2s-%.2s-%.4s", iso + 8, iso + 5, iso);
}

static const char *
area_name (VkStationWindow *self, guint number)
{
  const VkArea *area = vk_election_lookup_area (vk_station_get_election (self->station), number);
  return area != NULL ? area->name : "";
}

static const char *
role_label (const char *role)
{
  if (g_strcmp0 (role, "valgbord") == 0)
    return _ ("Polling table");
  if (g_strcmp0 (role, "brevstemmested") == 0)
    return _ ("Postal voting (Borgerservice)");
  if (g_strcmp0 (role, "hjemmebesoeg") == 0)
    return _ ("Home visits");
  if (g_strcmp0 (role, "fintaelling") == 0)
    return _ ("Counting table");
  return role;
}

static const char *
place_label (const char *place)
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

static const char *
reason_label (guint reason)
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

/* Shows a big message: kind is "vk-ok", "vk-blocked" or "vk-warning";
 * NULL text hides it. */
static void
show_message (GtkLabel *label, const char *kind, const char *text)
{
  static const char *const kinds[] = { "vk-ok", "vk-blocked", "vk-warning" };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (label), kinds[i]);
  if (text == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (label), FALSE);
      return;
    }
  gtk_widget_add_css_class (GTK_WIDGET (label), kind);
  gtk_label_set_text (label, text);
  gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static GtkWidget *
make_row (const char *title, const char *subtitle, const char *badge, gpointer data)
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
update_header (VkStationWindow *self)
{
  const VkElection *e;
  const VkDevice *d;
  g_autofree char *title = NULL;
  g_autofree char *area = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *date = NULL;

  if (self->station == NULL)
    return;
  e = vk_station_get_election (self->station);
  d = vk_station_get_device (self->station);
  date = format_birth_date (e->date);
  title = g_strdup_printf ("%s %s · %s", vk_election_type_to_string (e->type), date, e->municipality);
  if (d->area != VK_PACKAGE_NO_AREA)
    area = g_strdup_printf (_ ("Area %u %s"), d->area, area_name (self, d->area));
  else
    area = g_strdup (_ ("All areas"));
  subtitle = g_strdup_printf ("%s · %s · %s · %s", area, role_label (d->role), d->device_id,
                              self->connection_state != NULL ? self->connection_state : _ ("Offline"));
  if (self->listener != NULL && vk_sync_server_get_url (self->listener) != NULL)
    {
      char *with_url = g_strdup_printf (_ ("%s · listening on %s"), subtitle, vk_sync_server_get_url (self->listener));
      g_free (subtitle);
      subtitle = with_url;
    }
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

/* Counts and the chart. */

static void
refresh_counts (VkStationWindow *self)
{
  VkStationCounts c;
  g_autofree char *pct = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  char *dot;

  if (self->station == NULL)
    return;
  vk_station_get_counts (self->station, &c);
  pct = g_strdup_printf ("%.1f", c.turnout * 100.0);
  /* Translators: the decimal separator for the turnout percentage. */
  if ((dot = strchr (pct, '.')) != NULL)
    *dot = *C_ ("decimal separator", ".");
  g_string_append_printf (text, _ ("Checked in: %u of %u · Brevstemmer accepted: %u · Turnout: %s %%"), c.checked_in,
                          c.eligible, c.brevstemmer_accepted, pct);
  if (c.assisted > 0)
    g_string_append_printf (text, _ (" · With personal assistance: %u"), c.assisted);
  if (c.conflicts > 0)
    g_string_append_printf (text, _ ("\nWarning: %u voters are checked in at two tables (D04)"), c.conflicts);
  gtk_label_set_text (self->count_label, text->str);
  gtk_widget_queue_draw (GTK_WIDGET (self->chart));
}

static void
draw_chart (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  VkStationWindow *self = user_data;
  VkStationCounts c = { 0 };
  const guint first = 7, last = 21;
  guint max = 1;
  double slot = (double)width / (last - first + 1);
  GdkRGBA fg;
  PangoLayout *layout;

  if (self->station != NULL)
    vk_station_get_counts (self->station, &c);
  for (guint h = first; h <= last; h++)
    max = MAX (max, c.per_hour[h]);
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (area), NULL);
  for (guint h = first; h <= last; h++)
    {
      double bar = (height - 36.0) * c.per_hour[h] / max;
      double x = (h - first) * slot;
      char text[16];
      int tw, th;

      cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 1.0);
      cairo_rectangle (cr, x + slot * 0.15, height - 18 - bar, slot * 0.7, bar);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, &fg);
      g_snprintf (text, sizeof text, "%02u", h);
      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      cairo_move_to (cr, x + (slot - tw) / 2, height - th);
      pango_cairo_show_layout (cr, layout);
      if (c.per_hour[h] > 0)
        {
          g_snprintf (text, sizeof text, "%u", c.per_hour[h]);
          pango_layout_set_text (layout, text, -1);
          pango_layout_get_pixel_size (layout, &tw, &th);
          cairo_move_to (cr, x + (slot - tw) / 2, height - 18 - bar - th);
          pango_cairo_show_layout (cr, layout);
        }
    }
  g_object_unref (layout);
}

/* Check-in. */

static void
clear_voter (VkStationWindow *self)
{
  self->selected = NULL;
  self->selected_by_scan = FALSE;
  gtk_label_set_text (self->voter_name, _ ("No voter chosen"));
  gtk_label_set_text (self->voter_details, _ ("Scan a valgkort or search for the voter."));
  gtk_widget_set_visible (GTK_WIDGET (self->birth_box), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->birth_entry), "");
  gtk_check_button_set_active (self->assisted_check, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.check-in", FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->undo_button), FALSE);
}

static char *
voter_details_text (VkStationWindow *self, const VkVoter *v)
{
  g_autofree char *born = format_birth_date (v->birth_date);
  return g_strdup_printf (_ ("%s\nBorn %s\nNumber %u on the valgliste of area %u %s"),
                          *v->address != '\0' ? v->address : _ ("(no address)"), born, v->loebenummer, v->area,
                          area_name (self, v->area));
}

/* Shows a voter and what may be done: the big message says why not. */
static void
select_voter (VkStationWindow *self, const VkVoter *v, gboolean scanned)
{
  g_autoptr (VkVoterStatus) st = NULL;
  g_autofree char *details = NULL;
  gboolean can_check_in = FALSE;

  clear_voter (self);
  if (v == NULL)
    return;
  self->selected = v;
  self->selected_by_scan = scanned;
  st = vk_station_dup_voter_status (self->station, v->area, v->loebenummer);
  gtk_label_set_text (self->voter_name, v->name);
  details = voter_details_text (self, v);
  gtk_label_set_text (self->voter_details, details);

  switch (st->state)
    {
      case VK_VOTER_FREE:
        if (vk_station_is_poll_closed (self->station))
          show_message (self->message_label, "vk-blocked",
                        _ ("The poll is closed: no more ballots can be handed out."));
        else
          {
            show_message (self->message_label, NULL, NULL);
            can_check_in = TRUE;
          }
        break;
      case VK_VOTER_CHECKED_IN:
        {
          const VkCheckinRef *first = g_ptr_array_index (st->checkins, 0);
          g_autofree char *when = format_time (self, first->time_ms, "%H:%M");
          g_autofree char *text = NULL;

          if (st->checkins->len > 1)
            text = g_strdup_printf (_ ("ALREADY CHECKED IN at %u tables (first at %s at %s). Call the valgstyrer: "
                                       "this is a double check-in (D04)."),
                                    st->checkins->len, first->device_id, when);
          else
            text = g_strdup_printf (_ ("ALREADY CHECKED IN at %s at %s. Do not hand out a ballot."), first->device_id,
                                    when);
          show_message (self->message_label, "vk-blocked", text);
          gtk_widget_set_visible (GTK_WIDGET (self->undo_button), vk_station_get_valgstyrer (self->station));
          break;
        }
      case VK_VOTER_BREVSTEMME:
        show_message (self->message_label, "vk-blocked",
                      _ ("HAS VOTED BY LETTER: the voter's brevstemme has been accepted. Do not hand out a ballot."));
        break;
      case VK_VOTER_OTHER_AREA:
        {
          g_autofree char *text
              = g_strdup_printf (_ ("NOT ON THIS AREA'S VALGLISTE. The voter belongs to area %u %s: send the voter "
                                    "there."),
                                 v->area, area_name (self, v->area));
          show_message (self->message_label, "vk-blocked", text);
          break;
        }
      case VK_VOTER_NOT_FOUND:
        show_message (self->message_label, "vk-blocked", _ ("Not on any valgliste of this municipality."));
        break;
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.check-in", can_check_in);
  if (!can_check_in)
    return;
  if (scanned && self->confirm_birth_date)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->birth_box), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->birth_entry));
    }
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->checkin_button));
}

/* Why a search could not be made, in the operator's language. */
static const char *
search_error_text (const char *query)
{
  if (vk_valgkort_looks_like (query))
    return _ ("This valgkort code cannot be read, or it is from another municipality. Search by name or birth "
              "date instead.");
  return _ ("The search cannot be understood: a date or CPR number that does not exist. Check what was typed.");
}

static void
run_search (VkStationWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkSearchResult) r = NULL;
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint area = vk_station_get_area (self->station);

  clear_list (self->results);
  clear_voter (self);
  show_message (self->message_label, NULL, NULL);
  r = vk_station_search (self->station, query, RESULT_LIMIT, &error);
  if (r == NULL)
    {
      gtk_label_set_text (self->search_info, "");
      show_message (self->message_label, "vk-warning", search_error_text (query));
      return;
    }
  for (guint i = 0; i < r->voters->len; i++)
    {
      const VkVoter *v = g_ptr_array_index (r->voters, i);
      g_autofree char *born = format_birth_date (v->birth_date);
      g_autofree char *sub = g_strdup_printf (_ ("Born %s · %s · number %u"), born, v->address, v->loebenummer);
      g_autofree char *badge = NULL;

      if (v->area != area)
        badge = g_strdup_printf (_ ("Area %u"), v->area);
      else if (vk_station_is_checked_in (self->station, v->loebenummer))
        badge = g_strdup (_ ("Checked in"));
      gtk_list_box_append (self->results, make_row (v->name, sub, badge, (gpointer)v));
    }
  if (r->kind == VK_SEARCH_NONE)
    gtk_label_set_text (self->search_info, "");
  else if (r->voters->len == 0)
    gtk_label_set_text (self->search_info, _ ("No voters found."));
  else
    {
      g_autofree char *info
          = r->more || r->total > r->voters->len
                ? g_strdup_printf (_ ("Showing %u of more than %u voters: type more to narrow down."), r->voters->len,
                                   r->total)
                : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u voter found.", "%u voters found.", r->voters->len),
                                   r->voters->len);
      gtk_label_set_text (self->search_info, info);
    }

  if (r->kind == VK_SEARCH_VALGKORT && r->voters->len == 0)
    {
      g_autofree char *text
          = g_strdup_printf (_ ("This valgkort (area %u, number %u) is not on any valgliste of the municipality."),
                             r->card.area, r->card.loebenummer);
      show_message (self->message_label, "vk-blocked", text);
      return;
    }
  if (r->voters->len == 1)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->results, 0);
      gtk_list_box_select_row (self->results, row);
      select_voter (self, g_ptr_array_index (r->voters, 0), r->kind == VK_SEARCH_VALGKORT);
    }
  else if (r->voters->len > 1)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->results, 0);
      gtk_list_box_select_row (self->results, row);
      gtk_widget_grab_focus (GTK_WIDGET (row));
    }
}

static void
search_activate_cb (GtkEntry *entry, VkStationWindow *self)
{
  run_search (self);
}

static void
result_activated_cb (GtkListBox *list, GtkListBoxRow *row, VkStationWindow *self)
{
  select_voter (self, g_object_get_data (G_OBJECT (row), "vk-data"), FALSE);
}

/* The typed birth date equals the voter's: DDMMYY, DDMMYYYY, with or without separators. */
static gboolean
birth_date_matches (const VkVoter *v, const char *typed)
{
  char digits[9];
  guint n = 0;
  g_autofree char *ddmmyyyy = NULL;

  for (const char *p = typed; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      {
        if (n >= 8)
          return FALSE;
        digits[n++] = *p;
      }
    else if (*p != '-' && *p != '.' && *p != '/' && *p != ' ')
      return FALSE;
  digits[n] = '\0';
  if (strlen (v->birth_date) != 10)
    return FALSE;
  ddmmyyyy = g_strdup_printf ("%.2s%.2s%.4s", v->birth_date + 8, v->birth_date + 5, v->birth_date);
  if (n == 8)
    return strcmp (digits, ddmmyyyy) == 0;
  if (n == 6)
    return strncmp (digits, ddmmyyyy, 4) == 0 && strncmp (digits + 4, ddmmyyyy + 6, 2) == 0;
  return FALSE;
}

static void
check_in_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkStationWindow *self = VK_STATION_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  guint64 seq;
  const VkVoter *v = self->selected;

  if (v == NULL || self->station == NULL)
    return;
  if (self->selected_by_scan && self->confirm_birth_date
      && !birth_date_matches (v, gtk_editable_get_text (GTK_EDITABLE (self->birth_entry))))
    {
      show_message (self->message_label, "vk-warning",
                    _ ("The birth date does not match the valgkort. Ask again, or check the voter's ID."));
      gtk_widget_grab_focus (GTK_WIDGET (self->birth_entry));
      return;
    }
  seq = vk_station_check_in (self->station, v->loebenummer,
                             self->selected_by_scan ? VK_CHECKIN_SCAN : VK_CHECKIN_SEARCH,
                             gtk_check_button_get_active (self->assisted_check), &error);
  if (seq == 0)
    {
      show_message (self->message_label, "vk-blocked", error->message);
      return;
    }
  name = g_strdup (v->name);
  {
    g_autofree char *now = format_time (self, (guint64)(g_get_real_time () / 1000), "%H:%M");
    text = g_strdup_printf (_ ("Ballot handed out to %s (number %u) at %s."), name, v->loebenummer, now);
  }
  clear_voter (self);
  clear_list (self->results);
  gtk_label_set_text (self->search_info, "");
  show_message (self->message_label, "vk-ok", text);
  if (self->sync != NULL)
    vk_sync_runner_kick (self->sync);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  refresh_counts (self);
}

static void
birth_activate_cb (GtkEntry *entry, VkStationWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.check-in", NULL);
}

static void
undo_reason_changed_cb (GtkEditable *entry, AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  adw_message_dialog_set_response_enabled (dialog, "undo", *text != '\0');
}

static void
undo_response_cb (AdwMessageDialog *dialog, const char *response, VkStationWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkVoterStatus) st = NULL;
  const VkCheckinRef *ref;
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  const VkVoter *v = self->selected;

  if (g_strcmp0 (response, "undo") != 0 || v == NULL)
    return;
  st = vk_station_dup_voter_status (self->station, v->area, v->loebenummer);
  if (st->checkins->len == 0)
    return;
  /* The latest check-in is the one to withdraw (in a conflict: the second). */
  ref = g_ptr_array_index (st->checkins, st->checkins->len - 1);
  if (vk_station_undo_check_in_at (self->station, ref->device_id, ref->seq, gtk_editable_get_text (entry), &error) == 0)
    {
      show_message (self->message_label, "vk-blocked", error->message);
      return;
    }
  select_voter (self, v, FALSE);
  {
    g_autofree char *text
        = g_strdup_printf (_ ("The check-in of %s was undone. The voter may now be checked in."), v->name);
    show_message (self->message_label, "vk-ok", text);
  }
  refresh_counts (self);
}

static void
undo_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkStationWindow *self = VK_STATION_WINDOW (widget);
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  g_autofree char *body = NULL;

  if (self->selected == NULL || self->station == NULL || !vk_station_get_valgstyrer (self->station))
    return;
  body = g_strdup_printf (_ ("%s (number %u). The undo is recorded in the journal with your reason."),
                          self->selected->name, self->selected->loebenummer);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _ ("Undo check-in?"), body));
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _ ("Reason (required)"));
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog, "cancel", _ ("Cancel"), "undo", _ ("Undo check-in"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "undo", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (dialog, "undo", FALSE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (entry, "changed", G_CALLBACK (undo_reason_changed_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (undo_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
valgstyrer_toggled_cb (GtkToggleButton *button, VkStationWindow *self)
{
  if (self->station == NULL)
    return;
  vk_station_set_valgstyrer (self->station, gtk_toggle_button_get_active (button));
  if (self->selected != NULL)
    select_voter (self, self->selected, self->selected_by_scan);
}

/* Brevstemmer at the polling station. */

static void select_envelope (VkStationWindow *self, const char *envelope);

static void
refresh_envelopes (VkStationWindow *self, gboolean select_exact)
{
  g_autoptr (GPtrArray) list = NULL;
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->envelope_entry));
  g_autofree char *fq = vk_voter_index_fold (query);
  g_autofree char *exact = g_strstrip (g_strdup (query));
  gboolean found_exact = FALSE;

  clear_list (self->envelope_list);
  if (self->station == NULL)
    return;
  list = vk_station_dup_brevstemmer (self->station, vk_station_get_area (self->station));
  for (guint i = 0; i < list->len; i++)
    {
      const VkBrevstemme *b = g_ptr_array_index (list, i);
      const VkVoter *v = vk_voter_index_lookup (vk_station_get_index (self->station), b->area, b->loebenummer);
      g_autofree char *fname = vk_voter_index_fold (v != NULL ? v->name : "");
      g_autofree char *lnr = g_strdup_printf ("%u", b->loebenummer);
      g_autofree char *title = NULL;
      g_autofree char *sub = NULL;
      g_autofree char *cast = format_time (self, b->cast_ms, "%d-%m-%Y %H:%M");
      const char *status;
      GtkWidget *row;

      if (*fq != '\0' && strcmp (b->envelope, exact) != 0 && strstr (fname, fq) == NULL && strcmp (lnr, exact) != 0)
        continue;
      status = !b->decided ? _ ("waiting") : b->accepted ? _ ("accepted") : _ ("rejected");
      title = g_strdup_printf ("%s (%s %u)", v != NULL ? v->name : "?", _ ("number"), b->loebenummer);
      sub = g_strdup_printf (_ ("Envelope %s · cast %s · %s · %s"), b->envelope, cast, place_label (b->place), status);
      row = make_row (title, sub, NULL, NULL);
      g_object_set_data_full (G_OBJECT (row), "vk-envelope", g_strdup (b->envelope), g_free);
      gtk_list_box_append (self->envelope_list, row);
      if (select_exact && strcmp (b->envelope, exact) == 0)
        {
          gtk_list_box_select_row (self->envelope_list, GTK_LIST_BOX_ROW (row));
          found_exact = TRUE;
        }
    }
  if (found_exact)
    select_envelope (self, exact);
}

static void
select_envelope (VkStationWindow *self, const char *envelope)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkBrevstemme) b = NULL;
  VkBrevstemmeAssessment a;
  const VkVoter *v;
  g_autofree char *cast = NULL;
  g_autofree char *born = NULL;
  g_autofree char *receivers = NULL;
  g_autofree char *details = NULL;
  g_autofree char *title = NULL;

  g_clear_pointer (&self->envelope_selected, g_free);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.accept-brevstemme", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reject-brevstemme", FALSE);
  b = envelope != NULL ? vk_station_dup_brevstemme (self->station, envelope) : NULL;
  if (b == NULL)
    {
      gtk_label_set_text (self->env_title, _ ("No brevstemme chosen"));
      gtk_label_set_text (self->env_details, "");
      gtk_widget_set_visible (GTK_WIDGET (self->env_assessment), FALSE);
      return;
    }
  self->envelope_selected = g_strdup (envelope);
  v = vk_voter_index_lookup (vk_station_get_index (self->station), b->area, b->loebenummer);
  cast = format_time (self, b->cast_ms, "%d-%m-%Y %H:%M");
  born = format_birth_date (v != NULL ? v->birth_date : NULL);
  receivers = g_strjoinv (", ", b->receivers);
  title = g_strdup_printf (_ ("Brevstemme %s"), b->envelope);
  gtk_label_set_text (self->env_title, title);
  details = g_strdup_printf (_ ("%s, born %s\nNumber %u in area %u\nCast %s at: %s\nReceived by: %s"),
                             v != NULL ? v->name : "?", born, b->loebenummer, b->area, cast, place_label (b->place),
                             receivers);
  gtk_label_set_text (self->env_details, details);

  if (b->decided)
    {
      g_autofree char *text = b->accepted ? g_strdup (_ ("Already decided: accepted."))
                                          : g_strdup_printf (_ ("Already decided: rejected (%u %s)."), b->reason,
                                                             reason_label (b->reason));
      show_message (self->env_assessment, "vk-warning", text);
      return;
    }
  if (!vk_station_assess_brevstemme (self->station, envelope, &a, &error))
    {
      show_message (self->env_assessment, "vk-blocked", error->message);
      return;
    }
  if (a.can_accept)
    show_message (self->env_assessment, "vk-ok",
                  _ ("Can be accepted: on the valgliste, cast in time, no later brevstemme. Check the envelope and "
                     "the følgebrev."));
  else
    {
      g_autofree char *text
          = g_strdup_printf (_ ("Must be rejected: reason %u, %s."), a.reason, reason_label (a.reason));
      show_message (self->env_assessment, "vk-blocked", text);
      gtk_drop_down_set_selected (self->reason_dropdown, a.reason - 1);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.accept-brevstemme", a.can_accept);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reject-brevstemme", TRUE);
}

static void
envelope_activate_cb (GtkEntry *entry, VkStationWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  show_message (self->env_message, NULL, NULL);
  /* A scanned følgebrev slip: its signed QR names the envelope. */
  if (self->station != NULL && vk_label_looks_like (text))
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (VkLabelData) label = vk_label_decode (vk_station_get_package (self->station), text, &error);

      if (label == NULL)
        {
          g_autofree char *msg = g_strdup_printf (_ ("This følgebrev QR code cannot be trusted: %s"), error->message);
          gtk_editable_set_text (GTK_EDITABLE (entry), "");
          refresh_envelopes (self, FALSE);
          select_envelope (self, NULL);
          show_message (self->env_message, "vk-blocked", msg);
          return;
        }
      gtk_editable_set_text (GTK_EDITABLE (entry), label->envelope);
    }
  refresh_envelopes (self, TRUE);
}

static void
envelope_row_activated_cb (GtkListBox *list, GtkListBoxRow *row, VkStationWindow *self)
{
  select_envelope (self, g_object_get_data (G_OBJECT (row), "vk-envelope"));
}

static void
decide (VkStationWindow *self, gboolean accept)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *envelope = g_strdup (self->envelope_selected);
  const char *names[] = { gtk_editable_get_text (GTK_EDITABLE (self->styrer1_entry)),
                          gtk_editable_get_text (GTK_EDITABLE (self->styrer2_entry)), NULL };
  guint reason = accept ? 0 : gtk_drop_down_get_selected (self->reason_dropdown) + 1;
  g_autofree char *text = NULL;

  if (envelope == NULL)
    return;
  {
    g_autofree char *a = g_strstrip (g_strdup (names[0]));
    g_autofree char *b = g_strstrip (g_strdup (names[1]));
    if (*a == '\0' || *b == '\0' || g_utf8_collate (a, b) == 0)
      {
        show_message (self->env_message, "vk-blocked",
                      _ ("Two different valgstyrere must check the brevstemme: type both names."));
        return;
      }
  }
  if (vk_station_decide_brevstemme (self->station, envelope, accept, reason, names, &error) == 0)
    {
      show_message (self->env_message, "vk-blocked", error->message);
      return;
    }
  text = accept
             ? g_strdup_printf (_ ("Brevstemme %s accepted: put it in the ballot box. The voter is marked."), envelope)
             : g_strdup_printf (_ ("Brevstemme %s rejected (reason %u). Keep it apart."), envelope, reason);
  show_message (self->env_message, accept ? "vk-ok" : "vk-warning", text);
  refresh_envelopes (self, FALSE);
  select_envelope (self, envelope);
  refresh_counts (self);
}

static void
accept_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  decide (VK_STATION_WINDOW (widget), TRUE);
}

static void
reject_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  decide (VK_STATION_WINDOW (widget), FALSE);
}

/* Receiving brevstemmer. */

static void
select_brev_voter (VkStationWindow *self, const VkVoter *v)
{
  g_autofree char *details = NULL;

  self->brev_selected = v;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.receive", v != NULL);
  if (v == NULL)
    {
      gtk_label_set_text (self->brev_voter, _ ("No voter chosen"));
      gtk_label_set_text (self->brev_voter_details, "");
      return;
    }
  gtk_label_set_text (self->brev_voter, v->name);
  details = voter_details_text (self, v);
  gtk_label_set_text (self->brev_voter_details, details);
}

static gboolean
looks_like_cpr (const char *s)
{
  guint digits = 0;

  for (; *s != '\0'; s++)
    if (g_ascii_isdigit (*s))
      digits++;
    else if (*s != '-' && *s != ' ')
      return FALSE;
  return digits == 10;
}

static void
brev_search_activate_cb (GtkEntry *entry, VkStationWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkSearchResult) r = NULL;
  g_autofree char *query = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  clear_list (self->brev_results);
  select_brev_voter (self, NULL);
  show_message (self->brev_message, NULL, NULL);
  r = vk_station_search (self->station, query, RESULT_LIMIT, &error);
  /* A CPR number is moved to its own hidden field, not left on screen. */
  if (looks_like_cpr (query))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->cpr_entry), query);
      gtk_editable_set_text (GTK_EDITABLE (entry), "");
    }
  if (r == NULL)
    {
      show_message (self->brev_message, "vk-warning", search_error_text (query));
      return;
    }
  for (guint i = 0; i < r->voters->len; i++)
    {
      const VkVoter *v = g_ptr_array_index (r->voters, i);
      g_autofree char *born = format_birth_date (v->birth_date);
      g_autofree char *sub
          = g_strdup_printf (_ ("Born %s · %s · area %u, number %u"), born, v->address, v->area, v->loebenummer);
      gtk_list_box_append (self->brev_results, make_row (v->name, sub, NULL, (gpointer)v));
    }
  if (r->voters->len == 0)
    show_message (self->brev_message, "vk-warning", _ ("No voters found."));
  else
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->brev_results, 0);
      gtk_list_box_select_row (self->brev_results, row);
      if (r->voters->len == 1)
        select_brev_voter (self, g_ptr_array_index (r->voters, 0));
      else
        gtk_widget_grab_focus (GTK_WIDGET (row));
    }
}

static void
brev_row_activated_cb (GtkListBox *list, GtkListBoxRow *row, VkStationWindow *self)
{
  select_brev_voter (self, g_object_get_data (G_OBJECT (row), "vk-data"));
}

/* A correction to the form makes the old complaint stale. */
static void
hide_brev_message_cb (VkStationWindow *self)
{
  if (gtk_widget_has_css_class (GTK_WIDGET (self->brev_message), "vk-blocked"))
    show_message (self->brev_message, NULL, NULL);
}

static void
refresh_brev_count (VkStationWindow *self)
{
  g_autofree char *text = g_strdup_printf (_ ("Brevstemmer recorded in this session: %u"), self->received_here);
  gtk_label_set_text (self->brev_count, text);
}

static void
receive_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkStationWindow *self = VK_STATION_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *envelope = NULL;
  g_autofree char *text = NULL;
  const char *receivers[] = { gtk_editable_get_text (GTK_EDITABLE (self->receiver1_entry)),
                              gtk_editable_get_text (GTK_EDITABLE (self->receiver2_entry)), NULL };
  guint place = gtk_drop_down_get_selected (self->place_dropdown);
  VkBrevstemmeInput in = { 0 };

  if (self->brev_selected == NULL)
    return;
  /* The engine refuses these too; checking here gives the operator Danish words. */
  {
    g_autofree char *r1 = g_strstrip (g_strdup (receivers[0]));
    g_autofree char *r2 = g_strstrip (g_strdup (receivers[1]));
    guint n = (*r1 != '\0') + (*r2 != '\0');
    const char *cpr = gtk_editable_get_text (GTK_EDITABLE (self->cpr_entry));

    if (n < ((place == 1 || place == 2) ? 2u : 1u))
      {
        show_message (self->brev_message, "vk-blocked",
                      n == 0 ? _ ("Type the name of the stemmemodtager.")
                             : _ ("In homes and care homes two stemmemodtagere must receive the brevstemme "
                                  "(KRVL §§ 60–61): type both names."));
        return;
      }
    if (n == 2 && g_utf8_collate (r1, r2) == 0)
      {
        show_message (self->brev_message, "vk-blocked", _ ("The two stemmemodtagere must be two different people."));
        return;
      }
    if (*cpr != '\0')
      {
        char digits[11];
        g_autofree char *date = NULL;

        if (!vk_cpr_normalize (cpr, digits, NULL))
          {
            show_message (self->brev_message, "vk-blocked", _ ("The CPR number cannot be read: type DDMMYY-SSSS."));
            return;
          }
        date = vk_cpr_birth_date (digits);
        memset (digits, 0, sizeof digits);
        if (g_strcmp0 (date, self->brev_selected->birth_date) != 0)
          {
            show_message (self->brev_message, "vk-blocked",
                          _ ("The CPR number does not match the voter's birth date: check that the right voter is "
                             "chosen."));
            return;
          }
      }
  }
  in.area = self->brev_selected->area;
  in.loebenummer = self->brev_selected->loebenummer;
  in.cpr = gtk_editable_get_text (GTK_EDITABLE (self->cpr_entry));
  in.place = place_keys[MIN (place, G_N_ELEMENTS (place_keys) - 1)];
  in.receivers = receivers;
  envelope = vk_station_receive_brevstemme (self->station, &in, NULL, &error);
  if (envelope == NULL)
    {
      show_message (self->brev_message, "vk-blocked", error->message);
      return;
    }
  self->received_here++;
  g_free (self->last_envelope);
  self->last_envelope = g_strdup (envelope);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.print-label", TRUE);
  text = g_strdup_printf (_ ("Brevstemme from %s recorded. Envelope id: %s — write it on the følgebrev."),
                          self->brev_selected->name, envelope);
  show_message (self->brev_message, "vk-ok", text);
  gtk_editable_set_text (GTK_EDITABLE (self->cpr_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->brev_search_entry), "");
  clear_list (self->brev_results);
  select_brev_voter (self, NULL);
  refresh_brev_count (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->brev_search_entry));
}

/* The følgebrev slip of the last brevstemme recorded (printouts/vk-label.h). */

static void
label_shown_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  VkStationWindow *self = VK_STATION_WINDOW (source);
  g_autoptr (GError) error = NULL;

  if (!gtk_show_uri_full_finish (GTK_WINDOW (self), result, &error))
    {
      g_autofree char *text = g_strdup_printf (_ ("Open the følgebrev and print it: %s"), error->message);
      show_message (self->brev_message, "vk-warning", text);
    }
}

/* Writes the slip to the path given, or (empty path) beside the device
 * database in foelgebreve/ and opens it for printing. */
static void
print_label_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkStationWindow *self = VK_STATION_WINDOW (widget);
  const char *target = g_variant_get_string (param, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkBrevstemme) b = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  const VkElection *election;
  const VkVoter *v;
  const VkArea *area;
  VkLabel label = { 0 };

  if (self->station == NULL || self->last_envelope == NULL)
    return;
  b = vk_station_dup_brevstemme (self->station, self->last_envelope);
  if (b == NULL)
    return;
  election = vk_station_get_election (self->station);
  v = vk_voter_index_lookup (vk_station_get_index (self->station), b->area, b->loebenummer);
  area = vk_election_lookup_area (election, b->area);
  label.info
      = (VkPrintoutInfo){ election, vk_package_get_election_id (vk_station_get_package (self->station)), FALSE, 0 };
  label.key = vk_station_get_key (self->station);
  label.device_id = b->device_id;
  label.envelope = b->envelope;
  label.area = b->area;
  label.area_name = area != NULL ? area->name : NULL;
  label.loebenummer = b->loebenummer;
  label.voter_name = v != NULL ? v->name : NULL;
  label.voter_address = v != NULL ? v->address : NULL;
  label.voter_birth_date = v != NULL ? v->birth_date : NULL;
  label.place = b->place;
  label.receivers = (const char *const *)b->receivers;
  label.cast_ms = b->cast_ms;
  if (*target != '\0')
    path = g_strdup (target);
  else
    {
      g_autofree char *base = g_path_get_dirname (self->db_path);
      g_autofree char *dir = g_build_filename (base, "foelgebreve", NULL);
      g_autofree char *name = g_strdelimit (g_strconcat (b->envelope, ".pdf", NULL), "/", '-');

      (void)g_mkdir_with_parents (dir, 0700);
      path = g_build_filename (dir, name, NULL);
    }
  if (!vk_label_write (&label, path, &error))
    {
      text = g_strdup_printf (_ ("Cannot print the følgebrev: %s"), error->message);
      show_message (self->brev_message, "vk-blocked", text);
      return;
    }
  text = g_strdup_printf (_ ("Følgebrev for envelope %s saved as %s."), b->envelope, path);
  show_message (self->brev_message, "vk-ok", text);
  if (*target == '\0')
    {
      g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
      if (uri != NULL)
        gtk_show_uri_full (GTK_WINDOW (self), uri, GDK_CURRENT_TIME, NULL, label_shown_cb, NULL);
    }
}

/* Journals in and out. */

static GtkLabel *
current_message_label (VkStationWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->work_stack);

  if (g_strcmp0 (page, "decide") == 0)
    return self->env_message;
  if (g_strcmp0 (page, "receive") == 0)
    return self->brev_message;
  return self->message_label;
}

static void
refresh_all (VkStationWindow *self)
{
  if (self->count_page != NULL)
    vk_count_page_refresh (self->count_page);
  refresh_counts (self);
  refresh_envelopes (self, FALSE);
  if (self->selected != NULL)
    select_voter (self, self->selected, FALSE);
}

static void
import_journals_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkStationWindow *self = VK_STATION_WINDOW (widget);
  const char *dir = g_variant_get_string (param, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) d = g_dir_open (dir, 0, &error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) problems = g_string_new (NULL);
  g_autofree char *text = NULL;
  guint total = 0;
  const char *name;

  if (self->station == NULL)
    return;
  if (d == NULL)
    {
      show_message (current_message_label (self), "vk-blocked", error->message);
      return;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".vkj"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autoptr (GError) local = NULL;
      guint added = 0;

      if (!vk_station_ingest_file (self->station, path, &added, &local))
        g_string_append_printf (problems, "\n%s: %s", (char *)g_ptr_array_index (names, i), local->message);
      total += added;
    }
  text = g_strdup_printf (_ ("%u new entries read from %u journal files.%s"), total, names->len, problems->str);
  show_message (current_message_label (self), problems->len > 0 ? "vk-warning" : "vk-ok", text);
  refresh_all (self);
}

static void
export_usb_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkStationWindow *self = VK_STATION_WINDOW (widget);
  const char *dir = g_variant_get_string (param, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (self->station == NULL)
    return;
  if (!vk_station_export_usb (self->station, dir, &error))
    {
      show_message (current_message_label (self), "vk-blocked", error->message);
      return;
    }
  text = g_strdup_printf (_ ("The journals were written to %s."), dir);
  show_message (current_message_label (self), "vk-ok", text);
}

static void
folder_chosen_cb (GtkNativeDialog *dialog, int response, VkStationWindow *self)
{
  const char *action = g_object_get_data (G_OBJECT (dialog), "vk-action");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      if (path != NULL)
        gtk_widget_activate_action (GTK_WIDGET (self), action, "s", path);
    }
  g_object_unref (dialog);
}

static void
choose_file (VkStationWindow *self, const char *title, GtkFileChooserAction mode, const char *action)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (title, GTK_WINDOW (self), mode, NULL, NULL);

  g_object_set_data_full (G_OBJECT (dialog), "vk-action", g_strdup (action), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (folder_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
choose_import_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  choose_file (VK_STATION_WINDOW (widget), _ ("Import journals from folder"), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
               "win.import-journals");
}

static void
choose_export_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  choose_file (VK_STATION_WINDOW (widget), _ ("Export to USB"), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
               "win.export-usb");
}

/* Setup. */

static void
set_path_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkStationWindow *self = VK_STATION_WINDOW (widget);
  GtkEntry *entry = strcmp (action_name, "win.set-package") == 0 ? self->package_entry : self->key_entry;

  gtk_editable_set_text (GTK_EDITABLE (entry), g_variant_get_string (param, NULL));
  if (entry == self->package_entry)
    g_signal_emit_by_name (entry, "activate");
}

static void
choose_package_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  choose_file (VK_STATION_WINDOW (widget), _ ("Open election package"), GTK_FILE_CHOOSER_ACTION_OPEN,
               "win.set-package");
}

static void
choose_key_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  choose_file (VK_STATION_WINDOW (widget), _ ("Choose the device key"), GTK_FILE_CHOOSER_ACTION_OPEN, "win.set-key");
}

/* The demo and the valgsekretariat put keys in keys/DEVICE.key beside the package. */
static void
propose_key_path (VkStationWindow *self)
{
  guint i = gtk_drop_down_get_selected (self->device_dropdown);
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  const VkDevice *d;

  if (self->devices == NULL || i >= self->devices->len)
    return;
  d = g_ptr_array_index (self->devices, i);
  dir = g_path_get_dirname (gtk_editable_get_text (GTK_EDITABLE (self->package_entry)));
  name = g_strconcat (d->device_id, ".key", NULL);
  path = g_build_filename (dir, "keys", name, NULL);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    gtk_editable_set_text (GTK_EDITABLE (self->key_entry), path);
}

static void
device_selected_cb (GObject *dropdown, GParamSpec *pspec, VkStationWindow *self)
{
  propose_key_path (self);
}

static void
setup_error (VkStationWindow *self, const char *text)
{
  gtk_label_set_text (self->setup_error, text);
  gtk_widget_set_visible (GTK_WIDGET (self->setup_error), text != NULL);
}

static void
package_activate_cb (GtkEntry *entry, VkStationWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);
  const char *path = gtk_editable_get_text (GTK_EDITABLE (entry));

  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_pointer (&self->package, vk_package_free);
  self->package = vk_package_open (path, &error);
  if (self->package == NULL)
    {
      g_autofree char *text = g_strdup_printf (_ ("Cannot open the election package: %s"), error->message);
      gtk_drop_down_set_model (self->device_dropdown, G_LIST_MODEL (model));
      setup_error (self, text);
      return;
    }
  setup_error (self, NULL);
  self->devices = vk_package_list_devices (self->package);
  for (guint i = 0; i < self->devices->len; i++)
    {
      const VkDevice *d = g_ptr_array_index (self->devices, i);
      g_autofree char *item
          = d->area != VK_PACKAGE_NO_AREA
                ? g_strdup_printf (_ ("%s — %s, area %u"), d->device_id, role_label (d->role), d->area)
                : g_strdup_printf ("%s — %s", d->device_id, role_label (d->role));
      gtk_string_list_append (model, item);
    }
  gtk_drop_down_set_model (self->device_dropdown, G_LIST_MODEL (model));
  propose_key_path (self);
}

/* "Create a new key…": a device's first start, before it is enrolled. */

static const char *const key_roles[] = { "valgbord", "brevstemmested", "hjemmebesoeg", "fintaelling" };

static GtkWidget *
key_dialog_child (VkStationWindow *self, const char *name)
{
  return g_object_get_data (G_OBJECT (self->key_dialog), name);
}

static void
key_dialog_add_row (GtkGrid *grid, int row, const char *label, GtkWidget *widget, const char *name, GtkWindow *dialog)
{
  GtkWidget *l = gtk_label_new (label);

  gtk_label_set_xalign (GTK_LABEL (l), 1);
  gtk_widget_set_hexpand (widget, TRUE);
  gtk_widget_set_name (widget, name);
  gtk_grid_attach (grid, l, 0, row, 1, 1);
  gtk_grid_attach (grid, widget, 1, row, 1, 1);
  g_object_set_data (G_OBJECT (dialog), name, widget);
}

static void
key_dialog_create_cb (GtkButton *button, VkStationWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autofree char *key_path = NULL, *pub_path = NULL, *key_id = NULL, *command = NULL, *text = NULL;
  GtkLabel *result = GTK_LABEL (key_dialog_child (self, "key_result"));
  guint role_i = gtk_drop_down_get_selected (GTK_DROP_DOWN (key_dialog_child (self, "key_role")));
  guint area_i = gtk_drop_down_get_selected (GTK_DROP_DOWN (key_dialog_child (self, "key_area")));
  GArray *areas = g_object_get_data (G_OBJECT (self->key_dialog), "key_area_numbers");
  const char *device_id = gtk_editable_get_text (GTK_EDITABLE (key_dialog_child (self, "key_device_id")));
  const char *role = role_i < G_N_ELEMENTS (key_roles) ? key_roles[role_i] : NULL;
  guint area = area_i < areas->len ? g_array_index (areas, guint, area_i) : VK_PACKAGE_NO_AREA;
  const char *package_path = gtk_editable_get_text (GTK_EDITABLE (self->package_entry));

  gtk_widget_remove_css_class (GTK_WIDGET (result), "vk-blocked");
  if (g_strcmp0 (role, "valgbord") == 0 && area == VK_PACKAGE_NO_AREA)
    {
      gtk_label_set_text (result, _ ("A polling table needs an area."));
      gtk_widget_add_css_class (GTK_WIDGET (result), "vk-blocked");
      gtk_widget_set_visible (GTK_WIDGET (result), TRUE);
      return;
    }
  if (!vk_station_create_device_key (
          package_path, gtk_editable_get_text (GTK_EDITABLE (key_dialog_child (self, "key_path"))), device_id, role,
          gtk_editable_get_text (GTK_EDITABLE (key_dialog_child (self, "key_passphrase"))),
          gtk_editable_get_text (GTK_EDITABLE (key_dialog_child (self, "key_passphrase_again"))), &key, &key_path,
          &pub_path, &error))
    {
      g_autofree char *msg = g_strdup_printf (_ ("Cannot create the device key: %s"), error->message);
      gtk_label_set_text (result, msg);
      gtk_widget_add_css_class (GTK_WIDGET (result), "vk-blocked");
      gtk_widget_set_visible (GTK_WIDGET (result), TRUE);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (key_dialog_child (self, "key_passphrase")), "");
  gtk_editable_set_text (GTK_EDITABLE (key_dialog_child (self, "key_passphrase_again")), "");
  key_id = vk_hex_encode (vk_keypair_get_key_id (key), VK_KEY_ID_BYTES);
  command = vk_station_enroll_command (package_path, pub_path, role, area);
  text = g_strdup_printf (_ ("The device key is created.\n"
                             "Key id: %s\n"
                             "Key file: %s\n"
                             "Public key: %s\n\n"
                             "The valgsekretariat must now enrol the public key:\n%s\n"
                             "and hand back the updated election package. Open that package here and "
                             "unlock the key with its passphrase."),
                          key_id, key_path, pub_path, command);
  gtk_label_set_text (result, text);
  gtk_widget_set_visible (GTK_WIDGET (result), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  gtk_button_set_label (GTK_BUTTON (key_dialog_child (self, "key_close")), _ ("Close"));
  gtk_editable_set_text (GTK_EDITABLE (self->key_entry), key_path);
}

static void
key_dialog_close_cb (GtkButton *button, VkStationWindow *self)
{
  if (self->key_dialog != NULL)
    gtk_window_destroy (self->key_dialog);
}

static void
key_dialog_destroy_cb (GtkWidget *dialog, VkStationWindow *self)
{
  self->key_dialog = NULL;
}

static void
create_key_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkStationWindow *self = VK_STATION_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) election = NULL;
  g_autoptr (GtkStringList) roles = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) areas = gtk_string_list_new (NULL);
  GArray *numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  guint none = VK_PACKAGE_NO_AREA;
  GtkWidget *box, *grid, *buttons, *result, *create, *close, *entry, *dropdown;

  if (self->key_dialog != NULL)
    {
      g_array_unref (numbers);
      gtk_window_present (self->key_dialog);
      return;
    }
  if (self->package == NULL)
    package_activate_cb (self->package_entry, self);
  if (self->package == NULL || (election = vk_package_dup_election (self->package, &error)) == NULL)
    {
      g_array_unref (numbers);
      if (error != NULL)
        {
          g_autofree char *text = g_strdup_printf (_ ("Cannot open the election package: %s"), error->message);
          setup_error (self, text);
        }
      else
        setup_error (self, _ ("Open the election package first."));
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (key_roles); i++)
    gtk_string_list_append (roles, role_label (key_roles[i]));
  gtk_string_list_append (areas, _ ("No area"));
  g_array_append_val (numbers, none);
  for (guint i = 0; i < election->areas->len; i++)
    {
      const VkArea *a = g_ptr_array_index (election->areas, i);
      g_autofree char *item = g_strdup_printf ("%u — %s", a->number, a->name);
      gtk_string_list_append (areas, item);
      g_array_append_val (numbers, a->number);
    }

  self->key_dialog = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (self->key_dialog, _ ("Create a new device key"));
  gtk_window_set_transient_for (self->key_dialog, GTK_WINDOW (self));
  gtk_window_set_modal (self->key_dialog, TRUE);
  gtk_window_set_default_size (self->key_dialog, 560, -1);
  g_object_set_data_full (G_OBJECT (self->key_dialog), "key_area_numbers", numbers, (GDestroyNotify)g_array_unref);
  g_signal_connect (self->key_dialog, "destroy", G_CALLBACK (key_dialog_destroy_cb), self);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_window_set_child (self->key_dialog, box);
  gtk_box_append (
      GTK_BOX (box),
      gtk_label_new (_ ("The key stays on this device. Only its public part goes to the valgsekretariat.")));
  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_box_append (GTK_BOX (box), grid);

  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _ ("e.g. bord-1"));
  key_dialog_add_row (GTK_GRID (grid), 0, _ ("Device id"), entry, "key_device_id", self->key_dialog);
  dropdown = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&roles)), NULL);
  key_dialog_add_row (GTK_GRID (grid), 1, _ ("Role"), dropdown, "key_role", self->key_dialog);
  dropdown = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&areas)), NULL);
  key_dialog_add_row (GTK_GRID (grid), 2, _ ("Area"), dropdown, "key_area", self->key_dialog);
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _ ("Default: keys/DEVICE.key beside the package"));
  key_dialog_add_row (GTK_GRID (grid), 3, _ ("Key file"), entry, "key_path", self->key_dialog);
  entry = gtk_password_entry_new ();
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), TRUE);
  key_dialog_add_row (GTK_GRID (grid), 4, _ ("Passphrase"), entry, "key_passphrase", self->key_dialog);
  entry = gtk_password_entry_new ();
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), TRUE);
  key_dialog_add_row (GTK_GRID (grid), 5, _ ("Passphrase again"), entry, "key_passphrase_again", self->key_dialog);

  result = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (result), TRUE);
  gtk_label_set_selectable (GTK_LABEL (result), TRUE);
  gtk_label_set_xalign (GTK_LABEL (result), 0);
  gtk_widget_set_visible (result, FALSE);
  gtk_widget_add_css_class (result, "vk-message");
  gtk_widget_set_name (result, "key_result");
  g_object_set_data (G_OBJECT (self->key_dialog), "key_result", result);
  gtk_box_append (GTK_BOX (box), result);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  close = gtk_button_new_with_label (_ ("Cancel"));
  gtk_widget_set_name (close, "key_close");
  g_object_set_data (G_OBJECT (self->key_dialog), "key_close", close);
  create = gtk_button_new_with_label (_ ("Create key"));
  gtk_widget_set_name (create, "key_create");
  gtk_widget_add_css_class (create, "suggested-action");
  g_object_set_data (G_OBJECT (self->key_dialog), "key_create", create);
  gtk_box_append (GTK_BOX (buttons), close);
  gtk_box_append (GTK_BOX (buttons), create);
  gtk_box_append (GTK_BOX (box), buttons);
  g_signal_connect (create, "clicked", G_CALLBACK (key_dialog_create_cb), self);
  g_signal_connect (close, "clicked", G_CALLBACK (key_dialog_close_cb), self);
  gtk_window_present (self->key_dialog);
  gtk_widget_grab_focus (key_dialog_child (self, "key_device_id"));
}

GtkWidget *
vk_station_window_get_key_dialog (VkStationWindow *self, const char *name)
{
  if (self->key_dialog == NULL)
    return NULL;
  return name == NULL ? GTK_WIDGET (self->key_dialog) : key_dialog_child (self, name);
}

static void refresh_all (VkStationWindow *self);

/* After each sync round: fold in what arrived, show the connection. */
static void
sync_round_cb (VkSyncRunner *runner, const VkSyncStats *stats, gpointer user_data)
{
  VkStationWindow *self = user_data;
  g_autoptr (GError) error = NULL;
  const char *problem = NULL;
  guint added = 0;

  if (self->station == NULL)
    return;
  if (!vk_station_refresh (self->station, &added, &error))
    g_debug ("refresh after sync: %s", error->message);
  for (guint i = 0; self->peers != NULL && self->peers[i] != NULL && problem == NULL; i++)
    problem = vk_sync_runner_get_last_error (runner, self->peers[i]);
  if (problem == NULL && self->server != NULL)
    problem = vk_sync_runner_get_last_error (runner, self->server);
  vk_station_window_set_connection_state (self, problem == NULL ? _ ("Online") : _ ("Offline"));
  if (added > 0)
    refresh_all (self);
  if (self->count_page != NULL)
    vk_count_page_sync_done (self->count_page);
}

static void
start_sync (VkStationWindow *self)
{
  if ((self->peers == NULL || self->peers[0] == NULL) && self->server == NULL)
    return;
  self->sync
      = vk_sync_runner_new (self->package, self->db_path, vk_station_get_device (self->station)->device_id, 2000);
  for (guint i = 0; self->peers != NULL && self->peers[i] != NULL; i++)
    vk_sync_runner_add_peer (self->sync, self->peers[i]);
  if (self->server != NULL)
    vk_sync_runner_set_server (self->sync, self->server);
  vk_sync_runner_set_round_func (self->sync, sync_round_cb, self);
  vk_sync_runner_start (self->sync);
}

/* A table pushed entries to our listener: fold them in at once, so that
 * a voter checked in there is blocked here before the next round. */
static void
listener_stored_cb (const char *device_id, guint added, gpointer user_data)
{
  VkStationWindow *self = user_data;
  g_autoptr (GError) error = NULL;
  guint folded = 0;

  if (self->station == NULL)
    return;
  if (!vk_station_refresh (self->station, &folded, &error))
    g_debug ("refresh after a push from %s: %s", device_id, error->message);
  if (folded > 0)
    refresh_all (self);
}

/* Serves this device's database to the other tables (--listen).  A
 * failure does not stop the check-in: it is shown in the header. */
static void
start_listener (VkStationWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkSyncServer) server = NULL;

  if (self->listen == NULL)
    return;
  server = vk_sync_server_new (self->package, self->db_path, vk_station_get_device (self->station)->device_id, &error);
  if (server == NULL || !vk_sync_server_listen (server, self->listen, self->tls_cert, self->tls_key, &error))
    {
      g_autofree char *text = g_strdup_printf (_ ("Not listening: %s"), error->message);
      vk_station_window_set_connection_state (self, text);
      return;
    }
  vk_sync_server_set_stored_func (server, listener_stored_cb, self);
  self->listener = g_steal_pointer (&server);
  update_header (self);
}

static void
poll_closed_cb (VkCountPage *page, VkStationWindow *self)
{
  clear_voter (self);
  clear_list (self->results);
  show_message (self->message_label, "vk-blocked", _ ("The poll is closed: no more ballots can be handed out."));
}

static void
configure_for_role (VkStationWindow *self)
{
  const VkDevice *d = vk_station_get_device (self->station);
  gboolean table = strcmp (d->role, "valgbord") == 0;
  gboolean brev = strcmp (d->role, "brevstemmested") == 0 || strcmp (d->role, "hjemmebesoeg") == 0;
  gboolean fin = strcmp (d->role, "fintaelling") == 0;

  if ((table || fin) && self->count_page == NULL)
    {
      self->count_page = vk_count_page_new ();
      gtk_stack_add_titled (self->work_stack, GTK_WIDGET (self->count_page), "count", _ ("Count"));
      g_signal_connect (self->count_page, "poll-closed", G_CALLBACK (poll_closed_cb), self);
    }
  if (self->count_page != NULL)
    vk_count_page_set_station (self->count_page, self->station, self->db_path);
  gtk_stack_page_set_visible (self->checkin_page, !brev && !fin);
  gtk_stack_page_set_visible (self->decide_page, table);
  gtk_stack_page_set_visible (self->receive_page, brev);
  gtk_widget_set_visible (GTK_WIDGET (self->work_switcher), table);
  gtk_widget_set_visible (GTK_WIDGET (self->valgstyrer_button), table);
  gtk_widget_set_visible (GTK_WIDGET (self->menu_button), TRUE);
  gtk_stack_set_visible_child_name (self->work_stack, brev ? "receive" : fin ? "count" : "checkin");
  gtk_stack_set_visible_child_name (self->stack, "work");
  /* Homes and care homes need two stemmemodtagere: the team's default place. */
  gtk_drop_down_set_selected (self->place_dropdown, strcmp (d->role, "hjemmebesoeg") == 0 ? 1 : 0);
  if (!table && !brev && !fin)
    show_message (self->message_label, "vk-warning", _ ("This device's role has no check-in screen."));
  update_header (self);
  refresh_counts (self);
  refresh_envelopes (self, FALSE);
  refresh_brev_count (self);
  clear_voter (self);
  select_brev_voter (self, NULL);
  select_envelope (self, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (brev ? self->brev_search_entry : self->search_entry));
}

static void
open_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkStationWindow *self = VK_STATION_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *db = NULL;
  const char *key_path = gtk_editable_get_text (GTK_EDITABLE (self->key_entry));
  const char *db_text = gtk_editable_get_text (GTK_EDITABLE (self->db_entry));
  guint i = gtk_drop_down_get_selected (self->device_dropdown);
  const VkDevice *d;

  if (self->station != NULL)
    return;
  if (self->package == NULL)
    package_activate_cb (self->package_entry, self);
  if (self->package == NULL)
    return;
  if (self->devices == NULL || i >= self->devices->len)
    {
      setup_error (self, _ ("The package has no enrolled devices: enrol this device first (valgkit enroll)."));
      return;
    }
  d = g_ptr_array_index (self->devices, i);
  g_clear_pointer (&self->key, vk_keypair_free);
  self->key = vk_keypair_load (key_path, gtk_editable_get_text (GTK_EDITABLE (self->passphrase_entry)), &error);
  if (self->key == NULL)
    {
      g_autofree char *text = g_error_matches (error, VK_ERROR, VK_ERROR_PASSPHRASE)
                                  ? g_strdup (_ ("Wrong passphrase for the device key."))
                                  : g_strdup_printf (_ ("Cannot read the device key: %s"), error->message);
      setup_error (self, text);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_entry), "");
  if (*db_text != '\0')
    db = g_strdup (db_text);
  else
    {
      g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "valgkit", NULL);
      g_autofree char *name = g_strconcat (d->device_id, ".db", NULL);
      (void)g_mkdir_with_parents (dir, 0700);
      db = g_build_filename (dir, name, NULL);
    }
  self->station = vk_station_open (self->package, db, d->device_id, self->key, &error);
  if (self->station == NULL)
    {
      g_autofree char *text = g_strdup_printf (_ ("Cannot open the device: %s"), error->message);
      setup_error (self, text);
      return;
    }
  setup_error (self, NULL);
  g_free (self->db_path);
  self->db_path = g_strdup (db);
  configure_for_role (self);
  start_sync (self);
  start_listener (self);
  if (self->count_page != NULL)
    vk_count_page_set_sync (self->count_page, self->sync, self->server);
}

static gboolean
focus_search_cb (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  VkStationWindow *self = VK_STATION_WINDOW (widget);
  const char *page = gtk_stack_get_visible_child_name (self->work_stack);

  if (g_strcmp0 (page, "decide") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->envelope_entry));
  else if (g_strcmp0 (page, "receive") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->brev_search_entry));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return TRUE;
}

static void
passphrase_activate_cb (GtkPasswordEntry *entry, VkStationWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.open", NULL);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

/* GObject. */

static void
vk_station_window_dispose (GObject *object)
{
  VkStationWindow *self = VK_STATION_WINDOW (object);

  g_clear_pointer (&self->sync, vk_sync_runner_free);
  g_clear_pointer (&self->listener, vk_sync_server_free);
  if (self->key_dialog != NULL)
    gtk_window_destroy (self->key_dialog);
  gtk_widget_dispose_template (GTK_WIDGET (self), VK_TYPE_STATION_WINDOW);
  G_OBJECT_CLASS (vk_station_window_parent_class)->dispose (object);
}

static void
vk_station_window_finalize (GObject *object)
{
  VkStationWindow *self = VK_STATION_WINDOW (object);

  g_clear_pointer (&self->station, vk_station_close);
  g_clear_pointer (&self->key, vk_keypair_free);
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_pointer (&self->package, vk_package_free);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_free (self->connection_state);
  g_free (self->envelope_selected);
  g_strfreev (self->peers);
  g_free (self->server);
  g_free (self->listen);
  g_free (self->tls_cert);
  g_free (self->tls_key);
  g_free (self->db_path);
  g_free (self->last_envelope);
  G_OBJECT_CLASS (vk_station_window_parent_class)->finalize (object);
}

static void
vk_station_window_class_init (VkStationWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vk_station_window_dispose;
  object_class->finalize = vk_station_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/dk/valgkit/Station/station-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, VkStationWindow, name)
  BIND (window_title);
  BIND (work_switcher);
  BIND (menu_button);
  BIND (valgstyrer_button);
  BIND (stack);
  BIND (work_stack);
  BIND (checkin_page);
  BIND (decide_page);
  BIND (receive_page);
  BIND (package_entry);
  BIND (device_dropdown);
  BIND (key_entry);
  BIND (passphrase_entry);
  BIND (db_entry);
  BIND (setup_error);
  BIND (search_entry);
  BIND (search_info);
  BIND (results);
  BIND (count_label);
  BIND (chart);
  BIND (message_label);
  BIND (voter_name);
  BIND (voter_details);
  BIND (birth_box);
  BIND (birth_entry);
  BIND (assisted_check);
  BIND (checkin_button);
  BIND (undo_button);
  BIND (envelope_entry);
  BIND (envelope_list);
  BIND (env_message);
  BIND (env_title);
  BIND (env_details);
  BIND (env_assessment);
  BIND (styrer1_entry);
  BIND (styrer2_entry);
  BIND (reason_dropdown);
  BIND (accept_button);
  BIND (reject_button);
  BIND (brev_search_entry);
  BIND (brev_results);
  BIND (brev_count);
  BIND (brev_message);
  BIND (brev_voter);
  BIND (brev_voter_details);
  BIND (cpr_entry);
  BIND (place_dropdown);
  BIND (receiver1_entry);
  BIND (receiver2_entry);
  BIND (receive_button);
  BIND (label_button);
#undef BIND

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.choose-package", NULL, choose_package_action);
  gtk_widget_class_install_action (widget_class, "win.choose-key", NULL, choose_key_action);
  gtk_widget_class_install_action (widget_class, "win.create-key", NULL, create_key_action);
  gtk_widget_class_install_action (widget_class, "win.set-package", "s", set_path_action);
  gtk_widget_class_install_action (widget_class, "win.set-key", "s", set_path_action);
  gtk_widget_class_install_action (widget_class, "win.check-in", NULL, check_in_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.accept-brevstemme", NULL, accept_action);
  gtk_widget_class_install_action (widget_class, "win.reject-brevstemme", NULL, reject_action);
  gtk_widget_class_install_action (widget_class, "win.receive", NULL, receive_action);
  gtk_widget_class_install_action (widget_class, "win.print-label", "s", print_label_action);
  gtk_widget_class_install_action (widget_class, "win.import-journals", "s", import_journals_action);
  gtk_widget_class_install_action (widget_class, "win.export-usb", "s", export_usb_action);
  gtk_widget_class_install_action (widget_class, "win.choose-import", NULL, choose_import_action);
  gtk_widget_class_install_action (widget_class, "win.choose-export", NULL, choose_export_action);
  /* Ctrl+F goes back to the search field from anywhere. */
  gtk_widget_class_add_binding (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, focus_search_cb, NULL);
}

static void
vk_station_window_init (VkStationWindow *self)
{
  static gsize css_loaded;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->confirm_birth_date = TRUE;
  self->tz = g_time_zone_new_identifier ("Europe/Copenhagen");
  if (self->tz == NULL)
    self->tz = g_time_zone_new_local ();

  if (g_once_init_enter (&css_loaded))
    {
      GtkCssProvider *css = gtk_css_provider_new ();
      gtk_css_provider_load_from_resource (css, "/dk/valgkit/Station/station-style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_object_unref (css);
      g_once_init_leave (&css_loaded, 1);
    }

  gtk_drawing_area_set_draw_func (self->chart, draw_chart, self, NULL);
  g_signal_connect (self->package_entry, "activate", G_CALLBACK (package_activate_cb), self);
  g_signal_connect (self->device_dropdown, "notify::selected", G_CALLBACK (device_selected_cb), self);
  g_signal_connect (self->passphrase_entry, "activate", G_CALLBACK (passphrase_activate_cb), self);
  g_signal_connect (self->search_entry, "activate", G_CALLBACK (search_activate_cb), self);
  g_signal_connect (self->results, "row-activated", G_CALLBACK (result_activated_cb), self);
  g_signal_connect (self->birth_entry, "activate", G_CALLBACK (birth_activate_cb), self);
  g_signal_connect (self->valgstyrer_button, "toggled", G_CALLBACK (valgstyrer_toggled_cb), self);
  g_signal_connect (self->envelope_entry, "activate", G_CALLBACK (envelope_activate_cb), self);
  g_signal_connect (self->envelope_list, "row-activated", G_CALLBACK (envelope_row_activated_cb), self);
  g_signal_connect (self->brev_search_entry, "activate", G_CALLBACK (brev_search_activate_cb), self);
  g_signal_connect (self->brev_results, "row-activated", G_CALLBACK (brev_row_activated_cb), self);
  g_signal_connect_swapped (self->receiver1_entry, "changed", G_CALLBACK (hide_brev_message_cb), self);
  g_signal_connect_swapped (self->receiver2_entry, "changed", G_CALLBACK (hide_brev_message_cb), self);
  g_signal_connect_swapped (self->cpr_entry, "changed", G_CALLBACK (hide_brev_message_cb), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.check-in", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.receive", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.print-label", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.accept-brevstemme", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reject-brevstemme", FALSE);
  gtk_stack_set_visible_child_name (self->stack, "setup");
}

/* Public API. */

VkStationWindow *
vk_station_window_new (GtkApplication *app)
{
  return g_object_new (VK_TYPE_STATION_WINDOW, "application", app, NULL);
}

void
vk_station_window_prefill (VkStationWindow *self, const char *package_path, const char *device_id, const char *key_path,
                           const char *db_path)
{
  g_return_if_fail (VK_IS_STATION_WINDOW (self));

  if (package_path != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->package_entry), package_path);
      package_activate_cb (self->package_entry, self);
    }
  if (device_id != NULL && self->devices != NULL)
    for (guint i = 0; i < self->devices->len; i++)
      if (strcmp (((VkDevice *)g_ptr_array_index (self->devices, i))->device_id, device_id) == 0)
        gtk_drop_down_set_selected (self->device_dropdown, i);
  if (key_path != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->key_entry), key_path);
  if (db_path != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->db_entry), db_path);
  gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_entry));
}

GtkWidget *
vk_station_window_get_count_page (VkStationWindow *self)
{
  g_return_val_if_fail (VK_IS_STATION_WINDOW (self), NULL);
  return GTK_WIDGET (self->count_page);
}

VkStation *
vk_station_window_get_station (VkStationWindow *self)
{
  g_return_val_if_fail (VK_IS_STATION_WINDOW (self), NULL);
  return self->station;
}

void
vk_station_window_set_confirm_birth_date (VkStationWindow *self, gboolean confirm)
{
  g_return_if_fail (VK_IS_STATION_WINDOW (self));
  self->confirm_birth_date = !!confirm;
}

void
vk_station_window_set_connection_state (VkStationWindow *self, const char *state)
{
  g_return_if_fail (VK_IS_STATION_WINDOW (self));
  g_free (self->connection_state);
  self->connection_state = g_strdup (state);
  update_header (self);
}

void
vk_station_window_set_sync_targets (VkStationWindow *self, const char *const *peers, const char *server)
{
  g_return_if_fail (VK_IS_STATION_WINDOW (self));
  g_strfreev (self->peers);
  self->peers = g_strdupv ((char **)peers);
  g_free (self->server);
  self->server = g_strdup (server);
}

void
vk_station_window_set_listen (VkStationWindow *self, const char *host_port, const char *tls_cert, const char *tls_key)
{
  g_return_if_fail (VK_IS_STATION_WINDOW (self));
  g_free (self->listen);
  self->listen = g_strdup (host_port);
  g_free (self->tls_cert);
  self->tls_cert = g_strdup (tls_cert);
  g_free (self->tls_key);
  self->tls_key = g_strdup (tls_key);
}

const char *
vk_station_window_get_listen_url (VkStationWindow *self)
{
  g_return_val_if_fail (VK_IS_STATION_WINDOW (self), NULL);
  return self->listener != NULL ? vk_sync_server_get_url (self->listener) : NULL;
}

/* Gettext.  The stations are Danish: Danish is the default.  Debian
 * systems often lack a generated da_DK locale, and with the C locale
 * gettext ignores LANGUAGE, so the app falls back to C.UTF-8 and sets
 * LANGUAGE=da itself. */
void
vk_station_init_i18n (void)
{
  const char *locale = setlocale (LC_ALL, "");
  const char *language = g_getenv ("LANGUAGE");
  const char *dir = g_getenv ("VALGKIT_LOCALEDIR");
  g_autofree char *installed = g_build_filename (LOCALEDIR, "da", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  const char *messages;

  if (locale == NULL || strcmp (locale, "C") == 0 || strcmp (locale, "POSIX") == 0)
    locale = setlocale (LC_ALL, "C.UTF-8");
  messages = setlocale (LC_MESSAGES, NULL);
  if (language == NULL || *language == '\0')
    {
      /* Another real language chosen with LANG (en_GB.UTF-8…) is kept. */
      if (messages == NULL || g_str_has_prefix (messages, "C") || g_str_has_prefix (messages, "POSIX")
          || g_str_has_prefix (messages, "da"))
        g_setenv ("LANGUAGE", "da", TRUE);
    }
  if (dir == NULL)
    dir = g_file_test (installed, G_FILE_TEST_EXISTS) ? LOCALEDIR : VK_BUILD_LOCALEDIR;
  bindtextdomain (GETTEXT_PACKAGE, dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
