/* count-form-checks.c: the count form's checks, reconciliation and
 * comparison with the foreløbig count, shown as the count is typed.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every number shown here is computed by the model (vk-tally-form.h, over
 * shared/vk-counts.h); this file only lays it out and marks the rows the
 * messages concern.
 */
#include <glib/gi18n.h>
#include <string.h>

#include "count-form-private.h"
#include "count-util.h"

static const VkElection *
election (VkCountForm *self)
{
  return vk_count_form_contest (self);
}

static void
mark_row (GHashTable *want, Row *row, const char *klass)
{
  const char *had = g_hash_table_lookup (want, row);

  /* An error mark wins over a warning mark on the same row. */
  if (had == NULL || strcmp (klass, "vk-field-error") == 0)
    g_hash_table_insert (want, row, (gpointer)klass);
}

/* The fields a message names → rows; "lists.*" is the group. */
static void
mark_fields (VkCountForm *self, GHashTable *want, const VkTallyMessage *m)
{
  const char *klass = m->severity == VK_MESSAGE_ERROR ? "vk-field-error" : "vk-field-warning";

  for (char **f = m->fields; f != NULL && *f != NULL; f++)
    {
      if (g_str_has_suffix (*f, ".*"))
        {
          g_autofree char *group = g_strndup (*f, strlen (*f) - 2);
          GPtrArray *rows = g_hash_table_lookup (self->groups, group);
          for (guint i = 0; rows != NULL && i < rows->len; i++)
            mark_row (want, g_ptr_array_index (rows, i), klass);
        }
      else
        {
          Row *row = g_hash_table_lookup (self->rows, *f);
          if (row != NULL)
            mark_row (want, row, klass);
        }
    }
}

static GtkWidget *
message_widget (const VkTallyMessage *m)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *head = gtk_label_new (NULL);
  GtkWidget *action = gtk_label_new (m->action_da);
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>  %s", m->code, m->text_da);

  gtk_label_set_markup (GTK_LABEL (head), markup);
  for (GtkWidget *l = head; l != NULL; l = l == head ? action : NULL)
    {
      gtk_label_set_wrap (GTK_LABEL (l), TRUE);
      gtk_label_set_xalign (GTK_LABEL (l), 0);
      gtk_box_append (GTK_BOX (box), l);
    }
  gtk_widget_add_css_class (action, "vk-msg-action");
  gtk_widget_add_css_class (box, "vk-msg");
  gtk_widget_add_css_class (box, m->severity == VK_MESSAGE_ERROR ? "vk-msg-error" : "vk-msg-warning");
  g_object_set_data_full (G_OBJECT (box), "vk-code", g_strdup (m->code), g_free);
  return box;
}

static void
show_messages (VkCountForm *self, GPtrArray *messages)
{
  g_autoptr (GString) key = g_string_new (NULL);
  g_autoptr (GHashTable) want = g_hash_table_new (NULL, NULL);
  gboolean errors = vk_tally_messages_have_errors (messages);
  GHashTableIter iter;
  gpointer row, klass;

  /* Abacus: while an error stands, the warnings are not shown. */
  for (guint i = 0; i < messages->len; i++)
    {
      const VkTallyMessage *m = g_ptr_array_index (messages, i);
      if (errors && m->severity != VK_MESSAGE_ERROR)
        continue;
      g_string_append_printf (key, "%s\n%s\n", m->code, m->text_da);
      mark_fields (self, want, m);
    }
  if (g_strcmp0 (key->str, self->messages_key) != 0)
    {
      vk_ui_remove_children (GTK_WIDGET (self->messages_box));
      for (guint i = 0; i < messages->len; i++)
        {
          const VkTallyMessage *m = g_ptr_array_index (messages, i);
          if (!errors || m->severity == VK_MESSAGE_ERROR)
            gtk_box_append (self->messages_box, message_widget (m));
        }
      if (messages->len == 0)
        {
          GtkWidget *ok = gtk_label_new (_ ("All checks pass."));
          gtk_label_set_xalign (GTK_LABEL (ok), 0);
          gtk_widget_add_css_class (ok, "vk-msg");
          gtk_widget_add_css_class (ok, "vk-msg-ok");
          gtk_box_append (self->messages_box, ok);
        }
      g_free (self->messages_key);
      self->messages_key = g_strdup (key->str);
    }

  /* Only the rows whose mark changes are touched. */
  g_hash_table_iter_init (&iter, self->marked_rows);
  while (g_hash_table_iter_next (&iter, &row, &klass))
    if (g_strcmp0 (g_hash_table_lookup (want, row), klass) != 0)
      {
        gtk_widget_remove_css_class (((Row *)row)->row, klass);
        g_hash_table_iter_remove (&iter);
      }
  g_hash_table_iter_init (&iter, want);
  while (g_hash_table_iter_next (&iter, &row, &klass))
    if (!g_hash_table_contains (self->marked_rows, row))
      {
        gtk_widget_add_css_class (((Row *)row)->row, klass);
        g_hash_table_insert (self->marked_rows, row, klass);
      }
}

