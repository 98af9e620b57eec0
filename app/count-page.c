/* count-page.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <string.h>

#include "count-page.h"
#include "vk-error.h"
#include "vk-printout.h"
#include "vk-tally-form.h"
#include "vk-valgbog.h"

/* One number of the form. */
typedef struct
{
  char *field;
  char *label; /* what the row says, for the list of differences */
  GtkWidget *row;
  GtkEditable *entry;
  GtkLabel *computed; /* fintælling list totals: listestemmer + Σ personal votes */
} Row;

/* A valgstyrer who will sign, with the key unlocked in the dialog. */
typedef struct
{
  char *name;
  VkKeypair *key;
} Signer;

struct _VkCountPage
{
  GtkBox parent_instance;

  /* Template widgets. */
  GtkStack *page_stack;
  GtkButton *close_button;
  GtkBox *area_box;
  GtkDropDown *area_dropdown;
  GtkLabel *state_label;
  GtkBox *entry_bar;
  GtkEntry *by_entry;
  GtkButton *save_button;
  GtkScrolledWindow *form_scroll;
  GtkBox *form_box;
  GtkLabel *recon_label;
  GtkBox *messages_box;
  GtkBox *diff_section;
  GtkLabel *diff_label;
  GtkButton *reenter1_button;
  GtkButton *reenter2_button;
  GtkBox *compare_section;
  GtkLabel *compare_label;
  GtkBox *doubt_section;
  GtkEntry *doubt_count_entry;
  GtkEntry *doubt_note_entry;
  GtkListBox *doubt_list;
  GtkLabel *doubt_label;
  GtkBox *signoff_section;
  GtkLabel *explanation_hint;
  GtkTextView *explanation_view;
  GtkListBox *signers_list;
  GtkButton *signoff_button;
  GtkLabel *signoff_message;
  GtkLabel *receipt_label;
  GtkBox *valgbog_section;
  GtkButton *open_valgbog_button;
  GtkLabel *valgbog_label;

  /* State. */
  VkStation *station; /* borrowed */
  char *db_path;
  VkSyncRunner *runner; /* borrowed */
  char *server;
  VkResultKind kind;
  guint area;
  guint64 eligible;
  gint64 marked; /* check-ins + accepted brevstemmer; -1 at fintælling */
  guint checked_in;
  guint brev_accepted;
  VkTallyForm *form;
  GHashTable *rows;   /* field → Row* (owned) */
  GHashTable *groups; /* "lists", "invalid", … → GPtrArray of Row* (borrowed) */
  GPtrArray *areas;   /* guint area numbers of the dropdown, as pointers */
  gboolean loading;   /* setting entries from the form: no checks per field */
  gboolean building;  /* filling the area dropdown */
  VkTallyState shown_state;
  guint target_round;       /* the round Save enters, 0: none */
  guint reenter;            /* the round chosen for correction after a difference */
  GHashTable *marked_rows;  /* Row* → the class it carries for a message */
  GPtrArray *diff_rows;     /* Row* carrying vk-diff */
  char *messages_key;       /* the messages shown, to rebuild only on change */
  GPtrArray *signers;       /* Signer* */
  guint64 signoff_seq;      /* waiting for the server's receipt of this entry */
  VkAreaResult *foreloebig; /* the area's signed foreløbig count, when held */
  char *foreloebig_device;
  char *valgbog_path;
  gint64 last_keystroke_us;
};

G_DEFINE_FINAL_TYPE (VkCountPage, vk_count_page, GTK_TYPE_BOX)

enum
{
  SIGNAL_POLL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void refresh_state (VkCountPage *self, gboolean reload);
static void update_checks (VkCountPage *self);

/* Helpers. */

/* The marked voters change only with journals (a check-in, a brevstemme
 * decision): read once, not per keystroke. */
static void
update_marked (VkCountPage *self)
{
  VkStationCounts c;

  vk_station_get_counts (self->station, &c);
  self->checked_in = c.checked_in;
  self->brev_accepted = c.brevstemmer_accepted;
  self->marked = (gint64)c.checked_in + c.brevstemmer_accepted;
}

static void
row_free (Row *row)
{
  g_free (row->field);
  g_free (row->label);
  g_free (row);
}

static void
signer_free (Signer *s)
{
  g_free (s->name);
  vk_keypair_free (s->key);
  g_free (s);
}

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
  if (kind != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (label), kind);
  gtk_label_set_text (label, text);
  gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
}

static void
remove_children (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_LIST_BOX (box))
        gtk_list_box_remove (GTK_LIST_BOX (box), child);
      else
        gtk_box_remove (GTK_BOX (box), child);
    }
}

static char *
format_ms (guint64 time_ms, const char *format)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Copenhagen");
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc ((gint64)(time_ms / 1000));
  g_autoptr (GDateTime) local = NULL;

  if (tz == NULL)
    tz = g_time_zone_new_local ();
  local = utc != NULL ? g_date_time_to_timezone (utc, tz) : NULL;
  return local != NULL ? g_date_time_format (local, format) : g_strdup ("?");
}

static const VkElection *
election (VkCountPage *self)
{
  return vk_station_get_election (self->station);
}

static char *
list_title (const VkList *l)
{
  return *l->letter != '\0' ? g_strdup_printf ("%s  %s", l->letter, l->name) : g_strdup (l->name);
}

/* "" → 0; digits only; NULL text or anything else → FALSE. */
static gboolean
parse_count (const char *text, guint64 *ret)
{
  g_autofree char *t = g_strstrip (g_strdup (text != NULL ? text : ""));

  if (*t == '\0')
    {
      *ret = 0;
      return TRUE;
    }
  for (const char *p = t; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return g_ascii_string_to_unsigned (t, 10, 0, 100000000, ret, NULL);
}

/* Building the form. */

static void entry_changed_cb (GtkEditable *editable, VkCountPage *self);

static void
add_heading (VkCountPage *self, const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "vk-section");
  gtk_box_append (self->form_box, label);
}

static void
group_add (VkCountPage *self, const char *group, Row *row)
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
add_row (VkCountPage *self, const char *field, const char *label, gboolean indent)
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
add_invalid_rows (VkCountPage *self)
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
build_form (VkCountPage *self)
{
  const VkElection *e = election (self);

  remove_children (GTK_WIDGET (self->form_box));
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
      g_autofree char *title = list_title (l);
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
          g_autofree char *cf = g_strdup_printf ("candidates.%s", cand->id);
          add_row (self, cf, *cand->ballot_name != '\0' ? cand->ballot_name : cand->name, TRUE);
        }
    }
  add_invalid_rows (self);
}

