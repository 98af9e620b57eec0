/* vk-results.c: counted results per area and their sum.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-counts.h"
#include "vk-error.h"
#include "vk-file.h"
#include "vk-json-private.h"
#include "vk-results.h"

static void
list_result_free (VkListResult *l)
{
  if (l == NULL)
    return;
  g_free (l->list_id);
  g_free (l);
}

VkAreaResult *
vk_area_result_new (VkResultKind kind, guint area_number, const char *area_name)
{
  VkAreaResult *self = g_new0 (VkAreaResult, 1);

  self->kind = kind;
  self->area_number = area_number;
  self->area_name = g_strdup (area_name != NULL ? area_name : "");
  self->dagi_id = g_strdup ("");
  self->lists = g_ptr_array_new_with_free_func ((GDestroyNotify)list_result_free);
  self->lists_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->candidate_votes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->candidate_list = g_hash_table_new (g_str_hash, g_str_equal);
  self->invalid_reasons = g_array_new (FALSE, TRUE, sizeof (VkInvalidReason));
  return self;
}

const char *
vk_result_kind_to_string (VkResultKind kind)
{
  return kind == VK_RESULT_FINTAELLING ? "fintaelling" : "foreloebig";
}

gboolean
vk_result_kind_from_string (const char *text, VkResultKind *ret_kind)
{
  VkResultKind kind;

  if (g_strcmp0 (text, "foreloebig") == 0)
    kind = VK_RESULT_FORELOEBIG;
  else if (g_strcmp0 (text, "fintaelling") == 0)
    kind = VK_RESULT_FINTAELLING;
  else
    return FALSE;
  if (ret_kind != NULL)
    *ret_kind = kind;
  return TRUE;
}

void
vk_area_result_free (VkAreaResult *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->candidate_list, g_hash_table_unref);
  g_clear_pointer (&self->candidate_votes, g_hash_table_unref);
  g_clear_pointer (&self->lists_by_id, g_hash_table_unref);
  g_clear_pointer (&self->lists, g_ptr_array_unref);
  g_clear_pointer (&self->invalid_reasons, g_array_unref);
  g_free (self->area_name);
  g_free (self->dagi_id);
  g_free (self);
}

VkListResult *
vk_area_result_add_list (VkAreaResult *self, const char *list_id, guint64 votes, guint64 list_votes)
{
  VkListResult *l;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (list_id != NULL, NULL);

  l = g_hash_table_lookup (self->lists_by_id, list_id);
  if (l == NULL)
    {
      l = g_new0 (VkListResult, 1);
      l->list_id = g_strdup (list_id);
      g_ptr_array_add (self->lists, l);
      g_hash_table_insert (self->lists_by_id, l->list_id, l);
    }
  l->votes += votes;
  l->list_votes += list_votes;
  return l;
}

void
vk_area_result_add_candidate (VkAreaResult *self, const char *list_id, const char *candidate_id, guint64 votes)
{
  VkListResult *l;
  guint64 *v;

  g_return_if_fail (self != NULL);
  g_return_if_fail (list_id != NULL && candidate_id != NULL);

  l = g_hash_table_lookup (self->lists_by_id, list_id);
  if (l == NULL)
    l = vk_area_result_add_list (self, list_id, 0, 0);
  v = g_hash_table_lookup (self->candidate_votes, candidate_id);
  if (v == NULL)
    {
      char *key = g_strdup (candidate_id);
      v = g_new0 (guint64, 1);
      g_hash_table_insert (self->candidate_votes, key, v);
      g_hash_table_insert (self->candidate_list, key, l->list_id);
    }
  *v += votes;
  self->has_candidate_votes = TRUE;
}

static gint
reason_cmp (gconstpointer a, gconstpointer b)
{
  const VkInvalidReason *x = a, *y = b;

  return (x->code > y->code) - (x->code < y->code);
}

void
vk_area_result_add_invalid (VkAreaResult *self, guint code, guint64 count)
{
  g_return_if_fail (self != NULL);

  for (guint i = 0; i < self->invalid_reasons->len; i++)
    {
      VkInvalidReason *r = &g_array_index (self->invalid_reasons, VkInvalidReason, i);
      if (r->code == code)
        {
          r->count += count;
          return;
        }
    }
  g_array_append_val (self->invalid_reasons, ((VkInvalidReason){ .code = code, .count = count }));
  g_array_sort (self->invalid_reasons, reason_cmp);
}

guint64
vk_area_result_get_list_votes (const VkAreaResult *self, const char *list_id)
{
  VkListResult *l;

  g_return_val_if_fail (self != NULL, 0);
  l = list_id != NULL ? g_hash_table_lookup (self->lists_by_id, list_id) : NULL;
  return l != NULL ? l->votes : 0;
}

guint64
vk_area_result_get_candidate_votes (const VkAreaResult *self, const char *candidate_id)
{
  guint64 *v;

  g_return_val_if_fail (self != NULL, 0);
  v = candidate_id != NULL ? g_hash_table_lookup (self->candidate_votes, candidate_id) : NULL;
  return v != NULL ? *v : 0;
}

guint64
vk_area_result_get_invalid (const VkAreaResult *self, guint code)
{
  g_return_val_if_fail (self != NULL, 0);
  for (guint i = 0; i < self->invalid_reasons->len; i++)
    if (g_array_index (self->invalid_reasons, VkInvalidReason, i).code == code)
      return g_array_index (self->invalid_reasons, VkInvalidReason, i).count;
  return 0;
}

/* ---- import ------------------------------------------------------------ */

