/* checkin-page.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <string.h>

#include "checkin-page.h"
#include "guard-dialog.h"
#include "vk-ui-util.h"

#define RESULT_LIMIT 50
/* Search as you type: after this pause in typing. */
#define SEARCH_DELAY_MS 200

struct _VkCheckinPage
{
  AdwBin parent_instance;

  /* Template widgets. */
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

  /* State. */
  VkStationSession *session; /* borrowed */
  VkStation *station;        /* borrowed from the session */
  gboolean confirm_birth_date;
  const VkVoter *selected; /* borrowed from the station's index */
  gboolean selected_by_scan;
  gboolean pending_brevstemme; /* the selected voter has an undecided brevstemme */
  gboolean confirm_brevstemme; /* the valgstyrer confirmed it for this check-in */
  guint search_timeout;
  GPtrArray *shown; /* const VkVoter*: the rows of the result list */
};

G_DEFINE_FINAL_TYPE (VkCheckinPage, vk_checkin_page, ADW_TYPE_BIN)

static void
draw_chart (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  VkCheckinPage *self = user_data;
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

/* A block: the big red message, and the bell (the operator of a scanner
 * may not be looking). */
static void
show_blocked (VkCheckinPage *self, const char *text)
{
  vk_ui_show_message (self->message_label, "vk-blocked", text);
  vk_guard_bell (GTK_WIDGET (self));
}

/* (Re)builds the result rows from self->shown: each row's badge is the
 * voter's state now (after a check-in or an undo the row follows). */
static void
fill_rows (VkCheckinPage *self)
{
  guint area = vk_station_get_area (self->station);

  vk_ui_clear_list (self->results);
  for (guint i = 0; i < self->shown->len; i++)
    {
      const VkVoter *v = g_ptr_array_index (self->shown, i);
      g_autofree char *born = vk_ui_format_birth_date (v->birth_date);
      g_autofree char *sub = g_strdup_printf (_ ("Born %s · %s · number %u"), born, v->address, v->loebenummer);
      g_autofree char *badge = NULL;
      GtkWidget *row;

      if (v->area != area)
        badge = g_strdup_printf (_ ("Area %u"), v->area);
      else if (vk_station_is_checked_in (self->station, v->loebenummer))
        badge = g_strdup (_ ("Checked in"));
      else if (vk_station_has_undecided_brevstemme (self->station, v->area, v->loebenummer))
        badge = g_strdup (_ ("Brevstemme waiting"));
      row = vk_ui_make_row (v->name, sub, badge, (gpointer)v);
      gtk_list_box_append (self->results, row);
      if (v == self->selected)
        gtk_list_box_select_row (self->results, GTK_LIST_BOX_ROW (row));
    }
}

static void set_button_label (VkCheckinPage *self, const char *voter_contests);

static void
clear_voter (VkCheckinPage *self)
{
  if (self->station != NULL)
    set_button_label (self, "");
  self->selected = NULL;
  self->selected_by_scan = FALSE;
  self->pending_brevstemme = FALSE;
  self->confirm_brevstemme = FALSE;
  gtk_label_set_text (self->voter_name, _ ("No voter chosen"));
  gtk_label_set_text (self->voter_details, _ ("Scan a valgkort or search for the voter."));
  gtk_widget_set_visible (GTK_WIDGET (self->birth_box), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->birth_entry), "");
  gtk_check_button_set_active (self->assisted_check, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkin.check-in", FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->undo_button), FALSE);
}

/* Selects the whole text of the search field (the next scan replaces
 * it, instead of being appended), and focuses the field if asked. */
static gboolean
reselect_search_text_cb (gpointer data)
{
  VkCheckinPage *self = data;

  /* Selecting claims the PRIMARY selection; under X11 the loss of the
   * previous claim (the old text replaced) can arrive after the new one
   * and drop the selection again: select once more when that happened. */
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->search_entry))
      && !gtk_editable_get_selection_bounds (GTK_EDITABLE (self->search_entry), NULL, NULL))
    gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
  return G_SOURCE_REMOVE;
}

