/* doubtful-box.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gi18n.h>

#include "count-util.h"
#include "doubtful-box.h"
#include "vk-printout.h"
#include "vk-tally-form.h"

struct _VkDoubtfulBox
{
  GtkBox parent_instance;

  /* Template widgets. */
  GtkEntry *doubt_count_entry;
  GtkEntry *doubt_note_entry;
  GtkListBox *doubt_list;
  GtkLabel *doubt_label;

  /* State. */
  VkStation *station;  /* borrowed */
  const char *contest; /* the contest's id (static: vk_election_contest_id()); NULL: the primary */
  guint area;
};

G_DEFINE_FINAL_TYPE (VkDoubtfulBox, vk_doubtful_box, GTK_TYPE_BOX)

/* One choice of the decision dialog. */
typedef struct
{
  VkDoubtfulTo to;
  char *id;
  guint code;
} Choice;

static void
choice_free (Choice *c)
{
  g_free (c->id);
  g_free (c);
}

/* Signal callbacks. */

static void
decide_response_cb (AdwMessageDialog *dialog, const char *response, VkDoubtfulBox *self)
{
  g_autoptr (GError) error = NULL;
  GtkDropDown *dropdown = g_object_get_data (G_OBJECT (dialog), "vk-choice");
  GtkEditable *count_entry = g_object_get_data (G_OBJECT (dialog), "vk-count");
  GPtrArray *choices = g_object_get_data (G_OBJECT (dialog), "vk-choices");
  guint64 *ref = g_object_get_data (G_OBJECT (dialog), "vk-ref");
  guint i = gtk_drop_down_get_selected (dropdown);
  const Choice *c;
  guint64 count = 0;

  if (g_strcmp0 (response, "decide") != 0 || i >= choices->len)
    return;
  c = g_ptr_array_index (choices, i);
  if (!vk_count_parse_count (gtk_editable_get_text (count_entry), &count) || count == 0)
    {
      gtk_label_set_text (self->doubt_label, _ ("Type how many of the ballots the decision is for."));
      return;
    }
  if (vk_tally_decide_doubtful (self->station, self->contest, self->area, *ref, c->to, c->id, c->code, count, &error)
      == 0)
    {
      g_autofree char *text = vk_ui_error_dup_text (error);
      gtk_label_set_text (self->doubt_label, text);
      return;
    }
  vk_doubtful_box_refresh (self);
}

/* Actions. */

static void
set_aside_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkDoubtfulBox *self = VK_DOUBTFUL_BOX (widget);
  g_autoptr (GError) error = NULL;
  guint64 count = 0;
  g_autofree char *note = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->doubt_note_entry))));

  if (self->station == NULL)
    return;
  if (!vk_count_parse_count (gtk_editable_get_text (GTK_EDITABLE (self->doubt_count_entry)), &count) || count == 0)
    {
      gtk_label_set_text (self->doubt_label, _ ("Type how many ballots are set aside."));
      return;
    }
  if (*note == '\0')
    {
      gtk_label_set_text (self->doubt_label, _ ("Write why the ballots are doubtful."));
      return;
    }
  if (vk_tally_set_aside_doubtful (self->station, self->contest, self->area, count, note, &error) == 0)
    {
      g_autofree char *text = vk_ui_error_dup_text (error);
      gtk_label_set_text (self->doubt_label, text);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->doubt_count_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->doubt_note_entry), "");
  vk_doubtful_box_refresh (self);
}

