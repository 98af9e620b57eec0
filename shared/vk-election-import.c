/* vk-election-import.c: FV, EP and FA events (vk-election-import.h).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "vk-election-import.h"
#include "vk-error.h"
#include "vk-file.h"
#include "vk-fv-kandidatdata.h"
#include "vk-json-private.h"

/* The file of dir whose name starts with prefix (valg.dk adds a time
 * stamp: Kommune-190320261917.json). */
static char *
find_geografi_file (const char *dir, const char *prefix, GError **error)
{
  g_autoptr (GPtrArray) names = vk_file_list_dir (dir, ".json", error);
  char *found = NULL;

  if (names == NULL)
    return NULL;
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);

      if (!g_str_has_prefix (name, prefix))
        continue;
      if (found != NULL)
        {
          g_autofree char *display = g_filename_display_name (dir);

          g_free (found);
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: more than one %s*.json", display, prefix);
          return NULL;
        }
      found = g_build_filename (dir, name, NULL);
    }
  if (found == NULL)
    {
      g_autofree char *display = g_filename_display_name (dir);

      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "%s: no %s*.json (valg.dk Valggeografi)", display, prefix);
    }
  return found;
}

typedef struct
{
  guint number;
  char *name;
  char *dagi;
  char *kreds;
  gboolean valgdk_zero; /* valg.dk's Nummer 0, renumbered */
} GeoArea;

static void
geo_area_clear (GeoArea *a)
{
  g_free (a->name);
  g_free (a->dagi);
  g_free (a->kreds);
}

static int
geo_area_cmp (gconstpointer x, gconstpointer y)
{
  const GeoArea *a = x, *b = y;

  return a->number < b->number ? -1 : a->number > b->number;
}

/* The storkreds the municipality lies in, from the Storkreds file:
 * stored as the event's region (its name) and region_dagi_id (its
 * number, 1–10), which FV, EP and FA contests copy
 * (docs/package-format.md, "FV, EP and FA contests"). */
static gboolean
import_storkreds (VkElection *self, const char *dir, guint number, GError **error)
{
  g_autofree char *path = find_geografi_file (dir, "Storkreds-", error);
  g_autofree char *file = NULL;
  g_autoptr (JsonParser) parser = NULL;
  JsonArray *arr;

  if (path == NULL)
    return FALSE;
  file = g_filename_display_name (path);
  arr = vk_json_load_array (path, &parser, error);
  if (arr == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      g_autofree char *name = NULL;
      guint n = 0;
      JsonObject *o = vk_json_array_get_obj (arr, i, file, "", error);

      if (o == NULL || !vk_json_get_uint (o, file, "", "Nummer", &n, error))
        return FALSE;
      if (n != number)
        continue;
      if (!vk_json_get_string (o, file, "", "Navn", TRUE, &name, error))
        return FALSE;
      g_free (self->region);
      self->region = g_steal_pointer (&name);
      g_free (self->region_dagi_id);
      self->region_dagi_id = g_strdup_printf ("%u", n);
      return TRUE;
    }
  g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "%s: no storkreds %u (%s's)", file, number, self->municipality);
  return FALSE;
}

