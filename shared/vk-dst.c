/* vk-dst.c: Danmarks Statistik's fintælling XML (folketingsvalg, folkeafstemning).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "vk-dst-xml.h"
#include "vk-dst.h"
#include "vk-dst-private.h"
#include "vk-error.h"
#include "vk-text.h"

/* No count in one DST file comes near this (the whole country has about
 * 4.3 M voters); it keeps every sum and product below 2^64. */
#define MAX_COUNT G_GUINT64_CONSTANT (1000000000)
#define MAX_INDEX_ENTRIES 100000

typedef struct
{
  char *id;
  char *name;
  char *parent; /* landsdel of a storkreds, storkreds of a kreds, kreds of an area */
  char *file;   /* the result file's base name */
  guint line;
} Entry;

typedef struct
{
  char *dir;
  char *display; /* fintal.xml's path, escaped */
  char *valgnavn;
  GPtrArray *landsdele, *storkredse, *kredse, *areas; /* Entry* */
  GHashTable *landsdel_by_id, *storkreds_by_id, *kreds_by_id, *area_by_id;
} Index;

typedef struct
{
  char *letter;
  char *name;
  guint64 votes;
} Count;

typedef struct
{
  GPtrArray *parties;      /* Count*: Stemmer/Parti with a Bogstav */
  guint64 outside;         /* Stemmer/Parti without one: "Uden for partier" */
  GPtrArray *independents; /* Count*: Personer/Parti without a Bogstav */
  GPtrArray *persons;      /* Count*: Personer/Parti[Bogstav]/Person (letter, name, personal votes) */
  guint64 valid, blank, invalid, cast, eligible;
} Result;

static void
entry_free (Entry *e)
{
  if (e == NULL)
    return;
  g_free (e->id);
  g_free (e->name);
  g_free (e->parent);
  g_free (e->file);
  g_free (e);
}

static void
count_free (Count *c)
{
  if (c == NULL)
    return;
  g_free (c->letter);
  g_free (c->name);
  g_free (c);
}

static void
result_init (Result *r)
{
  memset (r, 0, sizeof *r);
  r->parties = g_ptr_array_new_with_free_func ((GDestroyNotify)count_free);
  r->independents = g_ptr_array_new_with_free_func ((GDestroyNotify)count_free);
  r->persons = g_ptr_array_new_with_free_func ((GDestroyNotify)count_free);
}

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->parties, g_ptr_array_unref);
  g_clear_pointer (&r->independents, g_ptr_array_unref);
  g_clear_pointer (&r->persons, g_ptr_array_unref);
}

static void
result_free (Result *r)
{
  if (r == NULL)
    return;
  result_clear (r);
  g_free (r);
}

static void
index_free (Index *x)
{
  if (x == NULL)
    return;
  g_free (x->dir);
  g_free (x->display);
  g_free (x->valgnavn);
  g_clear_pointer (&x->landsdel_by_id, g_hash_table_unref);
  g_clear_pointer (&x->storkreds_by_id, g_hash_table_unref);
  g_clear_pointer (&x->kreds_by_id, g_hash_table_unref);
  g_clear_pointer (&x->area_by_id, g_hash_table_unref);
  g_clear_pointer (&x->landsdele, g_ptr_array_unref);
  g_clear_pointer (&x->storkredse, g_ptr_array_unref);
  g_clear_pointer (&x->kredse, g_ptr_array_unref);
  g_clear_pointer (&x->areas, g_ptr_array_unref);
  g_free (x);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Index, index_free)

static gboolean
has_index (const char *dir)
{
  g_autofree char *p = g_build_filename (dir, "fintal.xml", NULL);
  return g_file_test (p, G_FILE_TEST_IS_REGULAR);
}

char *
vk_dst_find_folder (const char *dir, GError **error)
{
  g_autoptr (GDir) d = NULL;
  g_autofree char *found = NULL;
  const char *name;
  guint n_dirs = 0;

  g_return_val_if_fail (dir != NULL, NULL);
  if (has_index (dir))
    return g_strdup (dir);
  d = g_dir_open (dir, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *sub = g_build_filename (dir, name, NULL);
      if (!g_file_test (sub, G_FILE_TEST_IS_DIR) || g_file_test (sub, G_FILE_TEST_IS_SYMLINK))
        continue;
      n_dirs++;
      if (has_index (sub))
        {
          g_free (found);
          found = g_strdup (sub);
        }
    }
  if (n_dirs == 1 && found != NULL)
    return g_steal_pointer (&found);
  {
    g_autofree char *e = vk_text_escape_controls (dir);
    g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "%s: no fintal.xml (Danmarks Statistik's index file) here", e);
  }
  return NULL;
}

