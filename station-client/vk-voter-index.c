/* vk-voter-index.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "vk-cpr.h"
#include "vk-error.h"
#include "vk-voter-index.h"

/* Sorted unique words with their posting lists in CSR form: the voters
 * (indexes into VkVoterIndex.voters, ascending) with word i are
 * postings[start[i] .. start[i + 1]).  The number of postings under a
 * prefix is then one subtraction, which picks the most selective query
 * word as the one to scan. */
typedef struct
{
  char **words;
  guint n_words;
  guint32 *start;
  guint32 *postings;
} WordTable;

typedef struct
{
  guint area;
  guint32 first; /* index of the area's first voter */
  guint32 count;
} AreaRun;

struct _VkVoterIndex
{
  gint ref_count;
  VkVoterList *list;
  guint n;
  const VkVoter **voters; /* sorted by (area, løbenummer) */
  const char **name_fold; /* per voter, folded */
  const char **addr_fold;
  GStringChunk *strings;
  WordTable names;
  WordTable addresses;
  guint32 *date_keys; /* YYYYMMDD, sorted ascending */
  guint32 *date_voters;
  GArray *areas; /* AreaRun, by area */
  guint municipality;
};

/* Folding. */

static void
fold_char (GString *out, gunichar c)
{
  gunichar decomposed[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize n;

  c = g_unichar_tolower (c);
  switch (c)
    {
      case 0x00E6: /* æ */
      case 0x00E4: /* ä */
        g_string_append (out, "ae");
        return;
      case 0x00F8: /* ø */
      case 0x00F6: /* ö */
        g_string_append_c (out, 'o');
        return;
      case 0x00E5: /* å */
        g_string_append (out, "aa");
        return;
      case 0x00FC: /* ü */
        g_string_append (out, "ue");
        return;
      case 0x00DF: /* ß */
        g_string_append (out, "ss");
        return;
      default:
        break;
    }
  n = g_unichar_fully_decompose (c, FALSE, decomposed, G_N_ELEMENTS (decomposed));
  if (n > 0 && decomposed[0] < 0x80)
    g_string_append_c (out, (char)decomposed[0]);
  else
    g_string_append_unichar (out, c);
}

char *
vk_voter_index_fold (const char *text)
{
  GString *out;
  gboolean pending_space = FALSE;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_sized_new (strlen (text) + 8);
  for (const char *p = text; *p != '\0';)
    {
      gunichar c;

      if ((guchar)*p < 0x80)
        {
          c = (gunichar)*p;
          p++;
        }
      else
        {
          c = g_utf8_get_char_validated (p, -1);
          if (c == (gunichar)-1 || c == (gunichar)-2)
            break;
          p = g_utf8_next_char (p);
        }
      if (c < 0x80 ? g_ascii_isalnum ((char)c) : g_unichar_isalnum (c))
        {
          if (pending_space && out->len > 0)
            g_string_append_c (out, ' ');
          pending_space = FALSE;
          if (c < 0x80)
            g_string_append_c (out, g_ascii_tolower ((char)c));
          else
            fold_char (out, c);
        }
      else
        pending_space = TRUE;
    }
  /* "oe" is how ø is written without the letter: both are "o", so that
   * "sorensen", "soerensen" and "Sørensen" are one word. */
  {
    gsize w = 0;
    for (gsize r = 0; r < out->len; r++)
      if (!(out->str[r] == 'e' && w > 0 && out->str[w - 1] == 'o'))
        out->str[w++] = out->str[r];
    g_string_truncate (out, w);
  }
  return g_string_free (out, FALSE);
}

/* Word tables. */

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

static void
word_table_build (WordTable *table, const char **folded, guint n)
{
  g_autoptr (GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) slot = NULL;
  guint32 *fill;
  guint total = 0;

  /* Pass 1: count each word's voters (a word twice in one name counts once). */
  for (guint i = 0; i < n; i++)
    {
      g_auto (GStrv) words = g_strsplit (folded[i], " ", -1);
      for (guint w = 0; words[w] != NULL; w++)
        {
          gboolean dup = FALSE;
          if (*words[w] == '\0')
            continue;
          for (guint v = 0; v < w && !dup; v++)
            dup = strcmp (words[v], words[w]) == 0;
          if (dup)
            continue;
          {
            gpointer orig, value;
            if (g_hash_table_lookup_extended (counts, words[w], &orig, &value))
              g_hash_table_insert (counts, orig, GUINT_TO_POINTER (GPOINTER_TO_UINT (value) + 1));
            else
              g_hash_table_insert (counts, g_strdup (words[w]), GUINT_TO_POINTER (1));
          }
          total++;
        }
    }

  table->n_words = g_hash_table_size (counts);
  table->words = (char **)g_hash_table_get_keys_as_array (counts, NULL);
  qsort (table->words, table->n_words, sizeof (char *), compare_strings);
  table->start = g_new0 (guint32, table->n_words + 1);
  table->postings = g_new (guint32, MAX (total, 1));

  slot = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < table->n_words; i++)
    {
      table->start[i + 1] = table->start[i] + GPOINTER_TO_UINT (g_hash_table_lookup (counts, table->words[i]));
      g_hash_table_insert (slot, table->words[i], GUINT_TO_POINTER (i));
    }
  /* The keys now belong to table->words: the hash table must not free them. */
  g_hash_table_steal_all (counts);

  /* Pass 2: fill the postings in voter order, so each list is ascending. */
  fill = g_memdup2 (table->start, sizeof (guint32) * table->n_words);
  for (guint i = 0; i < n; i++)
    {
      g_auto (GStrv) words = g_strsplit (folded[i], " ", -1);
      for (guint w = 0; words[w] != NULL; w++)
        {
          gboolean dup = FALSE;
          guint k;
          if (*words[w] == '\0')
            continue;
          for (guint v = 0; v < w && !dup; v++)
            dup = strcmp (words[v], words[w]) == 0;
          if (dup)
            continue;
          k = GPOINTER_TO_UINT (g_hash_table_lookup (slot, words[w]));
          table->postings[fill[k]++] = i;
        }
    }
  g_free (fill);
}