gboolean
vk_election_import_geografi (VkElection *self, const char *dir, const char *kommunekode, GError **error)
{
  g_autofree char *kpath = NULL, *opath = NULL, *apath = NULL;
  g_autofree char *kfile = NULL, *ofile = NULL, *afile = NULL;
  g_autoptr (JsonParser) kp = NULL, op = NULL, ap = NULL;
  g_autoptr (GHashTable) kredse = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  /* Opstillingskreds DAGI id -> its Storkredskode. */
  g_autoptr (GHashTable) storkreds_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint storkreds = 0;
  g_autoptr (GArray) areas = g_array_new (FALSE, TRUE, sizeof (GeoArea));
  JsonArray *arr;
  gboolean found = FALSE;

  g_return_val_if_fail (self != NULL && dir != NULL && kommunekode != NULL, FALSE);
  g_return_val_if_fail (self->areas->len == 0, FALSE);
  g_array_set_clear_func (areas, (GDestroyNotify)geo_area_clear);

  kpath = find_geografi_file (dir, "Kommune-", error);
  if (kpath == NULL)
    return FALSE;
  opath = find_geografi_file (dir, "Opstillingskreds-", error);
  if (opath == NULL)
    return FALSE;
  apath = find_geografi_file (dir, "Afstemningsomraade-", error);
  if (apath == NULL)
    return FALSE;
  kfile = g_filename_display_name (kpath);
  ofile = g_filename_display_name (opath);
  afile = g_filename_display_name (apath);

  /* The municipality. */
  arr = vk_json_load_array (kpath, &kp, error);
  if (arr == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (arr) && !found; i++)
    {
      g_autofree char *code = NULL, *name = NULL, *dagi = NULL;
      JsonObject *o = vk_json_array_get_obj (arr, i, kfile, "", error);

      if (o == NULL || !vk_json_get_id (o, kfile, "", "Kode", TRUE, &code, error))
        return FALSE;
      if (strcmp (code, kommunekode) != 0)
        continue;
      if (!vk_json_get_string (o, kfile, "", "Navn", TRUE, &name, error)
          || !vk_json_get_id (o, kfile, "", "Dagi_id", FALSE, &dagi, error))
        return FALSE;
      g_free (self->municipality);
      self->municipality = g_steal_pointer (&name);
      g_free (self->municipality_code);
      self->municipality_code = g_steal_pointer (&code);
      g_free (self->municipality_dagi_id);
      self->municipality_dagi_id = g_steal_pointer (&dagi);
      found = TRUE;
    }
  if (!found)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "%s: no municipality with kommunekode %s", kfile, kommunekode);
      return FALSE;
    }

  /* Opstillingskredse: DAGI id -> name. */
  arr = vk_json_load_array (opath, &op, error);
  if (arr == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      g_autofree char *dagi = NULL, *name = NULL;
      guint sk = 0;
      JsonObject *o = vk_json_array_get_obj (arr, i, ofile, "", error);

      if (o == NULL || !vk_json_get_id (o, ofile, "", "Dagi_id", TRUE, &dagi, error)
          || !vk_json_get_string (o, ofile, "", "Navn", TRUE, &name, error)
          || !vk_json_get_uint (o, ofile, "", "Storkredskode", &sk, error))
        return FALSE;
      g_hash_table_replace (storkreds_of, g_strdup (dagi), GUINT_TO_POINTER (sk));
      g_hash_table_replace (kredse, g_steal_pointer (&dagi), g_steal_pointer (&name));
    }

  /* The municipality's afstemningsområder, by number. */
  arr = vk_json_load_array (apath, &ap, error);
  if (arr == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      g_autofree char *code = NULL;
      GeoArea a = { 0 };
      JsonObject *o = vk_json_array_get_obj (arr, i, afile, "", error);

      if (o == NULL || !vk_json_get_id (o, afile, "", "Kommunekode", TRUE, &code, error))
        return FALSE;
      if (strcmp (code, kommunekode) != 0)
        continue;
      if (!vk_json_get_uint (o, afile, "", "Nummer", &a.number, error)
          || !vk_json_get_string (o, afile, "", "Navn", TRUE, &a.name, error)
          || !vk_json_get_id (o, afile, "", "Dagi_id", FALSE, &a.dagi, error)
          || !vk_json_get_id (o, afile, "", "Opstillingskreds_Dagi_id", TRUE, &a.kreds, error))
        {
          geo_area_clear (&a);
          return FALSE;
        }
      g_array_append_val (areas, a);
      if (!g_hash_table_contains (kredse, a.kreds))
        {
          g_autofree char *what
              = g_strdup_printf ("afstemningsområde %u %s: unknown opstillingskreds", a.number, a.name);
          return vk_json_fail (error, afile, "", "Opstillingskreds_Dagi_id", what);
        }
      /* A municipality lies in one storkreds (FVL § 8). */
      if (storkreds != 0 && GPOINTER_TO_UINT (g_hash_table_lookup (storkreds_of, a.kreds)) != storkreds)
        {
          g_autofree char *what
              = g_strdup_printf ("afstemningsområde %u %s: kommunekode %s in two storkredse", a.number, a.name, code);
          return vk_json_fail (error, afile, "", "Opstillingskreds_Dagi_id", what);
        }
      storkreds = GPOINTER_TO_UINT (g_hash_table_lookup (storkreds_of, a.kreds));
    }
  if (areas->len == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "%s: no afstemningsområder of kommunekode %s", afile,
                   kommunekode);
      return FALSE;
    }
  if (!import_storkreds (self, dir, storkreds, error))
    return FALSE;
  g_array_sort (areas, geo_area_cmp);
  /* valgkit numbers areas from 1 (0 is "no area" for a device); valg.dk
   * gives Christiansø (kommune 400) Nummer 0.  Such an area becomes the
   * municipality's highest number + 1 inside valgkit; its DAGI id and
   * valg.dk's Nummer 0 (area.valgdk_number) are kept for valg.dk's files. */
  if (g_array_index (areas, GeoArea, 0).number == 0)
    {
      if (areas->len > 1 && g_array_index (areas, GeoArea, 1).number == 0)
        return vk_json_fail (error, afile, "", "Nummer", "two afstemningsområder with Nummer 0");
      g_array_index (areas, GeoArea, 0).number = g_array_index (areas, GeoArea, areas->len - 1).number + 1;
      g_array_index (areas, GeoArea, 0).valgdk_zero = TRUE;
      g_array_sort (areas, geo_area_cmp);
    }
  for (guint i = 0; i < areas->len; i++)
    {
      const GeoArea *a = &g_array_index (areas, GeoArea, i);
      VkArea *added;

      if (i > 0 && g_array_index (areas, GeoArea, i - 1).number == a->number)
        {
          g_autofree char *what
              = g_strdup_printf ("afstemningsområde %u of kommunekode %s twice", a->number, kommunekode);
          return vk_json_fail (error, afile, "", "Nummer", what);
        }
      added = vk_election_add_area (self, a->number, a->name, a->dagi, 0);
      if (a->valgdk_zero)
        {
          added->has_valgdk_number = TRUE;
          added->valgdk_number = 0;
        }
      vk_election_area_set_kreds (added, a->kreds, g_hash_table_lookup (kredse, a->kreds));
    }
  return TRUE;
}

