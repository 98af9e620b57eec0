/* vk-voters.c: voter lists and their CSV import.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "vk-error.h"
#include "vk-file.h"
#include "vk-voters.h"

/* ---- The list ---------------------------------------------------------- */

/* Voters live in one array, their strings in one GStringChunk: a
 * municipality's list is several hundred thousand rows, and one malloc
 * per string would cost more than the parsing.  The (area, løbenummer)
 * index is a small open-addressing table of array positions, so it
 * needs no key storage of its own. */
struct _VkVoterList
{
  GArray *voters; /* VkVoter */
  GStringChunk *strings;
  guint32 *slots;          /* 0 = empty, else index + 1 */
  gsize n_slots;           /* a power of two, at least twice the number of voters */
  GHashTable *area_counts; /* area -> count (GUINT_TO_POINTER) */
};

static gsize
voter_hash (guint area, guint loebenummer)
{
  /* splitmix64's finaliser: every input bit affects every output bit,
   * so consecutive løbenumre spread over the table. */
  guint64 z = ((guint64)area << 32) | loebenummer;

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return (gsize)(z ^ (z >> 31));
}

/* The slot holding (area, loebenummer), or the empty slot where it would go. */
static gsize
find_slot (const VkVoterList *self, guint area, guint loebenummer)
{
  gsize mask = self->n_slots - 1;
  gsize i = voter_hash (area, loebenummer) & mask;

  for (;;)
    {
      guint32 s = self->slots[i];
      const VkVoter *v;

      if (s == 0)
        return i;
      v = &g_array_index (self->voters, VkVoter, s - 1);
      if (v->area == area && v->loebenummer == loebenummer)
        return i;
      i = (i + 1) & mask;
    }
}

static void
grow_index (VkVoterList *self)
{
  g_free (self->slots);
  self->n_slots *= 2;
  self->slots = g_new0 (guint32, self->n_slots);
  for (guint i = 0; i < self->voters->len; i++)
    {
      const VkVoter *v = &g_array_index (self->voters, VkVoter, i);
      self->slots[find_slot (self, v->area, v->loebenummer)] = i + 1;
    }
}

void
vk_voter_free (VkVoter *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->address);
  g_free (self->birth_date);
  g_free (self->contests);
  g_free (self);
}

VkVoterList *
vk_voter_list_new (void)
{
  VkVoterList *self = g_new0 (VkVoterList, 1);

  self->voters = g_array_new (FALSE, FALSE, sizeof (VkVoter));
  self->strings = g_string_chunk_new (64 * 1024);
  self->n_slots = 1024;
  self->slots = g_new0 (guint32, self->n_slots);
  self->area_counts = g_hash_table_new (NULL, NULL);
  return self;
}

void
vk_voter_list_free (VkVoterList *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->voters);
  g_string_chunk_free (self->strings);
  g_free (self->slots);
  g_hash_table_unref (self->area_counts);
  g_free (self);
}

/* Adds a voter whose fields have been checked already.  On a duplicate
 * returns FALSE with *ret_existing = the index of the voter already there. */
static gboolean
add_checked (VkVoterList *self, guint area, guint loebenummer, const char *name, gsize name_len, const char *address,
             gsize address_len, const char *birth_date, const char *contests, guint *ret_existing)
{
  VkVoter v;
  gsize slot;
  guint count;

  if ((gsize)(self->voters->len + 1) * 2 > self->n_slots)
    grow_index (self);
  slot = find_slot (self, area, loebenummer);
  if (self->slots[slot] != 0)
    {
      *ret_existing = self->slots[slot] - 1;
      return FALSE;
    }

  v.area = area;
  v.loebenummer = loebenummer;
  v.name = g_string_chunk_insert_len (self->strings, name, (gssize)name_len);
  v.address = g_string_chunk_insert_len (self->strings, address, (gssize)address_len);
  v.birth_date = g_string_chunk_insert_const (self->strings, birth_date);
  v.contests = g_string_chunk_insert_const (self->strings, contests);
  g_array_append_val (self->voters, v);
  self->slots[slot] = self->voters->len;

  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->area_counts, GUINT_TO_POINTER (area)));
  g_hash_table_insert (self->area_counts, GUINT_TO_POINTER (area), GUINT_TO_POINTER (count + 1));
  return TRUE;
}

