/* vk-paper-marks.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-cbor.h"
#include "vk-error.h"
#include "vk-journal.h"
#include "vk-package.h"
#include "vk-paper-marks.h"
#include "vk-text.h"
#include "vk-valgkort.h"

struct _VkCsvReader
{
  char *name; /* escaped for messages */
  const char *data;
  gsize len;
  gsize pos;
  guint line;
  char sep; /* 0 until the first record decides */
};

VkCsvReader *
vk_csv_reader_new (const char *name, const char *data, gsize len)
{
  VkCsvReader *self = g_new0 (VkCsvReader, 1);

  self->name = vk_text_escape_controls (name != NULL ? name : "(input)");
  self->data = data;
  self->len = len;
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    self->pos = 3;
  return self;
}

void
vk_csv_reader_free (VkCsvReader *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self);
}

guint
vk_csv_reader_get_line (VkCsvReader *self)
{
  return self->line;
}

static gboolean
fail (VkCsvReader *self, GError **error, const char *what)
{
  g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s:%u: %s", self->name, self->line, what);
  return FALSE;
}

static GPtrArray *
split (VkCsvReader *self, const char *line, GError **error)
{
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) field = g_string_new (NULL);
  const char *p = line;

  if (self->sep == 0)
    self->sep = strchr (line, ';') != NULL && strchr (line, ',') == NULL ? ';' : ',';
  for (;;)
    {
      g_string_truncate (field, 0);
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '"')
        {
          p++;
          for (;;)
            {
              if (*p == '\0')
                {
                  fail (self, error, "a quoted field is not closed on its line");
                  return NULL;
                }
              if (*p == '"' && p[1] == '"')
                {
                  g_string_append_c (field, '"');
                  p += 2;
                }
              else if (*p == '"')
                {
                  p++;
                  break;
                }
              else
                g_string_append_c (field, *p++);
            }
          while (*p == ' ' || *p == '\t')
            p++;
          if (*p != '\0' && *p != self->sep)
            {
              fail (self, error, "text after a quoted field");
              return NULL;
            }
        }
      else
        {
          while (*p != '\0' && *p != self->sep)
            g_string_append_c (field, *p++);
        }
      g_ptr_array_add (fields, g_strstrip (g_strdup (field->str)));
      if (*p == '\0')
        break;
      p++; /* the separator */
    }
  return g_steal_pointer (&fields);
}

GPtrArray *
vk_csv_reader_next (VkCsvReader *self, GError **error)
{
  while (self->pos < self->len)
    {
      const char *start = self->data + self->pos;
      const char *nl = memchr (start, '\n', self->len - self->pos);
      gsize n = nl != NULL ? (gsize)(nl - start) : self->len - self->pos;
      g_autofree char *line = NULL;

      self->line++;
      self->pos += n + (nl != NULL ? 1 : 0);
      if (n > VK_CSV_MAX_LINE)
        {
          fail (self, error, "the line is too long");
          return NULL;
        }
      if (n > 0 && start[n - 1] == '\r')
        n--;
      if (memchr (start, '\0', n) != NULL)
        {
          fail (self, error, "a NUL byte");
          return NULL;
        }
      if (!g_utf8_validate_len (start, n, NULL))
        {
          fail (self, error, "not UTF-8");
          return NULL;
        }
      line = g_strndup (start, n);
      g_strstrip (line);
      if (*line == '\0' || *line == '#')
        continue;
      return split (self, line, error);
    }
  return NULL;
}

static void
mark_free (gpointer p)
{
  VkPaperMark *m = p;

  g_free (m->table);
  g_free (m);
}

static gint
column (GPtrArray *header, const char *a, const char *b)
{
  for (guint i = 0; i < header->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (header, i), a) == 0 || strcmp (g_ptr_array_index (header, i), b) == 0)
      return (gint)i;
  return -1;
}