static void
select_search_text (VkCheckinPage *self, gboolean focus)
{
  if (focus)
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
  g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, 20, reselect_search_text_cb, g_object_ref (self), g_object_unref);
}

/* Shows a voter and what may be done: the big message says why not.
 * TRUE when the focus moved on (to the birth date or the button). */
/* The button names the ballots handed out: a voter's (voter_contests,
 * per-voter eligibility), or "" for every contest of the event. */
static void
set_button_label (VkCheckinPage *self, const char *voter_contests)
{
  const VkElection *e = vk_station_get_election (self->station);
  g_autofree char *contests = vk_election_dup_voter_contests_label (e, voter_contests);

  if (vk_election_get_n_contests (e) > 1 && *contests != '\0')
    {
      g_autofree char *label = g_strdup_printf (_ ("Hand out ballots (%s)"), contests);

      gtk_button_set_label (self->checkin_button, label);
    }
  else
    gtk_button_set_label (self->checkin_button, _ ("Hand out ballot"));
}

static gboolean
select_voter_full (VkCheckinPage *self, const VkVoter *v, gboolean scanned, gboolean ring)
{
  g_autoptr (VkVoterStatus) st = NULL;
  g_autofree char *details = NULL;
  gboolean can_check_in = FALSE;

  clear_voter (self);
  if (v == NULL)
    return FALSE;
  self->selected = v;
  self->selected_by_scan = scanned;
  st = vk_station_dup_voter_status (self->station, v->area, v->loebenummer);
  set_button_label (self, v->contests);
  gtk_label_set_text (self->voter_name, v->name);
  details = vk_ui_voter_details (self->station, v);
  gtk_label_set_text (self->voter_details, details);

  switch (st->state)
    {
      case VK_VOTER_FREE:
        if (st->contests->len == 0)
          {
            /* Per-voter eligibility (the package): e.g. an EU citizen at
             * a folketingsvalg. */
            g_autofree char *all = vk_election_dup_contests_label (vk_station_get_election (self->station));
            g_autofree char *text = g_strdup_printf (
                _ ("NOT ELIGIBLE: the voter may not vote in this election (%s). Do not hand out a ballot."), all);

            vk_ui_show_message (self->message_label, "vk-blocked", text);
          }
        else if (vk_station_is_poll_closed (self->station))
          vk_ui_show_message (self->message_label, "vk-blocked",
                              _ ("The poll is closed: no more ballots can be handed out."));
        else if (vk_station_has_undecided_brevstemme (self->station, v->area, v->loebenummer))
          {
            /* KRVL § 71: a voter who has sent a brevstemme may still vote
             * in person, and the brevstemme is then rejected: the
             * valgstyrer decides at the table. */
            self->pending_brevstemme = TRUE;
            vk_ui_show_message (
                self->message_label, "vk-warning",
                vk_station_get_valgstyrer (self->station)
                    ? _ ("BREVSTEMME WAITING: the voter's brevstemme has not been decided. If the voter votes in "
                         "person, the brevstemme must be rejected. Confirm as valgstyrer to hand out a ballot.")
                    : _ ("BREVSTEMME WAITING: the voter's brevstemme has not been decided. Call the valgstyrer before "
                         "handing out a ballot."));
            can_check_in = vk_station_get_valgstyrer (self->station);
          }
        else
          {
            vk_ui_show_message (self->message_label, NULL, NULL);
            can_check_in = TRUE;
          }
        break;
      case VK_VOTER_CHECKED_IN:
        {
          const VkCheckinRef *first = g_ptr_array_index (st->checkins, 0);
          g_autofree char *when = vk_ui_format_clock (first->time_ms);
          g_autofree char *text = NULL;

          if (st->checkins->len > 1)
            text = g_strdup_printf (_ ("ALREADY CHECKED IN at %u tables (first at %s at %s). Call the valgstyrer: "
                                       "this is a double check-in (D04)."),
                                    st->checkins->len, first->device_id, when);
          else
            text = g_strdup_printf (_ ("ALREADY CHECKED IN at %s at %s. Do not hand out a ballot."), first->device_id,
                                    when);
          vk_ui_show_message (self->message_label, "vk-blocked", text);
          gtk_widget_set_visible (GTK_WIDGET (self->undo_button), vk_station_get_valgstyrer (self->station));
          break;
        }
      case VK_VOTER_BREVSTEMME:
        vk_ui_show_message (
            self->message_label, "vk-blocked",
            _ ("HAS VOTED BY LETTER: the voter's brevstemme has been accepted. Do not hand out a ballot."));
        break;
      case VK_VOTER_OTHER_AREA:
        {
          g_autofree char *text
              = g_strdup_printf (_ ("NOT ON THIS AREA'S VALGLISTE. The voter belongs to area %u %s: send the voter "
                                    "there."),
                                 v->area, vk_ui_area_name (self->station, v->area));
          vk_ui_show_message (self->message_label, "vk-blocked", text);
          break;
        }
      case VK_VOTER_NOT_FOUND:
        vk_ui_show_message (self->message_label, "vk-blocked", _ ("Not on any valgliste of this municipality."));
        break;
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkin.check-in", can_check_in);
  if (ring && (gtk_widget_has_css_class (GTK_WIDGET (self->message_label), "vk-blocked") || self->pending_brevstemme))
    vk_guard_bell (GTK_WIDGET (self));
  if (!can_check_in)
    return FALSE;
  if (scanned && self->confirm_birth_date)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->birth_box), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->birth_entry));
    }
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->checkin_button));
  return TRUE;
}