static gboolean
parse_2digits (const char *s, guint *ret)
{
  if (!g_ascii_isdigit (s[0]) || !g_ascii_isdigit (s[1]))
    return FALSE;
  *ret = (guint)(s[0] - '0') * 10 + (guint)(s[1] - '0');
  return TRUE;
}

/* Writes YYYY-MM-DD (11 bytes with the NUL) into out. */
static gboolean
normalize_date (const char *text, gsize len, char out[11])
{
  guint y_hi, y_lo, month, day;
  const char *y;

  if (len != 10)
    return FALSE;
  if (text[4] == '-' && text[7] == '-')
    {
      y = text;
      if (!parse_2digits (text + 5, &month) || !parse_2digits (text + 8, &day))
        return FALSE;
    }
  else if (text[2] == '-' && text[5] == '-')
    {
      y = text + 6;
      if (!parse_2digits (text, &day) || !parse_2digits (text + 3, &month))
        return FALSE;
    }
  else
    return FALSE;
  if (!parse_2digits (y, &y_hi) || !parse_2digits (y + 2, &y_lo))
    return FALSE;
  if (!g_date_valid_dmy ((GDateDay)day, (GDateMonth)month, (GDateYear)(y_hi * 100 + y_lo)))
    return FALSE;
  g_snprintf (out, 11, "%04u-%02u-%02u", y_hi * 100 + y_lo, month, day);
  return TRUE;
}

/* The contest types a voter may receive, in the order of
 * VkElectionType; see vk_voter_normalize_contests(). */
static const char *const contest_types[] = { "KV", "RV", "FV", "EP", "FA" };

static gboolean
normalize_contests (const char *text, gsize len, char out[VK_VOTER_CONTESTS_MAX])
{
  gboolean seen[G_N_ELEMENTS (contest_types)] = { FALSE };
  gsize pos = 0, o = 0;
  guint n = 0;

  out[0] = '\0';
  /* Empty (or only blanks): every contest of the event. */
  while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
    len--;
  while (pos < len && (text[pos] == ' ' || text[pos] == '\t'))
    pos++;
  if (pos == len)
    return TRUE;
  if (len - pos == 1 && text[pos] == '-')
    {
      g_strlcpy (out, "-", VK_VOTER_CONTESTS_MAX);
      return TRUE;
    }
  while (pos <= len)
    {
      gsize start = pos, end;
      gboolean found = FALSE;

      while (pos < len && text[pos] != ';')
        pos++;
      end = pos++;
      while (start < end && (text[start] == ' ' || text[start] == '\t'))
        start++;
      while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t'))
        end--;
      for (guint t = 0; t < G_N_ELEMENTS (contest_types) && end - start == 2; t++)
        if (g_ascii_strncasecmp (text + start, contest_types[t], 2) == 0)
          {
            seen[t] = TRUE;
            found = TRUE;
          }
      if (!found)
        return FALSE;
    }
  for (guint t = 0; t < G_N_ELEMENTS (contest_types); t++)
    if (seen[t])
      {
        if (n++ > 0)
          out[o++] = ';';
        memcpy (out + o, contest_types[t], 2);
        o += 2;
      }
  out[o] = '\0';
  return TRUE;
}

char *
vk_voter_normalize_contests (const char *text)
{
  char out[VK_VOTER_CONTESTS_MAX];

  g_return_val_if_fail (text != NULL, NULL);
  if (!normalize_contests (text, strlen (text), out))
    return NULL;
  return g_strdup (out);
}

char *
vk_voter_normalize_date (const char *text)
{
  char out[11];

  g_return_val_if_fail (text != NULL, NULL);
  if (!normalize_date (text, strlen (text), out))
    return NULL;
  return g_strdup (out);
}