static void
word_table_clear (WordTable *table)
{
  if (table->words != NULL)
    for (guint i = 0; i < table->n_words; i++)
      g_free (table->words[i]);
  g_clear_pointer (&table->words, g_free);
  g_clear_pointer (&table->start, g_free);
  g_clear_pointer (&table->postings, g_free);
}

/* The words starting with prefix are words[lo .. hi). */
static void
word_table_range (const WordTable *table, const char *prefix, guint *ret_lo, guint *ret_hi)
{
  gsize len = strlen (prefix);
  guint lo = 0, hi = table->n_words;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (strcmp (table->words[mid], prefix) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  *ret_lo = lo;
  hi = table->n_words;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (strncmp (table->words[mid], prefix, len) <= 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  *ret_hi = lo;
}

/* TRUE when some word of folded starts with prefix. */
static gboolean
has_word_prefix (const char *folded, const char *prefix)
{
  gsize len = strlen (prefix);

  for (const char *p = folded; p != NULL && *p != '\0';)
    {
      const char *space;
      if (strncmp (p, prefix, len) == 0)
        return TRUE;
      space = strchr (p, ' ');
      p = space != NULL ? space + 1 : NULL;
    }
  return FALSE;
}

/* Dates. */

static guint32
date_key_from_iso (const char *iso)
{
  /* YYYY-MM-DD, checked by vk_voter_list_add(). */
  if (iso == NULL || strlen (iso) != 10)
    return 0;
  return (guint32)(atoi (iso) * 10000 + atoi (iso + 5) * 100 + atoi (iso + 8));
}

static gboolean
valid_date (guint year, guint month, guint day)
{
  return year >= 1800 && year <= 2200 && month >= 1 && month <= 12 && day >= 1
         && day <= g_date_get_days_in_month ((GDateMonth)month, (GDateYear)year);
}

typedef enum
{
  DATE_NO,      /* not shaped like a date */
  DATE_OK,      /* one or two keys */
  DATE_INVALID, /* shaped like a date, but it does not exist */
} DateParse;

/* Reads a birth date in the forms listed in the header.  Two-digit years
 * give two keys (19YY and 20YY) when both exist. */
static DateParse
parse_date (const char *tok, guint32 ret_keys[2], guint *ret_n)
{
  guint f[3] = { 0 }, flen[3] = { 0 }, nf = 0;
  gsize len = strlen (tok);
  guint day, month, year;

  *ret_n = 0;
  if (len == 6 || len == 8)
    {
      gboolean digits = TRUE;
      for (gsize i = 0; i < len; i++)
        digits = digits && g_ascii_isdigit (tok[i]);
      if (digits)
        {
          f[0] = (guint)((tok[0] - '0') * 10 + (tok[1] - '0'));
          f[1] = (guint)((tok[2] - '0') * 10 + (tok[3] - '0'));
          f[2] = (guint)atoi (tok + 4);
          flen[0] = flen[1] = 2;
          flen[2] = (guint)len - 4;
          nf = 3;
        }
    }
  if (nf == 0)
    {
      for (const char *p = tok; *p != '\0'; p++)
        {
          if (g_ascii_isdigit (*p))
            {
              if (nf == 0)
                nf = 1;
              if (flen[nf - 1] >= 4)
                return DATE_NO;
              f[nf - 1] = f[nf - 1] * 10 + (guint)(*p - '0');
              flen[nf - 1]++;
            }
          else if ((*p == '-' || *p == '.' || *p == '/') && nf >= 1 && nf < 3 && flen[nf - 1] > 0)
            nf++;
          else
            return DATE_NO;
        }
      if (nf != 3 || flen[2] == 0)
        return DATE_NO;
    }

  if (flen[0] == 4 && flen[1] <= 2 && flen[2] <= 2) /* YYYY-MM-DD */
    {
      year = f[0], month = f[1], day = f[2];
      if (!valid_date (year, month, day))
        return DATE_INVALID;
      ret_keys[(*ret_n)++] = year * 10000 + month * 100 + day;
      return DATE_OK;
    }
  if (flen[0] > 2 || flen[1] > 2 || (flen[2] != 2 && flen[2] != 4))
    return DATE_NO;
  day = f[0], month = f[1];
  if (flen[2] == 4)
    {
      if (!valid_date (f[2], month, day))
        return DATE_INVALID;
      ret_keys[(*ret_n)++] = f[2] * 10000 + month * 100 + day;
      return DATE_OK;
    }
  for (guint century = 1900; century <= 2000; century += 100)
    if (valid_date (century + f[2], month, day))
      ret_keys[(*ret_n)++] = (century + f[2]) * 10000 + month * 100 + day;
  return *ret_n > 0 ? DATE_OK : DATE_INVALID;
}

/* Building. */

static int
compare_voters (const void *a, const void *b)
{
  const VkVoter *va = *(const VkVoter *const *)a;
  const VkVoter *vb = *(const VkVoter *const *)b;

  if (va->area != vb->area)
    return va->area < vb->area ? -1 : 1;
  if (va->loebenummer != vb->loebenummer)
    return va->loebenummer < vb->loebenummer ? -1 : 1;
  return 0;
}

static int
compare_u64 (const void *a, const void *b)
{
  guint64 x = *(const guint64 *)a, y = *(const guint64 *)b;
  return x < y ? -1 : x > y ? 1 : 0;
}

VkVoterIndex *
vk_voter_index_new (VkVoterList *voters)
{
  VkVoterIndex *self;
  gboolean sorted = TRUE;

  g_return_val_if_fail (voters != NULL, NULL);

  self = g_new0 (VkVoterIndex, 1);
  self->ref_count = 1;
  self->list = voters;
  self->n = vk_voter_list_get_length (voters);
  self->voters = g_new (const VkVoter *, MAX (self->n, 1));
  for (guint i = 0; i < self->n; i++)
    {
      self->voters[i] = vk_voter_list_get (voters, i);
      if (i > 0 && compare_voters (&self->voters[i - 1], &self->voters[i]) > 0)
        sorted = FALSE;
    }
  /* The package already orders by (area, løbenummer); other lists are sorted here. */
  if (!sorted)
    qsort (self->voters, self->n, sizeof (const VkVoter *), compare_voters);

  self->areas = g_array_new (FALSE, FALSE, sizeof (AreaRun));
  for (guint i = 0; i < self->n; i++)
    {
      AreaRun *last = self->areas->len > 0 ? &g_array_index (self->areas, AreaRun, self->areas->len - 1) : NULL;
      if (last != NULL && last->area == self->voters[i]->area)
        last->count++;
      else
        {
          AreaRun run = { self->voters[i]->area, i, 1 };
          g_array_append_val (self->areas, run);
        }
    }

  self->strings = g_string_chunk_new (1 << 20);
  self->name_fold = g_new (const char *, MAX (self->n, 1));
  self->addr_fold = g_new (const char *, MAX (self->n, 1));
  for (guint i = 0; i < self->n; i++)
    {
      g_autofree char *name = vk_voter_index_fold (self->voters[i]->name);
      g_autofree char *addr = vk_voter_index_fold (self->voters[i]->address != NULL ? self->voters[i]->address : "");
      self->name_fold[i] = g_string_chunk_insert_const (self->strings, name);
      self->addr_fold[i] = g_string_chunk_insert_const (self->strings, addr);
    }
  word_table_build (&self->names, self->name_fold, self->n);
  word_table_build (&self->addresses, self->addr_fold, self->n);

  /* Birth dates: (key << 32 | voter) sorts by date, then voter order. */
  self->date_keys = g_new (guint32, MAX (self->n, 1));
  self->date_voters = g_new (guint32, MAX (self->n, 1));
  {
    guint64 *pairs = g_new (guint64, MAX (self->n, 1));
    for (guint i = 0; i < self->n; i++)
      pairs[i] = ((guint64)date_key_from_iso (self->voters[i]->birth_date) << 32) | i;
    qsort (pairs, self->n, sizeof (guint64), compare_u64);
    for (guint i = 0; i < self->n; i++)
      {
        self->date_keys[i] = (guint32)(pairs[i] >> 32);
        self->date_voters[i] = (guint32)(pairs[i] & 0xffffffffu);
      }
    g_free (pairs);
  }
  return self;
}

void
vk_voter_index_free (VkVoterIndex *self)
{
  if (self == NULL || !g_atomic_int_dec_and_test (&self->ref_count))
    return;
  word_table_clear (&self->names);
  word_table_clear (&self->addresses);
  g_free (self->date_keys);
  g_free (self->date_voters);
  g_free (self->name_fold);
  g_free (self->addr_fold);
  g_free (self->voters);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_pointer (&self->areas, g_array_unref);
  g_clear_pointer (&self->list, vk_voter_list_free);
  g_free (self);
}

void
vk_search_result_free (VkSearchResult *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->voters, g_ptr_array_unref);
  g_free (self);
}

void
vk_voter_index_set_municipality (VkVoterIndex *self, guint municipality)
{
  g_return_if_fail (self != NULL);
  self->municipality = municipality;
}

guint
vk_voter_index_get_length (const VkVoterIndex *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n;
}

static const AreaRun *
find_area (const VkVoterIndex *self, guint area)
{
  guint lo = 0, hi = self->areas->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const AreaRun *run = &g_array_index (self->areas, AreaRun, mid);
      if (run->area == area)
        return run;
      if (run->area < area)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

/* Index of (area, løbenummer) in self->voters, or -1. */
static gint64
find_voter (const VkVoterIndex *self, guint area, guint loebenummer)
{
  const AreaRun *run = find_area (self, area);
  guint lo, hi;

  if (run == NULL)
    return -1;
  lo = run->first;
  hi = run->first + run->count;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      guint l = self->voters[mid]->loebenummer;
      if (l == loebenummer)
        return mid;
      if (l < loebenummer)
        lo = mid + 1;
      else
        hi = mid;
    }
  return -1;
}

const VkVoter *
vk_voter_index_lookup (const VkVoterIndex *self, guint area, guint loebenummer)
{
  gint64 i;

  g_return_val_if_fail (self != NULL, NULL);
  i = find_voter (self, area, loebenummer);
  return i < 0 ? NULL : self->voters[i];
}

guint
vk_voter_index_count_area (const VkVoterIndex *self, guint area)
{
  const AreaRun *run;

  g_return_val_if_fail (self != NULL, 0);
  run = find_area (self, area);
  return run != NULL ? run->count : 0;
}

/* Searching. */

/* Gathers matches: the preferred area's and the others' separately,
 * each up to the limit, each voter once. */
typedef struct
{
  const VkVoterIndex *index;
  guint preferred;
  guint limit;
  GArray *pref;  /* guint32 voter indexes */
  GArray *other; /* guint32 voter indexes */
  guint8 *seen;  /* bit per voter */
  guint total;
} Collector;

static void
collector_init (Collector *c, const VkVoterIndex *index, guint preferred, guint limit)
{
  c->index = index;
  c->preferred = preferred;
  c->limit = limit;
  c->pref = g_array_new (FALSE, FALSE, sizeof (guint32));
  c->other = g_array_new (FALSE, FALSE, sizeof (guint32));
  c->seen = g_malloc0 (index->n / 8 + 1);
  c->total = 0;
}

/* TRUE when no later match could change the list: the preferred
 * area's part is full, or it is complete (pref_complete: every
 * preferred voter has been seen) and the rest fills the list. */
static gboolean
collector_enough (const Collector *c, gboolean pref_complete)
{
  return c->pref->len >= c->limit || (pref_complete && c->pref->len + c->other->len >= c->limit);
}

static void
collector_add (Collector *c, guint32 i)
{
  if (c->seen[i / 8] & (1u << (i % 8)))
    return;
  c->seen[i / 8] |= (guint8)(1u << (i % 8));
  c->total++;
  if (c->preferred != 0 && c->index->voters[i]->area == c->preferred)
    {
      if (c->pref->len < c->limit)
        g_array_append_val (c->pref, i);
    }
  else if (c->other->len < c->limit)
    g_array_append_val (c->other, i);
}

static gint
compare_by_name (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const VkVoterIndex *index = user_data;
  guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;
  int c = strcmp (index->name_fold[x], index->name_fold[y]);

  if (c != 0)
    return c;
  return x < y ? -1 : x > y ? 1 : 0;
}

/* Moves the matches into result: preferred area first, then the rest,
 * at most limit in all; name searches sorted by name within each part. */
static void
collector_finish (Collector *c, VkSearchResult *result, gboolean by_name)
{
  if (by_name)
    {
      g_qsort_with_data (c->pref->data, (gint)c->pref->len, sizeof (guint32), compare_by_name, (gpointer)c->index);
      g_qsort_with_data (c->other->data, (gint)c->other->len, sizeof (guint32), compare_by_name, (gpointer)c->index);
    }
  for (guint i = 0; i < c->pref->len && result->voters->len < c->limit; i++)
    g_ptr_array_add (result->voters, (gpointer)c->index->voters[g_array_index (c->pref, guint32, i)]);
  for (guint i = 0; i < c->other->len && result->voters->len < c->limit; i++)
    g_ptr_array_add (result->voters, (gpointer)c->index->voters[g_array_index (c->other, guint32, i)]);
  result->total += c->total;
  g_clear_pointer (&c->pref, g_array_unref);
  g_clear_pointer (&c->other, g_array_unref);
  g_clear_pointer (&c->seen, g_free);
}

static gboolean
date_matches (const VkVoterIndex *self, guint32 i, const guint32 *keys, guint n_keys)
{
  guint32 key;

  if (n_keys == 0)
    return TRUE;
  key = date_key_from_iso (self->voters[i]->birth_date);
  for (guint k = 0; k < n_keys; k++)
    if (keys[k] == key)
      return TRUE;
  return FALSE;
}

static void
search_dates (const VkVoterIndex *self, Collector *c, const guint32 *keys, guint n_keys)
{
  for (guint k = 0; k < n_keys; k++)
    {
      guint lo = 0, hi = self->n;
      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;
          if (self->date_keys[mid] < keys[k])
            lo = mid + 1;
          else
            hi = mid;
        }
      for (guint i = lo; i < self->n && self->date_keys[i] == keys[k]; i++)
        collector_add (c, self->date_voters[i]);
    }
}