static gboolean
import_reasons (VkAreaResult *self, JsonObject *root, const char *file, const char *member, GError **error)
{
  JsonNode *n = vk_json_member (root, member);
  JsonArray *arr;

  /* Absent or null: the count gives no reasons. */
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  arr = vk_json_get_array (root, file, "", member, error);
  if (arr == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      g_autofree char *rpath = g_strdup_printf ("%s[%u]", member, i);
      JsonObject *r = vk_json_array_get_obj (arr, i, file, member, error);
      guint code = 0;
      guint64 count = 0;

      if (r == NULL || !vk_json_get_uint (r, file, rpath, "Id", &code, error)
          || !vk_json_get_u64 (r, file, rpath, "Antal", FALSE, &count, NULL, error))
        return FALSE;
      vk_area_result_add_invalid (self, code, count);
    }
  return TRUE;
}

/* region: NULL for a municipality's file; for a region's, the region as
 * the message for a foreign list names it. */
static gboolean
import_list (VkAreaResult *self, const VkElection *election, const char *region, JsonObject *lo, const char *file,
             const char *lpath, GError **error)
{
  g_autofree char *id = NULL;
  g_autofree char *cpath = g_strdup_printf ("%s.Kandidater", lpath);
  guint64 votes = 0, list_votes = 0;
  gboolean has_list_votes = FALSE;
  const VkList *elist = NULL;
  VkListResult *l;
  JsonNode *kn;

  if (!vk_json_get_id (lo, file, lpath, "KandidatlisteId", TRUE, &id, error)
      || !vk_json_get_u64 (lo, file, lpath, "Stemmer", FALSE, &votes, NULL, error)
      || !vk_json_get_u64 (lo, file, lpath, "Listestemmer", TRUE, &list_votes, &has_list_votes, error))
    return FALSE;
  if (election != NULL)
    {
      elist = vk_election_lookup_list (election, id);
      if (elist == NULL)
        {
          g_autofree char *what = region != NULL
                                      ? g_strdup_printf ("list \"%s\" is not in the kandidat-data of %s", id, region)
                                      : g_strdup_printf ("list \"%s\" is not in the election", id);
          return vk_json_fail (error, file, lpath, "KandidatlisteId", what);
        }
    }
  if (g_hash_table_contains (self->lists_by_id, id))
    return vk_json_fail (error, file, lpath, "KandidatlisteId", "the same list twice");
  l = vk_area_result_add_list (self, id, votes, list_votes);
  l->has_list_votes = has_list_votes;

  kn = vk_json_member (lo, "Kandidater");
  if (kn != NULL && !JSON_NODE_HOLDS_NULL (kn))
    {
      JsonArray *cands = vk_json_get_array (lo, file, lpath, "Kandidater", error);

      if (cands == NULL)
        return FALSE;
      for (guint k = 0; k < json_array_get_length (cands); k++)
        {
          g_autofree char *kpath = g_strdup_printf ("%s[%u]", cpath, k);
          g_autofree char *cid = NULL;
          JsonObject *co = vk_json_array_get_obj (cands, k, file, cpath, error);
          guint64 cv = 0;

          if (co == NULL || !vk_json_get_id (co, file, kpath, "Id", TRUE, &cid, error)
              || !vk_json_get_u64 (co, file, kpath, "Stemmer", FALSE, &cv, NULL, error))
            return FALSE;
          if (elist != NULL)
            {
              VkCandidate *c = vk_election_lookup_candidate (election, cid);
              if (c == NULL || c->list != elist)
                {
                  g_autofree char *what = g_strdup_printf ("candidate \"%s\" is not on list %s", cid,
                                                           *elist->letter != '\0' ? elist->letter : elist->id);
                  return vk_json_fail (error, file, kpath, "Id", what);
                }
            }
          if (g_hash_table_contains (self->candidate_votes, cid))
            return vk_json_fail (error, file, kpath, "Id", "the same candidate twice");
          vk_area_result_add_candidate (self, id, cid, cv);
        }
      /* Even a list whose candidates got no votes says so at fintælling. */
      self->has_candidate_votes = TRUE;
    }
  return TRUE;
}