gboolean
vk_voter_list_add (VkVoterList *self, guint area, guint loebenummer, const char *name, const char *address,
                   const char *birth_date, GError **error)
{
  return vk_voter_list_add_full (self, area, loebenummer, name, address, birth_date, "", error);
}

gboolean
vk_voter_list_add_full (VkVoterList *self, guint area, guint loebenummer, const char *name, const char *address,
                        const char *birth_date, const char *contests, GError **error)
{
  char date[11];
  char normalized[VK_VOTER_CONTESTS_MAX];
  guint existing;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL && address != NULL && birth_date != NULL, FALSE);

  if (area == 0 || loebenummer == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "voter %u/%u: area and løbenummer must be at least 1", area,
                   loebenummer);
      return FALSE;
    }
  if (!g_utf8_validate (name, -1, NULL) || !g_utf8_validate (address, -1, NULL) || *name == '\0')
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "voter %u/%u: empty name or invalid UTF-8", area, loebenummer);
      return FALSE;
    }
  if (!normalize_date (birth_date, strlen (birth_date), date) || strcmp (date, birth_date) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "voter %u/%u: bad birth date \"%s\" (expected YYYY-MM-DD)", area,
                   loebenummer, birth_date);
      return FALSE;
    }
  if (contests == NULL)
    contests = "";
  if (!normalize_contests (contests, strlen (contests), normalized) || strcmp (normalized, contests) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "voter %u/%u: bad contests \"%s\" (expected \"\", \"-\" or types like \"FV;FA\")", area, loebenummer,
                   contests);
      return FALSE;
    }
  if (!add_checked (self, area, loebenummer, name, strlen (name), address, strlen (address), date, normalized,
                    &existing))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "voter %u/%u: duplicate løbenummer in area %u", area, loebenummer,
                   area);
      return FALSE;
    }
  return TRUE;
}

guint
vk_voter_list_get_length (const VkVoterList *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->voters->len;
}

const VkVoter *
vk_voter_list_get (const VkVoterList *self, guint index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->voters->len, NULL);
  return &g_array_index (self->voters, VkVoter, index);
}

const VkVoter *
vk_voter_list_lookup (const VkVoterList *self, guint area, guint loebenummer)
{
  guint32 s;

  g_return_val_if_fail (self != NULL, NULL);
  s = self->slots[find_slot (self, area, loebenummer)];
  return s == 0 ? NULL : &g_array_index (self->voters, VkVoter, s - 1);
}

guint
vk_voter_list_count_area (const VkVoterList *self, guint area)
{
  g_return_val_if_fail (self != NULL, 0);
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->area_counts, GUINT_TO_POINTER (area)));
}

/* ---- The CSV parser ---------------------------------------------------- */

enum
{
  COL_AREA,
  COL_LOEBENUMMER,
  COL_NAME,
  COL_ADDRESS,
  COL_BIRTH_DATE,
  COL_CONTESTS, /* optional: the contests the voter may receive */
  N_COLUMNS
};
#define N_REQUIRED_COLUMNS COL_CONTESTS

static const char *const column_names[N_COLUMNS] = {
  "afstemningsomraade", "loebenummer", "navn", "adresse", "foedselsdato", "valg",
};
/* The same names spelt with Danish letters. */
static const char *const column_names_da[N_COLUMNS] = {
  "afstemningsområde", "løbenummer", "navn", "adresse", "fødselsdato", "valg",
};

typedef enum
{
  STATE_FIELD_START, /* nothing of the field read yet */
  STATE_UNQUOTED,
  STATE_QUOTED,
  STATE_QUOTED_QUOTE, /* a '"' inside a quoted field: the end, or the first of a doubled pair */
  STATE_CR,           /* a '\r' ending a record: a '\n' must follow */
} ParserState;