gboolean
vk_dst_is_folder (const char *dir)
{
  g_autofree char *f = vk_dst_find_folder (dir, NULL);
  return f != NULL;
}

gboolean
vk_dst_fail (GError **error, const char *file, guint line, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;
  g_autofree char *escaped = NULL;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  escaped = vk_text_escape_controls (msg);
  g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s:%u: %s", file, line, escaped);
  return FALSE;
}

gboolean
vk_dst_parse_count (const char *text, const char *file, guint line, const char *what, guint64 *ret, GError **error)
{
  guint64 v = 0;

  if (text == NULL)
    return vk_dst_fail (error, file, line, "%s is missing", what);
  while (g_ascii_isspace (*text))
    text++;
  if (*text == '\0')
    return vk_dst_fail (error, file, line, "%s is empty", what);
  for (const char *p = text; *p != '\0' && !g_ascii_isspace (*p); p++)
    {
      if (!g_ascii_isdigit (*p) || v > MAX_COUNT)
        return vk_dst_fail (error, file, line, "%s \"%s\" is not a count", what, text);
      v = v * 10 + (guint64)(*p - '0');
    }
  if (v > MAX_COUNT)
    return vk_dst_fail (error, file, line, "%s \"%s\" is not a count", what, text);
  *ret = v;
  return TRUE;
}

const char *
vk_dst_without_number (const char *name)
{
  const char *p = name;

  while (g_ascii_isdigit (*p))
    p++;
  if (p != name && p[0] == '.' && p[1] == ' ')
    return p + 2;
  return name;
}

/* The result file's base name from the index's URL (filnavn); only plain
 * names are accepted, never a path. */