/* Sets every entry from the form (a round loaded, or cleared). */
static void
fill_entries (VkCountPage *self, gboolean blank_zero)
{
  GHashTableIter iter;
  gpointer value;

  self->loading = TRUE;
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Row *row = value;
      guint64 v = vk_tally_form_get (self->form, row->field);
      g_autofree char *text = v > 0 || !blank_zero ? g_strdup_printf ("%" G_GUINT64_FORMAT, v) : g_strdup ("");

      if (g_strcmp0 (gtk_editable_get_text (row->entry), text) != 0)
        gtk_editable_set_text (row->entry, text);
      gtk_widget_remove_css_class (GTK_WIDGET (row->entry), "error");
    }
  self->loading = FALSE;
}

static void
update_computed (VkCountPage *self, const char *list_id)
{
  g_autofree char *field = g_strdup_printf ("lists.%s", list_id);
  Row *row = g_hash_table_lookup (self->rows, field);
  g_autofree char *text = NULL;

  if (row == NULL || row->computed == NULL)
    return;
  /* Translators: the computed total of a list, beside the typed one. */
  text = g_strdup_printf (_ ("computed %llu"),
                          (unsigned long long)vk_tally_form_get_computed_total (self->form, list_id));
  gtk_label_set_text (row->computed, text);
}

static void
update_all_computed (VkCountPage *self)
{
  const VkElection *e = election (self);

  if (self->kind != VK_RESULT_FINTAELLING)
    return;
  for (guint i = 0; i < e->lists->len; i++)
    update_computed (self, ((VkList *)g_ptr_array_index (e->lists, i))->id);
}

static void
set_editable (VkCountPage *self, gboolean editable)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    gtk_editable_set_editable (((Row *)value)->entry, editable);
}

/* The checks, shown as they are typed. */

static void
mark_row (VkCountPage *self, GHashTable *want, Row *row, const char *klass)
{
  const char *had = g_hash_table_lookup (want, row);

  /* An error mark wins over a warning mark on the same row. */
  if (had == NULL || strcmp (klass, "vk-field-error") == 0)
    g_hash_table_insert (want, row, (gpointer)klass);
}

/* The fields a message names → rows; "lists.*" is the group. */
static void
mark_fields (VkCountPage *self, GHashTable *want, const VkTallyMessage *m)
{
  const char *klass = m->severity == VK_MESSAGE_ERROR ? "vk-field-error" : "vk-field-warning";

  for (char **f = m->fields; f != NULL && *f != NULL; f++)
    {
      if (g_str_has_suffix (*f, ".*"))
        {
          g_autofree char *group = g_strndup (*f, strlen (*f) - 2);
          GPtrArray *rows = g_hash_table_lookup (self->groups, group);
          for (guint i = 0; rows != NULL && i < rows->len; i++)
            mark_row (self, want, g_ptr_array_index (rows, i), klass);
        }
      else
        {
          Row *row = g_hash_table_lookup (self->rows, *f);
          if (row != NULL)
            mark_row (self, want, row, klass);
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
show_messages (VkCountPage *self, GPtrArray *messages)
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
      remove_children (GTK_WIDGET (self->messages_box));
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

static void
update_reconciliation (VkCountPage *self)
{
  g_autoptr (GString) text = g_string_new (NULL);
  const VkAreaResult *r = vk_tally_form_get_result (self->form);
  const VkBallotAccount *b = vk_tally_form_get_ballots (self->form);
  guint64 sum = r->valid + r->blank_in_person + r->blank_postal + r->other_invalid;
  guint64 lists = vk_tally_form_get_lists_sum (self->form);
  g_autofree char *line = NULL;

  if (self->marked >= 0)
    {
      gint64 diff = (gint64)r->cast - self->marked;

      line = g_markup_printf_escaped (_ ("Ballots in the urn (votes cast): <b>%llu</b>\n"
                                         "Marked voters: %u checked in + %u brevstemmer = <b>%lld</b>\n"),
                                      (unsigned long long)r->cast, self->checked_in, self->brev_accepted,
                                      (long long)self->marked);
      g_string_append (text, line);
      g_clear_pointer (&line, g_free);
      if (diff == 0)
        g_string_append_printf (text, "%s %s\n", ok_mark (TRUE), _ ("The ballots match the marked voters."));
      else
        {
          line
              = g_markup_printf_escaped (_ ("Difference: <b>%+lld</b> (write the explanation below)"), (long long)diff);
          g_string_append_printf (text, "<span foreground=\"#c01c28\">%s %s</span>\n", ok_mark (FALSE), line);
          g_clear_pointer (&line, g_free);
        }
    }
  line = g_strdup_printf (_ ("Valid + blank + invalid = %llu (votes cast %llu)"), (unsigned long long)sum,
                          (unsigned long long)r->cast);
  g_string_append_printf (text, "%s %s\n", ok_mark (sum == r->cast), line);
  g_clear_pointer (&line, g_free);
  line = g_strdup_printf (_ ("Votes of the lists in total = %llu (valid votes %llu)"), (unsigned long long)lists,
                          (unsigned long long)r->valid);
  g_string_append_printf (text, "%s %s", ok_mark (lists == r->valid), line);
  g_clear_pointer (&line, g_free);
  if (b->present)
    {
      guint64 acc = r->cast + b->unused + b->returned;
      line = g_strdup_printf (_ ("Cast + unused + returned = %llu (received %llu)"), (unsigned long long)acc,
                              (unsigned long long)b->received);
      g_string_append_printf (text, "\n%s %s", ok_mark (acc == b->received), line);
    }
  gtk_label_set_markup (self->recon_label, text->str);
}

static void
update_compare (VkCountPage *self)
{
  g_autoptr (GString) text = g_string_new (NULL);
  const VkAreaResult *r = vk_tally_form_get_result (self->form);
  const VkAreaResult *f = self->foreloebig;
  const VkElection *e = election (self);
  guint n = 0;
  struct
  {
    const char *label;
    guint64 fore, fin;
  } top[] = {
    { _ ("Votes cast"), 0, r->cast },
    { _ ("Valid votes"), 0, r->valid },
    { _ ("Blank, in person"), 0, r->blank_in_person },
    { _ ("Blank, postal"), 0, r->blank_postal },
    { _ ("Other invalid"), 0, r->other_invalid },
  };

  if (self->kind != VK_RESULT_FINTAELLING)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->compare_section), TRUE);
  if (f == NULL)
    {
      gtk_label_set_text (self->compare_label, _ ("This table holds no signed foreløbig count of the area (it comes "
                                                  "with the valgbord's journal: sync or USB)."));
      return;
    }
  top[0].fore = f->cast;
  top[1].fore = f->valid;
  top[2].fore = f->blank_in_person;
  top[3].fore = f->blank_postal;
  top[4].fore = f->other_invalid;
  for (guint i = 0; i < G_N_ELEMENTS (top); i++)
    if (top[i].fore != top[i].fin)
      {
        g_string_append_printf (text, _ ("%s: foreløbig %llu, fintælling %llu (%+lld)\n"), top[i].label,
                                (unsigned long long)top[i].fore, (unsigned long long)top[i].fin,
                                (long long)top[i].fin - (long long)top[i].fore);
        n++;
      }
  for (guint i = 0; i < e->lists->len; i++)
    {
      const VkList *l = g_ptr_array_index (e->lists, i);
      guint64 fore = vk_area_result_get_list_votes (f, l->id);
      guint64 fin = vk_area_result_get_list_votes (r, l->id);
      g_autofree char *title = NULL;

      if (fore == fin)
        continue;
      title = list_title (l);
      g_string_append_printf (text, _ ("%s: foreløbig %llu, fintælling %llu (%+lld)\n"), title,
                              (unsigned long long)fore, (unsigned long long)fin, (long long)fin - (long long)fore);
      n++;
    }
  if (n == 0)
    g_string_assign (text, _ ("The same numbers as the foreløbig count."));
  else
    {
      g_autofree char *head
          = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u difference from the foreløbig count (%s):\n",
                                          "%u differences from the foreløbig count (%s):\n", n),
                             n, self->foreloebig_device);
      g_string_prepend (text, head);
      if (text->str[text->len - 1] == '\n')
        g_string_truncate (text, text->len - 1);
    }
  gtk_label_set_text (self->compare_label, text->str);
}

