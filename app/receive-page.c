/* receive-page.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "guard-dialog.h"
#include "receive-page.h"
#include "vk-label.h"
#include "vk-ui-util.h"
#include "vk-voter-index.h"

#define RESULT_LIMIT 50
/* Two brevstemmer of one voter within this time: registered twice? */
#define TWICE_WINDOW_MS (15 * 60 * 1000)

struct _VkReceivePage
{
  AdwBin parent_instance;

  /* Template widgets. */
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
  GtkButton *cancel_button;

  /* State. */
  VkStationSession *session; /* borrowed */
  VkStation *station;        /* borrowed from the session */
  const VkVoter *brev_selected;
  guint received_here;
  char *last_envelope; /* received in this session: "Print envelope label" */
};

G_DEFINE_FINAL_TYPE (VkReceivePage, vk_receive_page, ADW_TYPE_BIN)

static void
select_brev_voter (VkReceivePage *self, const VkVoter *v)
{
  g_autofree char *details = NULL;

  self->brev_selected = v;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receive.record", v != NULL);
  if (v == NULL)
    {
      gtk_label_set_text (self->brev_voter, _ ("No voter chosen"));
      gtk_label_set_text (self->brev_voter_details, "");
      return;
    }
  gtk_label_set_text (self->brev_voter, v->name);
  details = vk_ui_voter_details (self->station, v);
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
refresh_brev_count (VkReceivePage *self)
{
  g_autofree char *text = g_strdup_printf (_ ("Brevstemmer recorded in this session: %u"), self->received_here);
  gtk_label_set_text (self->brev_count, text);
}

/* Signal callbacks. */

static void
brev_search_activate_cb (GtkEntry *entry, VkReceivePage *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkSearchResult) r = NULL;
  g_autofree char *query = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  if (self->station == NULL)
    return;
  vk_ui_clear_list (self->brev_results);
  select_brev_voter (self, NULL);
  vk_ui_show_message (self->brev_message, NULL, NULL);
  r = vk_station_search (self->station, query, RESULT_LIMIT, &error);
  /* A CPR number is moved to its own hidden field, not left on screen. */
  if (looks_like_cpr (query))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->cpr_entry), query);
      gtk_editable_set_text (GTK_EDITABLE (entry), "");
    }
  if (r == NULL)
    {
      g_autofree char *why = vk_ui_search_error_dup_text (query);
      vk_ui_show_message (self->brev_message, "vk-warning", why);
      return;
    }
  for (guint i = 0; i < r->voters->len; i++)
    {
      const VkVoter *v = g_ptr_array_index (r->voters, i);
      g_autofree char *born = vk_ui_format_birth_date (v->birth_date);
      g_autofree char *sub
          = g_strdup_printf (_ ("Born %s · %s · area %u, number %u"), born, v->address, v->area, v->loebenummer);
      gtk_list_box_append (self->brev_results, vk_ui_make_row (v->name, sub, NULL, (gpointer)v));
    }
  if (r->voters->len == 0)
    vk_ui_show_message (self->brev_message, "vk-warning", _ ("No voters found."));
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
brev_row_activated_cb (GtkListBox *list, GtkListBoxRow *row, VkReceivePage *self)
{
  select_brev_voter (self, g_object_get_data (G_OBJECT (row), "vk-data"));
}

/* A correction to the form makes the old complaint stale. */
static void
hide_brev_message_cb (VkReceivePage *self)
{
  if (gtk_widget_has_css_class (GTK_WIDGET (self->brev_message), "vk-blocked"))
    vk_ui_show_message (self->brev_message, NULL, NULL);
}

/* Actions. */

static void
confirmed_cb (GObject *owner)
{
  gtk_widget_activate_action (GTK_WIDGET (owner), "receive.record", NULL);
}

