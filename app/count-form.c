/* count-form.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <string.h>

#include "count-form-private.h"
#include "count-util.h"
#include "vk-printout.h"
#include "vk-tally-form.h"

static void buildable_iface_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VkCountForm, vk_count_form, GTK_TYPE_BOX,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, buildable_iface_init))

enum
{
  SIGNAL_STATE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];
static GtkBuildableIface *parent_buildable_iface;

static void refresh_state (VkCountForm *self, gboolean reload);

static void
row_free (Row *row)
{
  g_free (row->field);
  g_free (row->label);
  g_free (row);
}

/* The contest counted (the event's primary when none is chosen). */
const VkElection *
vk_count_form_contest (VkCountForm *self)
{
  return vk_election_get_contest (vk_station_get_election (self->station), self->contest);
}

static const VkElection *
election (VkCountForm *self)
{
  return vk_count_form_contest (self);
}

/* Building the rows. */

static void entry_changed_cb (GtkEditable *editable, VkCountForm *self);

static void
add_heading (VkCountForm *self, const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "vk-section");
  gtk_box_append (self->form_box, label);
}

static void
group_add (VkCountForm *self, const char *group, Row *row)
{
  GPtrArray *a = g_hash_table_lookup (self->groups, group);

  if (a == NULL)
    {
      a = g_ptr_array_new ();
      g_hash_table_insert (self->groups, g_strdup (group), a);
    }
  g_ptr_array_add (a, row);
}

static Row *
add_row (VkCountForm *self, const char *field, const char *label, gboolean indent)
{
  Row *row = g_new0 (Row, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *l = gtk_label_new (label);
  GtkWidget *entry = gtk_entry_new ();
  const char *dot = strchr (field, '.');

  row->field = g_strdup (field);
  row->label = g_strdup (label);
  row->row = box;
  row->entry = GTK_EDITABLE (entry);
  gtk_widget_add_css_class (box, "vk-count-row");
  gtk_label_set_xalign (GTK_LABEL (l), 0);
  gtk_label_set_ellipsize (GTK_LABEL (l), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (l, TRUE);
  if (indent)
    gtk_widget_set_margin_start (l, 24);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 8);
  gtk_editable_set_alignment (GTK_EDITABLE (entry), 1.0);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_DIGITS);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_box_append (GTK_BOX (box), l);
  gtk_box_append (GTK_BOX (box), entry);
  g_object_set_data (G_OBJECT (entry), "vk-row", row);
  g_signal_connect (entry, "changed", G_CALLBACK (entry_changed_cb), self);
  gtk_box_append (self->form_box, box);
  g_hash_table_insert (self->rows, row->field, row);
  if (dot != NULL)
    {
      g_autofree char *group = g_strndup (field, dot - field);
      group_add (self, group, row);
    }
  return row;
}

static void
add_invalid_rows (VkCountForm *self)
{
  guint n;
  const guint *codes = vk_tally_form_invalid_codes (&n);

  add_heading (self, _ ("Blank and invalid ballots"));
  add_row (self, "blank_fremmoedte", _ ("Blank ballots, in person"), FALSE);
  add_row (self, "blank_brev", _ ("Blank ballots, postal"), FALSE);
  add_row (self, "invalid", _ ("Other invalid ballots in total"), FALSE);
  if (self->kind == VK_RESULT_FORELOEBIG)
    {
      GtkWidget *hint = gtk_label_new (_ ("By reason (may be left empty in the foreløbig count; the fintælling needs "
                                          "them):"));
      gtk_label_set_xalign (GTK_LABEL (hint), 0);
      gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
      gtk_widget_add_css_class (hint, "dim-label");
      gtk_box_append (self->form_box, hint);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *field = g_strdup_printf ("invalid.%u", codes[i]);
      /* The official reason names are Danish in every language: they are the law's. */
      g_autofree char *label = g_strdup_printf ("%u · %s", codes[i], vk_printout_invalid_reason_name (codes[i]));
      add_row (self, field, label, TRUE);
    }
}

