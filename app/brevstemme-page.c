/* brevstemme-page.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <string.h>

#include "brevstemme-page.h"
#include "vk-label.h"
#include "vk-ui-util.h"
#include "vk-voter-index.h"

struct _VkBrevstemmePage
{
  AdwBin parent_instance;

  /* Template widgets. */
  GtkEntry *envelope_entry;
  GtkListBox *envelope_list;
  GtkLabel *status_counts;
  GtkDropDown *status_filter;
  GtkLabel *env_message;
  GtkLabel *env_title;
  GtkLabel *env_details;
  GtkLabel *env_assessment;
  GtkEntry *styrer1_entry;
  GtkEntry *styrer2_entry;
  GtkDropDown *reason_dropdown;
  GtkButton *accept_button;
  GtkButton *reject_button;

  /* State. */
  VkStation *station; /* borrowed from the session */
  char *envelope_selected;
};

enum
{
  SIGNAL_DECIDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VkBrevstemmePage, vk_brevstemme_page, ADW_TYPE_BIN)

static void select_envelope (VkBrevstemmePage *self, const char *envelope);

static void
refresh_envelopes (VkBrevstemmePage *self, gboolean select_exact)
{
  g_autoptr (GPtrArray) list = NULL;
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->envelope_entry));
  g_autofree char *fq = vk_voter_index_fold (query);
  g_autofree char *exact = g_strstrip (g_strdup (query));
  gboolean found_exact = FALSE;

  guint filter = gtk_drop_down_get_selected (self->status_filter);
  guint n[5] = { 0 }; /* waiting, accepted, rejected, cancelled, shown */

  vk_ui_clear_list (self->envelope_list);
  if (self->station == NULL)
    return;
  list = vk_station_dup_brevstemmer (self->station, vk_station_get_area (self->station));
  for (guint i = 0; i < list->len; i++)
    {
      const VkBrevstemme *b = g_ptr_array_index (list, i);
      n[b->cancelled ? 3 : !b->decided ? 0 : b->accepted ? 1 : 2]++;
    }
  {
    g_autofree char *counts
        = g_strdup_printf (_ ("%u waiting · %u accepted · %u rejected · %u cancelled"), n[0], n[1], n[2], n[3]);
    gtk_label_set_text (self->status_counts, counts);
  }
  for (guint i = 0; i < list->len; i++)
    {
      const VkBrevstemme *b = g_ptr_array_index (list, i);
      const VkVoter *v = vk_voter_index_lookup (vk_station_get_index (self->station), b->area, b->loebenummer);
      g_autofree char *fname = vk_voter_index_fold (v != NULL ? v->name : "");
      g_autofree char *lnr = g_strdup_printf ("%u", b->loebenummer);
      g_autofree char *title = NULL;
      g_autofree char *sub = NULL;
      g_autofree char *cast = vk_ui_format_date_clock (b->cast_ms);
      const char *status;
      GtkWidget *row;

      guint kind = b->cancelled ? 3 : !b->decided ? 0 : b->accepted ? 1 : 2;

      if (*fq != '\0' && strcmp (b->envelope, exact) != 0 && strstr (fname, fq) == NULL && strcmp (lnr, exact) != 0)
        continue;
      if (filter != 0 && filter != GTK_INVALID_LIST_POSITION && filter - 1 != kind)
        continue;
      status = b->cancelled  ? _ ("cancelled")
               : !b->decided ? _ ("waiting")
               : b->accepted ? _ ("accepted")
                             : _ ("rejected");
      title = g_strdup_printf ("%s (%s %u)", v != NULL ? v->name : "?", _ ("number"), b->loebenummer);
      sub = g_strdup_printf (_ ("Envelope %s · cast %s · %s · %s"), b->envelope, cast, vk_ui_place_label (b->place),
                             status);
      row = vk_ui_make_row (title, sub, NULL, NULL);
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
filter_changed_cb (VkBrevstemmePage *self)
{
  refresh_envelopes (self, FALSE);
}

static void
select_envelope (VkBrevstemmePage *self, const char *envelope)
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
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "brevstemme.accept", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "brevstemme.reject", FALSE);
  b = envelope != NULL && self->station != NULL ? vk_station_dup_brevstemme (self->station, envelope) : NULL;
  if (b == NULL)
    {
      gtk_label_set_text (self->env_title, _ ("No brevstemme chosen"));
      gtk_label_set_text (self->env_details, "");
      gtk_widget_set_visible (GTK_WIDGET (self->env_assessment), FALSE);
      return;
    }
  self->envelope_selected = g_strdup (envelope);
  v = vk_voter_index_lookup (vk_station_get_index (self->station), b->area, b->loebenummer);
  cast = vk_ui_format_date_clock (b->cast_ms);
  born = vk_ui_format_birth_date (v != NULL ? v->birth_date : NULL);
  receivers = g_strjoinv (", ", b->receivers);
  title = g_strdup_printf (_ ("Brevstemme %s"), b->envelope);
  gtk_label_set_text (self->env_title, title);
  details = g_strdup_printf (_ ("%s, born %s\nNumber %u in area %u\nCast %s at: %s\nReceived by: %s"),
                             v != NULL ? v->name : "?", born, b->loebenummer, b->area, cast,
                             vk_ui_place_label (b->place), receivers);
  gtk_label_set_text (self->env_details, details);

  if (b->cancelled)
    {
      g_autofree char *text = g_strdup_printf (_ ("Cancelled by the team that received it: %s"),
                                               b->cancel_reason != NULL ? b->cancel_reason : "");
      vk_ui_show_message (self->env_assessment, "vk-warning", text);
      return;
    }
  if (b->decided)
    {
      g_autofree char *text = b->accepted ? g_strdup (_ ("Already decided: accepted."))
                                          : g_strdup_printf (_ ("Already decided: rejected (%u %s)."), b->reason,
                                                             vk_ui_reason_label (b->reason));
      vk_ui_show_message (self->env_assessment, "vk-warning", text);
      return;
    }
  if (!vk_station_assess_brevstemme (self->station, envelope, &a, &error))
    {
      g_autofree char *why = vk_ui_error_dup_text (error);
      vk_ui_show_message (self->env_assessment, "vk-blocked", why);
      return;
    }
  if (a.can_accept)
    vk_ui_show_message (self->env_assessment, "vk-ok",
                        _ ("Can be accepted: on the valgliste, cast in time, no later brevstemme. Check the envelope "
                           "and the følgebrev."));
  else
    {
      g_autofree char *text
          = g_strdup_printf (_ ("Must be rejected: reason %u, %s."), a.reason, vk_ui_reason_label (a.reason));
      vk_ui_show_message (self->env_assessment, "vk-blocked", text);
      gtk_drop_down_set_selected (self->reason_dropdown, a.reason - 1);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "brevstemme.accept", a.can_accept);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "brevstemme.reject", TRUE);
}

