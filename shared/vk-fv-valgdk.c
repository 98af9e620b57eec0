/* vk-fv-valgdk.c: valg.dk's FV-Valgresultater files as votes per storkreds.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-contest-result.h"
#include "vk-error.h"
#include "vk-file.h"
#include "vk-fv-valgdk.h"
#include "vk-json-private.h"
#include "vk-text.h"

#define MAX_AREA_FILES 100000

gint
vk_fv_valgdk_find_storkreds (const VkFvTable *table, const char *name)
{
  g_autofree char *s1 = NULL, *s2 = NULL;
  gint k;

  g_return_val_if_fail (table != NULL && name != NULL, -1);
  k = vk_fv_table_find_storkreds (table, name);
  if (k >= 0)
    return k;
  s1 = g_strconcat (name, "s Storkreds", NULL);
  k = vk_fv_table_find_storkreds (table, s1);
  if (k >= 0)
    return k;
  s2 = g_strconcat (name, " Storkreds", NULL);
  return vk_fv_table_find_storkreds (table, s2);
}

typedef struct
{
  char *kreds; /* OpstillingskredsDagiId of an area, StorkredsNavn of a kreds */
  char *file;
} Seen;

static void
seen_free (Seen *s)
{
  if (s == NULL)
    return;
  g_free (s->kreds);
  g_free (s->file);
  g_free (s);
}

/* A count: at most 10^9 in one area, so that no sum can overflow. */
static gboolean
get_count (JsonObject *o, const char *file, const char *path, const char *member, guint64 *ret, GError **error)
{
  if (!vk_json_get_u64 (o, file, path, member, FALSE, ret, NULL, error))
    return FALSE;
  if (*ret > G_GUINT64_CONSTANT (1000000000))
    return vk_json_fail (error, file, path, member, "not a plausible count");
  return TRUE;
}

/* An id-valued member as a string (numbers and strings both occur). */
static gboolean
get_id (JsonObject *o, const char *file, const char *member, char **ret, GError **error)
{
  return vk_json_get_id (o, file, "", member, TRUE, ret, error);
}

/* A party's Kandidater (fintælling: the personal votes), which cannot
 * exceed the party's votes. */
static gboolean
read_candidates (JsonObject *o, const char *file, const char *path, guint party, guint64 party_votes,
                 VkFvKredsVotes *kv, VkFvVotes *votes, GError **error)
{
  JsonNode *n = vk_json_member (o, "Kandidater");
  JsonArray *cands;
  guint64 sum = 0;

  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  cands = vk_json_get_array (o, file, path, "Kandidater", error);
  if (cands == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (cands); i++)
    {
      g_autofree char *cp = g_strdup_printf ("%s.Kandidater[%u]", path, i);
      g_autofree char *id = NULL, *name = NULL;
      JsonObject *c = vk_json_array_get_obj (cands, i, file, cp, error);
      guint64 v = 0;

      if (c == NULL || !vk_json_get_id (c, file, cp, "Id", TRUE, &id, error)
          || !vk_json_get_string (c, file, cp, "Stemmeseddelnavn", FALSE, &name, error)
          || !get_count (c, file, cp, "Stemmer", &v, error))
        return FALSE;
      vk_fv_kreds_votes_add_person (kv, party, id, *name != '\0' ? name : id, v);
      votes->has_persons = TRUE;
      sum += v;
    }
  if (sum > party_votes)
    return vk_json_fail (error, file, path, "Kandidater", "more personal votes than the party's Stemmer");
  return TRUE;
}