static char *
file_name (const VkXmlNode *n, const char *id)
{
  const char *url = vk_xml_node_get_attr (n, "filnavn");
  const char *base;

  if (url == NULL || *url == '\0')
    return g_strdup_printf ("fintal_%s.xml", id);
  base = strrchr (url, '/');
  base = base != NULL ? base + 1 : url;
  if (*base == '\0' || *base == '.' || !g_str_has_suffix (base, ".xml"))
    return NULL;
  for (const char *p = base; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.')
      return NULL;
  return g_strdup (base);
}

static gboolean
read_level (Index *x, const VkXmlNode *root, const char *group, const char *element, const char *id_attr,
            const char *parent_attr, GHashTable *parents, const char *parent_what, GPtrArray *into, GHashTable *by_id,
            GError **error)
{
  const VkXmlNode *g = vk_xml_node_child (root, group);

  if (g == NULL)
    return vk_dst_fail (error, x->display, root->line, "no <%s>", group);
  for (guint i = 0; i < g->children->len; i++)
    {
      const VkXmlNode *n = g_ptr_array_index (g->children, i);
      const char *id = vk_xml_node_get_attr (n, id_attr);
      const char *parent = parent_attr != NULL ? vk_xml_node_get_attr (n, parent_attr) : NULL;
      Entry *e, *prev;

      if (strcmp (n->name, element) != 0)
        continue;
      if (into->len >= MAX_INDEX_ENTRIES)
        return vk_dst_fail (error, x->display, n->line, "too many <%s>", element);
      if (id == NULL || *id == '\0')
        return vk_dst_fail (error, x->display, n->line, "<%s> without %s", element, id_attr);
      if (parent_attr != NULL && (parent == NULL || g_hash_table_lookup (parents, parent) == NULL))
        return vk_dst_fail (error, x->display, n->line, "<%s %s=\"%s\"> names %s \"%s\", which the index does not have",
                            element, id_attr, id, parent_what, parent != NULL ? parent : "");
      prev = g_hash_table_lookup (by_id, id);
      if (prev != NULL)
        {
          if (parent_attr != NULL && g_strcmp0 (prev->parent, parent) != 0)
            return vk_dst_fail (
                error, x->display, n->line,
                "%s %s is listed in %s %s here and in %s %s at line %u: an area or kreds belongs to one", element, id,
                parent_what, parent, parent_what, prev->parent, prev->line);
          return vk_dst_fail (error, x->display, n->line, "%s %s is listed twice (also at line %u)", element, id,
                              prev->line);
        }
      e = g_new0 (Entry, 1);
      e->id = g_strdup (id);
      e->name = g_strstrip (g_strdup (n->text->str));
      e->parent = g_strdup (parent);
      e->line = n->line;
      e->file = file_name (n, id);
      if (e->file == NULL)
        {
          entry_free (e);
          return vk_dst_fail (error, x->display, n->line, "<%s %s=\"%s\">: filnavn is not a plain file name", element,
                              id_attr, id);
        }
      g_ptr_array_add (into, e);
      g_hash_table_insert (by_id, e->id, e);
    }
  return TRUE;
}

static Index *
read_index (const char *dir_in, VkDstKind kind, GError **error)
{
  g_autoptr (Index) x = g_new0 (Index, 1);
  g_autoptr (VkXmlNode) root = NULL;
  g_autofree char *path = NULL;
  const char *name;
  const VkXmlNode *vn;

  x->dir = vk_dst_find_folder (dir_in, error);
  if (x->dir == NULL)
    return NULL;
  path = g_build_filename (x->dir, "fintal.xml", NULL);
  x->display = vk_text_escape_controls (path);
  x->landsdele = g_ptr_array_new_with_free_func ((GDestroyNotify)entry_free);
  x->storkredse = g_ptr_array_new_with_free_func ((GDestroyNotify)entry_free);
  x->kredse = g_ptr_array_new_with_free_func ((GDestroyNotify)entry_free);
  x->areas = g_ptr_array_new_with_free_func ((GDestroyNotify)entry_free);
  x->landsdel_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  x->storkreds_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  x->kreds_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  x->area_by_id = g_hash_table_new (g_str_hash, g_str_equal);

  root = vk_xml_parse_file (path, error);
  if (root == NULL)
    return NULL;
  if (strcmp (root->name, "Data") != 0)
    return (void)vk_dst_fail (error, x->display, root->line, "<%s> is not DST's <Data>", root->name), NULL;
  name = vk_xml_node_child_text (root, "ValgNavn");
  vn = vk_xml_node_child (root, "ValgNavn");
  if (name == NULL || *name == '\0')
    return (void)vk_dst_fail (error, x->display, root->line, "no <ValgNavn>"), NULL;
  if (kind == VK_DST_FOLKETINGSVALG && !g_str_has_prefix (name, "Folketingsvalg"))
    return (void)vk_dst_fail (error, x->display, vn->line, "\"%s\" is not a folketingsvalg", name), NULL;
  if (kind == VK_DST_FOLKEAFSTEMNING && !g_str_has_prefix (name, "Folkeafstemning"))
    return (void)vk_dst_fail (error, x->display, vn->line, "\"%s\" is not a folkeafstemning", name), NULL;
  x->valgnavn = g_strdup (name);
  if (!read_level (x, root, "Landsdele", "Landsdel", "landsdel_id", NULL, NULL, NULL, x->landsdele, x->landsdel_by_id,
                   error)
      || !read_level (x, root, "Storkredse", "Storkreds", "storkreds_id", "landsdel_id", x->landsdel_by_id, "landsdel",
                      x->storkredse, x->storkreds_by_id, error)
      || !read_level (x, root, "Opstillingskredse", "Opstillingskreds", "opstillingskreds_id", "storkreds_id",
                      x->storkreds_by_id, "storkreds", x->kredse, x->kreds_by_id, error)
      || !read_level (x, root, "Afstemningsomraader", "Afstemningsomraade", "afstemningsomraade_id",
                      "opstillingskreds_id", x->kreds_by_id, "opstillingskreds", x->areas, x->area_by_id, error))
    return NULL;
  if (x->kredse->len == 0)
    return (void)vk_dst_fail (error, x->display, root->line, "no opstillingskredse"), NULL;
  return g_steal_pointer (&x);
}

/* A party's <Person Navn PersonligeStemmer> under <Personer>: their
 * personal votes cannot exceed the party's votes. */
static gboolean
read_persons (const VkXmlNode *p, const char *letter, const char *file, Result *r, GError **error)
{
  guint64 sum = 0, party = 0;
  gboolean found = FALSE;

  for (guint k = 0; k < r->parties->len; k++)
    {
      const Count *c = g_ptr_array_index (r->parties, k);
      if (strcmp (c->letter, letter) == 0)
        party = c->votes, found = TRUE;
    }
  if (!found)
    return vk_dst_fail (error, file, p->line, "<Personer> has party %s, which <Stemmer> does not have", letter);
  for (guint i = 0; i < p->children->len; i++)
    {
      const VkXmlNode *n = g_ptr_array_index (p->children, i);
      const char *name = vk_xml_node_get_attr (n, "Navn");
      Count *c;

      if (strcmp (n->name, "Person") != 0)
        continue;
      if (name == NULL || *name == '\0')
        return vk_dst_fail (error, file, n->line, "a candidate of party %s without a name", letter);
      for (guint k = 0; k < r->persons->len; k++)
        {
          const Count *o = g_ptr_array_index (r->persons, k);
          if (strcmp (o->letter, letter) == 0 && strcmp (o->name, name) == 0)
            return vk_dst_fail (error, file, n->line, "candidate \"%s\" of party %s is listed twice", name, letter);
        }
      c = g_new0 (Count, 1);
      c->letter = g_strdup (letter);
      c->name = g_strdup (name);
      g_ptr_array_add (r->persons, c);
      if (!vk_dst_parse_count (vk_xml_node_get_attr (n, "PersonligeStemmer"), file, n->line, "PersonligeStemmer",
                               &c->votes, error))
        return FALSE;
      sum += c->votes;
    }
  if (sum > party)
    return vk_dst_fail (error, file, p->line,
                        "the candidates of party %s have %" G_GUINT64_FORMAT
                        " personal votes, more than its %" G_GUINT64_FORMAT " votes",
                        letter, sum, party);
  return TRUE;
}

/* Reads one result file of the index: the election and the place must be
 * the ones the index names. */
static gboolean
read_result (const Index *x, const Entry *e, const char *type, Result *r, GError **error)
{
  g_autofree char *path = g_build_filename (x->dir, e->file, NULL);
  g_autofree char *file = vk_text_escape_controls (path);
  g_autoptr (VkXmlNode) root = vk_xml_parse_file (path, error);
  const VkXmlNode *sted, *stemmer, *personer;
  const char *name;
  guint64 sum = 0, ind = 0;

  if (root == NULL)
    return FALSE;
  if (strcmp (root->name, "Data") != 0)
    return vk_dst_fail (error, file, root->line, "<%s> is not DST's <Data>", root->name);
  name = vk_xml_node_child_text (root, "ValgNavn");
  if (name == NULL || strcmp (name, x->valgnavn) != 0)
    return vk_dst_fail (error, file, root->line, "a file of another election: \"%s\", but fintal.xml is \"%s\"",
                        name != NULL ? name : "", x->valgnavn);
  sted = vk_xml_node_child (root, "Sted");
  if (sted == NULL || g_strcmp0 (vk_xml_node_get_attr (sted, "Type"), type) != 0
      || g_strcmp0 (vk_xml_node_get_attr (sted, "Id"), e->id) != 0)
    return vk_dst_fail (error, file, sted != NULL ? sted->line : root->line,
                        "expected the result of %s %s (\"%s\"), fintal.xml line %u", type, e->id, e->name, e->line);
  if (!vk_dst_parse_count (vk_xml_node_child_text (root, "Stemmeberettigede"), file, root->line, "<Stemmeberettigede>",
                           &r->eligible, error))
    return FALSE;
  stemmer = vk_xml_node_child (root, "Stemmer");
  if (stemmer == NULL)
    return vk_dst_fail (error, file, root->line, "no <Stemmer>");
  for (guint i = 0; i < stemmer->children->len; i++)
    {
      const VkXmlNode *p = g_ptr_array_index (stemmer->children, i);
      const char *letter = vk_xml_node_get_attr (p, "Bogstav");
      guint64 v;

      if (strcmp (p->name, "Parti") != 0)
        continue;
      if (!vk_dst_parse_count (vk_xml_node_get_attr (p, "StemmerAntal"), file, p->line, "StemmerAntal", &v, error))
        return FALSE;
      if (letter == NULL || *letter == '\0')
        r->outside += v;
      else
        {
          Count *c = g_new0 (Count, 1);
          for (guint k = 0; k < r->parties->len; k++)
            if (strcmp (((Count *)g_ptr_array_index (r->parties, k))->letter, letter) == 0)
              {
                count_free (c);
                return vk_dst_fail (error, file, p->line, "party %s is listed twice", letter);
              }
          c->letter = g_strdup (letter);
          c->name = g_strdup (vk_xml_node_get_attr (p, "Navn") != NULL ? vk_xml_node_get_attr (p, "Navn") : letter);
          c->votes = v;
          g_ptr_array_add (r->parties, c);
        }
      sum += v;
    }
  if (!vk_dst_parse_count (vk_xml_node_child_text (stemmer, "IAltGyldigeStemmer"), file, stemmer->line,
                           "<IAltGyldigeStemmer>", &r->valid, error)
      || !vk_dst_parse_count (vk_xml_node_child_text (stemmer, "IAltAfgivneStemmer"), file, stemmer->line,
                              "<IAltAfgivneStemmer>", &r->cast, error))
    return FALSE;
  if (vk_xml_node_child (stemmer, "BlankeStemmer") != NULL
      && !vk_dst_parse_count (vk_xml_node_child_text (stemmer, "BlankeStemmer"), file, stemmer->line, "<BlankeStemmer>",
                              &r->blank, error))
    return FALSE;
  if (vk_xml_node_child (stemmer, "IAltUgyldigeStemmer") != NULL
      && !vk_dst_parse_count (vk_xml_node_child_text (stemmer, "IAltUgyldigeStemmer"), file, stemmer->line,
                              "<IAltUgyldigeStemmer>", &r->invalid, error))
    return FALSE;
  if (sum != r->valid)
    return vk_dst_fail (error, file, stemmer->line,
                        "the parties have %" G_GUINT64_FORMAT " votes but <IAltGyldigeStemmer> is %" G_GUINT64_FORMAT,
                        sum, r->valid);
  personer = vk_xml_node_child (root, "Personer");
  for (guint i = 0; personer != NULL && i < personer->children->len; i++)
    {
      const VkXmlNode *p = g_ptr_array_index (personer->children, i);
      const char *letter = vk_xml_node_get_attr (p, "Bogstav");
      const char *cname = vk_xml_node_get_attr (p, "navn");
      Count *c;

      if (strcmp (p->name, "Parti") != 0)
        continue;
      if (letter != NULL && *letter != '\0')
        {
          /* A storkreds file's own <Personer> are not used (the kredse
           * are summed), and FV2022's Bornholm file has more personal
           * votes for K than K's votes: only kreds and area files. */
          if (strcmp (type, "StorKreds") != 0 && !read_persons (p, letter, file, r, error))
            return FALSE;
          continue;
        }
      if (cname == NULL || *cname == '\0')
        return vk_dst_fail (error, file, p->line, "a candidate outside the parties without a name");
      c = g_new0 (Count, 1);
      c->name = g_strdup (cname);
      g_ptr_array_add (r->independents, c);
      if (!vk_dst_parse_count (vk_xml_node_get_attr (p, "PersonligeStemmer"), file, p->line, "PersonligeStemmer",
                               &c->votes, error))
        return FALSE;
      ind += c->votes;
    }
  if (ind != r->outside)
    return vk_dst_fail (error, file, stemmer->line,
                        "the candidates outside the parties have %" G_GUINT64_FORMAT
                        " personal votes under <Personer>, but "
                        "%" G_GUINT64_FORMAT " under <Stemmer>",
                        ind, r->outside);
  return TRUE;
}

/* Adds b into a (parties by letter, independents by name, persons by
 * both). */
static void
count_add (GPtrArray *into, const Count *cb, gboolean by_letter, gboolean by_name)
{
  Count *ca = NULL;

  for (guint k = 0; ca == NULL && k < into->len; k++)
    {
      Count *c = g_ptr_array_index (into, k);
      if ((!by_letter || strcmp (c->letter, cb->letter) == 0) && (!by_name || strcmp (c->name, cb->name) == 0))
        ca = c;
    }
  if (ca == NULL)
    {
      ca = g_new0 (Count, 1);
      ca->letter = g_strdup (cb->letter);
      ca->name = g_strdup (cb->name);
      g_ptr_array_add (into, ca);
    }
  ca->votes += cb->votes;
}

static void
result_add (Result *a, const Result *b)
{
  for (guint i = 0; i < b->parties->len; i++)
    count_add (a->parties, g_ptr_array_index (b->parties, i), TRUE, FALSE);
  for (guint i = 0; i < b->independents->len; i++)
    count_add (a->independents, g_ptr_array_index (b->independents, i), FALSE, TRUE);
  for (guint i = 0; i < b->persons->len; i++)
    count_add (a->persons, g_ptr_array_index (b->persons, i), TRUE, TRUE);
  a->outside += b->outside;
  a->valid += b->valid;
  a->blank += b->blank;
  a->invalid += b->invalid;
  a->cast += b->cast;
  a->eligible += b->eligible;
}

static guint64
result_party (const Result *r, const char *letter)
{
  for (guint k = 0; k < r->parties->len; k++)
    {
      const Count *c = g_ptr_array_index (r->parties, k);
      if (strcmp (c->letter, letter) == 0)
        return c->votes;
    }
  return 0;
}

/* A sum of smaller units against the bigger unit's own file. */
static gboolean
check_sum (const Index *x, const Entry *e, const Result *whole, const Result *sum, const char *parts, GError **error)
{
  g_autofree char *path = g_build_filename (x->dir, e->file, NULL);
  g_autofree char *file = vk_text_escape_controls (path);

  for (guint k = 0; k < whole->parties->len; k++)
    {
      const Count *c = g_ptr_array_index (whole->parties, k);
      if (result_party (sum, c->letter) != c->votes)
        return vk_dst_fail (error, file, 1,
                            "party %s has %" G_GUINT64_FORMAT " votes here, but its %s add up to %" G_GUINT64_FORMAT,
                            c->letter, c->votes, parts, result_party (sum, c->letter));
    }
  if (whole->valid != sum->valid || whole->outside != sum->outside || whole->eligible != sum->eligible)
    return vk_dst_fail (error, file, 1,
                        "the valid votes, the votes outside the parties or the eligible voters differ from "
                        "the sum of its %s",
                        parts);
  return TRUE;
}

/* Reads every opstillingskreds (and checks it against its areas where
 * they are all present; without a kreds file, its areas' sum is used if
 * they are all there); calls add for each kreds. */
typedef gboolean (*AddFunc) (const Entry *kreds, const Entry *storkreds, const Result *r, gpointer data,
                             GError **error);

static gboolean
read_kredse (const Index *x, AddFunc add, gpointer data, GError **error)
{
  g_autoptr (GHashTable) sk_sums = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)result_free);

  for (guint i = 0; i < x->kredse->len; i++)
    {
      const Entry *k = g_ptr_array_index (x->kredse, i);
      const Entry *sk = g_hash_table_lookup (x->storkreds_by_id, k->parent);
      Result r, asum;
      gboolean complete = TRUE, ok = TRUE;
      guint n_areas = 0;
      Result *sks;

      g_autofree char *kp = g_build_filename (x->dir, k->file, NULL);
      gboolean has_file = g_file_test (kp, G_FILE_TEST_EXISTS);

      result_init (&r);
      result_init (&asum);
      if (has_file && !read_result (x, k, "OpstKreds", &r, error))
        ok = FALSE;
      for (guint a = 0; ok && a < x->areas->len; a++)
        {
          const Entry *ae = g_ptr_array_index (x->areas, a);
          g_autofree char *ap = NULL;
          Result ar;

          if (strcmp (ae->parent, k->id) != 0)
            continue;
          n_areas++;
          ap = g_build_filename (x->dir, ae->file, NULL);
          if (!g_file_test (ap, G_FILE_TEST_EXISTS))
            {
              complete = FALSE;
              continue;
            }
          result_init (&ar);
          ok = read_result (x, ae, "Afstemningsomraade", &ar, error);
          if (ok)
            result_add (&asum, &ar);
          result_clear (&ar);
        }
      if (ok && !has_file)
        {
          /* No kreds file: the sum of its areas, when they are all there. */
          Result tmp = r;
          if (!complete || n_areas == 0)
            ok = vk_dst_fail (
                error, x->display, k->line,
                "opstillingskreds %s (\"%s\"): neither its result file %s nor all its areas' files are here", k->id,
                k->name, k->file);
          r = asum;
          asum = tmp;
        }
      else if (ok && complete && n_areas)
        ok = check_sum (x, k, &r, &asum, "areas", error);
      if (ok)
        ok = add (k, sk, &r, data, error);
      sks = g_hash_table_lookup (sk_sums, sk->id);
      if (ok && sks == NULL)
        {
          sks = g_new0 (Result, 1);
          result_init (sks);
          g_hash_table_insert (sk_sums, sk->id, sks);
        }
      if (ok)
        result_add (sks, &r);
      result_clear (&r);
      result_clear (&asum);
      if (!ok)
        return FALSE;
    }
  for (guint i = 0; i < x->storkredse->len; i++)
    {
      const Entry *sk = g_ptr_array_index (x->storkredse, i);
      g_autofree char *sp = g_build_filename (x->dir, sk->file, NULL);
      const Result *sum = g_hash_table_lookup (sk_sums, sk->id);
      Result r;
      gboolean ok;

      if (sum == NULL || !g_file_test (sp, G_FILE_TEST_EXISTS))
        continue;
      result_init (&r);
      ok = read_result (x, sk, "StorKreds", &r, error) && check_sum (x, sk, &r, sum, "opstillingskredse", error);
      result_clear (&r);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* ---- folketingsvalg ----------------------------------------------------- */

typedef struct
{
  const Index *x;
  VkFvVotes *votes;
} FvCtx;

static gboolean
add_fv (const Entry *kreds, const Entry *storkreds, const Result *r, gpointer data, GError **error)
{
  FvCtx *ctx = data;
  const Entry *ld = g_hash_table_lookup (ctx->x->landsdel_by_id, storkreds->parent);
  VkFvStorkredsVotes *sv = vk_fv_votes_storkreds (ctx->votes, storkreds->name);
  VkFvKredsVotes *kv = vk_fv_storkreds_votes_kreds (sv, kreds->id, vk_dst_without_number (kreds->name));

  (void)error;
  if (sv->landsdel == NULL)
    sv->landsdel = g_strdup (ld->name);
  for (guint i = 0; i < r->parties->len; i++)
    {
      const Count *c = g_ptr_array_index (r->parties, i);
      /* DST writes "A. Socialdemokratiet": the name without the letter. */
      const char *name = c->name;
      if (g_str_has_prefix (name, c->letter) && strncmp (name + strlen (c->letter), ". ", 2) == 0)
        name += strlen (c->letter) + 2;
      guint p = vk_fv_votes_party (ctx->votes, c->letter, name);
      vk_fv_storkreds_votes_add (sv, p, c->votes);
      vk_fv_kreds_votes_add (kv, p, c->votes);
    }
  for (guint i = 0; i < r->independents->len; i++)
    {
      const Count *c = g_ptr_array_index (r->independents, i);
      vk_fv_storkreds_votes_add_independent (sv, c->name, c->votes);
      vk_fv_kreds_votes_add_person (kv, VK_FV_INDEPENDENT, NULL, c->name, c->votes);
    }
  for (guint i = 0; i < r->persons->len; i++)
    {
      const Count *c = g_ptr_array_index (r->persons, i);
      vk_fv_kreds_votes_add_person (kv, vk_fv_votes_party (ctx->votes, c->letter, NULL), NULL, c->name, c->votes);
    }
  if (r->persons->len > 0 || r->independents->len > 0)
    ctx->votes->has_persons = TRUE;
  sv->valid += r->valid;
  sv->n_areas++;
  return TRUE;
}

VkFvVotes *
vk_dst_read_fv (const char *dir, GError **error)
{
  g_autoptr (Index) x = NULL;
  g_autoptr (VkFvVotes) votes = NULL;
  FvCtx ctx;

  g_return_val_if_fail (dir != NULL, NULL);
  x = read_index (dir, VK_DST_FOLKETINGSVALG, error);
  if (x == NULL)
    return NULL;
  {
    g_autofree char *src = g_strdup_printf ("%s (%s)", x->display, x->valgnavn);
    votes = vk_fv_votes_new (src);
  }
  ctx.x = x;
  ctx.votes = votes;
  if (!read_kredse (x, add_fv, &ctx, error))
    return NULL;
  votes->n_areas = x->areas->len;
  return g_steal_pointer (&votes);
}

/* ---- folkeafstemning ---------------------------------------------------- */

static gboolean
add_fa (const Entry *kreds, const Entry *storkreds, const Result *r, gpointer data, GError **error)
{
  VkFaTotals *t = data;
  gboolean ja = FALSE, nej = FALSE;

  (void)storkreds;
  for (guint i = 0; i < r->parties->len; i++)
    {
      const Count *c = g_ptr_array_index (r->parties, i);
      if (g_ascii_strcasecmp (c->letter, "JA") == 0)
        t->ja += c->votes, ja = TRUE;
      else if (g_ascii_strcasecmp (c->letter, "NEJ") == 0)
        t->nej += c->votes, nej = TRUE;
      else
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "%s: opstillingskreds %s: the answer \"%s\" is neither JA nor NEJ", t->source, kreds->id,
                       c->letter);
          return FALSE;
        }
    }
  if (!ja || !nej || r->outside != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: opstillingskreds %s: expected the answers JA and NEJ only",
                   t->source, kreds->id);
      return FALSE;
    }
  t->valid += r->valid;
  t->blank += r->blank;
  t->invalid += r->invalid;
  t->cast += r->cast;
  t->eligible += r->eligible;
  t->n_units++;
  return TRUE;
}