static void
decide (VkBrevstemmePage *self, gboolean accept)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *envelope = g_strdup (self->envelope_selected);
  const char *names[] = { gtk_editable_get_text (GTK_EDITABLE (self->styrer1_entry)),
                          gtk_editable_get_text (GTK_EDITABLE (self->styrer2_entry)), NULL };
  guint reason = accept ? 0 : gtk_drop_down_get_selected (self->reason_dropdown) + 1;
  g_autofree char *text = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (envelope == NULL)
    return;
  a = g_strstrip (g_strdup (names[0]));
  b = g_strstrip (g_strdup (names[1]));
  if (*a == '\0' || *b == '\0' || g_utf8_collate (a, b) == 0)
    {
      vk_ui_show_message (self->env_message, "vk-blocked",
                          _ ("Two different valgstyrere must check the brevstemme: type both names."));
      return;
    }
  if (vk_station_decide_brevstemme (self->station, envelope, accept, reason, names, &error) == 0)
    {
      g_autofree char *why = vk_ui_error_dup_text (error);
      VkBrevstemmeAssessment as;

      /* The reason the law gives, from the assessment. */
      if (g_error_matches (error, VK_STATION_ERROR, VK_STATION_ERROR_CANNOT_ACCEPT)
          && vk_station_assess_brevstemme (self->station, envelope, &as, NULL) && as.reason != 0)
        {
          g_autofree char *both
              = g_strdup_printf (_ ("%s Reason %u: %s."), why, as.reason, vk_ui_reason_label (as.reason));

          g_free (why);
          why = g_steal_pointer (&both);
        }
      vk_ui_show_message (self->env_message, "vk-blocked", why);
      return;
    }
  text = accept
             ? g_strdup_printf (_ ("Brevstemme %s accepted: put it in the ballot box. The voter is marked."), envelope)
             : g_strdup_printf (_ ("Brevstemme %s rejected (reason %u). Keep it apart."), envelope, reason);
  vk_ui_show_message (self->env_message, accept ? "vk-ok" : "vk-warning", text);
  refresh_envelopes (self, FALSE);
  select_envelope (self, envelope);
  g_signal_emit (self, signals[SIGNAL_DECIDED], 0);
}

/* Signal callbacks. */