GPtrArray *
vk_paper_marks_parse (const char *name, const char *data, gsize len, GError **error)
{
  g_autoptr (VkCsvReader) reader = vk_csv_reader_new (name, data, len);
  g_autoptr (GPtrArray) marks = g_ptr_array_new_with_free_func (mark_free);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal); /* lnr → line */
  gint c_lnr = 0, c_table = -1;
  guint n_fields = 0;
  gboolean first = TRUE;

  for (;;)
    {
      g_autoptr (GError) local = NULL;
      g_autoptr (GPtrArray) row = vk_csv_reader_next (reader, &local);
      const char *text;
      guint64 lnr = 0;
      guint line;
      VkPaperMark *m;

      if (row == NULL)
        {
          if (local != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return NULL;
            }
          break;
        }
      line = vk_csv_reader_get_line (reader);
      if (first)
        {
          first = FALSE;
          text = g_ptr_array_index (row, 0);
          if (!g_ascii_isdigit (*text))
            {
              c_lnr = column (row, "loebenummer", "løbenummer");
              c_table = column (row, "bord", "bord");
              if (c_lnr < 0)
                {
                  g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                               "%s:%u: the header must name the column loebenummer (or start with a number: no header)",
                               reader->name, line);
                  return NULL;
                }
              n_fields = row->len;
              continue;
            }
          n_fields = row->len;
        }
      if (row->len > MAX (n_fields, 1u))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s:%u: %u fields, expected at most %u", reader->name, line,
                       row->len, MAX (n_fields, 1u));
          return NULL;
        }
      text = (guint)c_lnr < row->len ? g_ptr_array_index (row, c_lnr) : "";
      if (!g_ascii_string_to_unsigned (text, 10, 1, VK_VALGKORT_MAX_LOEBENUMMER, &lnr, NULL))
        {
          g_autofree char *shown = vk_text_escape_controls (text);
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s:%u: løbenummer \"%s\" is not a number 1–%u", reader->name,
                       line, shown, VK_VALGKORT_MAX_LOEBENUMMER);
          return NULL;
        }
      if (g_hash_table_contains (seen, GUINT_TO_POINTER ((guint)lnr)))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s:%u: løbenummer %u is already marked on line %u",
                       reader->name, line, (guint)lnr,
                       GPOINTER_TO_UINT (g_hash_table_lookup (seen, GUINT_TO_POINTER ((guint)lnr))));
          return NULL;
        }
      g_hash_table_insert (seen, GUINT_TO_POINTER ((guint)lnr), GUINT_TO_POINTER (line));
      m = g_new0 (VkPaperMark, 1);
      m->loebenummer = (guint)lnr;
      m->line = line;
      if (c_table >= 0 && (guint)c_table < row->len && *(const char *)g_ptr_array_index (row, c_table) != '\0')
        m->table = g_strdup (g_ptr_array_index (row, c_table));
      g_ptr_array_add (marks, m);
    }
  return g_steal_pointer (&marks);
}

gboolean
vk_paper_marks_journal (VkPackage *package, guint area, GPtrArray *marks, const char *name, const char *table,
                        VkJournal *journal, const VkKeypair *key, guint *ret_added, guint *ret_skipped, GError **error)
{
  g_autofree char *shown = vk_text_escape_controls (name != NULL ? name : "(input)");
  g_autoptr (VkVoterList) voters = NULL;
  g_autoptr (GPtrArray) held = NULL;
  g_autoptr (GHashTable) done = g_hash_table_new (g_direct_hash, g_direct_equal);
  guint added = 0, skipped = 0;

  g_return_val_if_fail (package != NULL && marks != NULL && journal != NULL && key != NULL, FALSE);

  voters = vk_package_dup_voters (package, area, error);
  if (voters == NULL)
    return FALSE;
  /* Everything is checked before the first entry is written. */
  for (guint i = 0; i < marks->len; i++)
    {
      const VkPaperMark *m = g_ptr_array_index (marks, i);
      if (vk_voter_list_lookup (voters, area, m->loebenummer) == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s:%u: løbenummer %u is not on the valgliste of area %u",
                       shown, m->line, m->loebenummer, area);
          return FALSE;
        }
    }
  held = vk_journal_dup_entries (journal, 0, error);
  if (held == NULL)
    return FALSE;
  for (guint i = 0; i < held->len; i++)
    {
      const VkEntry *e = g_ptr_array_index (held, i);
      VkCbor *a = NULL, *l = NULL;
      if (strcmp (e->type, "checkin.paper") != 0 || (a = vk_cbor_map_lookup_text (e->body, "area")) == NULL
          || vk_cbor_get_uint (a) != area || (l = vk_cbor_map_lookup_text (e->body, "loebenummer")) == NULL)
        continue;
      g_hash_table_add (done, GUINT_TO_POINTER ((guint)vk_cbor_get_uint (l)));
    }
  for (guint i = 0; i < marks->len; i++)
    {
      const VkPaperMark *m = g_ptr_array_index (marks, i);
      g_autoptr (VkCbor) body = NULL;
      g_autoptr (VkEntry) entry = NULL;
      g_autofree char *source = NULL;
      const char *t = m->table != NULL ? m->table : table;

      if (g_hash_table_contains (done, GUINT_TO_POINTER (m->loebenummer)))
        {
          skipped++;
          continue;
        }
      body = vk_cbor_new_map ();
      source = g_strdup_printf ("%s:%u", shown, m->line);
      vk_cbor_map_set_uint (body, "area", area);
      vk_cbor_map_set_uint (body, "loebenummer", m->loebenummer);
      vk_cbor_map_set_text (body, "source", source);
      if (t != NULL && *t != '\0')
        vk_cbor_map_set_text (body, "table", t);
      entry = vk_journal_append (journal, key, "checkin.paper", body, error);
      if (entry == NULL)
        return FALSE;
      g_hash_table_add (done, GUINT_TO_POINTER (m->loebenummer));
      added++;
    }
  if (ret_added != NULL)
    *ret_added = added;
  if (ret_skipped != NULL)
    *ret_skipped = skipped;
  return TRUE;
}
