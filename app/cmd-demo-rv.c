/* cmd-demo-rv.c: the regionsrådsvalg half of `valgkit demo --rv`.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * KV and RV are held together: each voter is checked in once and gets
 * two ballots, and every area counts both.  The demo reads the region's
 * valg.dk files (shared/data/rv2025/<Region>: kandidat-data.json and one
 * foreløbig and one fintælling file per area, named
 * <kommunekode>-<area number>-<name>.json), keeps the areas of the
 * demo's municipality, and adds the RV contest to the event before the
 * package is signed.  The tables then enter the RV counts beside the KV
 * counts through the same station API (vk_tally_enter() with contest
 * "RV").
 */
#include <stdio.h>
#include <string.h>

#include "cmd-demo-rv.h"
#include "cmd-demo-util.h"
#include "vk-error.h"
#include "vk-file.h"

guint
vk_demo_rv_seats_for_region (const char *region)
{
  /* Four regions since the 2027 reform (shared/docs/danish-elections.md). */
  static const struct
  {
    const char *name;
    guint seats;
  } regions[] = {
    { "Region Nordjylland", 25 },
    { "Region Midtjylland", 31 },
    { "Region Syddanmark", 31 },
    { "Region Østdanmark", 47 },
  };

  for (guint i = 0; region != NULL && i < G_N_ELEMENTS (regions); i++)
    if (strcmp (region, regions[i].name) == 0)
      return regions[i].seats;
  return 0;
}

/* The results of the municipality's areas in dir (files named
 * "<code>-…"), one per area of the contest in the contest's area order;
 * NULL where an area has no file. */
static GPtrArray *
import_municipality (const VkElection *contest, const char *dir, gboolean required, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_area_result_free);
  g_autoptr (GPtrArray) names = NULL;
  g_autofree char *prefix = g_strdup_printf ("%s-", contest->municipality_code);

  g_ptr_array_set_size (out, contest->areas->len);
  if (!required && !g_file_test (dir, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&out);
  names = vk_file_list_dir (dir, ".json", error);
  if (names == NULL)
    return NULL;
  for (guint k = 0; k < names->len; k++)
    {
      const char *name = g_ptr_array_index (names, k);
      g_autofree char *path = NULL;
      VkAreaResult *r;
      guint i;

      if (!g_str_has_prefix (name, prefix))
        continue;
      path = g_build_filename (dir, name, NULL);
      r = vk_area_result_import (contest, path, error);
      if (r == NULL)
        return NULL;
      for (i = 0; i < contest->areas->len; i++)
        if (((const VkArea *)g_ptr_array_index (contest->areas, i))->number == r->area_number)
          break;
      if (i == contest->areas->len || g_ptr_array_index (out, i) != NULL)
        {
          g_autofree char *file = g_filename_display_name (path);
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "%s: area %u is not an area of %s, or is in two files of the folder", file, r->area_number,
                       contest->municipality);
          vk_area_result_free (r);
          return NULL;
        }
      g_ptr_array_index (out, i) = r;
    }
  return g_steal_pointer (&out);
}

static VkResults *
results_new (GPtrArray *areas, VkResultKind kind, const char *municipality)
{
  VkResults *res = g_new0 (VkResults, 1);

  res->kind = kind;
  res->areas = g_ptr_array_ref (areas);
  res->total = vk_results_sum (areas, municipality);
  return res;
}

gboolean
vk_demo_rv_load (VkElection *event, const char *rv_dir, guint seats, VkResults **ret_foreloebig,
                 VkResults **ret_fintaelling, GError **error)
{
  g_autofree char *kd = g_build_filename (rv_dir, "kandidat-data.json", NULL);
  g_autofree char *fin_dir = g_build_filename (rv_dir, "fintaelling", NULL);
  g_autofree char *fore_dir = g_build_filename (rv_dir, "foreloebig", NULL);
  g_autoptr (GPtrArray) fin = NULL;
  g_autoptr (GPtrArray) fore = NULL;
  VkElection *rv = vk_election_import_kandidatdata (kd, error);
  VkElection *contest;

  if (rv == NULL)
    return FALSE;
  if (rv->type != VK_ELECTION_RV)
    {
      g_autofree char *file = g_filename_display_name (kd);
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: not a regionsrådsvalg (Valgart %s)", file,
                   vk_election_type_name_da (rv->type));
      vk_election_free (rv);
      return FALSE;
    }
  rv->seats = seats != 0 ? seats : vk_demo_rv_seats_for_region (rv->region);
  if (rv->seats == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the number of seats of %s is not known: give --rv-seats",
                   rv->region);
      vk_election_free (rv);
      return FALSE;
    }
  vk_election_copy_areas (rv, event);
  if (!vk_election_add_contest (event, rv, error))
    return FALSE;
  contest = rv;

  fin = import_municipality (contest, fin_dir, TRUE, error);
  if (fin == NULL)
    return FALSE;
  fore = import_municipality (contest, fore_dir, FALSE, error);
  if (fore == NULL)
    return FALSE;
  for (guint i = 0; i < contest->areas->len; i++)
    {
      VkArea *a = g_ptr_array_index (contest->areas, i);
      const VkAreaResult *f = g_ptr_array_index (fin, i);

      if (f == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "%s: no regionsrådsvalg fintælling of area %u %s in %s",
                       contest->municipality, a->number, a->name, fin_dir);
          return FALSE;
        }
      /* The RV ballot's own eligible voters (a few differ from KV's). */
      a->eligible = (guint)f->eligible;
      if (g_ptr_array_index (fore, i) == NULL)
        g_ptr_array_index (fore, i) = vk_demo_foreloebig_from (f);
    }
  *ret_foreloebig = results_new (fore, VK_RESULT_FORELOEBIG, contest->municipality);
  *ret_fintaelling = results_new (fin, VK_RESULT_FINTAELLING, contest->municipality);
  return TRUE;
}

gboolean
vk_demo_rv_count (VkStation *station, VkResultKind kind, const VkArea *area, const VkAreaResult *counts,
                  const VkBallotAccount *ballots, guint64 marked, const VkSigner *signers, guint n_signers,
                  const char *const by[2], guint64 (*tick) (guint64 minutes), GError **error)
{
  g_autofree char *why = NULL;

  tick (3);
  if (vk_tally_enter (station, "RV", kind, area->number, 1, by[0], counts, ballots, error) == 0)
    return FALSE;
  tick (3);
  if (vk_tally_enter (station, "RV", kind, area->number, 2, by[1], counts, ballots, error) == 0)
    return FALSE;
  tick (2);
  /* Voters may hand in one ballot and not the other: the RV count often
   * differs from the marked voters by a few (Læsø 2025: 1,265 RV ballots,
   * 1,269 KV ballots); the valgstyrere write why before signing. */
  if (marked != counts->cast)
    why = g_strdup_printf ("Regionsrådsvalget: %" G_GUINT64_FORMAT " afgivne stemmer mod %" G_GUINT64_FORMAT
                           " afkrydsede vælgere. Nogle vælgere afleverede kun den ene af de to stemmesedler.",
                           counts->cast, marked);
  if (vk_tally_sign_off (station, "RV", kind, area->number, signers, n_signers, why, (gint64)marked, area->eligible,
                         error)
      == 0)
    {
      g_prefix_error (error, "regionsrådsvalg, area %u: ", area->number);
      return FALSE;
    }
  return TRUE;
}