/* ---- FV-Kandidatdata ---------------------------------------------------- */

/* A candidate being read, before it is known to be on a ballot. */
typedef VkCandidate Probe;

static void
probe_free (Probe *c)
{
  g_clear_pointer (&c->kredse, g_ptr_array_unref);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Probe, probe_free)

/* One candidate's entries for the municipality's kredse: adds them, and
 * tells whether one stands by "Partiliste". Entries with
 * OpstilletIKreds false are kept only when all_entries (a party's
 * candidate is on the ballot of every kreds the file lists for them; an
 * independent only where nominated). */
static gboolean
add_candidate_kredse (VkCandidate *c, const VkFvKdCandidate *kc, GHashTable *kredse, gboolean all_entries,
                      const char *file, gboolean *ret_partiliste, GError **error)
{
  for (guint k = 0; k < kc->kredse->len; k++)
    {
      const VkFvKdKreds *e = g_ptr_array_index (kc->kredse, k);

      if (!g_hash_table_contains (kredse, e->dagi_id))
        continue;
      if (!all_entries && !e->opstillet)
        continue;
      if (vk_candidate_lookup_kreds (c, e->dagi_id) != NULL)
        {
          g_autofree char *kpath = g_strdup_printf ("%s.Opstillingskredse[%u]", kc->path, k);
          g_autofree char *what = g_strdup_printf ("kreds %s twice", e->dagi_id);
          return vk_json_fail (error, file, kpath, "OpstillingskredsDagiId", what);
        }
      vk_election_candidate_add_kreds (c, e->dagi_id, e->place);
      if (e->form == VK_FV_FORM_PARTILISTE)
        *ret_partiliste = TRUE;
    }
  return TRUE;
}

static void
candidate_details (VkCandidate *c, const VkFvKdCandidate *kc)
{
  g_free (c->occupation);
  c->occupation = g_strdup (kc->occupation);
}

/* Adds one storkreds's file (vk_fv_kandidatdata_load()) to contest
 * (lists keyed by PartiId). */