static void
build_rows (VkCountForm *self)
{
  const VkElection *e = election (self);

  vk_ui_remove_children (GTK_WIDGET (self->form_box));
  g_hash_table_remove_all (self->groups);
  g_hash_table_remove_all (self->marked_rows);
  g_ptr_array_set_size (self->diff_rows, 0);
  g_hash_table_remove_all (self->rows);
  g_clear_pointer (&self->messages_key, g_free);

  if (self->kind == VK_RESULT_FORELOEBIG)
    {
      add_heading (self, _ ("Ballots"));
      add_row (self, "received", _ ("Ballots received"), FALSE);
      add_row (self, "unused", _ ("Unused ballots"), FALSE);
      add_row (self, "returned", _ ("Returned ballots (spoilt and exchanged)"), FALSE);
    }
  add_heading (self, _ ("Votes"));
  add_row (self, "cast", _ ("Votes cast (ballots in the urn)"), FALSE);
  add_row (self, "valid", _ ("Valid votes"), FALSE);
  if (self->kind == VK_RESULT_FORELOEBIG)
    add_heading (self, _ ("Votes per list"));
  for (guint i = 0; i < e->lists->len; i++)
    {
      const VkList *l = g_ptr_array_index (e->lists, i);
      g_autofree char *title = vk_count_list_title (l);
      g_autofree char *field = g_strdup_printf ("lists.%s", l->id);

      if (self->kind == VK_RESULT_FORELOEBIG)
        {
          /* An independent candidate (FV) is a list of one: the row says the name. */
          add_row (self, field, title, FALSE);
          continue;
        }
      add_heading (self, title);
      {
        Row *total = add_row (self, field, _ ("The list's votes in total"), FALSE);
        GtkWidget *computed = gtk_label_new ("");
        g_autofree char *ls = g_strdup_printf ("listestemmer.%s", l->id);

        gtk_widget_add_css_class (computed, "vk-computed");
        gtk_widget_add_css_class (computed, "dim-label");
        gtk_label_set_width_chars (GTK_LABEL (computed), 14);
        gtk_label_set_xalign (GTK_LABEL (computed), 1.0);
        gtk_box_insert_child_after (GTK_BOX (total->row), computed, gtk_widget_get_first_child (total->row));
        total->computed = GTK_LABEL (computed);
        g_free (total->label);
        total->label = g_strdup_printf (_ ("%s: votes in total"), title);
        add_row (self, ls, _ ("Listestemmer (votes for the list only)"), TRUE);
      }
      for (guint c = 0; c < l->candidates->len; c++)
        {
          const VkCandidate *cand = g_ptr_array_index (l->candidates, c);
          g_autofree char *cf = NULL;

          /* FV: the area's opstillingskreds's candidates only. */
          if (!vk_election_candidate_on_ballot (e, cand, self->area))
            continue;
          cf = g_strdup_printf ("candidates.%s", cand->id);
          add_row (self, cf, *cand->ballot_name != '\0' ? cand->ballot_name : cand->name, TRUE);
        }
    }
  add_invalid_rows (self);
}

/* Sets every entry from the model (a round loaded, or cleared). */
static void
fill_entries (VkCountForm *self, gboolean blank_zero)
{
  GHashTableIter iter;
  gpointer value;

  self->loading = TRUE;
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Row *row = value;
      guint64 v = vk_tally_form_get (self->model, row->field);
      g_autofree char *text = v > 0 || !blank_zero ? g_strdup_printf ("%" G_GUINT64_FORMAT, v) : g_strdup ("");

      if (g_strcmp0 (gtk_editable_get_text (row->entry), text) != 0)
        gtk_editable_set_text (row->entry, text);
      gtk_widget_remove_css_class (GTK_WIDGET (row->entry), "error");
    }
  self->loading = FALSE;
}

static void
update_computed (VkCountForm *self, const char *list_id)
{
  g_autofree char *field = g_strdup_printf ("lists.%s", list_id);
  Row *row = g_hash_table_lookup (self->rows, field);
  g_autofree char *text = NULL;

  if (row == NULL || row->computed == NULL)
    return;
  /* Translators: the computed total of a list, beside the typed one. */
  text = g_strdup_printf (_ ("computed %llu"),
                          (unsigned long long)vk_tally_form_get_computed_total (self->model, list_id));
  gtk_label_set_text (row->computed, text);
}

static void
update_all_computed (VkCountForm *self)
{
  const VkElection *e = election (self);

  if (self->kind != VK_RESULT_FINTAELLING)
    return;
  for (guint i = 0; i < e->lists->len; i++)
    update_computed (self, ((VkList *)g_ptr_array_index (e->lists, i))->id);
}