static void
envelope_activate_cb (GtkEntry *entry, VkBrevstemmePage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  vk_ui_show_message (self->env_message, NULL, NULL);
  /* A scanned følgebrev slip: its signed QR names the envelope. */
  if (self->station != NULL && vk_label_looks_like (text))
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (VkLabelData) label = vk_label_decode (vk_station_get_package (self->station), text, &error);

      if (label == NULL)
        {
          g_autofree char *msg
              = g_strdup_printf (_ ("This envelope label's QR code cannot be trusted: %s"), error->message);
          gtk_editable_set_text (GTK_EDITABLE (entry), "");
          refresh_envelopes (self, FALSE);
          select_envelope (self, NULL);
          vk_ui_show_message (self->env_message, "vk-blocked", msg);
          return;
        }
      gtk_editable_set_text (GTK_EDITABLE (entry), label->envelope);
    }
  refresh_envelopes (self, TRUE);
}

static void
envelope_row_activated_cb (GtkListBox *list, GtkListBoxRow *row, VkBrevstemmePage *self)
{
  select_envelope (self, g_object_get_data (G_OBJECT (row), "vk-envelope"));
}

/* Actions. */

static void
accept_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  decide (VK_BREVSTEMME_PAGE (widget), TRUE);
}

static void
reject_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  decide (VK_BREVSTEMME_PAGE (widget), FALSE);
}

/* GObject. */

static void
vk_brevstemme_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VK_TYPE_BREVSTEMME_PAGE);
  G_OBJECT_CLASS (vk_brevstemme_page_parent_class)->dispose (object);
}

static void
vk_brevstemme_page_finalize (GObject *object)
{
  VkBrevstemmePage *self = VK_BREVSTEMME_PAGE (object);

  g_free (self->envelope_selected);
  G_OBJECT_CLASS (vk_brevstemme_page_parent_class)->finalize (object);
}

static void
vk_brevstemme_page_class_init (VkBrevstemmePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vk_brevstemme_page_dispose;
  object_class->finalize = vk_brevstemme_page_finalize;

  signals[SIGNAL_DECIDED]
      = g_signal_new ("decided", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/dk/valgkit/Station/brevstemme-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, VkBrevstemmePage, name)
  BIND (envelope_entry);
  BIND (envelope_list);
  BIND (status_counts);
  BIND (status_filter);
  BIND (env_message);
  BIND (env_title);
  BIND (env_details);
  BIND (env_assessment);
  BIND (styrer1_entry);
  BIND (styrer2_entry);
  BIND (reason_dropdown);
  BIND (accept_button);
  BIND (reject_button);
#undef BIND

  gtk_widget_class_install_action (widget_class, "brevstemme.accept", NULL, accept_action);
  gtk_widget_class_install_action (widget_class, "brevstemme.reject", NULL, reject_action);
}

static void
vk_brevstemme_page_init (VkBrevstemmePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->envelope_entry, "activate", G_CALLBACK (envelope_activate_cb), self);
  g_signal_connect (self->envelope_list, "row-activated", G_CALLBACK (envelope_row_activated_cb), self);
  g_signal_connect_swapped (self->status_filter, "notify::selected", G_CALLBACK (filter_changed_cb), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "brevstemme.accept", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "brevstemme.reject", FALSE);
}

/* Public API. */

void
vk_brevstemme_page_set_session (VkBrevstemmePage *self, VkStationSession *session)
{
  g_return_if_fail (VK_IS_BREVSTEMME_PAGE (self));
  g_return_if_fail (VK_IS_STATION_SESSION (session));

  self->station = vk_station_session_get_station (session);
  refresh_envelopes (self, FALSE);
  select_envelope (self, NULL);
}

void
vk_brevstemme_page_refresh (VkBrevstemmePage *self)
{
  g_return_if_fail (VK_IS_BREVSTEMME_PAGE (self));
  refresh_envelopes (self, FALSE);
}

GtkLabel *
vk_brevstemme_page_get_message_label (VkBrevstemmePage *self)
{
  g_return_val_if_fail (VK_IS_BREVSTEMME_PAGE (self), NULL);
  return self->env_message;
}

void
vk_brevstemme_page_focus_search (VkBrevstemmePage *self)
{
  g_return_if_fail (VK_IS_BREVSTEMME_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->envelope_entry));
}

void
vk_brevstemme_page_show_waiting (VkBrevstemmePage *self)
{
  g_return_if_fail (VK_IS_BREVSTEMME_PAGE (self));
  gtk_drop_down_set_selected (self->status_filter, 1); /* Waiting (the .ui's order); refreshes the list */
  gtk_widget_grab_focus (GTK_WIDGET (self->envelope_entry));
}