static void
update_checks (VkCountPage *self)
{
  g_autoptr (GPtrArray) messages = vk_tally_form_validate (self->form, self->marked, self->eligible);

  show_messages (self, messages);
  update_reconciliation (self);
  update_compare (self);
}

static void
entry_changed_cb (GtkEditable *editable, VkCountPage *self)
{
  Row *row = g_object_get_data (G_OBJECT (editable), "vk-row");
  gint64 t0 = g_get_monotonic_time ();
  const char *list_id = NULL;
  guint64 value = 0;

  if (self->loading || self->form == NULL)
    return;
  if (!parse_count (gtk_editable_get_text (editable), &value))
    {
      gtk_widget_add_css_class (GTK_WIDGET (editable), "error");
      value = 0;
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
  (void)vk_tally_form_set (self->form, row->field, value, &list_id, NULL);
  if (list_id != NULL)
    update_computed (self, list_id);
  /* A correction makes a refusal stale: the state is shown again. */
  if (gtk_widget_has_css_class (GTK_WIDGET (self->state_label), "vk-blocked"))
    refresh_state (self, FALSE);
  else
    update_checks (self);
  self->last_keystroke_us = g_get_monotonic_time () - t0;
}

/* The double entry. */

static void
clear_diff_marks (VkCountPage *self)
{
  for (guint i = 0; i < self->diff_rows->len; i++)
    gtk_widget_remove_css_class (((Row *)g_ptr_array_index (self->diff_rows, i))->row, "vk-diff");
  g_ptr_array_set_size (self->diff_rows, 0);
}

static void
show_differences (VkCountPage *self, VkTally *tally)
{
  g_autoptr (GPtrArray) diff = vk_tally_dup_differences (tally);
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
load_counts (VkCountPage *self, const VkCbor *counts)
{
  g_autoptr (GError) error = NULL;

  if (counts == NULL)
    vk_tally_form_clear (self->form);
  else if (!vk_tally_form_load (self->form, counts, &error))
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
refresh_state (VkCountPage *self, gboolean reload)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkTally) tally = NULL;
  g_autofree char *text = NULL;
  VkTallyState state;
  const char *by1 = NULL;
  gboolean signable;

  if (self->station == NULL || self->form == NULL)
    return;
  tally = vk_tally_dup_station_tally (self->station, self->kind, self->area, &error);
  if (tally == NULL)
    {
      show_message (self->state_label, "vk-blocked", error->message);
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
        show_message (self->state_label, NULL,
                      _ ("First entry: type the count from the paper, then save it with your name."));
        if (reload)
          load_counts (self, NULL);
        break;
      case VK_TALLY_FIRST:
        self->target_round = 2;
        text = g_strdup_printf (_ ("The first entry is saved (by %s). Second entry: another person types the same "
                                   "count from the paper, without looking at the first."),
                                by1 != NULL ? by1 : "?");
        show_message (self->state_label, NULL, text);
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
          show_message (self->state_label, "vk-warning", text);
          if (reload)
            load_counts (self, vk_tally_get_round (tally, self->reenter == 1 ? 1 : 2, NULL));
          show_differences (self, tally);
          break;
        }
      case VK_TALLY_AGREED:
        self->target_round = 0;
        show_message (self->state_label, "vk-ok",
                      _ ("The two entries agree. The valgstyrere check the numbers and sign off."));
        if (reload)
          load_counts (self, vk_tally_get_round (tally, 1, NULL));
        break;
      case VK_TALLY_SIGNED:
      default:
        self->target_round = 0;
        show_message (self->state_label, "vk-ok", _ ("The count is signed off and final."));
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
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "count.save", self->target_round != 0);
  signable = state == VK_TALLY_AGREED;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "count.sign-off", signable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "count.add-signer", signable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->explanation_view), signable);
  gtk_widget_set_visible (GTK_WIDGET (self->valgbog_section),
                          self->kind == VK_RESULT_FORELOEBIG && state == VK_TALLY_SIGNED);
  update_checks (self);
}

/* The fintælling: the foreløbig count and the doubtful ballots. */