static void
decide_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkDoubtfulBox *self = VK_DOUBTFUL_BOX (widget);
  const VkElection *e;
  g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);
  GPtrArray *choices;
  GtkWidget *dialog, *box, *dropdown, *count;
  g_autoptr (GtkExpression) expression = NULL;
  guint64 *ref;
  guint n;
  const guint *codes = vk_tally_form_invalid_codes (&n);

  if (self->station == NULL)
    return;
  e = vk_election_get_contest (vk_station_get_election (self->station), self->contest);
  choices = g_ptr_array_new_with_free_func ((GDestroyNotify)choice_free);
  ref = g_new (guint64, 1);
  *ref = g_variant_get_uint64 (param);
  for (guint i = 0; i < e->lists->len; i++)
    {
      const VkList *l = g_ptr_array_index (e->lists, i);
      g_autofree char *title = vk_count_list_title (l);
      g_autofree char *item = g_strdup_printf (_ ("List %s (listestemme)"), title);
      Choice *c = g_new0 (Choice, 1);

      c->to = VK_DOUBTFUL_LIST;
      c->id = g_strdup (l->id);
      g_ptr_array_add (choices, c);
      gtk_string_list_append (model, item);
    }
  for (guint i = 0; i < e->lists->len; i++)
    {
      const VkList *l = g_ptr_array_index (e->lists, i);
      for (guint k = 0; k < l->candidates->len; k++)
        {
          const VkCandidate *cand = g_ptr_array_index (l->candidates, k);
          g_autofree char *item
              = g_strdup_printf (_ ("Personal vote: %s (%s)"), cand->name, *l->letter != '\0' ? l->letter : l->name);
          Choice *c = g_new0 (Choice, 1);

          c->to = VK_DOUBTFUL_CANDIDATE;
          c->id = g_strdup (cand->id);
          g_ptr_array_add (choices, c);
          gtk_string_list_append (model, item);
        }
    }
  for (guint code = 1; code <= 32; code++)
    {
      gboolean known = code == VK_INVALID_BLANK_IN_PERSON || code == VK_INVALID_BLANK_POSTAL;
      for (guint k = 0; k < n && !known; k++)
        known = codes[k] == code;
      if (known)
        {
          g_autofree char *item
              = g_strdup_printf (_ ("Invalid: %u · %s"), code, vk_printout_invalid_reason_name (code));
          Choice *c = g_new0 (Choice, 1);

          c->to = VK_DOUBTFUL_INVALID;
          c->code = code;
          g_ptr_array_add (choices, c);
          gtk_string_list_append (model, item);
        }
    }
  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (model)), g_steal_pointer (&expression));
  gtk_drop_down_set_enable_search (GTK_DROP_DOWN (dropdown), TRUE);
  count = gtk_entry_new ();
  gtk_entry_set_input_purpose (GTK_ENTRY (count), GTK_INPUT_PURPOSE_DIGITS);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_box_append (GTK_BOX (box), vk_ui_labelled_field (_ ("_Decision"), dropdown));
  gtk_box_append (GTK_BOX (box), vk_ui_labelled_field (_ ("_Number of ballots"), count));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _ ("Decide doubtful ballots"),
                                   _ ("The valgbestyrelse's decision: the ballots count for a list or a candidate, or "
                                      "are invalid for a reason. It is kept in the journal and added to the area's "
                                      "result."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("Cancel"), "decide", _ ("Decide"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "decide", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "decide");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "vk-choice", dropdown);
  g_object_set_data (G_OBJECT (dialog), "vk-count", count);
  g_object_set_data_full (G_OBJECT (dialog), "vk-choices", choices, (GDestroyNotify)g_ptr_array_unref);
  g_object_set_data_full (G_OBJECT (dialog), "vk-ref", ref, g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (decide_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* GObject. */

static void
vk_doubtful_box_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VK_TYPE_DOUBTFUL_BOX);
  G_OBJECT_CLASS (vk_doubtful_box_parent_class)->dispose (object);
}

static void
vk_doubtful_box_class_init (VkDoubtfulBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vk_doubtful_box_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/dk/valgkit/Station/doubtful-box.ui");
  gtk_widget_class_bind_template_child (widget_class, VkDoubtfulBox, doubt_count_entry);
  gtk_widget_class_bind_template_child (widget_class, VkDoubtfulBox, doubt_note_entry);
  gtk_widget_class_bind_template_child (widget_class, VkDoubtfulBox, doubt_list);
  gtk_widget_class_bind_template_child (widget_class, VkDoubtfulBox, doubt_label);

  gtk_widget_class_install_action (widget_class, "doubtful.set-aside", NULL, set_aside_action);
  gtk_widget_class_install_action (widget_class, "doubtful.decide", "t", decide_action);
}