typedef struct
{
  const char *name;
  VkVoterList *list;
  GArray *lines; /* guint: the line of each voter in list, for duplicate messages */

  ParserState state;
  gboolean started; /* the BOM check is done */
  gboolean have_header;
  guint line;        /* the physical line being read, from 1 */
  guint record_line; /* where the current record started */
  guint empty_line;  /* an empty line seen before the current record (0 = none) */
  gboolean record_has_content;
  int column_of[N_COLUMNS]; /* field position of each column, -1 for an absent optional one */
  guint n_header;           /* number of columns in the header */

  GString *fields[N_COLUMNS]; /* reused buffers for the first N_COLUMNS fields */
  guint field_lines[N_COLUMNS];
  GString *overflow; /* for fields beyond N_COLUMNS */
  guint n_fields;
  guint field_line; /* where the current field started */
  GString *current;
} Parser;

static gboolean G_GNUC_PRINTF (4, 5) parser_fail (Parser *p, GError **error, guint line, const char *format, ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s:%u: %s", p->name, line, what);
  return FALSE;
}

static void
parser_init (Parser *p, const char *name)
{
  memset (p, 0, sizeof *p);
  p->name = name;
  p->list = vk_voter_list_new ();
  p->lines = g_array_new (FALSE, FALSE, sizeof (guint));
  p->line = 1;
  p->record_line = 1;
  for (guint i = 0; i < N_COLUMNS; i++)
    p->fields[i] = g_string_sized_new (64);
  p->overflow = g_string_sized_new (64);
  p->current = p->fields[0];
  p->field_line = 1;
}

static void
parser_clear (Parser *p)
{
  g_clear_pointer (&p->list, vk_voter_list_free);
  g_clear_pointer (&p->lines, g_array_unref);
  for (guint i = 0; i < N_COLUMNS; i++)
    g_string_free (p->fields[i], TRUE);
  g_string_free (p->overflow, TRUE);
}

static void
trim (const GString *s, const char **ret_start, gsize *ret_len)
{
  const char *start = s->str, *end = s->str + s->len;

  while (start < end && (*start == ' ' || *start == '\t'))
    start++;
  while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
    end--;
  *ret_start = start;
  *ret_len = (gsize)(end - start);
}

static gboolean
parse_number (const char *s, gsize len, guint *ret_value)
{
  guint value = 0;

  /* Nine digits keep the value far from G_MAXUINT. */
  if (len == 0 || len > 9)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      value = value * 10 + (guint)(s[i] - '0');
    }
  if (value == 0)
    return FALSE;
  *ret_value = value;
  return TRUE;
}

static gboolean
parse_header (Parser *p, GError **error)
{
  if (p->n_fields > N_COLUMNS)
    return parser_fail (p, error, p->record_line, "header has %u columns, expected %u or %u", p->n_fields,
                        N_REQUIRED_COLUMNS, N_COLUMNS);

  for (guint c = 0; c < N_COLUMNS; c++)
    p->column_of[c] = -1;
  for (guint i = 0; i < p->n_fields; i++)
    {
      g_autofree char *name = NULL;
      const char *start;
      gsize len;
      int col = -1;

      if (!g_utf8_validate_len (p->fields[i]->str, p->fields[i]->len, NULL))
        return parser_fail (p, error, p->record_line, "the header is not valid UTF-8");
      trim (p->fields[i], &start, &len);
      name = g_utf8_strdown (start, (gssize)len);
      for (guint c = 0; c < N_COLUMNS; c++)
        if (strcmp (name, column_names[c]) == 0 || strcmp (name, column_names_da[c]) == 0)
          col = (int)c;
      if (col < 0)
        return parser_fail (p, error, p->record_line,
                            "unknown column \"%s\" in the header (expected afstemningsomraade, loebenummer, navn, "
                            "adresse, foedselsdato and optionally valg)",
                            name);
      if (p->column_of[col] >= 0)
        return parser_fail (p, error, p->record_line, "column %s appears twice in the header", column_names[col]);
      p->column_of[col] = (int)i;
    }
  for (guint c = 0; c < N_REQUIRED_COLUMNS; c++)
    if (p->column_of[c] < 0)
      return parser_fail (p, error, p->record_line, "header lacks the column %s", column_names[c]);
  p->n_header = p->n_fields;
  p->have_header = TRUE;
  return TRUE;
}