static void
set_editable (VkCountForm *self, gboolean editable)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    gtk_editable_set_editable (((Row *)value)->entry, editable);
}

/* The double entry. */

static void
clear_diff_marks (VkCountForm *self)
{
  for (guint i = 0; i < self->diff_rows->len; i++)
    gtk_widget_remove_css_class (((Row *)g_ptr_array_index (self->diff_rows, i))->row, "vk-diff");
  g_ptr_array_set_size (self->diff_rows, 0);
}

static void
show_differences (VkCountForm *self, GPtrArray *diff)
{
  g_autoptr (GString) text = g_string_new (NULL);

  clear_diff_marks (self);
  for (guint i = 0; i < diff->len; i++)
    {
      const VkCountDifference *d = g_ptr_array_index (diff, i);
      Row *row = g_hash_table_lookup (self->rows, d->field);
      const char *label = row != NULL ? row->label : d->field;

      if (row != NULL)
        {
          gtk_widget_add_css_class (row->row, "vk-diff");
          g_ptr_array_add (self->diff_rows, row);
        }
      g_string_append_printf (text, _ ("%s: first entry %llu, second entry %llu\n"), label,
                              (unsigned long long)d->first, (unsigned long long)d->second);
    }
  if (text->len > 0)
    g_string_truncate (text, text->len - 1);
  gtk_label_set_text (self->diff_label, text->str);
}

static void
load_counts (VkCountForm *self, const VkCbor *counts)
{
  g_autoptr (GError) error = NULL;

  if (counts == NULL)
    vk_tally_form_clear (self->model);
  else if (!vk_tally_form_load (self->model, counts, &error))
    g_warning ("cannot show the count: %s", error->message);
  /* A fresh entry starts empty; a count shown for checking shows its zeros. */
  fill_entries (self, counts == NULL);
  update_all_computed (self);
}

static const char *
save_label (guint round, gboolean correction)
{
  if (correction)
    return round == 1 ? _ ("Save the corrected first entry") : _ ("Save the corrected second entry");
  return round == 1 ? _ ("Save the first entry") : _ ("Save the second entry");
}

/* Shows the double entry's state.  reload: put the numbers of the state
 * into the form (after a save, a correction chosen, another area). */
static void
refresh_state (VkCountForm *self, gboolean reload)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkTally) tally = NULL;
  g_autofree char *text = NULL;
  VkTallyState state;
  const char *by1 = NULL;

  if (self->station == NULL || self->model == NULL)
    return;
  tally = vk_tally_dup_station_tally (self->station, self->contest, self->kind, self->area, &error);
  if (tally == NULL)
    {
      g_autofree char *why = vk_ui_error_dup_text (error);
      vk_ui_show_message (self->state_label, "vk-blocked", why);
      return;
    }
  state = vk_tally_get_state (tally);
  if (state != self->shown_state)
    reload = TRUE;
  self->shown_state = state;
  (void)vk_tally_get_round (tally, 1, &by1);
  gtk_widget_set_visible (GTK_WIDGET (self->diff_section), state == VK_TALLY_DIFFERENT);
  switch (state)
    {
      case VK_TALLY_EMPTY:
        self->target_round = 1;
        vk_ui_show_message (self->state_label, NULL,
                            _ ("First entry: type the count from the paper, then save it with your name."));
        if (reload)
          load_counts (self, NULL);
        break;
      case VK_TALLY_FIRST:
        self->target_round = 2;
        text = g_strdup_printf (_ ("The first entry is saved (by %s). Second entry: another person types the same "
                                   "count from the paper, without looking at the first."),
                                by1 != NULL ? by1 : "?");
        vk_ui_show_message (self->state_label, NULL, text);
        if (reload)
          load_counts (self, NULL);
        break;
      case VK_TALLY_DIFFERENT:
        {
          g_autoptr (GPtrArray) diff = vk_tally_dup_differences (tally);
          self->target_round = self->reenter;
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "The two entries differ in %u field (marked). Count that number "
                                               "again on the paper and correct the entry that is wrong.",
                                               "The two entries differ in %u fields (marked). Count those numbers "
                                               "again on the paper and correct the entry that is wrong.",
                                               diff->len),
                                  diff->len);
          vk_ui_show_message (self->state_label, "vk-warning", text);
          if (reload)
            load_counts (self, vk_tally_get_round (tally, self->reenter == 1 ? 1 : 2, NULL));
          show_differences (self, diff);
          break;
        }
      case VK_TALLY_AGREED:
        self->target_round = 0;
        vk_ui_show_message (self->state_label, "vk-ok",
                            _ ("The two entries agree. The valgstyrere check the numbers and sign off."));
        if (reload)
          load_counts (self, vk_tally_get_round (tally, 1, NULL));
        break;
      case VK_TALLY_SIGNED:
      default:
        self->target_round = 0;
        vk_ui_show_message (self->state_label, "vk-ok", _ ("The count is signed off and final."));
        if (reload)
          load_counts (self, vk_tally_get_signed (tally));
        break;
    }
  if (state != VK_TALLY_DIFFERENT)
    clear_diff_marks (self);
  gtk_widget_set_visible (GTK_WIDGET (self->entry_bar), self->target_round != 0);
  if (self->target_round != 0)
    gtk_button_set_label (self->save_button, save_label (self->target_round, state == VK_TALLY_DIFFERENT));
  set_editable (self, self->target_round != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "form.save", self->target_round != 0);
  vk_count_form_update_checks (self);
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
}