static void
load_foreloebig (VkCountPage *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkCbor) counts = NULL;

  g_clear_pointer (&self->foreloebig, vk_area_result_free);
  g_clear_pointer (&self->foreloebig_device, g_free);
  if (self->kind != VK_RESULT_FINTAELLING)
    return;
  counts
      = vk_tally_dup_signed_counts (self->station, VK_RESULT_FORELOEBIG, self->area, &self->foreloebig_device, &error);
  if (counts != NULL)
    self->foreloebig
        = vk_counts_from_cbor (counts, election (self), VK_RESULT_FORELOEBIG, self->area, NULL, NULL, &error);
  if (error != NULL)
    g_warning ("foreløbig count of area %u: %s", self->area, error->message);
}

static void
refresh_doubtful (VkCountPage *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) held = NULL;
  g_autoptr (VkTally) tally = NULL;
  guint64 decided = 0, undecided = 0;

  remove_children (GTK_WIDGET (self->doubt_list));
  if (self->kind != VK_RESULT_FINTAELLING)
    return;
  held = vk_tally_dup_doubtful (self->station, self->area, &error);
  if (held == NULL)
    {
      gtk_label_set_text (self->doubt_label, error->message);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->doubt_list), held->len > 0);
  for (guint i = 0; i < held->len; i++)
    {
      const VkDoubtful *d = g_ptr_array_index (held, i);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      g_autofree char *when = format_ms (d->time_ms, "%H:%M");
      g_autofree char *text
          = g_strdup_printf (_ ("%llu set aside at %s: %s\n%llu of them decided"), (unsigned long long)d->count, when,
                             d->note, (unsigned long long)d->decided);
      GtkWidget *label = gtk_label_new (text);
      GtkWidget *button = gtk_button_new_with_label (_ ("Decide …"));

      gtk_widget_set_margin_top (box, 6);
      gtk_widget_set_margin_bottom (box, 6);
      gtk_widget_set_margin_start (box, 8);
      gtk_widget_set_margin_end (box, 8);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "count.decide");
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
  {
    g_autoptr (GString) text = g_string_new (NULL);
    g_string_append_printf (text, _ ("Undecided: %llu. Decided: %llu."), (unsigned long long)undecided,
                            (unsigned long long)decided);
    tally = vk_tally_dup_station_tally (self->station, self->kind, self->area, NULL);
    if (tally != NULL && vk_tally_get_signed (tally) != NULL && decided > 0)
      {
        g_autoptr (VkAreaResult) r = vk_counts_from_cbor (vk_tally_get_signed (tally), election (self),
                                                          VK_RESULT_FINTAELLING, self->area, NULL, NULL, NULL);
        if (r != NULL)
          {
            vk_tally_add_decided_doubtful (r, held);
            g_string_append_printf (text,
                                    _ ("\nThe area's result with the decided ballots: votes cast %llu, valid %llu."),
                                    (unsigned long long)r->cast, (unsigned long long)r->valid);
          }
      }
    gtk_label_set_text (self->doubt_label, text->str);
  }
}

static void
select_area (VkCountPage *self, guint area)
{
  const VkArea *a = vk_election_lookup_area (election (self), area);

  g_clear_pointer (&self->form, vk_tally_form_free);
  self->area = area;
  self->eligible = a != NULL ? a->eligible : 0;
  self->form = vk_tally_form_new (election (self), self->kind, area);
  self->reenter = 0;
  self->shown_state = (VkTallyState)-1;
  g_ptr_array_set_size (self->signers, 0);
  remove_children (GTK_WIDGET (self->signers_list));
  show_message (self->signoff_message, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->receipt_label), FALSE);
  load_foreloebig (self);
  refresh_doubtful (self);
  refresh_state (self, TRUE);
}

static void
area_selected_cb (GObject *dropdown, GParamSpec *pspec, VkCountPage *self)
{
  guint i = gtk_drop_down_get_selected (self->area_dropdown);

  if (self->building)
    return;
  if (self->areas != NULL && i < self->areas->len)
    select_area (self, GPOINTER_TO_UINT (g_ptr_array_index (self->areas, i)));
}

/* Actions. */

static void
close_poll_response_cb (AdwMessageDialog *dialog, const char *response, VkCountPage *self)
{
  g_autoptr (GError) error = NULL;

  if (g_strcmp0 (response, "close") != 0)
    return;
  if (vk_tally_close_poll (self->station, &error) == 0)
    {
      AdwStatusPage *status = ADW_STATUS_PAGE (gtk_widget_get_parent (GTK_WIDGET (self->close_button)));
      adw_status_page_set_description (status, error->message);
      return;
    }
  gtk_stack_set_visible_child_name (self->page_stack, "form");
  update_marked (self);
  g_signal_emit (self, signals[SIGNAL_POLL_CLOSED], 0);
  refresh_state (self, TRUE);
}

static void
close_poll_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkCountPage *self = VK_COUNT_PAGE (widget);
  GtkWidget *dialog;

  if (self->station == NULL || vk_station_is_poll_closed (self->station))
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _ ("Close the poll?"),
                                   _ ("No voter can be checked in after this, at any table of the area. This cannot "
                                      "be undone."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("Cancel"), "close", _ ("Close the poll"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "close", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (close_poll_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkCountPage *self = VK_COUNT_PAGE (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *by = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->by_entry))));
  GHashTableIter iter;
  gpointer value;

  if (self->form == NULL || self->target_round == 0)
    return;
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (gtk_widget_has_css_class (GTK_WIDGET (((Row *)value)->entry), "error"))
      {
        g_autofree char *text
            = g_strdup_printf (_ ("\"%s\" is not a number: type digits only."), ((Row *)value)->label);
        show_message (self->state_label, "vk-blocked", text);
        gtk_widget_grab_focus (GTK_WIDGET (((Row *)value)->entry));
        return;
      }
  if (*by == '\0')
    {
      show_message (self->state_label, "vk-blocked", _ ("Type your name in \"Entered by\" first."));
      gtk_widget_grab_focus (GTK_WIDGET (self->by_entry));
      return;
    }
  if (vk_tally_form_enter (self->form, self->station, self->target_round, by, &error) == 0)
    {
      g_autofree char *text = NULL;

      /* The engine's refusals are English; the one a table meets most is said in the operator's language. */
      if (g_error_matches (error, VK_ERROR, VK_ERROR_INVALID) && strstr (error->message, "different people") != NULL)
        text = g_strdup (_ ("The two entries must be made by two different people: the other entry was made by "
                            "the same name."));
      else
        text = g_strdup_printf (_ ("Not saved: %s"), error->message);
      show_message (self->state_label, "vk-blocked", text);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->by_entry), "");
  self->reenter = 0;
  self->shown_state = (VkTallyState)-1;
  refresh_state (self, TRUE);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->form_scroll), 0);
}