static gboolean
parse_row (Parser *p, GError **error)
{
  const char *value[N_COLUMNS];
  gsize len[N_COLUMNS];
  guint line[N_COLUMNS];
  guint area, loebenummer, existing;
  char date[11];
  char contests[VK_VOTER_CONTESTS_MAX];

  if (p->n_fields != p->n_header)
    return parser_fail (p, error, p->record_line, "%u column%s, expected %u", p->n_fields, p->n_fields == 1 ? "" : "s",
                        p->n_header);

  for (guint c = 0; c < N_COLUMNS; c++)
    {
      guint i;

      if (p->column_of[c] < 0)
        {
          value[c] = "";
          len[c] = 0;
          line[c] = p->record_line;
          continue;
        }
      i = (guint)p->column_of[c];

      line[c] = p->field_lines[i];
      if (!g_utf8_validate_len (p->fields[i]->str, p->fields[i]->len, NULL))
        return parser_fail (p, error, line[c], "%s is not valid UTF-8", column_names[c]);
      trim (p->fields[i], &value[c], &len[c]);
    }

  if (!parse_number (value[COL_AREA], len[COL_AREA], &area))
    return parser_fail (p, error, line[COL_AREA], "afstemningsomraade \"%.*s\" is not a number from 1 to 999999999",
                        (int)MIN (len[COL_AREA], 40), value[COL_AREA]);
  if (!parse_number (value[COL_LOEBENUMMER], len[COL_LOEBENUMMER], &loebenummer))
    return parser_fail (p, error, line[COL_LOEBENUMMER], "loebenummer \"%.*s\" is not a number from 1 to 999999999",
                        (int)MIN (len[COL_LOEBENUMMER], 40), value[COL_LOEBENUMMER]);
  if (len[COL_NAME] == 0)
    return parser_fail (p, error, line[COL_NAME], "empty navn");
  if (!normalize_date (value[COL_BIRTH_DATE], len[COL_BIRTH_DATE], date))
    return parser_fail (p, error, line[COL_BIRTH_DATE],
                        "foedselsdato \"%.*s\" is not a real date as YYYY-MM-DD or DD-MM-YYYY",
                        (int)MIN (len[COL_BIRTH_DATE], 40), value[COL_BIRTH_DATE]);
  if (!normalize_contests (value[COL_CONTESTS], len[COL_CONTESTS], contests))
    return parser_fail (
        p, error, line[COL_CONTESTS],
        "valg \"%.*s\" is not a list of contests such as \"FV;FA\" (KV, RV, FV, EP, FA), \"-\" or empty",
        (int)MIN (len[COL_CONTESTS], 40), value[COL_CONTESTS]);

  if (!add_checked (p->list, area, loebenummer, value[COL_NAME], len[COL_NAME], value[COL_ADDRESS], len[COL_ADDRESS],
                    date, contests, &existing))
    return parser_fail (p, error, p->record_line,
                        "duplicate loebenummer %u in afstemningsomraade %u (first on line %u)", loebenummer, area,
                        g_array_index (p->lines, guint, existing));
  g_array_append_val (p->lines, p->record_line);
  return TRUE;
}

static void
start_field (Parser *p)
{
  p->current = p->n_fields < N_COLUMNS ? p->fields[p->n_fields] : p->overflow;
  g_string_truncate (p->current, 0);
  p->field_line = p->line;
  p->state = STATE_FIELD_START;
}

static void
end_field (Parser *p)
{
  if (p->n_fields < N_COLUMNS)
    p->field_lines[p->n_fields] = p->field_line;
  p->n_fields++;
  start_field (p);
}