/* The area's signed foreløbig count, when this table holds it (the
 * valgbord's journal, synced or from USB). */
static void
load_foreloebig (VkCountForm *self)
{
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&self->foreloebig, vk_area_result_free);
  g_clear_pointer (&self->foreloebig_device, g_free);
  if (self->kind != VK_RESULT_FINTAELLING)
    return;
  self->foreloebig = vk_tally_dup_signed_result (self->station, self->contest, VK_RESULT_FORELOEBIG, self->area,
                                                 &self->foreloebig_device, &error);
  if (error != NULL)
    g_warning ("foreløbig count of area %u: %s", self->area, error->message);
}

/* Signal callbacks. */

static void
entry_changed_cb (GtkEditable *editable, VkCountForm *self)
{
  Row *row = g_object_get_data (G_OBJECT (editable), "vk-row");
  gint64 t0 = g_get_monotonic_time ();
  const char *list_id = NULL;
  guint64 value = 0;

  if (self->loading || self->model == NULL)
    return;
  if (!vk_count_parse_count (gtk_editable_get_text (editable), &value))
    {
      gtk_widget_add_css_class (GTK_WIDGET (editable), "error");
      value = 0;
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
  (void)vk_tally_form_set (self->model, row->field, value, &list_id, NULL);
  if (list_id != NULL)
    update_computed (self, list_id);
  /* A correction makes a refusal stale: the state is shown again. */
  if (gtk_widget_has_css_class (GTK_WIDGET (self->state_label), "vk-blocked"))
    refresh_state (self, FALSE);
  else
    vk_count_form_update_checks (self);
  self->last_keystroke_us = g_get_monotonic_time () - t0;
}

static void
by_activate_cb (GtkEntry *entry, VkCountForm *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "form.save", NULL);
}

/* Actions. */

/* After saving, or not: the focus stays in the form, on the name of the
 * next entry when one is due, else on the form's first control. */