static void
reenter_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkCountPage *self = VK_COUNT_PAGE (widget);

  self->reenter = g_variant_get_uint32 (param);
  if (self->reenter != 1 && self->reenter != 2)
    self->reenter = 0;
  refresh_state (self, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->by_entry));
}

/* Sign-off. */

static void
refresh_signers (VkCountPage *self)
{
  remove_children (GTK_WIDGET (self->signers_list));
  for (guint i = 0; i < self->signers->len; i++)
    {
      const Signer *s = g_ptr_array_index (self->signers, i);
      const VkDevice *d
          = vk_package_lookup_device_by_key_id (vk_station_get_package (self->station), vk_keypair_get_key_id (s->key));
      g_autofree char *text = g_strdup_printf (_ ("%s · own key %s unlocked"), s->name, d != NULL ? d->device_id : "?");
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_top (label, 8);
      gtk_widget_set_margin_bottom (label, 8);
      gtk_widget_set_margin_start (label, 8);
      gtk_list_box_append (self->signers_list, label);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->signers_list), self->signers->len > 0);
}

static void
add_signer_response_cb (AdwMessageDialog *dialog, const char *response, VkCountPage *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autofree char *name = NULL;
  GtkEditable *name_entry = g_object_get_data (G_OBJECT (dialog), "vk-name");
  GtkEditable *key_entry = g_object_get_data (G_OBJECT (dialog), "vk-key");
  GtkEditable *pass_entry = g_object_get_data (G_OBJECT (dialog), "vk-passphrase");
  const VkDevice *d;
  Signer *s;

  if (g_strcmp0 (response, "add") != 0)
    return;
  name = g_strstrip (g_strdup (gtk_editable_get_text (name_entry)));
  if (*name == '\0')
    {
      show_message (self->signoff_message, "vk-blocked", _ ("Type the valgstyrer's name."));
      return;
    }
  for (guint i = 0; i < self->signers->len; i++)
    if (g_utf8_collate (((Signer *)g_ptr_array_index (self->signers, i))->name, name) == 0)
      {
        show_message (self->signoff_message, "vk-blocked", _ ("This valgstyrer has already been added."));
        return;
      }
  key = vk_keypair_load (gtk_editable_get_text (key_entry), gtk_editable_get_text (pass_entry), &error);
  gtk_editable_set_text (pass_entry, "");
  if (key == NULL)
    {
      g_autofree char *text = g_error_matches (error, VK_ERROR, VK_ERROR_PASSPHRASE)
                                  ? g_strdup_printf (_ ("Wrong passphrase for %s's key."), name)
                                  : g_strdup_printf (_ ("Cannot read the key: %s"), error->message);
      show_message (self->signoff_message, "vk-blocked", text);
      return;
    }
  d = vk_package_lookup_device_by_key_id (vk_station_get_package (self->station), vk_keypair_get_key_id (key));
  if (d == NULL || strcmp (d->role, "valgstyrer") != 0)
    {
      g_autofree char *text = g_strdup_printf (_ ("This key is not enrolled as a valgstyrer's key: %s cannot sign "
                                                  "with it."),
                                               name);
      show_message (self->signoff_message, "vk-blocked", text);
      return;
    }
  s = g_new0 (Signer, 1);
  s->name = g_steal_pointer (&name);
  s->key = g_steal_pointer (&key);
  g_ptr_array_add (self->signers, s);
  show_message (self->signoff_message, NULL, NULL);
  refresh_signers (self);
}

static void
choose_key_response_cb (GtkNativeDialog *chooser, int response, GtkEditable *entry)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      if (path != NULL)
        gtk_editable_set_text (entry, path);
    }
  g_object_unref (chooser);
}

static void
choose_key_clicked_cb (GtkButton *button, GtkEditable *entry)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_ ("Choose the valgstyrer's key"),
                                                               GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, NULL, NULL);

  g_signal_connect (chooser, "response", G_CALLBACK (choose_key_response_cb), entry);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
add_signer_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkCountPage *self = VK_COUNT_PAGE (widget);
  GtkWidget *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *key_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *name = gtk_entry_new ();
  GtkWidget *key = gtk_entry_new ();
  GtkWidget *choose = gtk_button_new_with_label (_ ("Choose …"));
  GtkWidget *pass = gtk_password_entry_new ();

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _ ("Add valgstyrer"),
                                   _ ("Each valgstyrer signs with their own key, unlocked with their own passphrase. "
                                      "The signature is kept in the journal and anyone can check it."));
  gtk_entry_set_placeholder_text (GTK_ENTRY (name), _ ("Name"));
  gtk_entry_set_placeholder_text (GTK_ENTRY (key), _ ("Key file (.key)"));
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (pass), TRUE);
  g_object_set (pass, "placeholder-text", _ ("Passphrase"), NULL);
  gtk_widget_set_hexpand (key, TRUE);
  gtk_box_append (GTK_BOX (key_box), key);
  gtk_box_append (GTK_BOX (key_box), choose);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), key_box);
  gtk_box_append (GTK_BOX (box), pass);
  g_signal_connect (choose, "clicked", G_CALLBACK (choose_key_clicked_cb), key);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("Cancel"), "add", _ ("Add"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "add");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "vk-name", name);
  g_object_set_data (G_OBJECT (dialog), "vk-key", key);
  g_object_set_data (G_OBJECT (dialog), "vk-passphrase", pass);
  g_signal_connect (dialog, "response", G_CALLBACK (add_signer_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_receipt (VkCountPage *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkSync) sync = NULL;
  g_autoptr (VkSyncReceipt) receipt = NULL;
  const char *device;
  g_autofree char *head = NULL;
  g_autofree char *when = NULL;
  g_autofree char *text = NULL;

  if (self->signoff_seq == 0 || self->server == NULL)
    return;
  device = vk_station_get_device (self->station)->device_id;
  sync = vk_sync_new (vk_station_get_package (self->station), self->db_path, device, &error);
  if (sync != NULL)
    receipt = vk_sync_dup_last_receipt (sync, self->server, device, &error);
  if (receipt == NULL || receipt->seq < self->signoff_seq)
    return;
  head = vk_hex_encode (receipt->head, 8);
  when = format_ms (receipt->received_ms, "%H:%M:%S");
  text = g_strdup_printf (
      _ ("The count server has signed a receipt for this table's journal up to entry %llu (head %s…) at %s: the "
         "count has arrived."),
      (unsigned long long)receipt->seq, head, when);
  gtk_label_set_text (self->receipt_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->receipt_label), TRUE);
  self->signoff_seq = 0;
}

