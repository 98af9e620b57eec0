/* vk-fa.c: the outcome of a folkeafstemning, and valg.dk's FA-Valgresultater.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-contest-result.h"
#include "vk-error.h"
#include "vk-fa.h"
#include "vk-file.h"
#include "vk-json-private.h"
#include "vk-seats.h"
#include "vk-text.h"

void
vk_fa_totals_clear (VkFaTotals *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->source, g_free);
}

gboolean
vk_fa_adopted (VkFaRule rule, guint64 ja, guint64 nej, guint64 eligible)
{
  /* p % of the eligible, exactly: votes · 100 ≥ p · eligible. */
  if (rule == VK_FA_RULE_88)
    return ja > nej && vk_seats_compare_quotients (ja, 1, 40 * eligible, 100) >= 0;
  return !(nej > ja && vk_seats_compare_quotients (nej, 1, 30 * eligible, 100) >= 0);
}

static gboolean
get_count (JsonObject *o, const char *file, const char *member, guint64 *ret, GError **error)
{
  if (!vk_json_get_u64 (o, file, "", member, FALSE, ret, NULL, error))
    return FALSE;
  if (*ret > G_GUINT64_CONSTANT (1000000000))
    return vk_json_fail (error, file, "", member, "not a plausible count");
  return TRUE;
}

/* One area's FA-Valgresultater, added to t. */
static gboolean
read_area (JsonObject *root, const char *file, GHashTable *areas, char **kind, VkFaTotals *t, GError **error)
{
  g_autofree char *valgart = NULL, *resultatart = NULL, *area = NULL;
  guint64 ja, nej, valid, eligible, cast, blank_f = 0, blank_b = 0, other = 0;
  const char *prev;

  if (!vk_json_get_string (root, file, "", "Valgart", TRUE, &valgart, error))
    return FALSE;
  if (strcmp (valgart, "Folkeafstemning") != 0)
    {
      g_autofree char *v = vk_text_escape_controls (valgart);
      g_autofree char *what = g_strdup_printf ("\"%s\": a file of another election, not a folkeafstemning", v);
      return vk_json_fail (error, file, "", "Valgart", what);
    }
  if (!vk_json_get_string (root, file, "", "Resultatart", TRUE, &resultatart, error)
      || !vk_json_get_id (root, file, "", "AfstemningsområdeDagiId", TRUE, &area, error)
      || !get_count (root, file, "StemmerForJa", &ja, error) || !get_count (root, file, "StemmerForNej", &nej, error)
      || !get_count (root, file, "GyldigeStemmer", &valid, error)
      || !get_count (root, file, "AfgivneStemmer", &cast, error)
      || !get_count (root, file, "AntalStemmeberettigedeVælgere", &eligible, error)
      || !get_count (root, file, "BlankeUgyldigeFremmødteStemmer", &blank_f, error)
      || !get_count (root, file, "BlankeUgyldigeBrevstemmer", &blank_b, error)
      || !get_count (root, file, "UgyldigeStemmerUdoverBlanke", &other, error))
    return FALSE;
  if (strcmp (resultatart, "IngenResultater") == 0)
    return vk_json_fail (error, file, "", "Resultatart", "the area has no results yet (IngenResultater)");
  if (*kind == NULL)
    *kind = g_strdup (resultatart);
  else if (strcmp (*kind, resultatart) != 0)
    return vk_json_fail (error, file, "", "Resultatart", "the folder mixes foreløbig optælling and fintælling");
  prev = g_hash_table_lookup (areas, area);
  if (prev != NULL)
    {
      g_autofree char *what = g_strdup_printf ("area %s is also in %s", area, prev);
      return vk_json_fail (error, file, "", "AfstemningsområdeDagiId", what);
    }
  g_hash_table_insert (areas, g_strdup (area), g_strdup (file));
  if (ja + nej != valid)
    return vk_json_fail (error, file, "", "GyldigeStemmer", "is not StemmerForJa + StemmerForNej");
  t->ja += ja;
  t->nej += nej;
  t->valid += valid;
  t->cast += cast;
  t->eligible += eligible;
  t->blank += blank_f + blank_b;
  t->invalid += blank_f + blank_b + other;
  t->n_units++;
  return TRUE;
}