/* One file.  region as for import_list; with region, the file must also
 * be of the election's type (Valgart) and *ret_code gets its Kommunekode
 * ("" when absent). */
static VkAreaResult *
area_result_import (const VkElection *election, const char *region, const char *path, char **ret_code, GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (VkAreaResult) self = NULL;
  g_autofree char *file = NULL, *kind = NULL, *name = NULL, *dagi = NULL, *region_hint = NULL;
  JsonObject *root;
  JsonArray *lists;
  guint number = 0;

  g_return_val_if_fail (path != NULL, NULL);

  root = vk_json_load_object (path, &parser, error);
  if (root == NULL)
    return NULL;
  file = g_filename_display_name (path);
  if (region != NULL)
    {
      g_autofree char *valgart = NULL, *municipality = NULL;
      const char *expected = vk_election_type_name_da (election->type);

      if (!vk_json_get_string (root, file, "", "Valgart", FALSE, &valgart, error)
          || !vk_json_get_id (root, file, "", "Kommunekode", FALSE, ret_code, error))
        return NULL;
      if (!vk_json_get_string (root, file, "", "Kommune", FALSE, &municipality, error))
        return NULL;
      if (*municipality != '\0')
        region_hint = g_strdup_printf ("%s (the file is of %s: an area of another region?)", region, municipality);
      else
        region_hint = g_strdup_printf ("%s (an area of another region?)", region);
      if (*valgart != '\0' && strcmp (valgart, expected) != 0)
        {
          g_autofree char *what = g_strdup_printf ("a %s file, expected %s", valgart, expected);
          vk_json_fail (error, file, "", "Valgart", what);
          return NULL;
        }
    }
  if (!vk_json_get_string (root, file, "", "Resultatart", TRUE, &kind, error)
      || !vk_json_get_uint (root, file, "", "AfstemningsområdeNummer", &number, error)
      || !vk_json_get_string (root, file, "", "Afstemningsområde", TRUE, &name, error)
      || !vk_json_get_id (root, file, "", "AfstemningsområdeDagiId", FALSE, &dagi, error))
    return NULL;
  if (strcmp (kind, "Fintælling") == 0)
    self = vk_area_result_new (VK_RESULT_FINTAELLING, number, name);
  else if (strcmp (kind, "ForeløbigOptælling") == 0)
    self = vk_area_result_new (VK_RESULT_FORELOEBIG, number, name);
  else
    {
      g_autofree char *what
          = g_strdup_printf ("unknown count \"%s\" (expected Fintælling or ForeløbigOptælling)", kind);
      vk_json_fail (error, file, "", "Resultatart", what);
      return NULL;
    }
  g_free (self->dagi_id);
  self->dagi_id = g_steal_pointer (&dagi);
  if (!vk_json_get_u64 (root, file, "", "AntalStemmeberettigedeVælgere", FALSE, &self->eligible, NULL, error)
      || !vk_json_get_u64 (root, file, "", "AfgivneStemmer", FALSE, &self->cast, NULL, error)
      || !vk_json_get_u64 (root, file, "", "GyldigeStemmer", FALSE, &self->valid, NULL, error)
      || !vk_json_get_u64 (root, file, "", "BlankeUgyldigeFremmødteStemmer", FALSE, &self->blank_in_person, NULL, error)
      || !vk_json_get_u64 (root, file, "", "BlankeUgyldigeBrevstemmer", FALSE, &self->blank_postal, NULL, error)
      || !vk_json_get_u64 (root, file, "", "UgyldigeStemmerUdoverBlanke", FALSE, &self->other_invalid, NULL, error))
    return NULL;

  lists = vk_json_get_array (root, file, "", "Kandidatlister", error);
  if (lists == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (lists); i++)
    {
      g_autofree char *lpath = g_strdup_printf ("Kandidatlister[%u]", i);
      JsonObject *lo = vk_json_array_get_obj (lists, i, file, "Kandidatlister", error);

      if (lo == NULL || !import_list (self, election, region_hint, lo, file, lpath, error))
        return NULL;
    }
  if (self->kind == VK_RESULT_FINTAELLING && !self->has_candidate_votes && self->lists->len > 0)
    {
      vk_json_fail (error, file, "Kandidatlister[0]", "Kandidater", "missing (a fintælling has personal votes)");
      return NULL;
    }
  if (!import_reasons (self, root, file, "UgyldigeFremmødteStemmerÅrsager", error)
      || !import_reasons (self, root, file, "UgyldigeBrevstemmerÅrsager", error))
    return NULL;
  /* The fintælling gives every reason; election night sometimes only the
   * blank ones. */
  self->has_invalid_detail = self->kind == VK_RESULT_FINTAELLING;
  for (guint i = 0; i < self->invalid_reasons->len; i++)
    {
      guint code = g_array_index (self->invalid_reasons, VkInvalidReason, i).code;
      if (code != VK_INVALID_BLANK_IN_PERSON && code != VK_INVALID_BLANK_POSTAL)
        self->has_invalid_detail = TRUE;
    }
  return g_steal_pointer (&self);
}