static void
sign_off_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkCountPage *self = VK_COUNT_PAGE (widget);
  g_autoptr (GError) error = NULL;
  g_autofree VkSigner *signers = NULL;
  g_autofree char *explanation = NULL;
  g_autofree char *names = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GPtrArray) name_list = g_ptr_array_new ();
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->explanation_view);
  GtkTextIter start, end;
  guint64 seq;

  if (self->form == NULL)
    return;
  if (self->signers->len < 2)
    {
      show_message (self->signoff_message, "vk-blocked",
                    _ ("At least two valgstyrere must sign: add each with their own key."));
      return;
    }
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  explanation = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  if (self->marked >= 0 && (guint64)self->marked != vk_tally_form_get_result (self->form)->cast && *explanation == '\0')
    {
      show_message (self->signoff_message, "vk-blocked",
                    _ ("The votes cast differ from the marked voters: write the explanation first."));
      gtk_widget_grab_focus (GTK_WIDGET (self->explanation_view));
      return;
    }
  signers = g_new0 (VkSigner, self->signers->len);
  for (guint i = 0; i < self->signers->len; i++)
    {
      const Signer *s = g_ptr_array_index (self->signers, i);
      signers[i].name = s->name;
      signers[i].key = s->key;
      g_ptr_array_add (name_list, s->name);
    }
  g_ptr_array_add (name_list, NULL);
  seq = vk_tally_sign_off (self->station, self->kind, self->area, signers, self->signers->len, explanation,
                           self->marked, self->eligible, &error);
  if (seq == 0)
    {
      text = g_strdup_printf (_ ("Not signed off: %s"), error->message);
      show_message (self->signoff_message, "vk-blocked", text);
      return;
    }
  names = g_strjoinv (", ", (char **)name_list->pdata);
  text = g_strdup_printf (_ ("Signed off by %s."), names);
  show_message (self->signoff_message, "vk-ok", text);
  g_ptr_array_set_size (self->signers, 0);
  refresh_signers (self);
  gtk_text_buffer_set_text (buffer, "", -1);
  if (self->server != NULL)
    {
      self->signoff_seq = seq;
      gtk_label_set_text (self->receipt_label, _ ("Sending the count to the count server …"));
      gtk_widget_set_visible (GTK_WIDGET (self->receipt_label), TRUE);
      if (self->runner != NULL)
        vk_sync_runner_kick (self->runner);
    }
  else
    {
      gtk_label_set_text (self->receipt_label, _ ("No count server is set for this table: carry the journal to the "
                                                  "count server on USB (menu: Export to USB)."));
      gtk_widget_set_visible (GTK_WIDGET (self->receipt_label), TRUE);
    }
  refresh_state (self, TRUE);
  refresh_doubtful (self);
}

/* The valgbog. */

static void
print_valgbog_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkCountPage *self = VK_COUNT_PAGE (widget);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkTallyRecord) record = NULL;
  g_autoptr (GArray) staff = g_array_new (FALSE, TRUE, sizeof (VkValgbogPerson));
  g_autoptr (GArray) events = g_array_new (FALSE, TRUE, sizeof (VkValgbogEvent));
  g_autoptr (GArray) signoffs = g_array_new (FALSE, TRUE, sizeof (VkValgbogSignoff));
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  VkValgbog b = { 0 };

  if (self->station == NULL)
    return;
  record = vk_tally_dup_record (self->station, &error);
  if (record == NULL)
    {
      gtk_label_set_text (self->valgbog_label, error->message);
      return;
    }
  /* The valgbog is a Danish document whatever the screen's language: its
   * texts are not translated. */
  for (guint i = 0; i < record->signers->len; i++)
    {
      VkValgbogPerson p = { g_ptr_array_index (record->signers, i), "Valgstyrer" };
      VkValgbogSignoff s
          = { g_ptr_array_index (record->signers, i), (gint64)(record->signed_ms / 1000), record->with_keys };
      g_array_append_val (staff, p);
      g_array_append_val (signoffs, s);
    }
  for (guint i = 0; i < record->entered->len; i++)
    {
      VkValgbogPerson p = { g_ptr_array_index (record->entered, i), "Indtastning af optællingen" };
      g_array_append_val (staff, p);
    }
  for (guint i = 0; i < record->events->len; i++)
    {
      const VkTallyEvent *ev = g_ptr_array_index (record->events, i);
      VkValgbogEvent out = { (gint64)(ev->time_ms / 1000), NULL };
      char *t;

      switch (ev->kind)
        {
          case VK_TALLY_EVENT_OPENED:
            t = g_strdup ("Valgbordet åbnet");
            break;
          case VK_TALLY_EVENT_POLL_CLOSED:
            t = g_strdup ("Afstemningen lukket");
            break;
          case VK_TALLY_EVENT_ENTERED:
            t = g_strdup_printf ("Foreløbig optælling, %u. indtastning (%s)", ev->round, ev->who ? ev->who : "");
            break;
          case VK_TALLY_EVENT_SIGNED:
          default:
            t = g_strdup ("Foreløbig optælling underskrevet");
            break;
        }
      g_ptr_array_add (texts, t);
      out.text = t;
      g_array_append_val (events, out);
    }
  b.info.election = election (self);
  b.info.election_id = vk_package_get_election_id (vk_station_get_package (self->station));
  b.key = vk_station_get_key (self->station);
  b.device_id = vk_station_get_device (self->station)->device_id;
  b.result = record->counts;
  b.ballots = &record->ballots;
  b.opened_at = (gint64)(record->opened_ms / 1000);
  b.closed_at = (gint64)(record->closed_ms / 1000);
  b.staff = (const VkValgbogPerson *)staff->data;
  b.n_staff = staff->len;
  b.events = (const VkValgbogEvent *)events->data;
  b.n_events = events->len;
  b.checkins = record->checkins;
  b.brevstemmer = record->brevstemmer;
  b.explanation = record->explanation;
  b.signoffs = (const VkValgbogSignoff *)signoffs->data;
  b.n_signoffs = signoffs->len;
  b.journal_seq = record->head_seq;
  b.journal_head = record->head;
  dir = self->db_path != NULL ? g_path_get_dirname (self->db_path) : g_strdup (g_get_user_data_dir ());
  name = g_strdup_printf ("valgbog-%s.pdf", b.device_id);
  path = g_build_filename (dir, name, NULL);
  if (!vk_valgbog_write (&b, path, &error))
    {
      text = g_strdup_printf (_ ("The valgbog could not be written: %s"), error->message);
      gtk_label_set_text (self->valgbog_label, text);
      return;
    }
  g_free (self->valgbog_path);
  self->valgbog_path = g_strdup (path);
  text = g_strdup_printf (_ ("The valgbog was written to %s. Print it, and the valgstyrere sign it."), path);
  gtk_label_set_text (self->valgbog_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->open_valgbog_button), TRUE);
}