static void
keep_focus (VkCountForm *self)
{
  if (gtk_widget_is_sensitive (GTK_WIDGET (self->by_entry)) && gtk_widget_is_visible (GTK_WIDGET (self->by_entry))
      && gtk_widget_grab_focus (GTK_WIDGET (self->by_entry)))
    return;
  (void)gtk_widget_child_focus (GTK_WIDGET (self), GTK_DIR_TAB_FORWARD);
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkCountForm *self = VK_COUNT_FORM (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *by = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->by_entry))));
  GHashTableIter iter;
  gpointer value;

  if (self->model == NULL || self->target_round == 0)
    return;
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (gtk_widget_has_css_class (GTK_WIDGET (((Row *)value)->entry), "error"))
      {
        g_autofree char *text
            = g_strdup_printf (_ ("\"%s\" is not a number: type digits only."), ((Row *)value)->label);
        vk_ui_show_message (self->state_label, "vk-blocked", text);
        gtk_widget_grab_focus (GTK_WIDGET (((Row *)value)->entry));
        return;
      }
  if (*by == '\0')
    {
      vk_ui_show_message (self->state_label, "vk-blocked", _ ("Type your name in \"Entered by\" first."));
      gtk_widget_grab_focus (GTK_WIDGET (self->by_entry));
      return;
    }
  if (vk_tally_form_enter (self->model, self->station, self->target_round, by, &error) == 0)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, VK_TALLY_ERROR, VK_TALLY_ERROR_CHECK_FAILED))
        {
          /* Name the check that blocks, as the checks beside the form do. */
          g_autoptr (GPtrArray) messages = vk_tally_form_validate (self->model, self->marked, self->eligible);
          const VkTallyMessage *m = messages->len > 0 ? g_ptr_array_index (messages, 0) : NULL;

          if (m != NULL && m->severity == VK_MESSAGE_ERROR)
            {
              g_autofree char *check = g_strdup_printf ("%s %s", m->code, m->text_da);
              text = g_strdup_printf (_ ("Not saved: %s"), check);
            }
        }
      if (text == NULL)
        {
          g_autofree char *why = vk_ui_error_dup_text (error);
          text = g_strdup_printf (_ ("Not saved: %s"), why);
        }
      vk_ui_show_message (self->state_label, "vk-blocked", text);
      keep_focus (self);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->by_entry), "");
  self->reenter = 0;
  self->shown_state = (VkTallyState)-1;
  refresh_state (self, TRUE);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->form_scroll), 0);
  /* refresh_state() may have rebuilt the focused row. */
  keep_focus (self);
}

static void
reenter_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkCountForm *self = VK_COUNT_FORM (widget);

  self->reenter = g_variant_get_uint32 (param);
  if (self->reenter != 1 && self->reenter != 2)
    self->reenter = 0;
  refresh_state (self, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->by_entry));
}

/* GtkBuildable: children of type "side" go to the side column, of type
 * "header" above the state of the form. */

static void
vk_count_form_add_child (GtkBuildable *buildable, GtkBuilder *builder, GObject *child, const char *type)
{
  VkCountForm *self = VK_COUNT_FORM (buildable);

  if (g_strcmp0 (type, "side") == 0 && GTK_IS_WIDGET (child) && self->side_box != NULL)
    gtk_box_append (self->side_box, GTK_WIDGET (child));
  else if (g_strcmp0 (type, "header") == 0 && GTK_IS_WIDGET (child) && self->main_box != NULL)
    gtk_box_prepend (self->main_box, GTK_WIDGET (child));
  else
    parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
buildable_iface_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = vk_count_form_add_child;
}

/* GObject. */

static void
vk_count_form_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VK_TYPE_COUNT_FORM);
  G_OBJECT_CLASS (vk_count_form_parent_class)->dispose (object);
}

static void
vk_count_form_finalize (GObject *object)
{
  VkCountForm *self = VK_COUNT_FORM (object);

  g_clear_pointer (&self->model, vk_tally_form_free);
  g_clear_pointer (&self->groups, g_hash_table_unref);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->marked_rows, g_hash_table_unref);
  g_clear_pointer (&self->diff_rows, g_ptr_array_unref);
  g_clear_pointer (&self->foreloebig, vk_area_result_free);
  g_free (self->foreloebig_device);
  g_free (self->messages_key);
  g_free (self->contest);
  G_OBJECT_CLASS (vk_count_form_parent_class)->finalize (object);
}

static void
vk_count_form_class_init (VkCountFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vk_count_form_dispose;
  object_class->finalize = vk_count_form_finalize;

  /* The double entry's state was shown again (vk_count_form_get_state()). */
  signals[SIGNAL_STATE_CHANGED] = g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                                NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/dk/valgkit/Station/count-form.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, VkCountForm, name)
  BIND (main_box);
  BIND (state_label);
  BIND (entry_bar);
  BIND (by_entry);
  BIND (save_button);
  BIND (form_scroll);
  BIND (form_box);
  BIND (side_box);
  BIND (recon_label);
  BIND (messages_box);
  BIND (diff_section);
  BIND (diff_label);
  BIND (compare_section);
  BIND (compare_label);
#undef BIND

  gtk_widget_class_install_action (widget_class, "form.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "form.reenter", "u", reenter_action);
}