VkAreaResult *
vk_area_result_import (const VkElection *election, const char *path, GError **error)
{
  return area_result_import (election, NULL, path, NULL, error);
}

VkAreaResult *
vk_results_sum (GPtrArray *areas, const char *area_name)
{
  VkAreaResult *total;

  g_return_val_if_fail (areas != NULL, NULL);

  total = vk_area_result_new (
      areas->len > 0 ? ((VkAreaResult *)g_ptr_array_index (areas, 0))->kind : VK_RESULT_FINTAELLING, 0, area_name);
  for (guint i = 0; i < areas->len; i++)
    {
      const VkAreaResult *a = g_ptr_array_index (areas, i);
      GHashTableIter it;
      gpointer key, value;

      total->eligible += a->eligible;
      total->cast += a->cast;
      total->valid += a->valid;
      total->blank_in_person += a->blank_in_person;
      total->blank_postal += a->blank_postal;
      total->other_invalid += a->other_invalid;
      for (guint k = 0; k < a->lists->len; k++)
        {
          const VkListResult *l = g_ptr_array_index (a->lists, k);
          gboolean existed = g_hash_table_contains (total->lists_by_id, l->list_id);
          VkListResult *t = vk_area_result_add_list (total, l->list_id, l->votes, l->list_votes);
          /* The total has listestemmer only if every area has them. */
          t->has_list_votes = (existed ? t->has_list_votes : TRUE) && l->has_list_votes;
        }
      g_hash_table_iter_init (&it, a->candidate_votes);
      while (g_hash_table_iter_next (&it, &key, &value))
        vk_area_result_add_candidate (total, g_hash_table_lookup (a->candidate_list, key), key, *(guint64 *)value);
      for (guint k = 0; k < a->invalid_reasons->len; k++)
        {
          const VkInvalidReason *r = &g_array_index (a->invalid_reasons, VkInvalidReason, k);
          vk_area_result_add_invalid (total, r->code, r->count);
        }
    }
  total->has_candidate_votes = areas->len > 0;
  total->has_invalid_detail = areas->len > 0;
  for (guint i = 0; i < areas->len; i++)
    {
      const VkAreaResult *a = g_ptr_array_index (areas, i);
      total->has_candidate_votes = total->has_candidate_votes && a->has_candidate_votes;
      total->has_invalid_detail = total->has_invalid_detail && a->has_invalid_detail;
    }
  return total;
}