/* Called with p->line still on the line the record ended on. */
static gboolean
end_record (Parser *p, GError **error)
{
  gboolean ok = TRUE;

  end_field (p);
  if (!p->record_has_content)
    {
      /* Empty lines are tolerated only at the end of the file: one in the
       * middle is reported when the next record turns up. */
      if (p->empty_line == 0)
        p->empty_line = p->record_line;
    }
  else if (p->empty_line != 0)
    ok = parser_fail (p, error, p->empty_line, "empty line");
  else if (!p->have_header)
    ok = parse_header (p, error);
  else
    ok = parse_row (p, error);

  p->n_fields = 0;
  p->record_has_content = FALSE;
  p->record_line = p->line + 1;
  start_field (p);
  p->field_line = p->line + 1;
  return ok;
}

/* Bytes that end a run of plain field content. */
static const guint8 special[256] = { ['\n'] = 1, ['\r'] = 1, [','] = 1, ['"'] = 1 };

static gboolean
parser_feed (Parser *p, const char *data, gsize len, GError **error)
{
  gsize i = 0;

  if (!p->started)
    {
      p->started = TRUE;
      if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    }

  while (i < len)
    {
      char c = data[i];

      switch (p->state)
        {
          case STATE_FIELD_START:
          case STATE_UNQUOTED:
            if (!special[(guint8)c])
              {
                gsize start = i;
                while (i < len && !special[(guint8)data[i]])
                  i++;
                g_string_append_len (p->current, data + start, (gssize)(i - start));
                p->record_has_content = TRUE;
                p->state = STATE_UNQUOTED;
                continue;
              }
            if (c == ',')
              {
                p->record_has_content = TRUE;
                end_field (p);
              }
            else if (c == '\n')
              {
                if (!end_record (p, error))
                  return FALSE;
                p->line++;
              }
            else if (c == '\r')
              p->state = STATE_CR;
            else if (p->state == STATE_FIELD_START)
              {
                p->record_has_content = TRUE;
                p->state = STATE_QUOTED;
              }
            else
              return parser_fail (p, error, p->line, "'\"' inside an unquoted field (quote the whole field)");
            break;

          case STATE_QUOTED:
            {
              const char *q = memchr (data + i, '"', len - i);
              gsize end = q != NULL ? (gsize)(q - data) : len;

              /* Line breaks inside quotes are content, but still lines. */
              for (const char *nl = memchr (data + i, '\n', end - i); nl != NULL;
                   nl = memchr (nl + 1, '\n', (gsize)(data + end - (nl + 1))))
                p->line++;
              g_string_append_len (p->current, data + i, (gssize)(end - i));
              i = end;
              if (q != NULL)
                {
                  p->state = STATE_QUOTED_QUOTE;
                  i++;
                }
              continue;
            }

          case STATE_QUOTED_QUOTE:
            if (c == '"')
              {
                g_string_append_c (p->current, '"');
                p->state = STATE_QUOTED;
              }
            else if (c == ',')
              end_field (p);
            else if (c == '\n')
              {
                if (!end_record (p, error))
                  return FALSE;
                p->line++;
              }
            else if (c == '\r')
              p->state = STATE_CR;
            else
              return parser_fail (p, error, p->line, "text after the closing '\"' of a quoted field");
            break;

          case STATE_CR:
            if (c != '\n')
              return parser_fail (p, error, p->line, "carriage return without a line feed");
            if (!end_record (p, error))
              return FALSE;
            p->line++;
            break;

          default:
            g_assert_not_reached ();
        }
      i++;
    }
  return TRUE;
}

static VkVoterList *
parser_finish (Parser *p, GError **error)
{
  if (p->state == STATE_QUOTED)
    {
      parser_fail (p, error, p->field_line, "unterminated quoted field (no closing '\"' before the end of the file)");
      return NULL;
    }
  /* A last record without a line end. */
  if ((p->record_has_content || p->state == STATE_CR) && !end_record (p, error))
    return NULL;
  if (!p->have_header)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: empty file (expected a header row)", p->name);
      return NULL;
    }
  return g_steal_pointer (&p->list);
}