static void
open_valgbog_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkCountPage *self = VK_COUNT_PAGE (widget);
  g_autofree char *uri = NULL;

  if (self->valgbog_path == NULL)
    return;
  uri = g_filename_to_uri (self->valgbog_path, NULL, NULL);
  if (uri != NULL)
    g_app_info_launch_default_for_uri_async (uri, NULL, NULL, NULL, NULL);
}

/* Doubtful ballots. */

static void
set_aside_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkCountPage *self = VK_COUNT_PAGE (widget);
  g_autoptr (GError) error = NULL;
  guint64 count = 0;
  g_autofree char *note = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->doubt_note_entry))));

  if (!parse_count (gtk_editable_get_text (GTK_EDITABLE (self->doubt_count_entry)), &count) || count == 0)
    {
      gtk_label_set_text (self->doubt_label, _ ("Type how many ballots are set aside."));
      return;
    }
  if (*note == '\0')
    {
      gtk_label_set_text (self->doubt_label, _ ("Write why the ballots are doubtful."));
      return;
    }
  if (vk_tally_set_aside_doubtful (self->station, self->area, count, note, &error) == 0)
    {
      gtk_label_set_text (self->doubt_label, error->message);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->doubt_count_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->doubt_note_entry), "");
  refresh_doubtful (self);
}

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

static void
decide_response_cb (AdwMessageDialog *dialog, const char *response, VkCountPage *self)
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
  if (!parse_count (gtk_editable_get_text (count_entry), &count) || count == 0)
    {
      gtk_label_set_text (self->doubt_label, _ ("Type how many of the ballots the decision is for."));
      return;
    }
  if (vk_tally_decide_doubtful (self->station, self->area, *ref, c->to, c->id, c->code, count, &error) == 0)
    {
      gtk_label_set_text (self->doubt_label, error->message);
      return;
    }
  refresh_doubtful (self);
}

static void
decide_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkCountPage *self = VK_COUNT_PAGE (widget);
  const VkElection *e = election (self);
  g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);
  GPtrArray *choices = g_ptr_array_new_with_free_func ((GDestroyNotify)choice_free);
  GtkWidget *dialog, *box, *dropdown, *count;
  g_autoptr (GtkExpression) expression = NULL;
  guint64 *ref = g_new (guint64, 1);
  guint n;
  const guint *codes = vk_tally_form_invalid_codes (&n);

  *ref = g_variant_get_uint64 (param);
  for (guint i = 0; i < e->lists->len; i++)
    {
      const VkList *l = g_ptr_array_index (e->lists, i);
      g_autofree char *title = list_title (l);
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
  gtk_entry_set_placeholder_text (GTK_ENTRY (count), _ ("Number of ballots"));
  gtk_entry_set_input_purpose (GTK_ENTRY (count), GTK_INPUT_PURPOSE_DIGITS);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_box_append (GTK_BOX (box), dropdown);
  gtk_box_append (GTK_BOX (box), count);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _ ("Decide doubtful ballots"),
                                   _ ("The valgbestyrelse's decision: the ballots count for a list or a candidate, or "
                                      "are invalid for a reason. It is kept in the journal and added to the area's "
                                      "result."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("Cancel"), "decide", _ ("Decide"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "decide", ADW_RESPONSE_SUGGESTED);
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
vk_count_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VK_TYPE_COUNT_PAGE);
  G_OBJECT_CLASS (vk_count_page_parent_class)->dispose (object);
}

static void
vk_count_page_finalize (GObject *object)
{
  VkCountPage *self = VK_COUNT_PAGE (object);

  g_clear_pointer (&self->form, vk_tally_form_free);
  g_clear_pointer (&self->groups, g_hash_table_unref);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->marked_rows, g_hash_table_unref);
  g_clear_pointer (&self->diff_rows, g_ptr_array_unref);
  g_clear_pointer (&self->signers, g_ptr_array_unref);
  g_clear_pointer (&self->areas, g_ptr_array_unref);
  g_clear_pointer (&self->foreloebig, vk_area_result_free);
  g_free (self->foreloebig_device);
  g_free (self->messages_key);
  g_free (self->db_path);
  g_free (self->server);
  g_free (self->valgbog_path);
  G_OBJECT_CLASS (vk_count_page_parent_class)->finalize (object);
}