gboolean
vk_fa_valgdk_read (const char *dir, VkFaTotals *ret, GError **error)
{
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GHashTable) areas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *display = NULL, *kind = NULL;
  VkFaTotals t = { 0 };

  g_return_val_if_fail (dir != NULL && ret != NULL, FALSE);
  display = vk_text_escape_controls (dir);
  names = vk_file_list_dir (dir, ".json", error);
  if (names == NULL)
    return FALSE;
  if (names->len == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND,
                   "%s: neither DST's fintal.xml nor valg.dk FA-Valgresultater files (*.json)", display);
      return FALSE;
    }
  for (guint i = 0; i < names->len && i < 100000; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autofree char *file = vk_text_escape_controls (path);
      g_autoptr (JsonParser) parser = NULL;
      JsonObject *root = vk_json_load_object (path, &parser, error);

      if (root == NULL || !read_area (root, file, areas, &kind, &t, error))
        return FALSE;
    }
  t.source = g_strdup_printf ("%s (valg.dk FA-Valgresultater, %u afstemningsområder, %s)", display, t.n_units, kind);
  *ret = t;
  return TRUE;
}

gboolean
vk_fa_valgdk_read_signed (GPtrArray *results, VkFaTotals *ret, GError **error)
{
  g_autoptr (GHashTable) areas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *kind = NULL;
  VkFaTotals t = { 0 };

  g_return_val_if_fail (results != NULL && ret != NULL, FALSE);
  if (results->len == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "no signed municipality results");
      return FALSE;
    }
  for (guint i = 0; i < results->len; i++)
    {
      const VkContestResult *r = g_ptr_array_index (results, i);
      g_autofree char *code = vk_text_escape_controls (r->municipality_code);

      if (g_strcmp0 (r->contest_id, "FA") != 0 || r->files == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "kommune %s: not a signed folkeafstemning result", code);
          return FALSE;
        }
      for (guint k = 0; k < r->files->len; k++)
        {
          const VkValgdkFile *f = g_ptr_array_index (r->files, k);
          g_autoptr (JsonParser) parser = json_parser_new ();
          g_autofree char *name = vk_text_escape_controls (f->name);
          g_autofree char *file = g_strdup_printf ("kommune %s: %s", code, name);
          JsonNode *root;

          if (!json_parser_load_from_data (parser, f->json, -1, NULL) || (root = json_parser_get_root (parser)) == NULL
              || !JSON_NODE_HOLDS_OBJECT (root))
            {
              g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: not a JSON object", file);
              return FALSE;
            }
          if (!read_area (json_node_get_object (root), file, areas, &kind, &t, error))
            return FALSE;
        }
    }
  t.source = g_strdup_printf ("%u signed municipality results (valg.dk FA-Valgresultater, %u afstemningsområder, %s)",
                              results->len, t.n_units, kind);
  *ret = t;
  return TRUE;
}

char *
vk_fa_to_json (const VkFaTotals *t, VkFaRule rule)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  g_return_val_if_fail (t != NULL, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "Ja");
  json_builder_add_int_value (b, (gint64)t->ja);
  json_builder_set_member_name (b, "Nej");
  json_builder_add_int_value (b, (gint64)t->nej);
  json_builder_set_member_name (b, "Stemmeberettigede");
  json_builder_add_int_value (b, (gint64)t->eligible);
  json_builder_set_member_name (b, "Resultat");
  json_builder_add_string_value (b, vk_fa_adopted (rule, t->ja, t->nej, t->eligible) ? "vedtaget" : "forkastet");
  json_builder_set_member_name (b, "Regel");
  json_builder_add_string_value (b, rule == VK_FA_RULE_88 ? "Grundloven § 88" : "Grundloven § 42 stk. 5");
  json_builder_set_member_name (b, "GyldigeStemmer");
  json_builder_add_int_value (b, (gint64)t->valid);
  json_builder_set_member_name (b, "BlankeStemmer");
  json_builder_add_int_value (b, (gint64)t->blank);
  json_builder_set_member_name (b, "UgyldigeStemmer");
  json_builder_add_int_value (b, (gint64)t->invalid);
  json_builder_set_member_name (b, "AfgivneStemmer");
  json_builder_add_int_value (b, (gint64)t->cast);
  json_builder_set_member_name (b, "Kilde");
  json_builder_add_string_value (b, t->source != NULL ? t->source : "");
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}