static gboolean
import_fv_file (VkElection *contest, const char *path, GHashTable *kredse, GHashTable *independents, GError **error)
{
  g_autoptr (VkFvKandidatdata) kd = vk_fv_kandidatdata_load (path, error);
  const char *file;

  if (kd == NULL)
    return FALSE;
  file = kd->file;
  if (*contest->date == '\0')
    {
      g_free (contest->date);
      contest->date = g_strdup (kd->date);
    }
  else if (strcmp (contest->date, kd->date) != 0)
    return vk_json_fail (error, file, "", "Valgdag", "another day than the other FV-Kandidatdata files");

  for (guint i = 0; i < kd->parties->len; i++)
    {
      const VkFvKdParty *p = g_ptr_array_index (kd->parties, i);
      gboolean partiliste = FALSE;
      VkList *l = vk_election_lookup_list (contest, p->id);

      for (guint j = 0; j < p->candidates->len; j++)
        {
          const VkFvKdCandidate *c = g_ptr_array_index (p->candidates, j);
          g_autoptr (Probe) probe = g_new0 (VkCandidate, 1);
          VkCandidate *added;

          /* Only candidates on a ballot of the municipality's kredse. */
          if (!add_candidate_kredse (probe, c, kredse, TRUE, file, &partiliste, error))
            return FALSE;
          if (probe->kredse == NULL)
            continue;
          if (vk_election_lookup_candidate (contest, c->id) != NULL)
            {
              g_autofree char *what = g_strdup_printf ("candidate %s is already in another file", c->id);
              return vk_json_fail (error, file, c->path, "Id", what);
            }
          if (l == NULL)
            l = vk_election_add_list (contest, p->id, p->letter, p->name, p->place + 1, VK_LIST_SIDEORDNET);
          added = vk_election_add_candidate (
              contest, l, c->id, c->name, *c->ballot_name != '\0' ? c->ballot_name : c->name, l->candidates->len + 1);
          added->kredse = g_steal_pointer (&probe->kredse);
          candidate_details (added, c);
        }
      if (l != NULL && partiliste)
        l->form = VK_LIST_PARTILISTE;
    }

  for (guint i = 0; i < kd->independents->len; i++)
    {
      const VkFvKdCandidate *c = g_ptr_array_index (kd->independents, i);
      g_autoptr (Probe) probe = g_new0 (Probe, 1);
      gboolean partiliste = FALSE;

      if (!add_candidate_kredse (probe, c, kredse, FALSE, file, &partiliste, error))
        return FALSE;
      if (probe->kredse == NULL)
        continue;
      if (g_hash_table_contains (independents, c->id))
        return vk_json_fail (error, file, c->path, "Id", "independent candidate already in another file");
      g_hash_table_add (independents, g_strdup (c->id));
      {
        g_autofree char *list_id = g_strconcat ("udenfor-", c->id, NULL);
        /* Independents follow the parties on the ballot, in file order. */
        VkList *l = vk_election_add_list (contest, list_id, "", c->name, 1000 + g_hash_table_size (independents),
                                          VK_LIST_SIDEORDNET);
        VkCandidate *added = vk_election_add_candidate (contest, l, c->id, c->name,
                                                        *c->ballot_name != '\0' ? c->ballot_name : c->name, 1);

        added->kredse = g_steal_pointer (&probe->kredse);
        candidate_details (added, c);
      }
    }
  return TRUE;
}

static int
list_cmp (gconstpointer a, gconstpointer b)
{
  const VkList *x = *(const VkList *const *)a;
  const VkList *y = *(const VkList *const *)b;

  return x->position < y->position ? -1 : x->position > y->position;
}

VkElection *
vk_election_import_fv_kandidatdata (const VkElection *self, const char *path, GError **error)
{
  g_autoptr (VkElection) fv = vk_election_new ();
  g_autoptr (GHashTable) kredse = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) independents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *display = g_filename_display_name (path);
  guint n_parties = 0;

  g_return_val_if_fail (self != NULL && path != NULL, NULL);
  if (self->areas->len == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: the event has no afstemningsområder (give --geografi)",
                   display);
      return NULL;
    }
  for (guint i = 0; i < self->areas->len; i++)
    {
      const VkArea *a = g_ptr_array_index (self->areas, i);

      if (a->kreds == NULL || *a->kreds == '\0')
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "afstemningsområde %u %s has no opstillingskreds", a->number,
                       a->name);
          return NULL;
        }
      g_hash_table_add (kredse, a->kreds);
    }

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GPtrArray) names = vk_file_list_dir (path, ".json", error);

      if (names == NULL)
        return NULL;
      for (guint i = 0; i < names->len; i++)
        g_ptr_array_add (files, g_build_filename (path, g_ptr_array_index (names, i), NULL));
    }
  else
    g_ptr_array_add (files, g_strdup (path));

  fv->type = VK_ELECTION_FV;
  fv->seats = VK_FV_SEATS;
  for (guint i = 0; i < files->len; i++)
    if (!import_fv_file (fv, g_ptr_array_index (files, i), kredse, independents, error))
      return NULL;
  g_ptr_array_sort (fv->lists, list_cmp);
  /* Ballot order: the parties as valg.dk places them, then the independents. */
  for (guint i = 0; i < fv->lists->len; i++)
    {
      VkList *l = g_ptr_array_index (fv->lists, i);

      if (*l->letter != '\0')
        n_parties++;
      else
        l->position = n_parties + (i - n_parties) + 1;
    }
  /* Every kreds must have a ballot. */
  {
    GHashTableIter it;
    gpointer kreds;

    g_hash_table_iter_init (&it, kredse);
    while (g_hash_table_iter_next (&it, &kreds, NULL))
      {
        gboolean any = FALSE;

        for (guint i = 0; i < fv->lists->len && !any; i++)
          {
            const VkList *l = g_ptr_array_index (fv->lists, i);

            for (guint j = 0; j < l->candidates->len && !any; j++)
              any = vk_candidate_lookup_kreds (g_ptr_array_index (l->candidates, j), kreds) != NULL;
          }
        if (!any)
          {
            g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND,
                         "%s: no candidate stands in opstillingskreds %s (%s's): give the storkreds's FV-Kandidatdata",
                         display, (const char *)kreds, self->municipality);
            return NULL;
          }
      }
  }
  vk_election_copy_areas (fv, self);
  g_free (fv->municipality);
  fv->municipality = g_strdup (self->municipality);
  g_free (fv->municipality_code);
  fv->municipality_code = g_strdup (self->municipality_code);
  g_free (fv->municipality_dagi_id);
  fv->municipality_dagi_id = g_strdup (self->municipality_dagi_id);
  vk_election_copy_storkreds (fv, self);
  return g_steal_pointer (&fv);
}