VkVoterList *
vk_voter_list_parse_csv (const char *name, const char *data, gsize len, GError **error)
{
  Parser p;
  VkVoterList *list = NULL;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  parser_init (&p, name);
  if (parser_feed (&p, data, len, error))
    list = parser_finish (&p, error);
  parser_clear (&p);
  return list;
}

VkVoterList *
vk_voter_list_import_csv (const char *path, GError **error)
{
  g_autofree char *buf = NULL;
  VkVoterList *list = NULL;
  gboolean ok = TRUE;
  guint64 total = 0;
  Parser p;
  FILE *f;

  g_return_val_if_fail (path != NULL, NULL);

  /* A regular file only (not a link, FIFO or device), size-capped. */
  {
    g_autoptr (GError) local_error = NULL;
    int fd = vk_file_open_untrusted (path, VK_FILE_MAX_CSV_BYTES, NULL, NULL, &local_error);

    if (fd < 0)
      {
        g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s", local_error->message);
        return NULL;
      }
    f = fdopen (fd, "rb");
    if (f == NULL)
      {
        int saved = errno;
        (void)close (fd);
        g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: cannot open: %s", path, g_strerror (saved));
        return NULL;
      }
  }

  /* Streaming: memory use is the voters themselves, not the file. */
  buf = g_malloc (256 * 1024);
  parser_init (&p, path);
  while (ok)
    {
      gsize n = fread (buf, 1, 256 * 1024, f);

      total += n;
      if (total > VK_FILE_MAX_CSV_BYTES)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: is too large (grew while read)", path);
          ok = FALSE;
          break;
        }
      if (n > 0)
        ok = parser_feed (&p, buf, n, error);
      if (n < 256 * 1024)
        {
          if (ferror (f))
            {
              g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: read error", path);
              ok = FALSE;
            }
          break;
        }
    }
  fclose (f);
  if (ok)
    list = parser_finish (&p, error);
  parser_clear (&p);
  return list;
}

/* ---- Writing ----------------------------------------------------------- */

static void
append_field (GString *out, const char *s)
{
  if (strpbrk (s, ",\"\r\n") == NULL && s[0] != ' ' && s[0] != '\t')
    {
      g_string_append (out, s);
      return;
    }
  g_string_append_c (out, '"');
  for (; *s != '\0'; s++)
    {
      if (*s == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *s);
    }
  g_string_append_c (out, '"');
}

gboolean
vk_voter_list_write_csv (const VkVoterList *self, const char *path, GError **error)
{
  g_autoptr (GString) out = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  gboolean with_contests = FALSE;

  for (guint i = 0; i < self->voters->len && !with_contests; i++)
    with_contests = *g_array_index (self->voters, VkVoter, i).contests != '\0';
  out = g_string_sized_new (64 + (gsize)self->voters->len * 80);
  /* The valg column only when a voter is not eligible for everything. */
  g_string_append (out, with_contests ? "afstemningsomraade,loebenummer,navn,adresse,foedselsdato,valg\n"
                                      : "afstemningsomraade,loebenummer,navn,adresse,foedselsdato\n");
  for (guint i = 0; i < self->voters->len; i++)
    {
      const VkVoter *v = &g_array_index (self->voters, VkVoter, i);

      g_string_append_printf (out, "%u,%u,", v->area, v->loebenummer);
      append_field (out, v->name);
      g_string_append_c (out, ',');
      append_field (out, v->address);
      g_string_append_c (out, ',');
      g_string_append (out, v->birth_date);
      if (with_contests)
        {
          g_string_append_c (out, ',');
          g_string_append (out, v->contests);
        }
      g_string_append_c (out, '\n');
    }

  /* Names, addresses and birth dates: readable by the owner only. */
  if (!g_file_set_contents_full (path, out->str, (gssize)out->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600, &local_error))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s", local_error->message);
      return FALSE;
    }
  return TRUE;
}