static void
vk_doubtful_box_init (VkDoubtfulBox *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Public API. */

VkDoubtfulBox *
vk_doubtful_box_new (void)
{
  return g_object_new (VK_TYPE_DOUBTFUL_BOX, NULL);
}

void
vk_doubtful_box_set_station (VkDoubtfulBox *self, VkStation *station)
{
  g_return_if_fail (VK_IS_DOUBTFUL_BOX (self));
  self->station = station;
}

void
vk_doubtful_box_set_contest (VkDoubtfulBox *self, const char *contest)
{
  const VkElection *c;

  g_return_if_fail (VK_IS_DOUBTFUL_BOX (self));
  g_return_if_fail (self->station != NULL);
  c = vk_election_get_contest (vk_station_get_election (self->station), contest);
  g_return_if_fail (c != NULL);
  self->contest = contest != NULL ? vk_election_contest_id (c) : NULL;
}

void
vk_doubtful_box_set_area (VkDoubtfulBox *self, guint area)
{
  g_return_if_fail (VK_IS_DOUBTFUL_BOX (self));
  self->area = area;
  vk_doubtful_box_refresh (self);
}

void
vk_doubtful_box_refresh (VkDoubtfulBox *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) held = NULL;
  g_autoptr (VkAreaResult) result = NULL;
  g_autoptr (GString) text = NULL;
  g_autofree char *device = NULL;
  guint64 decided = 0, undecided = 0;

  g_return_if_fail (VK_IS_DOUBTFUL_BOX (self));

  vk_ui_remove_children (GTK_WIDGET (self->doubt_list));
  if (self->station == NULL)
    return;
  held = vk_tally_dup_doubtful (self->station, self->contest, self->area, &error);
  if (held == NULL)
    {
      g_autofree char *why = vk_ui_error_dup_text (error);
      gtk_label_set_text (self->doubt_label, why);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->doubt_list), held->len > 0);
  for (guint i = 0; i < held->len; i++)
    {
      const VkDoubtful *d = g_ptr_array_index (held, i);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      g_autofree char *when = vk_ui_format_clock (d->time_ms);
      g_autofree char *line
          = g_strdup_printf (_ ("%llu set aside at %s: %s\n%llu of them decided"), (unsigned long long)d->count, when,
                             d->note, (unsigned long long)d->decided);
      GtkWidget *label = gtk_label_new (line);
      GtkWidget *button = gtk_button_new_with_label (_ ("Decide …"));

      gtk_widget_set_margin_top (box, 6);
      gtk_widget_set_margin_bottom (box, 6);
      gtk_widget_set_margin_start (box, 8);
      gtk_widget_set_margin_end (box, 8);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "doubtful.decide");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "t", d->seq);
      gtk_widget_set_sensitive (button, d->decided < d->count);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), button);
      gtk_list_box_append (self->doubt_list, box);
      decided += d->decided;
      undecided += d->count - d->decided;
    }
  if (held->len == 0)
    {
      gtk_label_set_text (self->doubt_label, _ ("None set aside."));
      return;
    }
  text = g_string_new (NULL);
  g_string_append_printf (text, _ ("Undecided: %llu. Decided: %llu."), (unsigned long long)undecided,
                          (unsigned long long)decided);
  if (decided > 0)
    result
        = vk_tally_dup_signed_result (self->station, self->contest, VK_RESULT_FINTAELLING, self->area, &device, NULL);
  if (result != NULL && g_strcmp0 (device, vk_station_get_device (self->station)->device_id) == 0)
    {
      vk_tally_add_decided_doubtful (result, held);
      g_string_append_printf (text, _ ("\nThe area's result with the decided ballots: votes cast %llu, valid %llu."),
                              (unsigned long long)result->cast, (unsigned long long)result->valid);
    }
  gtk_label_set_text (self->doubt_label, text->str);
}