static void
record_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkReceivePage *self = VK_RECEIVE_PAGE (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *envelope = NULL;
  g_autofree char *text = NULL;
  const char *receivers[] = { gtk_editable_get_text (GTK_EDITABLE (self->receiver1_entry)),
                              gtk_editable_get_text (GTK_EDITABLE (self->receiver2_entry)), NULL };
  guint place = gtk_drop_down_get_selected (self->place_dropdown);
  VkBrevstemmeInput in = { 0 };

  if (self->brev_selected == NULL)
    return;
  /* The engine checks the form (receivers, place, CPR): one rule, and
   * its refusal comes back as a code that vk_ui_error_dup_text words. */
  in.area = self->brev_selected->area;
  in.loebenummer = self->brev_selected->loebenummer;
  in.cpr = gtk_editable_get_text (GTK_EDITABLE (self->cpr_entry));
  in.place = vk_ui_place_key (place);
  in.receivers = receivers;
  envelope = vk_station_receive_brevstemme (self->station, &in, NULL, &error);
  if (envelope == NULL && g_error_matches (error, VK_STATION_ERROR, VK_STATION_ERROR_OUTSIDE_WINDOW))
    {
      guint64 first_ms = 0;
      g_autofree char *day = NULL;
      g_autofree char *body = NULL;

      vk_station_get_brevstemme_window (self->station, &first_ms, NULL);
      day = vk_ui_format_time (first_ms, "%d-%m-%Y");
      body = g_strdup_printf (_ ("THE BREVSTEMME PERIOD HAS NOT BEGUN: it begins on %s. A brevstemme received now is "
                                 "recorded with the name of the valgstyrer who confirms it, and it is rejected at the "
                                 "polling station unless the period is set otherwise."),
                              day);
      vk_guard_confirm_date (widget, self->station, self->brev_message, body, confirmed_cb, G_OBJECT (self));
      return;
    }
  if (envelope == NULL)
    {
      g_autofree char *why = vk_ui_error_dup_text (error);
      vk_ui_show_message (self->brev_message, "vk-blocked", why);
      vk_guard_bell (widget);
      return;
    }
  self->received_here++;
  g_free (self->last_envelope);
  self->last_envelope = g_strdup (envelope);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receive.print-label", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receive.cancel", TRUE);
  if (vk_station_count_recent_brevstemmer (self->station, in.area, in.loebenummer, TWICE_WINDOW_MS) > 1)
    {
      /* The same voter minutes ago: a double registration? */
      text = g_strdup_printf (_ ("Brevstemme from %s recorded (envelope %s). NOTE: a brevstemme from this voter was "
                                 "recorded minutes ago. If the same envelope was recorded twice, cancel one."),
                              self->brev_selected->name, envelope);
      vk_ui_show_message (self->brev_message, "vk-warning", text);
      vk_guard_bell (widget);
    }
  else
    {
      text = g_strdup_printf (_ ("Brevstemme from %s recorded. Envelope id: %s — write it on the følgebrev."),
                              self->brev_selected->name, envelope);
      vk_ui_show_message (self->brev_message, "vk-ok", text);
    }
  gtk_editable_set_text (GTK_EDITABLE (self->cpr_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->brev_search_entry), "");
  vk_ui_clear_list (self->brev_results);
  select_brev_voter (self, NULL);
  refresh_brev_count (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->brev_search_entry));
}

static void
cancel_reason_changed_cb (GtkEditable *entry, AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  adw_message_dialog_set_response_enabled (dialog, "cancel-brevstemme", *text != '\0');
}

static void
cancel_response_cb (AdwMessageDialog *dialog, const char *response, VkReceivePage *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  const char *envelope = g_object_get_data (G_OBJECT (dialog), "vk-envelope");

  if (g_strcmp0 (response, "cancel-brevstemme") != 0 || envelope == NULL)
    return;
  if (vk_station_cancel_brevstemme (self->station, envelope, gtk_editable_get_text (entry), &error) == 0)
    {
      g_autofree char *why = vk_ui_error_dup_text (error);
      vk_ui_show_message (self->brev_message, "vk-blocked", why);
      return;
    }
  text = g_strdup_printf (_ ("Brevstemme %s is cancelled. Record the envelope again for the right voter."), envelope);
  vk_ui_show_message (self->brev_message, "vk-ok", text);
  if (g_strcmp0 (envelope, self->last_envelope) == 0)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "receive.cancel", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "receive.print-label", FALSE);
    }
}

/* Cancels the last brevstemme recorded here (a wrong voter chosen, the
 * envelope recorded twice), with a reason: a `brevstemme.cancel`. */