static const char *
ok_mark (gboolean ok)
{
  return ok ? "✓" : "✗";
}

/* The reconciliation as the model computes it (vk_counts_reconcile()). */
static void
update_reconciliation (VkCountForm *self)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *line = NULL;
  VkCountReconciliation r;

  vk_tally_form_reconcile (self->model, self->marked, &r);
  if (r.marked >= 0)
    {
      g_autofree char *checkins = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "%u check-in", "%u check-ins", self->checked_in), self->checked_in);
      g_autofree char *brev = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "%u brevstemme", "%u brevstemmer", self->brev_accepted), self->brev_accepted);

      line = g_markup_printf_escaped (_ ("Ballots in the urn (votes cast): <b>%llu</b>\n"
                                         "Marked voters: %s + %s = <b>%lld</b>\n"),
                                      (unsigned long long)r.cast, checkins, brev, (long long)r.marked);
      g_string_append (text, line);
      g_clear_pointer (&line, g_free);
      if (r.matches_marked)
        g_string_append_printf (text, "%s %s\n", ok_mark (TRUE), _ ("The ballots match the marked voters."));
      else
        {
          line = g_markup_printf_escaped (_ ("Difference: <b>%+lld</b> (write the explanation below)"),
                                          (long long)r.marked_difference);
          g_string_append_printf (text, "<span foreground=\"#c01c28\">%s %s</span>\n", ok_mark (FALSE), line);
          g_clear_pointer (&line, g_free);
        }
    }
  line = g_strdup_printf (_ ("Valid + blank + invalid = %llu (votes cast %llu)"), (unsigned long long)r.cast_sum,
                          (unsigned long long)r.cast);
  g_string_append_printf (text, "%s %s\n", ok_mark (r.cast_adds_up), line);
  g_clear_pointer (&line, g_free);
  line = g_strdup_printf (_ ("Votes of the lists in total = %llu (valid votes %llu)"), (unsigned long long)r.lists,
                          (unsigned long long)r.valid);
  g_string_append_printf (text, "%s %s", ok_mark (r.lists_add_up), line);
  g_clear_pointer (&line, g_free);
  if (r.has_ballots)
    {
      line = g_strdup_printf (_ ("Cast + unused + returned = %llu (received %llu)"), (unsigned long long)r.accounted,
                              (unsigned long long)r.received);
      g_string_append_printf (text, "\n%s %s", ok_mark (r.ballots_add_up), line);
    }
  gtk_label_set_markup (self->recon_label, text->str);
}

/* What a compared field is called on the page. */
static char *
field_title (VkCountForm *self, const VkCountDifference *d)
{
  static const struct
  {
    const char *field;
    const char *title;
  } top[] = {
    { "cast", N_ ("Votes cast") },
    { "valid", N_ ("Valid votes") },
    { "blank_fremmoedte", N_ ("Blank, in person") },
    { "blank_brev", N_ ("Blank, postal") },
    { "invalid", N_ ("Other invalid") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (top); i++)
    if (strcmp (d->field, top[i].field) == 0)
      return g_strdup (_ (top[i].title));
  if (d->list_id != NULL)
    {
      const VkList *l = vk_election_lookup_list (election (self), d->list_id);
      if (l != NULL)
        return vk_count_list_title (l);
    }
  return g_strdup (d->field);
}

/* The fintælling against the foreløbig count, as the model compares them
 * (vk_counts_compare(), the comparison of rule D08). */
static void
update_compare (VkCountForm *self)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GPtrArray) diff = NULL;

  if (self->kind != VK_RESULT_FINTAELLING)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->compare_section), TRUE);
  if (self->foreloebig == NULL)
    {
      gtk_label_set_text (self->compare_label, _ ("This table holds no signed foreløbig count of the area (it comes "
                                                  "with the valgbord's journal: sync or USB)."));
      return;
    }
  diff = vk_tally_form_dup_compare (self->model, self->foreloebig);
  if (diff->len == 0)
    {
      gtk_label_set_text (self->compare_label, _ ("The same numbers as the foreløbig count."));
      return;
    }
  g_string_printf (text,
                   g_dngettext (GETTEXT_PACKAGE, "%u difference from the foreløbig count (%s):\n",
                                "%u differences from the foreløbig count (%s):\n", diff->len),
                   diff->len, self->foreloebig_device);
  for (guint i = 0; i < diff->len; i++)
    {
      const VkCountDifference *d = g_ptr_array_index (diff, i);
      g_autofree char *title = field_title (self, d);

      g_string_append_printf (text, _ ("%s: foreløbig %llu, fintælling %llu (%+lld)\n"), title,
                              (unsigned long long)d->first, (unsigned long long)d->second,
                              (long long)d->second - (long long)d->first);
    }
  g_string_truncate (text, text->len - 1);
  gtk_label_set_text (self->compare_label, text->str);
}

void
vk_count_form_update_checks (VkCountForm *self)
{
  g_autoptr (GPtrArray) messages = vk_tally_form_validate (self->model, self->marked, self->eligible);

  show_messages (self, messages);
  update_reconciliation (self);
  update_compare (self);
}