static gint
area_number_cmp (gconstpointer a, gconstpointer b)
{
  const VkAreaResult *x = *(VkAreaResult *const *)a;
  const VkAreaResult *y = *(VkAreaResult *const *)b;

  return (x->area_number > y->area_number) - (x->area_number < y->area_number);
}

VkResults *
vk_results_import_dir (const VkElection *election, const char *dir, GError **error)
{
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (VkResults) self = NULL;
  g_autofree char *display = NULL;

  g_return_val_if_fail (dir != NULL, NULL);

  display = g_filename_display_name (dir);
  names = vk_file_list_dir (dir, ".json", error);
  if (names == NULL)
    return NULL;
  if (names->len == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "%s: no .json result files", display);
      return NULL;
    }

  self = g_new0 (VkResults, 1);
  self->areas = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_area_result_free);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autofree char *file = g_filename_display_name (path);
      VkAreaResult *a = vk_area_result_import (election, path, error);

      if (a == NULL)
        return NULL;
      g_ptr_array_add (self->areas, a);
      if (i == 0)
        self->kind = a->kind;
      else if (a->kind != self->kind)
        {
          vk_json_fail (error, file, "", "Resultatart", "a different count from the other files in the folder");
          return NULL;
        }
      for (guint k = 0; k + 1 < self->areas->len; k++)
        if (((VkAreaResult *)g_ptr_array_index (self->areas, k))->area_number == a->area_number)
          {
            g_autofree char *what = g_strdup_printf ("area %u is also in another file", a->area_number);
            vk_json_fail (error, file, "", "AfstemningsområdeNummer", what);
            return NULL;
          }
    }
  g_ptr_array_sort (self->areas, area_number_cmp);
  self->total = vk_results_sum (self->areas, election != NULL ? election->municipality : "");
  return g_steal_pointer (&self);
}

/* ---- a region's areas ---------------------------------------------------- */

typedef struct
{
  VkAreaResult *area; /* owned until moved into the VkResults */
  char *code;         /* Kommunekode */
  guint64 code_num;   /* Kommunekode as a number, for the order */
  char *file;         /* display name, for messages */
} RegionArea;

static void
region_area_free (RegionArea *r)
{
  if (r == NULL)
    return;
  vk_area_result_free (r->area);
  g_free (r->code);
  g_free (r->file);
  g_free (r);
}

static gint
region_area_cmp (gconstpointer a, gconstpointer b)
{
  const RegionArea *x = *(RegionArea *const *)a;
  const RegionArea *y = *(RegionArea *const *)b;
  int c;

  if (x->code_num != y->code_num)
    return (x->code_num > y->code_num) - (x->code_num < y->code_num);
  c = strcmp (x->code, y->code);
  if (c != 0)
    return c;
  return (x->area->area_number > y->area->area_number) - (x->area->area_number < y->area->area_number);
}