static gboolean
select_voter (VkCheckinPage *self, const VkVoter *v, gboolean scanned)
{
  return select_voter_full (self, v, scanned, TRUE);
}

/* Which reading of six or eight digits was used (310299: a løbenummer,
 * as 31-02-99 is no date; 010299: a birth date, and the number too). */
static char *
reading_text (const char *query, const VkSearchResult *r)
{
  g_autofree char *q = g_strstrip (g_strdup (query));
  g_autofree char *date = NULL;

  if (!r->ambiguous_digits || strlen (q) < 6)
    return NULL;
  date = strlen (q) == 8 ? g_strdup_printf ("%.2s-%.2s-%.4s", q, q + 2, q + 4)
                         : g_strdup_printf ("%.2s-%.2s-%.2s", q, q + 2, q + 4);
  if (r->kind == VK_SEARCH_LOEBENUMMER)
    return g_strdup_printf (_ ("Searched as number %s: %s is not a date."), q, date);
  if (strlen (q) == 6)
    return g_strdup_printf (_ ("Searched as birth date %s and as number %s."), date, q);
  return g_strdup_printf (_ ("Searched as birth date %s."), date);
}

/* Runs the search; TRUE when the focus moved on to a voter or a list.
 * typing: search as you type: the list and the count follow the text,
 * nothing is chosen and the focus stays in the field. */
