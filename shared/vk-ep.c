/* vk-ep.c: Europa-Parlamentsvalg: valg.dk's EV-Kandidatdata and EV-Valgresultater.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-contest-result.h"
#include "vk-ep.h"
#include "vk-error.h"
#include "vk-file.h"
#include "vk-json-private.h"
#include "vk-text.h"

#define MAX_COUNT G_GUINT64_CONSTANT (1000000000)

static gboolean
check_valgart (JsonObject *root, const char *file, GError **error)
{
  g_autofree char *valgart = NULL;

  if (!vk_json_get_string (root, file, "", "Valgart", TRUE, &valgart, error))
    return FALSE;
  if (strcmp (valgart, "Europa-Parlamentsvalg") != 0)
    {
      g_autofree char *v = vk_text_escape_controls (valgart);
      g_autofree char *what = g_strdup_printf ("\"%s\": a file of another election, not a Europa-Parlamentsvalg", v);
      return vk_json_fail (error, file, "", "Valgart", what);
    }
  return TRUE;
}

VkElection *
vk_ep_import_kandidatdata (const char *path, GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (VkElection) e = NULL;
  g_autofree char *file = NULL;
  JsonObject *root;
  JsonArray *lists, *vfs;

  g_return_val_if_fail (path != NULL, NULL);
  root = vk_json_load_object (path, &parser, error);
  if (root == NULL)
    return NULL;
  file = vk_text_escape_controls (path);
  if (!check_valgart (root, file, error))
    return NULL;
  lists = vk_json_get_array (root, file, "", "Kandidatlister", error);
  vfs = lists != NULL ? vk_json_get_array (root, file, "", "Valgforbund", error) : NULL;
  if (vfs == NULL)
    return NULL;
  e = vk_election_new ();
  e->type = VK_ELECTION_EP;
  e->seats = VK_EP_SEATS;
  for (guint i = 0; i < json_array_get_length (lists); i++)
    {
      g_autofree char *lp = g_strdup_printf ("Kandidatlister[%u]", i);
      g_autofree char *id = NULL, *letter = NULL, *name = NULL, *form = NULL;
      JsonObject *lo = vk_json_array_get_obj (lists, i, file, "Kandidatlister", error);
      JsonArray *cands;
      guint pos = 0;
      VkList *l;

      if (lo == NULL || !vk_json_get_id (lo, file, lp, "KandidatlisteId", TRUE, &id, error)
          || !vk_json_get_string (lo, file, lp, "Bogstavbetegnelse", TRUE, &letter, error)
          || !vk_json_get_string (lo, file, lp, "Navn", TRUE, &name, error)
          || !vk_json_get_string (lo, file, lp, "Opstillingsform", TRUE, &form, error)
          || !vk_json_get_uint (lo, file, lp, "Stemmeseddelsplacering", &pos, error))
        return NULL;
      if (strcmp (form, "Sideordnet") != 0 && strcmp (form, "Partiliste") != 0)
        return (void)vk_json_fail (error, file, lp, "Opstillingsform", "neither Sideordnet nor Partiliste"), NULL;
      if (vk_election_lookup_list (e, id) != NULL)
        return (void)vk_json_fail (error, file, lp, "KandidatlisteId", "given twice"), NULL;
      for (guint k = 0; k < e->lists->len; k++)
        if (*letter != '\0' && strcmp (((VkList *)g_ptr_array_index (e->lists, k))->letter, letter) == 0)
          return (void)vk_json_fail (error, file, lp, "Bogstavbetegnelse", "two lists have this letter"), NULL;
      l = vk_election_add_list (e, id, letter, name, pos,
                                strcmp (form, "Partiliste") == 0 ? VK_LIST_PARTILISTE : VK_LIST_SIDEORDNET);
      cands = vk_json_get_array (lo, file, lp, "Kandidater", error);
      if (cands == NULL)
        return NULL;
      for (guint k = 0; k < json_array_get_length (cands); k++)
        {
          g_autofree char *cp = g_strdup_printf ("%s.Kandidater[%u]", lp, k);
          g_autofree char *cid = NULL, *cname = NULL, *bname = NULL;
          JsonObject *co = vk_json_array_get_obj (cands, k, file, lp, error);
          guint cpos = 0;

          if (co == NULL || !vk_json_get_id (co, file, cp, "Id", TRUE, &cid, error)
              || !vk_json_get_string (co, file, cp, "Navn", FALSE, &cname, error)
              || !vk_json_get_string (co, file, cp, "Stemmeseddelnavn", FALSE, &bname, error)
              || !vk_json_get_uint (co, file, cp, "Stemmeseddelsplacering", &cpos, error))
            return NULL;
          if (vk_election_lookup_candidate (e, cid) != NULL)
            return (void)vk_json_fail (error, file, cp, "Id", "given twice"), NULL;
          vk_election_add_candidate (e, l, cid, cname, *bname != '\0' ? bname : cname, cpos);
        }
    }
  for (guint i = 0; i < json_array_get_length (vfs); i++)
    {
      g_autofree char *vp = g_strdup_printf ("Valgforbund[%u]", i);
      g_autofree char *id = NULL, *vname = NULL;
      JsonObject *vo = vk_json_array_get_obj (vfs, i, file, "Valgforbund", error);
      JsonArray *members;
      VkValgforbund *vf;

      if (vo == NULL || !vk_json_get_id (vo, file, vp, "ValgforbundId", TRUE, &id, error)
          || !vk_json_get_string (vo, file, vp, "Navn", FALSE, &vname, error))
        return NULL;
      members = vk_json_get_array (vo, file, vp, "Kandidatlister", error);
      if (members == NULL)
        return NULL;
      vf = vk_election_add_valgforbund (e, id, *vname != '\0' ? vname : id);
      for (guint k = 0; k < json_array_get_length (members); k++)
        {
          JsonNode *n = json_array_get_element (members, k);
          g_autofree char *mp = g_strdup_printf ("%s.Kandidatlister[%u]", vp, k);
          const char *lid;
          VkList *l;

          if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
            return (void)vk_json_fail (error, file, mp, "", "expected a KandidatlisteId"), NULL;
          lid = json_node_get_string (n);
          l = vk_election_lookup_list (e, lid);
          if (l == NULL)
            return (void)vk_json_fail (error, file, vp, "Kandidatlister", "names a list that is not in the file"), NULL;
          if (l->valgforbund_id != NULL)
            return (void)vk_json_fail (error, file, vp, "Kandidatlister", "a list is in two valgforbund"), NULL;
          if (!vk_election_valgforbund_add_list (e, vf, lid, error))
            return NULL;
        }
    }
  return g_steal_pointer (&e);
}

static VkList *
find_list (const VkElection *e, const char *id, const char *letter)
{
  VkList *l = id != NULL ? vk_election_lookup_list (e, id) : NULL;

  for (guint i = 0; l == NULL && letter != NULL && *letter != '\0' && i < e->lists->len; i++)
    if (strcmp (((VkList *)g_ptr_array_index (e->lists, i))->letter, letter) == 0)
      l = g_ptr_array_index (e->lists, i);
  return l;
}

static gboolean
get_count (JsonObject *o, const char *file, const char *path, const char *member, gboolean nullable, guint64 *ret,
           gboolean *ret_present, GError **error)
{
  if (!vk_json_get_u64 (o, file, path, member, nullable, ret, ret_present, error))
    return FALSE;
  if (*ret > MAX_COUNT)
    return vk_json_fail (error, file, path, member, "not a plausible count");
  return TRUE;
}

static gboolean
read_area (const VkElection *e, JsonObject *root, const char *file, VkAreaResult *total, GHashTable *areas, char **kind,
           GError **error)
{
  g_autofree char *resultatart = NULL, *area = NULL;
  JsonArray *lists;
  guint64 valid = 0, cast = 0, eligible = 0, bf = 0, bb = 0, other = 0, sum = 0;
  const char *prev;

  if (root == NULL || !check_valgart (root, file, error)
      || !vk_json_get_string (root, file, "", "Resultatart", TRUE, &resultatart, error)
      || !vk_json_get_id (root, file, "", "AfstemningsområdeDagiId", TRUE, &area, error)
      || !get_count (root, file, "", "GyldigeStemmer", FALSE, &valid, NULL, error)
      || !get_count (root, file, "", "AfgivneStemmer", FALSE, &cast, NULL, error)
      || !get_count (root, file, "", "AntalStemmeberettigedeVælgere", FALSE, &eligible, NULL, error)
      || !get_count (root, file, "", "BlankeUgyldigeFremmødteStemmer", TRUE, &bf, NULL, error)
      || !get_count (root, file, "", "BlankeUgyldigeBrevstemmer", TRUE, &bb, NULL, error)
      || !get_count (root, file, "", "UgyldigeStemmerUdoverBlanke", TRUE, &other, NULL, error))
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
  lists = vk_json_get_array (root, file, "", "Kandidatlister", error);
  if (lists == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (lists); i++)
    {
      g_autofree char *lp = g_strdup_printf ("Kandidatlister[%u]", i);
      g_autofree char *pid = NULL, *letter = NULL;
      JsonObject *lo = vk_json_array_get_obj (lists, i, file, "Kandidatlister", error);
      JsonNode *cn;
      guint64 votes = 0, list_votes = 0;
      gboolean has_list_votes = FALSE;
      VkListResult *lr;
      VkList *l;

      if (lo == NULL || !vk_json_get_id (lo, file, lp, "PartiId", FALSE, &pid, error)
          || !vk_json_get_string (lo, file, lp, "Bogstavbetegnelse", FALSE, &letter, error)
          || !get_count (lo, file, lp, "Stemmer", FALSE, &votes, NULL, error)
          || !get_count (lo, file, lp, "Partistemmer", TRUE, &list_votes, &has_list_votes, error))
        return FALSE;
      l = find_list (e, pid, letter);
      if (l == NULL)
        return vk_json_fail (error, file, lp, "PartiId", "a list the kandidatdata do not have");
      lr = vk_area_result_add_list (total, l->id, votes, list_votes);
      lr->has_list_votes = has_list_votes;
      sum += votes;
      cn = vk_json_member (lo, "Kandidater");
      if (cn != NULL && JSON_NODE_HOLDS_ARRAY (cn))
        {
          JsonArray *cands = json_node_get_array (cn);
          for (guint k = 0; k < json_array_get_length (cands); k++)
            {
              g_autofree char *cp = g_strdup_printf ("%s.Kandidater[%u]", lp, k);
              g_autofree char *cid = NULL;
              JsonObject *co = vk_json_array_get_obj (cands, k, file, lp, error);
              VkCandidate *c;
              guint64 cv = 0;

              if (co == NULL || !vk_json_get_id (co, file, cp, "Id", TRUE, &cid, error)
                  || !get_count (co, file, cp, "Stemmer", FALSE, &cv, NULL, error))
                return FALSE;
              c = vk_election_lookup_candidate (e, cid);
              if (c == NULL || c->list != l)
                return vk_json_fail (error, file, cp, "Id", "a candidate the list does not have");
              vk_area_result_add_candidate (total, l->id, cid, cv);
            }
        }
    }
  if (sum != valid)
    {
      g_autofree char *what
          = g_strdup_printf ("%" G_GUINT64_FORMAT ", but the lists have %" G_GUINT64_FORMAT, valid, sum);
      return vk_json_fail (error, file, "", "GyldigeStemmer", what);
    }
  total->valid += valid;
  total->cast += cast;
  total->eligible += eligible;
  total->blank_in_person += bf;
  total->blank_postal += bb;
  total->other_invalid += other;
  return TRUE;
}

VkAreaResult *
vk_ep_import_results_dir (const VkElection *election, const char *dir, guint *ret_n_areas, GError **error)
{
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GHashTable) areas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *display = NULL, *kind = NULL;
  VkAreaResult *total;

  g_return_val_if_fail (election != NULL && dir != NULL, NULL);
  display = vk_text_escape_controls (dir);
  names = vk_file_list_dir (dir, ".json", error);
  if (names == NULL)
    return NULL;
  if (names->len == 0 || names->len > 100000)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "%s: no EV-Valgresultater files (*.json)", display);
      return NULL;
    }
  total = vk_area_result_new (VK_RESULT_FINTAELLING, 0, "Hele landet");
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autofree char *file = vk_text_escape_controls (path);
      g_autoptr (JsonParser) parser = NULL;
      JsonObject *root = vk_json_load_object (path, &parser, error);
      if (root == NULL || !read_area (election, root, file, total, areas, &kind, error))
        {
          vk_area_result_free (total);
          return NULL;
        }
    }
  total->kind = strcmp (kind, "Fintælling") == 0 ? VK_RESULT_FINTAELLING : VK_RESULT_FORELOEBIG;
  if (ret_n_areas != NULL)
    *ret_n_areas = names->len;
  return total;
}

VkAreaResult *
vk_ep_import_results_signed (const VkElection *election, GPtrArray *results, guint *ret_n_areas, GError **error)
{
  g_autoptr (GHashTable) areas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (VkAreaResult) total = NULL;
  g_autofree char *kind = NULL;
  guint n = 0;

  g_return_val_if_fail (election != NULL && results != NULL, NULL);
  if (results->len == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "no signed municipality results");
      return NULL;
    }
  total = vk_area_result_new (VK_RESULT_FINTAELLING, 0, "Hele landet");
  for (guint i = 0; i < results->len; i++)
    {
      const VkContestResult *r = g_ptr_array_index (results, i);
      g_autofree char *code = vk_text_escape_controls (r->municipality_code);

      if (g_strcmp0 (r->contest_id, "EP") != 0 || r->files == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "kommune %s: not a signed Europa-Parlamentsvalg result",
                       code);
          return NULL;
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
              return NULL;
            }
          if (!read_area (election, json_node_get_object (root), file, total, areas, &kind, error))
            return NULL;
          n++;
        }
    }
  total->kind = strcmp (kind, "Fintælling") == 0 ? VK_RESULT_FINTAELLING : VK_RESULT_FORELOEBIG;
  if (ret_n_areas != NULL)
    *ret_n_areas = n;
  return g_steal_pointer (&total);
}