static gboolean
read_area (JsonObject *root, const char *file, const VkFvTable *table, VkFvVotes *votes, GHashTable *areas,
           GHashTable *kredse, char **kind, GError **error)
{
  g_autofree char *valgart = NULL, *resultatart = NULL, *storkreds = NULL, *area = NULL, *kreds = NULL;
  g_autofree char *kreds_name = NULL;
  VkFvKredsVotes *kv;
  JsonArray *inden, *uden;
  VkFvStorkredsVotes *sv;
  Seen *prev;
  guint64 valid = 0, sum = 0;
  gint k;

  if (root == NULL)
    return FALSE;
  if (!vk_json_get_string (root, file, "", "Valgart", TRUE, &valgart, error))
    return FALSE;
  if (strcmp (valgart, "Folketingsvalg") != 0)
    {
      g_autofree char *v = vk_text_escape_controls (valgart);
      g_autofree char *what = g_strdup_printf ("\"%s\": a file of another election, not a folketingsvalg", v);
      return vk_json_fail (error, file, "", "Valgart", what);
    }
  if (!vk_json_get_string (root, file, "", "Resultatart", TRUE, &resultatart, error)
      || !vk_json_get_string (root, file, "", "Storkreds", TRUE, &storkreds, error)
      || !get_id (root, file, "AfstemningsområdeDagiId", &area, error)
      || !get_id (root, file, "OpstillingskredsDagiId", &kreds, error)
      || !vk_json_get_string (root, file, "", "Opstillingskreds", FALSE, &kreds_name, error)
      || !get_count (root, file, "", "GyldigeStemmer", &valid, error))
    return FALSE;
  if (strcmp (resultatart, "IngenResultater") == 0)
    return vk_json_fail (error, file, "", "Resultatart", "the area has no results yet (IngenResultater)");
  if (*kind == NULL)
    *kind = g_strdup (resultatart);
  else if (strcmp (*kind, resultatart) != 0)
    return vk_json_fail (error, file, "", "Resultatart", "the folder mixes foreløbig optælling and fintælling");
  k = vk_fv_valgdk_find_storkreds (table, storkreds);
  if (k < 0)
    return vk_json_fail (error, file, "", "Storkreds", "a storkreds the seat table does not have");
  prev = g_hash_table_lookup (areas, area);
  if (prev != NULL)
    {
      g_autofree char *what
          = g_strdup_printf ("area %s is also in %s (opstillingskreds %s)%s", area, prev->file, prev->kreds,
                             strcmp (prev->kreds, kreds) != 0 ? ": an area in two kredse" : "");
      return vk_json_fail (error, file, "", "AfstemningsområdeDagiId", what);
    }
  {
    Seen *s = g_new0 (Seen, 1);
    s->kreds = g_strdup (kreds);
    s->file = g_strdup (file);
    g_hash_table_insert (areas, g_strdup (area), s);
  }
  {
    const char *sk_name = ((VkFvStorkredsSeats *)g_ptr_array_index (table->storkredse, k))->name;
    Seen *pk = g_hash_table_lookup (kredse, kreds);
    if (pk != NULL && strcmp (pk->kreds, sk_name) != 0)
      {
        g_autofree char *what = g_strdup_printf ("opstillingskreds %s is in %s here but in %s in %s", kreds, sk_name,
                                                 pk->kreds, pk->file);
        return vk_json_fail (error, file, "", "Storkreds", what);
      }
    if (pk == NULL)
      {
        Seen *s = g_new0 (Seen, 1);
        s->kreds = g_strdup (sk_name);
        s->file = g_strdup (file);
        g_hash_table_insert (kredse, g_strdup (kreds), s);
      }
    sv = vk_fv_votes_storkreds (votes, sk_name);
    kv = vk_fv_storkreds_votes_kreds (sv, kreds, *kreds_name != '\0' ? kreds_name : kreds);
  }
  inden = vk_json_get_array (root, file, "", "IndenforParti", error);
  uden = inden != NULL ? vk_json_get_array (root, file, "", "UdenforParti", error) : NULL;
  if (uden == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (inden); i++)
    {
      g_autofree char *p = g_strdup_printf ("IndenforParti[%u]", i);
      g_autofree char *letter = NULL, *name = NULL;
      JsonObject *o = vk_json_array_get_obj (inden, i, file, "IndenforParti", error);
      guint64 v = 0;

      if (o == NULL || !vk_json_get_string (o, file, p, "Bogstavbetegnelse", TRUE, &letter, error)
          || !vk_json_get_string (o, file, p, "PartiNavn", FALSE, &name, error)
          || !get_count (o, file, p, "Stemmer", &v, error))
        return FALSE;
      if (*letter == '\0')
        return vk_json_fail (error, file, p, "Bogstavbetegnelse", "empty");
      {
        guint party = vk_fv_votes_party (votes, letter, name);
        vk_fv_storkreds_votes_add (sv, party, v);
        vk_fv_kreds_votes_add (kv, party, v);
        if (!read_candidates (o, file, p, party, v, kv, votes, error))
          return FALSE;
      }
      sum += v;
    }
  for (guint i = 0; i < json_array_get_length (uden); i++)
    {
      g_autofree char *p = g_strdup_printf ("UdenforParti[%u]", i);
      g_autofree char *name = NULL, *id = NULL;
      JsonObject *o = vk_json_array_get_obj (uden, i, file, "UdenforParti", error);
      guint64 v = 0;

      if (o == NULL || !vk_json_get_string (o, file, p, "Stemmeseddelnavn", FALSE, &name, error)
          || !vk_json_get_id (o, file, p, "Id", TRUE, &id, error) || !get_count (o, file, p, "Stemmer", &v, error))
        return FALSE;
      vk_fv_storkreds_votes_add_independent (sv, *name != '\0' ? name : id, v);
      vk_fv_kreds_votes_add_person (kv, VK_FV_INDEPENDENT, id, *name != '\0' ? name : id, v);
      sum += v;
    }
  if (sum != valid)
    {
      g_autofree char *what = g_strdup_printf ("%" G_GUINT64_FORMAT ", but the parties and the candidates outside "
                                               "them have %" G_GUINT64_FORMAT,
                                               valid, sum);
      return vk_json_fail (error, file, "", "GyldigeStemmer", what);
    }
  sv->valid += valid;
  sv->n_areas++;
  return TRUE;
}