static gboolean
search_and_show (VkCheckinPage *self, gboolean typing)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkSearchResult) r = NULL;
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (self->station == NULL)
    return FALSE;
  /* A valgkort code is read whole, at the scanner's Enter. */
  if (typing)
    {
      g_autofree char *t = g_strchug (g_strdup (query));
      if (g_ascii_strncasecmp (t, "vk", 2) == 0)
        return FALSE;
    }
  g_ptr_array_set_size (self->shown, 0);
  vk_ui_clear_list (self->results);
  clear_voter (self);
  vk_ui_show_message (self->message_label, NULL, NULL);
  r = vk_station_search (self->station, query, RESULT_LIMIT, &error);
  if (r == NULL)
    {
      g_autofree char *why = vk_ui_search_error_dup_text (query);

      gtk_label_set_text (self->search_info, "");
      if (typing)
        return FALSE; /* half a date: say nothing until Enter */
      vk_ui_show_message (self->message_label, "vk-warning", why);
      vk_guard_bell (GTK_WIDGET (self));
      return FALSE;
    }
  for (guint i = 0; i < r->voters->len; i++)
    g_ptr_array_add (self->shown, g_ptr_array_index (r->voters, i));
  fill_rows (self);
  {
    g_autofree char *reading = reading_text (query, r);
    g_autofree char *info = NULL;

    if (r->kind == VK_SEARCH_NONE)
      info = g_strdup ("");
    else if (r->voters->len == 0)
      info = g_strdup (_ ("No voters found."));
    else if (r->more || r->total > r->voters->len)
      info = g_strdup_printf (_ ("Showing %u of more than %u voters: type more to narrow down."), r->voters->len,
                              r->total);
    else
      info = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u voter found.", "%u voters found.", r->voters->len),
                              r->voters->len);
    if (reading != NULL)
      {
        g_autofree char *both = g_strdup_printf ("%s %s", reading, info);
        g_free (info);
        info = g_steal_pointer (&both);
      }
    gtk_label_set_text (self->search_info, info);
  }
  if (typing)
    return FALSE;

  if (r->kind == VK_SEARCH_VALGKORT && r->voters->len == 0)
    {
      g_autofree char *text
          = g_strdup_printf (_ ("This valgkort (area %u, number %u) is not on any valgliste of the municipality."),
                             r->card.area, r->card.loebenummer);
      show_blocked (self, text);
      return FALSE;
    }
  if (r->voters->len == 1)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->results, 0);
      gtk_list_box_select_row (self->results, row);
      return select_voter (self, g_ptr_array_index (r->voters, 0), r->kind == VK_SEARCH_VALGKORT);
    }
  else if (r->voters->len > 1)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->results, 0);
      gtk_list_box_select_row (self->results, row);
      gtk_widget_grab_focus (GTK_WIDGET (row));
      return TRUE;
    }
  return FALSE;
}

/* After every outcome the field's text is selected, so the next scan
 * replaces it; the focus stays in the field unless the flow moved on
 * (a birth date to ask, a button to press, a list to choose from). */
static void
run_search (VkCheckinPage *self)
{
  gboolean moved;

  g_clear_handle_id (&self->search_timeout, g_source_remove);
  moved = search_and_show (self, FALSE);
  select_search_text (self, !moved);
}

static gboolean
search_timeout_cb (gpointer data)
{
  VkCheckinPage *self = data;

  self->search_timeout = 0;
  search_and_show (self, TRUE);
  return G_SOURCE_REMOVE;
}

/* Search as you type: the old outcome goes at once, the search runs
 * after a short pause.  An emptied field (Escape, after a check-in)
 * clears the list and keeps the message. */
static void
search_changed_cb (GtkEditable *entry, VkCheckinPage *self)
{
  g_autofree char *q = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  g_clear_handle_id (&self->search_timeout, g_source_remove);
  if (self->station == NULL || self->shown == NULL)
    return;
  gtk_label_set_text (self->search_info, "");
  if (*q == '\0')
    {
      g_ptr_array_set_size (self->shown, 0);
      vk_ui_clear_list (self->results);
      return;
    }
  self->search_timeout = g_timeout_add (SEARCH_DELAY_MS, search_timeout_cb, self);
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

/* Signal callbacks. */

static void
search_activate_cb (GtkEntry *entry, VkCheckinPage *self)
{
  run_search (self);
}

/* Escape in the search field clears it. */
static gboolean
search_key_pressed_cb (GtkEventControllerKey *controller, guint keyval, guint keycode, GdkModifierType state,
                       VkCheckinPage *self)
{
  if (keyval != GDK_KEY_Escape)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  return TRUE;
}

static void
result_activated_cb (GtkListBox *list, GtkListBoxRow *row, VkCheckinPage *self)
{
  select_voter (self, g_object_get_data (G_OBJECT (row), "vk-data"), FALSE);
}

static void
birth_activate_cb (GtkEntry *entry, VkCheckinPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "checkin.check-in", NULL);
}