/* Scans the postings of words[lo .. hi) for voters with index in
 * [first, last) and adds those that match every word (and the date).
 * Returns TRUE when it stopped because enough was found. */
static gboolean
scan_postings (const VkVoterIndex *self, const WordTable *table, const char **folded, Collector *c, GPtrArray *words,
               guint skip_word, guint lo, guint hi, guint32 first, guint32 last, gboolean pref_complete,
               const guint32 *date_keys, guint n_dates)
{
  for (guint t = lo; t < hi; t++)
    {
      guint32 p = table->start[t], end = table->start[t + 1];

      /* Postings are ascending voter indexes, and voters are sorted by
       * area: one binary search finds the slice of an area. */
      if (first > 0)
        {
          guint32 a = p, b = end;
          while (a < b)
            {
              guint32 mid = a + (b - a) / 2;
              if (table->postings[mid] < first)
                a = mid + 1;
              else
                b = mid;
            }
          p = a;
        }
      for (; p < end && table->postings[p] < last; p++)
        {
          guint32 i = table->postings[p];
          gboolean ok = date_matches (self, i, date_keys, n_dates);

          for (guint w = 0; ok && w < words->len; w++)
            if (w != skip_word)
              ok = has_word_prefix (folded[i], g_ptr_array_index (words, w));
          if (ok)
            collector_add (c, i);
          if (collector_enough (c, pref_complete))
            return TRUE;
        }
    }
  return FALSE;
}