static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkReceivePage *self = VK_RECEIVE_PAGE (widget);
  g_autoptr (VkBrevstemme) b = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  g_autofree char *body = NULL;
  const VkVoter *v;

  if (self->station == NULL || self->last_envelope == NULL
      || (b = vk_station_dup_brevstemme (self->station, self->last_envelope)) == NULL)
    return;
  v = vk_voter_index_lookup (vk_station_get_index (self->station), b->area, b->loebenummer);
  body = g_strdup_printf (_ ("Envelope %s, recorded for %s (area %u, number %u). The cancel is recorded in the "
                             "journal with your reason; the valgstyrere will not decide it."),
                          b->envelope, v != NULL ? v->name : "?", b->area, b->loebenummer);
  dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _ ("Cancel this brevstemme?"), body));
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _ ("Reason (required)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Reason (required)"), -1);
  /* Enter in the reason cancels the brevstemme (once a reason is written); Escape keeps it. */
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog, "cancel", _ ("Keep it"), "cancel-brevstemme", _ ("Cancel brevstemme"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "cancel-brevstemme", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (dialog, "cancel-brevstemme", FALSE);
  adw_message_dialog_set_default_response (dialog, "cancel-brevstemme");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "vk-envelope", g_strdup (b->envelope), g_free);
  g_signal_connect (entry, "changed", G_CALLBACK (cancel_reason_changed_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (cancel_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Writes the kuvertsedel of the last brevstemme recorded to the path
 * given, or (empty path) into kuvertsedler/ of the printout folder and
 * opens GTK's print dialog (vk_ui_print_pdf()). */
static void
print_label_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkReceivePage *self = VK_RECEIVE_PAGE (widget);
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
  /* A test package's kuvertsedel says PRØVEVALG. */
  label.info = (VkPrintoutInfo){ election, vk_package_get_election_id (vk_station_get_package (self->station)),
                                 vk_ui_package_is_test (vk_station_get_package (self->station)), 0 };
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
      g_autofree char *base = vk_ui_printout_dir ();
      g_autofree char *dir = g_build_filename (base, "kuvertsedler", NULL);
      g_autofree char *name = g_strdelimit (g_strconcat (b->envelope, ".pdf", NULL), "/", '-');

      (void)g_mkdir_with_parents (dir, 0700);
      path = g_build_filename (dir, name, NULL);
    }
  if (!vk_label_write (&label, path, &error))
    {
      text = g_strdup_printf (_ ("Cannot print the envelope label: %s"), error->message);
      vk_ui_show_message (self->brev_message, "vk-blocked", text);
      return;
    }
  text = g_strdup_printf (_ ("Envelope label for envelope %s saved as %s."), b->envelope, path);
  vk_ui_show_message (self->brev_message, "vk-ok", text);
  if (*target == '\0')
    vk_ui_print_pdf (widget, path, b->envelope, self->brev_message);
}

/* GObject. */

static void
vk_receive_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VK_TYPE_RECEIVE_PAGE);
  G_OBJECT_CLASS (vk_receive_page_parent_class)->dispose (object);
}

static void
vk_receive_page_finalize (GObject *object)
{
  VkReceivePage *self = VK_RECEIVE_PAGE (object);

  g_free (self->last_envelope);
  G_OBJECT_CLASS (vk_receive_page_parent_class)->finalize (object);
}

static void
vk_receive_page_class_init (VkReceivePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vk_receive_page_dispose;
  object_class->finalize = vk_receive_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/dk/valgkit/Station/receive-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, VkReceivePage, name)
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
  BIND (cancel_button);
  BIND (label_button);
#undef BIND

  gtk_widget_class_install_action (widget_class, "receive.record", NULL, record_action);
  gtk_widget_class_install_action (widget_class, "receive.print-label", "s", print_label_action);
  gtk_widget_class_install_action (widget_class, "receive.cancel", NULL, cancel_action);
}

static void
vk_receive_page_init (VkReceivePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->brev_search_entry, "activate", G_CALLBACK (brev_search_activate_cb), self);
  g_signal_connect (self->brev_results, "row-activated", G_CALLBACK (brev_row_activated_cb), self);
  g_signal_connect_swapped (self->receiver1_entry, "changed", G_CALLBACK (hide_brev_message_cb), self);
  g_signal_connect_swapped (self->receiver2_entry, "changed", G_CALLBACK (hide_brev_message_cb), self);
  g_signal_connect_swapped (self->cpr_entry, "changed", G_CALLBACK (hide_brev_message_cb), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receive.record", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receive.print-label", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receive.cancel", FALSE);
}

/* Public API. */

void
vk_receive_page_set_session (VkReceivePage *self, VkStationSession *session)
{
  const VkDevice *d;

  g_return_if_fail (VK_IS_RECEIVE_PAGE (self));
  g_return_if_fail (VK_IS_STATION_SESSION (session));

  self->session = session;
  self->station = vk_station_session_get_station (session);
  d = vk_station_get_device (self->station);
  /* Homes and care homes need two stemmemodtagere: the team's default place. */
  gtk_drop_down_set_selected (self->place_dropdown, d->role_id == VK_ROLE_HJEMMEBESOEG ? 1 : 0);
  refresh_brev_count (self);
  select_brev_voter (self, NULL);
}

GtkLabel *
vk_receive_page_get_message_label (VkReceivePage *self)
{
  g_return_val_if_fail (VK_IS_RECEIVE_PAGE (self), NULL);
  return self->brev_message;
}

void
vk_receive_page_focus_search (VkReceivePage *self)
{
  g_return_if_fail (VK_IS_RECEIVE_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->brev_search_entry));
}