void
vk_election_copy_storkreds (VkElection *contest, const VkElection *from)
{
  g_return_if_fail (contest != NULL && from != NULL);
  g_free (contest->region);
  contest->region = g_strdup (from->region != NULL ? from->region : "");
  g_free (contest->region_dagi_id);
  contest->region_dagi_id = g_strdup (from->region_dagi_id != NULL ? from->region_dagi_id : "");
}

/* ---- folkeafstemning ---------------------------------------------------- */

static void
add_ja_nej (VkElection *c)
{
  g_autofree char *ja = g_strconcat (vk_election_contest_id (c), "-ja", NULL);
  g_autofree char *nej = g_strconcat (vk_election_contest_id (c), "-nej", NULL);

  vk_election_add_list (c, ja, "", "Ja", 1, VK_LIST_SIDEORDNET);
  vk_election_add_list (c, nej, "", "Nej", 2, VK_LIST_SIDEORDNET);
}

VkElection *
vk_election_add_fa_question (VkElection *event, const char *title, GError **error)
{
  g_autoptr (VkElection) c = NULL;
  guint n_fa = 0;
  VkElection *added;
  g_autofree char *stripped = g_strstrip (g_strdup (title != NULL ? title : ""));

  g_return_val_if_fail (event != NULL && event->event == event, NULL);

  if (*stripped == '\0')
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "a folkeafstemning question needs a title");
      return NULL;
    }
  if (!g_utf8_validate (title, -1, NULL))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the folkeafstemning title is not UTF-8");
      return NULL;
    }
  /* An FA-only event: the first question is the primary itself. */
  if (event->type == VK_ELECTION_FA && event->lists->len == 0 && *event->title == '\0')
    {
      g_free (event->title);
      event->title = g_strdup (title);
      add_ja_nej (event);
      return event;
    }
  for (guint i = 0; i < event->contests->len; i++)
    if (((VkElection *)g_ptr_array_index (event->contests, i))->type == VK_ELECTION_FA)
      n_fa++;
  c = vk_election_new ();
  c->type = VK_ELECTION_FA;
  if (n_fa > 0)
    c->contest_id = g_strdup_printf ("FA%u", n_fa + 1);
  g_free (c->title);
  c->title = g_strdup (title);
  add_ja_nej (c);
  vk_election_copy_areas (c, event);
  vk_election_copy_storkreds (c, event);
  added = c;
  if (!vk_election_add_contest (event, g_steal_pointer (&c), error))
    return NULL;
  return added;
}

/* ---- eligible voters ---------------------------------------------------- */

void
vk_election_count_eligible (VkElection *event, const VkVoterList *voters)
{
  g_autoptr (GHashTable) sets
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);

  g_return_if_fail (event != NULL && event->event == event && voters != NULL);
  for (guint c = 0; c < event->contests->len; c++)
    {
      VkElection *contest = g_ptr_array_index (event->contests, c);

      for (guint i = 0; i < contest->areas->len; i++)
        ((VkArea *)g_ptr_array_index (contest->areas, i))->eligible = 0;
    }
  for (guint i = 0; i < vk_voter_list_get_length (voters); i++)
    {
      const VkVoter *v = vk_voter_list_get (voters, i);
      const char *key = v->contests != NULL ? v->contests : "";
      GPtrArray *set = g_hash_table_lookup (sets, key);

      if (set == NULL)
        {
          set = vk_election_voter_contests (event, key);
          g_hash_table_insert (sets, (gpointer)key, set);
        }
      for (guint c = 0; c < set->len; c++)
        {
          VkArea *a = vk_election_lookup_area (g_ptr_array_index (set, c), v->area);

          if (a != NULL)
            a->eligible++;
        }
    }
}