/* Every word must prefix a word of the voter's folded text; the word
 * with the fewest postings drives the scan.  The preferred area is
 * scanned first (its slice of each posting list), so that the rest is
 * only scanned until the list is full. */
static gboolean
search_words (const VkVoterIndex *self, const WordTable *table, const char **folded, Collector *c, GPtrArray *words,
              const guint32 *date_keys, guint n_dates)
{
  guint best = 0, best_lo = 0, best_hi = 0;
  guint32 best_count = G_MAXUINT32;
  const AreaRun *run = c->preferred != 0 ? find_area (self, c->preferred) : NULL;

  for (guint w = 0; w < words->len; w++)
    {
      guint lo, hi;
      word_table_range (table, g_ptr_array_index (words, w), &lo, &hi);
      if (table->start[hi] - table->start[lo] < best_count)
        {
          best_count = table->start[hi] - table->start[lo];
          best = w, best_lo = lo, best_hi = hi;
        }
    }
  if (best_count == 0)
    return FALSE;
  if (run != NULL
      && scan_postings (self, table, folded, c, words, best, best_lo, best_hi, run->first, run->first + run->count,
                        FALSE, date_keys, n_dates))
    return TRUE;
  return scan_postings (self, table, folded, c, words, best, best_lo, best_hi, 0, G_MAXUINT32, TRUE, date_keys,
                        n_dates);
}