static void
undo_reason_changed_cb (GtkEditable *entry, AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  adw_message_dialog_set_response_enabled (dialog, "undo", *text != '\0');
}

static void
undo_response_cb (AdwMessageDialog *dialog, const char *response, VkCheckinPage *self)
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
      g_autofree char *why = vk_ui_error_dup_text (error);
      vk_ui_show_message (self->message_label, "vk-blocked", why);
      return;
    }
  select_voter_full (self, v, FALSE, FALSE);
  fill_rows (self); /* the row no longer says "Checked in" */
  {
    g_autofree char *text
        = g_strdup_printf (_ ("The check-in of %s was undone. The voter may now be checked in."), v->name);
    vk_ui_show_message (self->message_label, "vk-ok", text);
  }
  vk_checkin_page_refresh_counts (self);
}

/* Actions. */

static void do_check_in (VkCheckinPage *self);

static void
date_confirmed_cb (GObject *owner)
{
  do_check_in (VK_CHECKIN_PAGE (owner));
}

static void
brevstemme_response_cb (AdwMessageDialog *dialog, const char *response, VkCheckinPage *self)
{
  if (g_strcmp0 (response, "confirm") != 0 || self->selected == NULL)
    return;
  self->confirm_brevstemme = TRUE;
  do_check_in (self);
}