VkFvVotes *
vk_fv_valgdk_read (const char *dir, const VkFvTable *table, GError **error)
{
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GHashTable) areas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)seen_free);
  g_autoptr (GHashTable) kredse = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)seen_free);
  g_autoptr (VkFvVotes) votes = NULL;
  g_autofree char *kind = NULL, *display = NULL;

  g_return_val_if_fail (dir != NULL && table != NULL, NULL);
  display = vk_text_escape_controls (dir);
  names = vk_file_list_dir (dir, ".json", error);
  if (names == NULL)
    return NULL;
  if (names->len == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND,
                   "%s: neither DST's fintal.xml nor valg.dk FV-Valgresultater files (*.json)", display);
      return NULL;
    }
  if (names->len > MAX_AREA_FILES)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: more than %u files", display, MAX_AREA_FILES);
      return NULL;
    }
  votes = vk_fv_votes_new (NULL);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autofree char *file = vk_text_escape_controls (path);
      g_autoptr (JsonParser) parser = NULL;
      JsonObject *root = vk_json_load_object (path, &parser, error);
      if (root == NULL || !read_area (root, file, table, votes, areas, kredse, &kind, error))
        return NULL;
    }
  g_free (votes->source);
  votes->source
      = g_strdup_printf ("%s (valg.dk FV-Valgresultater, %u afstemningsområder, %s)", display, names->len, kind);
  votes->n_areas = names->len;
  return g_steal_pointer (&votes);
}

VkFvVotes *
vk_fv_valgdk_read_signed (GPtrArray *results, const VkFvTable *table, GError **error)
{
  g_autoptr (GHashTable) areas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)seen_free);
  g_autoptr (GHashTable) kredse = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)seen_free);
  g_autoptr (VkFvVotes) votes = NULL;
  g_autofree char *kind = NULL;
  guint n = 0;

  g_return_val_if_fail (results != NULL && table != NULL, NULL);
  if (results->len == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "no signed municipality results");
      return NULL;
    }
  votes = vk_fv_votes_new (NULL);
  for (guint i = 0; i < results->len; i++)
    {
      const VkContestResult *r = g_ptr_array_index (results, i);
      g_autofree char *code = vk_text_escape_controls (r->municipality_code);

      if (g_strcmp0 (r->contest_id, "FV") != 0 || r->files == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "kommune %s: not a signed folketingsvalg result", code);
          return NULL;
        }
      for (guint k = 0; k < r->files->len; k++)
        {
          const VkValgdkFile *f = g_ptr_array_index (r->files, k);
          g_autoptr (JsonParser) parser = json_parser_new ();
          g_autofree char *name = vk_text_escape_controls (f->name);
          /* Messages name the municipality's signed file and the area file in it. */
          g_autofree char *file = g_strdup_printf ("kommune %s: %s", code, name);
          g_autoptr (GError) local = NULL;
          JsonNode *root;

          if (!json_parser_load_from_data (parser, f->json, -1, &local)
              || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
            {
              g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: not a JSON object", file);
              return NULL;
            }
          if (!read_area (json_node_get_object (root), file, table, votes, areas, kredse, &kind, error))
            return NULL;
          n++;
        }
    }
  g_free (votes->source);
  votes->source = g_strdup_printf (
      "%u signed municipality results (valg.dk FV-Valgresultater, %u afstemningsområder, %s)", results->len, n, kind);
  votes->n_areas = n;
  return g_steal_pointer (&votes);
}