static gboolean
all_digits (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

static gboolean
looks_like_cpr (const char *s)
{
  gsize len = strlen (s);

  if (len == 10)
    return all_digits (s);
  if (len == 11 && (s[6] == '-' || s[6] == ' '))
    {
      for (gsize i = 0; i < len; i++)
        if (i != 6 && !g_ascii_isdigit (s[i]))
          return FALSE;
      return TRUE;
    }
  return FALSE;
}

VkSearchResult *
vk_voter_index_search (const VkVoterIndex *self, const char *query, guint preferred_area, guint limit, GError **error)
{
  g_autoptr (VkSearchResult) result = NULL;
  g_autofree char *q = NULL;
  Collector c;
  guint32 keys[2];
  guint n_keys = 0;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (limit >= 1, NULL);

  result = g_new0 (VkSearchResult, 1);
  result->voters = g_ptr_array_new ();
  q = g_strstrip (g_strdup (query));
  if (*q == '\0')
    return g_steal_pointer (&result);

  /* A scanned valgkort. */
  if (vk_valgkort_looks_like (q))
    {
      const VkVoter *v;

      if (!vk_valgkort_parse (q, &result->card, error))
        return NULL;
      if (self->municipality != 0 && result->card.municipality != self->municipality)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "valgkort code \"%s\" is for kommunekode %03u, not this municipality (%03u)", q,
                       result->card.municipality, self->municipality);
          return NULL;
        }
      result->kind = VK_SEARCH_VALGKORT;
      v = vk_voter_index_lookup (self, result->card.area, result->card.loebenummer);
      if (v != NULL)
        {
          g_ptr_array_add (result->voters, (gpointer)v);
          result->total = 1;
        }
      return g_steal_pointer (&result);
    }

  /* A CPR number: only its birth date is used. */
  if (looks_like_cpr (q))
    {
      char digits[11];
      g_autofree char *date = NULL;

      if (!vk_cpr_normalize (q, digits, error))
        return NULL;
      date = vk_cpr_birth_date (digits);
      sodium_memzero (digits, sizeof digits);
      keys[0] = date_key_from_iso (date);
      result->kind = VK_SEARCH_BIRTH_DATE;
      collector_init (&c, self, preferred_area, limit);
      search_dates (self, &c, keys, 1);
      collector_finish (&c, result, TRUE);
      return g_steal_pointer (&result);
    }

  /* Digits alone: a DDMMYY birth date when it is one, else a løbenummer;
   * six or eight digits say which reading was used (ambiguous_digits). */
  if (all_digits (q) && (strlen (q) == 6 || strlen (q) == 8))
    result->ambiguous_digits = TRUE;
  if (all_digits (q) && (strlen (q) == 6 || strlen (q) == 8) && parse_date (q, keys, &n_keys) == DATE_OK)
    {
      guint64 lnr = g_ascii_strtoull (q, NULL, 10);

      result->kind = VK_SEARCH_BIRTH_DATE;
      collector_init (&c, self, preferred_area, limit);
      search_dates (self, &c, keys, n_keys);
      if (preferred_area != 0 && strlen (q) <= 7 && lnr > 0)
        {
          gint64 i = find_voter (self, preferred_area, (guint)lnr);
          if (i >= 0)
            collector_add (&c, (guint32)i);
        }
      collector_finish (&c, result, TRUE);
      return g_steal_pointer (&result);
    }
  if (all_digits (q))
    {
      guint64 lnr = g_ascii_strtoull (q, NULL, 10);

      result->kind = VK_SEARCH_LOEBENUMMER;
      if (strlen (q) > 7 || lnr == 0)
        return g_steal_pointer (&result);
      collector_init (&c, self, preferred_area, limit);
      if (preferred_area != 0)
        {
          gint64 i = find_voter (self, preferred_area, (guint)lnr);
          if (i >= 0)
            collector_add (&c, (guint32)i);
        }
      else
        for (guint a = 0; a < self->areas->len; a++)
          {
            gint64 i = find_voter (self, g_array_index (self->areas, AreaRun, a).area, (guint)lnr);
            if (i >= 0)
              collector_add (&c, (guint32)i);
          }
      collector_finish (&c, result, FALSE);
      return g_steal_pointer (&result);
    }

  /* Words, perhaps with one date among them. */
  {
    g_auto (GStrv) tokens = g_strsplit_set (q, " \t,", -1);
    g_autoptr (GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
    gboolean full;

    for (guint t = 0; tokens[t] != NULL; t++)
      {
        guint32 k[2];
        guint nk = 0;
        DateParse dp;

        if (*tokens[t] == '\0')
          continue;
        dp = parse_date (tokens[t], k, &nk);
        if (dp == DATE_INVALID && n_keys == 0)
          {
            g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "\"%s\" is not a real date", tokens[t]);
            return NULL;
          }
        if (dp == DATE_OK && n_keys == 0)
          {
            memcpy (keys, k, sizeof k);
            n_keys = nk;
            continue;
          }
        {
          g_autofree char *folded = vk_voter_index_fold (tokens[t]);
          g_auto (GStrv) parts = g_strsplit (folded, " ", -1);
          for (guint p = 0; parts[p] != NULL; p++)
            if (*parts[p] != '\0')
              g_ptr_array_add (words, g_strdup (parts[p]));
        }
      }

    collector_init (&c, self, preferred_area, limit);
    if (words->len == 0)
      {
        result->kind = VK_SEARCH_BIRTH_DATE;
        search_dates (self, &c, keys, n_keys);
        collector_finish (&c, result, TRUE);
        return g_steal_pointer (&result);
      }
    result->kind = VK_SEARCH_NAME;
    full = search_words (self, &self->names, self->name_fold, &c, words, keys, n_keys);
    if (c.total == 0)
      {
        result->kind = VK_SEARCH_ADDRESS;
        full = search_words (self, &self->addresses, self->addr_fold, &c, words, keys, n_keys);
      }
    result->more = full;
    collector_finish (&c, result, TRUE);
  }
  return g_steal_pointer (&result);
}

VkVoterIndex *
vk_voter_index_ref (VkVoterIndex *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}