VkResults *
vk_results_import_region_dir (VkElection *election, const char *dir, GError **error)
{
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify)region_area_free);
  g_autoptr (GHashTable) by_dagi = g_hash_table_new (g_str_hash, g_str_equal); /* borrowed → RegionArea* */
  g_autoptr (GHashTable) by_number = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (VkResults) self = NULL;
  g_autofree char *display = NULL;
  const char *region;

  g_return_val_if_fail (election != NULL, NULL);
  g_return_val_if_fail (dir != NULL, NULL);

  region = *election->region != '\0' ? election->region : "the region";
  display = g_filename_display_name (dir);
  names = vk_file_list_dir (dir, ".json", error);
  if (names == NULL)
    return NULL;
  if (names->len == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "%s: no .json result files", display);
      return NULL;
    }

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autofree char *code = NULL, *key = NULL;
      RegionArea *r, *other;
      VkAreaResult *a;
      char *end = NULL;

      a = area_result_import (election, region, path, &code, error);
      if (a == NULL)
        return NULL;
      r = g_new0 (RegionArea, 1);
      r->area = a;
      r->code = g_steal_pointer (&code);
      r->file = g_filename_display_name (path);
      g_ptr_array_add (found, r);
      if (a->kind != ((RegionArea *)g_ptr_array_index (found, 0))->area->kind)
        {
          vk_json_fail (error, r->file, "", "Resultatart", "a different count from the other files in the folder");
          return NULL;
        }
      /* Area numbers repeat between the region's municipalities: an area
       * is its municipality and number, and its DAGI id. */
      if (*r->code == '\0')
        {
          vk_json_fail (error, r->file, "", "Kommunekode", "missing (a region's areas are told apart by municipality)");
          return NULL;
        }
      r->code_num = g_ascii_strtoull (r->code, &end, 10);
      if (end == NULL || *end != '\0')
        r->code_num = G_MAXUINT64;
      key = g_strdup_printf ("%s:%u", r->code, a->area_number);
      other = g_hash_table_lookup (by_number, key);
      if (other != NULL)
        {
          g_autofree char *what
              = g_strdup_printf ("area %u of municipality %s is also in %s", a->area_number, r->code, other->file);
          vk_json_fail (error, r->file, "", "AfstemningsområdeNummer", what);
          return NULL;
        }
      g_hash_table_insert (by_number, g_steal_pointer (&key), r);
      if (*a->dagi_id != '\0')
        {
          other = g_hash_table_lookup (by_dagi, a->dagi_id);
          if (other != NULL)
            {
              g_autofree char *what = g_strdup_printf ("area %s is also in %s", a->dagi_id, other->file);
              vk_json_fail (error, r->file, "", "AfstemningsområdeDagiId", what);
              return NULL;
            }
          g_hash_table_insert (by_dagi, a->dagi_id, r);
        }
    }

  /* Numbered 1..n in (Kommunekode, AfstemningsområdeNummer) order. */
  g_ptr_array_sort (found, region_area_cmp);
  if (election->areas->len > 0)
    {
      /* The election knows its areas (e.g. from another count of the same
       * folder's areas): they must be the same ones. */
      gboolean same = election->areas->len == found->len;
      for (guint i = 0; same && i < found->len; i++)
        {
          const VkAreaResult *a = ((RegionArea *)g_ptr_array_index (found, i))->area;
          const VkArea *ea = vk_election_lookup_area (election, i + 1);
          same = ea != NULL && strcmp (ea->dagi_id, a->dagi_id) == 0 && strcmp (ea->name, a->area_name) == 0;
        }
      if (!same)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: not the same areas as the election's %u", display,
                       election->areas->len);
          return NULL;
        }
    }
  else
    for (guint i = 0; i < found->len; i++)
      {
        const VkAreaResult *a = ((RegionArea *)g_ptr_array_index (found, i))->area;
        vk_election_add_area (election, i + 1, a->area_name, a->dagi_id, (guint)MIN (a->eligible, (guint64)G_MAXUINT));
      }

  self = g_new0 (VkResults, 1);
  self->areas = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_area_result_free);
  self->kind = ((RegionArea *)g_ptr_array_index (found, 0))->area->kind;
  for (guint i = 0; i < found->len; i++)
    {
      RegionArea *r = g_ptr_array_index (found, i);
      r->area->area_number = i + 1;
      g_ptr_array_add (self->areas, g_steal_pointer (&r->area));
    }
  self->total = vk_results_sum (self->areas, *election->region != '\0' ? election->region : election->municipality);
  return g_steal_pointer (&self);
}