static void
check_in_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkCheckinPage *self = VK_CHECKIN_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  if (self->selected == NULL || self->station == NULL)
    return;
  if (!self->pending_brevstemme || self->confirm_brevstemme)
    {
      do_check_in (self);
      return;
    }
  /* A voter with an undecided brevstemme: the valgstyrer confirms. */
  body = g_strdup_printf (_ ("%s (number %u) has a brevstemme that has not been decided. If a ballot is handed out, "
                             "the brevstemme must be rejected (the voter has voted in person). The check-in records "
                             "that you confirmed it."),
                          self->selected->name, self->selected->loebenummer);
  dialog
      = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                    _ ("Hand out a ballot although a brevstemme is waiting?"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _ ("Cancel"), "confirm", _ ("Confirm and hand out"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "confirm", ADW_RESPONSE_DESTRUCTIVE);
  /* Enter confirms (the valgstyrer asked for it); Escape cancels. */
  adw_message_dialog_set_default_response (dialog, "confirm");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (brevstemme_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
do_check_in (VkCheckinPage *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  g_autofree char *now = NULL;
  guint64 seq;
  const VkVoter *v = self->selected;

  if (v == NULL || self->station == NULL)
    return;
  if (self->selected_by_scan && self->confirm_birth_date
      && !birth_date_matches (v, gtk_editable_get_text (GTK_EDITABLE (self->birth_entry))))
    {
      vk_ui_show_message (self->message_label, "vk-warning",
                          _ ("The birth date does not match the valgkort. Ask again, or check the voter's ID."));
      gtk_widget_grab_focus (GTK_WIDGET (self->birth_entry));
      return;
    }
  seq = vk_station_check_in_full (self->station, v->loebenummer,
                                  self->selected_by_scan ? VK_CHECKIN_SCAN : VK_CHECKIN_SEARCH,
                                  gtk_check_button_get_active (self->assisted_check), self->confirm_brevstemme, &error);
  if (seq == 0 && g_error_matches (error, VK_STATION_ERROR, VK_STATION_ERROR_WRONG_DATE))
    {
      g_autofree char *day = vk_ui_format_birth_date (vk_station_get_election (self->station)->date);
      g_autofree char *body
          = g_strdup_printf (_ ("TODAY IS NOT ELECTION DAY (%s). A check-in on another day is recorded with the "
                                "name of the valgstyrer who confirms it, and the count server reports it (D10)."),
                             day);
      vk_guard_confirm_date (GTK_WIDGET (self), self->station, self->message_label, body, date_confirmed_cb,
                             G_OBJECT (self));
      return;
    }
  if (seq == 0)
    {
      g_autofree char *why = vk_ui_error_dup_text (error);

      /* Marked since it was chosen (another table's check-in arrived, or
       * a brevstemme was accepted): the voter's row is refreshed, the
       * button disabled, and the refusal names the table and the time. */
      if (g_error_matches (error, VK_STATION_ERROR, VK_STATION_ERROR_ALREADY_CHECKED_IN)
          || g_error_matches (error, VK_STATION_ERROR, VK_STATION_ERROR_HAS_BREVSTEMME))
        {
          g_autoptr (VkVoterStatus) st = vk_station_dup_voter_status (self->station, v->area, v->loebenummer);

          select_voter_full (self, v, FALSE, FALSE);
          if (st->checkins->len > 0)
            {
              const VkCheckinRef *first = g_ptr_array_index (st->checkins, 0);
              g_autofree char *when = vk_ui_format_clock (first->time_ms);
              g_autofree char *where = g_strdup_printf (_ ("Checked in at %s at %s."), first->device_id, when);
              g_autofree char *both = g_strdup_printf ("%s %s", why, where);

              g_free (why);
              why = g_steal_pointer (&both);
            }
        }
      show_blocked (self, why);
      /* Back to the field, its text selected: the next scan replaces it. */
      select_search_text (self, TRUE);
      return;
    }
  name = g_strdup (v->name);
  now = vk_ui_format_clock ((guint64)(g_get_real_time () / 1000));
  if (vk_election_get_n_contests (vk_station_get_election (self->station)) > 1)
    {
      /* An event of several contests: the ballots of the contests this
       * voter may receive (every contest's for KV + RV). */
      g_autofree char *contests
          = vk_election_dup_voter_contests_label (vk_station_get_election (self->station), v->contests);
      text = g_strdup_printf (_ ("Hand out ballots (%s) to %s (number %u), checked in at %s."), contests, name,
                              v->loebenummer, now);
    }
  else
    text = g_strdup_printf (_ ("Ballot handed out to %s (number %u) at %s."), name, v->loebenummer, now);
  clear_voter (self);
  vk_ui_clear_list (self->results);
  gtk_label_set_text (self->search_info, "");
  vk_ui_show_message (self->message_label, "vk-ok", text);
  vk_station_session_kick (self->session);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  select_search_text (self, TRUE);
  vk_checkin_page_refresh_counts (self);
}

static void
undo_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkCheckinPage *self = VK_CHECKIN_PAGE (widget);
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *body = NULL;

  if (self->selected == NULL || self->station == NULL || !vk_station_get_valgstyrer (self->station))
    return;
  body = g_strdup_printf (_ ("%s (number %u). The undo is recorded in the journal with your reason."),
                          self->selected->name, self->selected->loebenummer);
  dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _ ("Undo check-in?"), body));
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _ ("Reason (required)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Reason (required)"), -1);
  /* Enter in the reason undoes (once a reason is written); Escape cancels. */
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog, "cancel", _ ("Cancel"), "undo", _ ("Undo check-in"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "undo", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (dialog, "undo", FALSE);
  adw_message_dialog_set_default_response (dialog, "undo");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (entry, "changed", G_CALLBACK (undo_reason_changed_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (undo_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* GObject. */

static void
vk_checkin_page_dispose (GObject *object)
{
  VkCheckinPage *self = VK_CHECKIN_PAGE (object);

  g_clear_handle_id (&self->search_timeout, g_source_remove);
  g_clear_pointer (&self->shown, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), VK_TYPE_CHECKIN_PAGE);
  G_OBJECT_CLASS (vk_checkin_page_parent_class)->dispose (object);
}

static void
vk_checkin_page_class_init (VkCheckinPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vk_checkin_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/dk/valgkit/Station/checkin-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, VkCheckinPage, name)
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
#undef BIND

  gtk_widget_class_install_action (widget_class, "checkin.check-in", NULL, check_in_action);
  gtk_widget_class_install_action (widget_class, "checkin.undo", NULL, undo_action);
}

static void
vk_checkin_page_init (VkCheckinPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->confirm_birth_date = TRUE;
  self->shown = g_ptr_array_new ();
  gtk_drawing_area_set_draw_func (self->chart, draw_chart, self, NULL);
  g_signal_connect (self->search_entry, "activate", G_CALLBACK (search_activate_cb), self);
  g_signal_connect (self->search_entry, "changed", G_CALLBACK (search_changed_cb), self);
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    gtk_event_controller_set_name (keys, "vk-search-escape");
    g_signal_connect (keys, "key-pressed", G_CALLBACK (search_key_pressed_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
  }
  g_signal_connect (self->results, "row-activated", G_CALLBACK (result_activated_cb), self);
  g_signal_connect (self->birth_entry, "activate", G_CALLBACK (birth_activate_cb), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkin.check-in", FALSE);
}

/* Public API. */

void
vk_checkin_page_set_session (VkCheckinPage *self, VkStationSession *session)
{
  g_return_if_fail (VK_IS_CHECKIN_PAGE (self));
  g_return_if_fail (VK_IS_STATION_SESSION (session));

  self->session = session;
  self->station = vk_station_session_get_station (session);
  set_button_label (self, "");
  clear_voter (self);
  vk_checkin_page_refresh_counts (self);
  /* Said before the first voter: today is not election day. */
  if (vk_station_get_guards (self->station) && !vk_station_is_election_day (self->station))
    {
      g_autofree char *day = vk_ui_format_birth_date (vk_station_get_election (self->station)->date);
      g_autofree char *text = g_strdup_printf (
          _ ("Today is not election day (%s): check the computer's clock. Check-ins need a valgstyrer's "
             "confirmation, which is recorded."),
          day);
      vk_ui_show_message (self->message_label, "vk-warning", text);
    }
}

void
vk_checkin_page_set_confirm_birth_date (VkCheckinPage *self, gboolean confirm)
{
  g_return_if_fail (VK_IS_CHECKIN_PAGE (self));
  self->confirm_birth_date = !!confirm;
}

void
vk_checkin_page_set_valgstyrer (VkCheckinPage *self, gboolean valgstyrer)
{
  g_return_if_fail (VK_IS_CHECKIN_PAGE (self));

  if (self->station == NULL)
    return;
  vk_station_set_valgstyrer (self->station, valgstyrer);
  if (self->selected != NULL)
    select_voter_full (self, self->selected, self->selected_by_scan, FALSE);
}

void
vk_checkin_page_refresh_counts (VkCheckinPage *self)
{
  VkStationCounts c;
  g_autofree char *pct = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  char *dot;

  g_return_if_fail (VK_IS_CHECKIN_PAGE (self));

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

void
vk_checkin_page_refresh (VkCheckinPage *self)
{
  g_return_if_fail (VK_IS_CHECKIN_PAGE (self));

  vk_checkin_page_refresh_counts (self);
  if (self->selected != NULL)
    select_voter_full (self, self->selected, FALSE, FALSE);
  if (self->shown->len > 0)
    fill_rows (self);
}

void
vk_checkin_page_poll_closed (VkCheckinPage *self)
{
  g_return_if_fail (VK_IS_CHECKIN_PAGE (self));

  clear_voter (self);
  vk_ui_clear_list (self->results);
  vk_ui_show_message (self->message_label, "vk-blocked", _ ("The poll is closed: no more ballots can be handed out."));
}

GtkLabel *
vk_checkin_page_get_message_label (VkCheckinPage *self)
{
  g_return_val_if_fail (VK_IS_CHECKIN_PAGE (self), NULL);
  return self->message_label;
}

void
vk_checkin_page_focus_search (VkCheckinPage *self)
{
  g_return_if_fail (VK_IS_CHECKIN_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}