static void
vk_count_page_class_init (VkCountPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vk_count_page_dispose;
  object_class->finalize = vk_count_page_finalize;

  /* Emitted after the poll was closed here: the window's check-in page says so. */
  signals[SIGNAL_POLL_CLOSED]
      = g_signal_new ("poll-closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/dk/valgkit/Station/count-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, VkCountPage, name)
  BIND (page_stack);
  BIND (close_button);
  BIND (area_box);
  BIND (area_dropdown);
  BIND (state_label);
  BIND (entry_bar);
  BIND (by_entry);
  BIND (save_button);
  BIND (form_scroll);
  BIND (form_box);
  BIND (recon_label);
  BIND (messages_box);
  BIND (diff_section);
  BIND (diff_label);
  BIND (reenter1_button);
  BIND (reenter2_button);
  BIND (compare_section);
  BIND (compare_label);
  BIND (doubt_section);
  BIND (doubt_count_entry);
  BIND (doubt_note_entry);
  BIND (doubt_list);
  BIND (doubt_label);
  BIND (signoff_section);
  BIND (explanation_hint);
  BIND (explanation_view);
  BIND (signers_list);
  BIND (signoff_button);
  BIND (signoff_message);
  BIND (receipt_label);
  BIND (valgbog_section);
  BIND (open_valgbog_button);
  BIND (valgbog_label);
#undef BIND

  gtk_widget_class_install_action (widget_class, "count.close-poll", NULL, close_poll_action);
  gtk_widget_class_install_action (widget_class, "count.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "count.reenter", "u", reenter_action);
  gtk_widget_class_install_action (widget_class, "count.add-signer", NULL, add_signer_action);
  gtk_widget_class_install_action (widget_class, "count.sign-off", NULL, sign_off_action);
  gtk_widget_class_install_action (widget_class, "count.print-valgbog", NULL, print_valgbog_action);
  gtk_widget_class_install_action (widget_class, "count.open-valgbog", NULL, open_valgbog_action);
  gtk_widget_class_install_action (widget_class, "count.set-aside", NULL, set_aside_action);
  gtk_widget_class_install_action (widget_class, "count.decide", "t", decide_action);
}

static void
explanation_changed_cb (GtkTextBuffer *buffer, VkCountPage *self)
{
  if (gtk_widget_has_css_class (GTK_WIDGET (self->signoff_message), "vk-blocked"))
    show_message (self->signoff_message, NULL, NULL);
}

static void
by_activate_cb (GtkEntry *entry, VkCountPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "count.save", NULL);
}

static void
vk_count_page_init (VkCountPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)row_free);
  self->groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
  self->marked_rows = g_hash_table_new (NULL, NULL);
  self->diff_rows = g_ptr_array_new ();
  self->signers = g_ptr_array_new_with_free_func ((GDestroyNotify)signer_free);
  self->marked = -1;
  g_signal_connect (self->by_entry, "activate", G_CALLBACK (by_activate_cb), self);
  g_signal_connect (gtk_text_view_get_buffer (self->explanation_view), "changed", G_CALLBACK (explanation_changed_cb),
                    self);
  g_signal_connect (self->area_dropdown, "notify::selected", G_CALLBACK (area_selected_cb), self);
}

/* Public API. */

VkCountPage *
vk_count_page_new (void)
{
  return g_object_new (VK_TYPE_COUNT_PAGE, NULL);
}

void
vk_count_page_set_station (VkCountPage *self, VkStation *station, const char *db_path)
{
  const VkDevice *d;
  gboolean fin;

  g_return_if_fail (VK_IS_COUNT_PAGE (self));
  g_return_if_fail (station != NULL);

  self->station = station;
  g_free (self->db_path);
  self->db_path = g_strdup (db_path);
  d = vk_station_get_device (station);
  fin = strcmp (d->role, "fintaelling") == 0;
  self->kind = fin ? VK_RESULT_FINTAELLING : VK_RESULT_FORELOEBIG;
  gtk_widget_set_visible (GTK_WIDGET (self->area_box), fin);
  gtk_widget_set_visible (GTK_WIDGET (self->doubt_section), fin);
  gtk_widget_set_visible (GTK_WIDGET (self->explanation_hint), !fin);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->explanation_view)), !fin);
  build_form (self);
  if (fin)
    {
      const VkElection *e = election (self);
      g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);

      self->marked = -1;
      g_clear_pointer (&self->areas, g_ptr_array_unref);
      self->areas = g_ptr_array_new ();
      for (guint i = 0; i < e->areas->len; i++)
        {
          const VkArea *a = g_ptr_array_index (e->areas, i);
          g_autofree char *item = g_strdup_printf ("%u %s", a->number, a->name);
          g_ptr_array_add (self->areas, GUINT_TO_POINTER (a->number));
          gtk_string_list_append (model, item);
        }
      gtk_stack_set_visible_child_name (self->page_stack, "form");
      /* The first area is selected below, once. */
      self->building = TRUE;
      gtk_drop_down_set_model (self->area_dropdown, G_LIST_MODEL (model));
      gtk_drop_down_set_selected (self->area_dropdown, 0);
      self->building = FALSE;
      if (self->areas->len > 0)
        select_area (self, GPOINTER_TO_UINT (g_ptr_array_index (self->areas, 0)));
      return;
    }
  update_marked (self);
  gtk_stack_set_visible_child_name (self->page_stack, vk_station_is_poll_closed (station) ? "form" : "open");
  select_area (self, d->area);
}

void
vk_count_page_set_sync (VkCountPage *self, VkSyncRunner *runner, const char *server_url)
{
  g_return_if_fail (VK_IS_COUNT_PAGE (self));
  self->runner = runner;
  g_free (self->server);
  self->server = g_strdup (server_url);
}

void
vk_count_page_refresh (VkCountPage *self)
{
  g_return_if_fail (VK_IS_COUNT_PAGE (self));

  if (self->station == NULL || self->form == NULL)
    return;
  if (self->kind == VK_RESULT_FORELOEBIG)
    {
      update_marked (self);
      if (vk_station_is_poll_closed (self->station))
        gtk_stack_set_visible_child_name (self->page_stack, "form");
    }
  load_foreloebig (self);
  refresh_doubtful (self);
  refresh_state (self, FALSE);
  show_receipt (self);
}

void
vk_count_page_sync_done (VkCountPage *self)
{
  g_return_if_fail (VK_IS_COUNT_PAGE (self));
  if (self->station != NULL)
    show_receipt (self);
}

GtkEditable *
vk_count_page_get_field (VkCountPage *self, const char *field)
{
  Row *row;

  g_return_val_if_fail (VK_IS_COUNT_PAGE (self), NULL);
  row = g_hash_table_lookup (self->rows, field);
  return row != NULL ? row->entry : NULL;
}

GtkWidget *
vk_count_page_get_row (VkCountPage *self, const char *field)
{
  Row *row;

  g_return_val_if_fail (VK_IS_COUNT_PAGE (self), NULL);
  row = g_hash_table_lookup (self->rows, field);
  return row != NULL ? row->row : NULL;
}

const char *
vk_count_page_get_valgbog_path (VkCountPage *self)
{
  g_return_val_if_fail (VK_IS_COUNT_PAGE (self), NULL);
  return self->valgbog_path;
}

gint64
vk_count_page_get_last_keystroke_us (VkCountPage *self)
{
  g_return_val_if_fail (VK_IS_COUNT_PAGE (self), 0);
  return self->last_keystroke_us;
}