void
vk_results_free (VkResults *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->areas, g_ptr_array_unref);
  g_clear_pointer (&self->total, vk_area_result_free);
  g_free (self);
}

/* ---- checks ------------------------------------------------------------ */

void
vk_check_failure_free (VkCheckFailure *self)
{
  if (self == NULL)
    return;
  g_free (self->area);
  g_free (self->list_id);
  g_free (self->what);
  g_free (self->message);
  g_free (self);
}

static void
add_failure (GPtrArray *failures, const VkAreaResult *a, VkCountCheck check, const char *list_id, const char *what,
             guint64 expected, guint64 actual)
{
  VkCheckFailure *f = g_new0 (VkCheckFailure, 1);

  f->check = check;
  if (a->area_number != 0)
    f->area = g_strdup_printf ("%u %s", a->area_number, a->area_name);
  else
    f->area = g_strdup_printf ("%s (total)", a->area_name);
  f->list_id = g_strdup (list_id);
  f->what = g_strdup (what);
  f->expected = (gint64)expected;
  f->actual = (gint64)actual;
  f->message
      = g_strdup_printf ("area %s%s%s: %s: expected %" G_GUINT64_FORMAT ", recorded %" G_GUINT64_FORMAT, f->area,
                         list_id != NULL ? ", list " : "", list_id != NULL ? list_id : "", what, expected, actual);
  g_ptr_array_add (failures, f);
}

/* What each blocking check says, in the words of the result files. */
static const char *
check_what (const VkCountFailure *f)
{
  switch (f->check)
    {
      case VK_COUNT_CHECK_CAST_SUM:
        return "afgivne = gyldige + blanke fremmødte + blanke brev + øvrige ugyldige";
      case VK_COUNT_CHECK_LISTS_SUM:
        return "gyldige = sum of list totals";
      case VK_COUNT_CHECK_LIST_TOTAL:
        return "list total = listestemmer + personal votes";
      case VK_COUNT_CHECK_INVALID_REASONS:
        return "øvrige ugyldige = sum of the other invalid reasons";
      case VK_COUNT_CHECK_BLANK_REASON:
        return f->code == VK_INVALID_BLANK_IN_PERSON ? "blanke fremmødte = reason 1" : "blanke brev = reason 21";
      case VK_COUNT_CHECK_BALLOTS:
      case VK_COUNT_CHECK_BLANK_SHARE:
      case VK_COUNT_CHECK_INVALID_SHARE:
      case VK_COUNT_CHECK_MARKED:
      case VK_COUNT_CHECK_NONE_CAST:
      case VK_COUNT_CHECK_ABOVE_ELIGIBLE:
      case VK_COUNT_CHECK_SAME_LISTS:
      default:
        return vk_count_check_get_code (f->check);
    }
}

/* The blocking checks of vk_counts_check() (shared/vk-counts.c: the one
 * implementation of the count arithmetic), as failures that name the area. */
guint
vk_area_result_check (const VkAreaResult *self, GPtrArray *failures)
{
  g_autoptr (GArray) found = NULL;
  guint before;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (failures != NULL, 0);

  before = failures->len;
  found = vk_counts_check (self, NULL, NULL, -1, 0);
  for (guint i = 0; i < found->len; i++)
    {
      const VkCountFailure *f = &g_array_index (found, VkCountFailure, i);

      if (vk_count_check_is_blocking (f->check))
        add_failure (failures, self, f->check, f->list_id, check_what (f), (guint64)f->expected, (guint64)f->actual);
    }
  return failures->len - before;
}

GPtrArray *
vk_results_check (const VkResults *self)
{
  GPtrArray *failures = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_check_failure_free);

  g_return_val_if_fail (self != NULL, failures);
  for (guint i = 0; i < self->areas->len; i++)
    vk_area_result_check (g_ptr_array_index (self->areas, i), failures);
  if (self->total != NULL)
    vk_area_result_check (self->total, failures);
  return failures;
}