static void
vk_count_form_init (VkCountForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  vk_ui_wrap_button_labels (GTK_WIDGET (self->side_box));
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)row_free);
  self->groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
  self->marked_rows = g_hash_table_new (NULL, NULL);
  self->diff_rows = g_ptr_array_new ();
  self->marked = -1;
  self->shown_state = (VkTallyState)-1;
  g_signal_connect (self->by_entry, "activate", G_CALLBACK (by_activate_cb), self);
}

/* Public API. */

VkCountForm *
vk_count_form_new (void)
{
  return g_object_new (VK_TYPE_COUNT_FORM, NULL);
}

void
vk_count_form_set_station (VkCountForm *self, VkStation *station, VkResultKind kind)
{
  g_return_if_fail (VK_IS_COUNT_FORM (self));
  g_return_if_fail (station != NULL);

  self->station = station;
  self->kind = kind;
  g_clear_pointer (&self->model, vk_tally_form_free);
  build_rows (self);
}

void
vk_count_form_set_contest (VkCountForm *self, const char *contest)
{
  g_return_if_fail (VK_IS_COUNT_FORM (self));
  g_return_if_fail (self->station != NULL);
  g_return_if_fail (vk_election_get_contest (vk_station_get_election (self->station), contest) != NULL);

  g_free (self->contest);
  self->contest = g_strdup (contest);
  g_clear_pointer (&self->model, vk_tally_form_free);
  g_clear_pointer (&self->messages_key, g_free);
  build_rows (self);
}

const char *
vk_count_form_get_contest (VkCountForm *self)
{
  g_return_val_if_fail (VK_IS_COUNT_FORM (self), NULL);
  return self->contest;
}

void
vk_count_form_set_area (VkCountForm *self, guint area)
{
  const VkArea *a;

  g_return_if_fail (VK_IS_COUNT_FORM (self));
  g_return_if_fail (self->station != NULL);

  a = vk_election_lookup_area (election (self), area);
  g_clear_pointer (&self->model, vk_tally_form_free);
  self->area = area;
  self->eligible = a != NULL ? a->eligible : 0;
  self->model = vk_tally_form_new (election (self), self->kind, area);
  /* An FV ballot differs by opstillingskreds: the candidate rows follow the area. */
  if (election (self)->type == VK_ELECTION_FV && self->kind == VK_RESULT_FINTAELLING)
    build_rows (self);
  self->reenter = 0;
  self->shown_state = (VkTallyState)-1;
  load_foreloebig (self);
  refresh_state (self, TRUE);
}

void
vk_count_form_set_marked (VkCountForm *self, gboolean known, guint checked_in, guint brevstemmer)
{
  g_return_if_fail (VK_IS_COUNT_FORM (self));

  self->checked_in = checked_in;
  self->brev_accepted = brevstemmer;
  self->marked = known ? (gint64)checked_in + brevstemmer : -1;
  if (self->model != NULL)
    vk_count_form_update_checks (self);
}

void
vk_count_form_refresh (VkCountForm *self, gboolean reload)
{
  g_return_if_fail (VK_IS_COUNT_FORM (self));

  if (self->station == NULL || self->model == NULL)
    return;
  load_foreloebig (self);
  refresh_state (self, reload);
}

VkTallyState
vk_count_form_get_state (VkCountForm *self)
{
  g_return_val_if_fail (VK_IS_COUNT_FORM (self), VK_TALLY_EMPTY);
  return self->shown_state;
}

guint64
vk_count_form_get_cast (VkCountForm *self)
{
  g_return_val_if_fail (VK_IS_COUNT_FORM (self), 0);
  return self->model != NULL ? vk_tally_form_get_result (self->model)->cast : 0;
}

GtkEditable *
vk_count_form_get_field (VkCountForm *self, const char *field)
{
  Row *row;

  g_return_val_if_fail (VK_IS_COUNT_FORM (self), NULL);
  row = g_hash_table_lookup (self->rows, field);
  return row != NULL ? row->entry : NULL;
}

GtkWidget *
vk_count_form_get_row (VkCountForm *self, const char *field)
{
  Row *row;

  g_return_val_if_fail (VK_IS_COUNT_FORM (self), NULL);
  row = g_hash_table_lookup (self->rows, field);
  return row != NULL ? row->row : NULL;
}

gint64
vk_count_form_get_last_keystroke_us (VkCountForm *self)
{
  g_return_val_if_fail (VK_IS_COUNT_FORM (self), 0);
  return self->last_keystroke_us;
}