gboolean
vk_dst_read_fa (const char *dir, VkFaTotals *ret, GError **error)
{
  g_autoptr (Index) x = NULL;
  VkFaTotals t = { 0 };

  g_return_val_if_fail (dir != NULL && ret != NULL, FALSE);
  x = read_index (dir, VK_DST_FOLKEAFSTEMNING, error);
  if (x == NULL)
    return FALSE;
  t.source = g_strdup_printf ("%s (%s)", x->display, x->valgnavn);
  if (!read_kredse (x, add_fa, &t, error))
    {
      vk_fa_totals_clear (&t);
      return FALSE;
    }
  *ret = t;
  return TRUE;
}

/* ---- the areas, for the valg.dk export (vk-dst-valgdk.c) ----------------- */

void
vk_dst_area_free (VkDstArea *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->name);
  g_free (self->path);
  g_free (self->kreds_id);
  g_free (self->kreds_name);
  g_free (self->storkreds_name);
  g_free (self);
}

GPtrArray *
vk_dst_list_areas (const char *dir, VkDstKind kind, char **ret_valgnavn, GError **error)
{
  g_autoptr (Index) x = NULL;
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_dst_area_free);

  g_return_val_if_fail (dir != NULL, NULL);
  x = read_index (dir, kind, error);
  if (x == NULL)
    return NULL;
  for (guint i = 0; i < x->areas->len; i++)
    {
      const Entry *ae = g_ptr_array_index (x->areas, i);
      const Entry *k = g_hash_table_lookup (x->kreds_by_id, ae->parent);
      const Entry *sk = g_hash_table_lookup (x->storkreds_by_id, k->parent);
      VkDstArea *a = g_new0 (VkDstArea, 1);

      a->id = g_strdup (ae->id);
      a->name = g_strdup (ae->name);
      a->path = g_build_filename (x->dir, ae->file, NULL);
      a->kreds_id = g_strdup (k->id);
      a->kreds_name = g_strdup (k->name);
      a->storkreds_name = g_strdup (sk->name);
      for (guint s = 0; s < x->storkredse->len; s++)
        if (g_ptr_array_index (x->storkredse, s) == sk)
          a->storkreds_number = s + 1;
      g_ptr_array_add (out, a);
    }
  if (ret_valgnavn != NULL)
    *ret_valgnavn = g_strdup (x->valgnavn);
  return g_steal_pointer (&out);
}
