/* cmd-folketingsvalg.c: `valgkit folketingsvalg`, the national allocation of a folketingsvalg.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thin: the readers are shared/vk-dst.c (DST's XML) and
 * shared/vk-fv-valgdk.c (valg.dk's FV-Valgresultater), the rules
 * shared/vk-fv.c.  Nothing is written unless the allocation is complete.
 * docs/folketingsvalg.md.
 */
#include <stdio.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "cmd-folketingsvalg.h"
#include "vk-cli.h"
#include "vk-contest-result.h"
#include "vk-dst-valgdk.h"
#include "vk-dst.h"
#include "vk-error.h"
#include "vk-fv-elected.h"
#include "vk-fv-kandidatdata.h"
#include "vk-fv-partistemmefordeling.h"
#include "vk-fv-valgdk.h"
#include "vk-fv.h"
#include "vk-seats.h"
#include "vk-text.h"

static gboolean
write_out (const char *path, const char *data, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (!g_file_set_contents_full (path, data, -1, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0644,
                                 &local))
    {
      g_autofree char *file = vk_text_escape_controls (path);
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: cannot write: %s", file, local->message);
      return FALSE;
    }
  return TRUE;
}

/* Prints the error; a missing lot draw is exit status 3. */
static int
fail (const char *cmd, const GError *error)
{
  if (g_error_matches (error, VK_ERROR, VK_ERROR_TIE))
    {
      g_autofree char *m = vk_text_escape_controls (error->message);
      fprintf (stderr, "valgkit %s: Lodtrækning nødvendig: %s\nAngiv udfaldet med --lots LOTS.json.\n", cmd, m);
      return VK_EXIT_TIE;
    }
  return vk_cli_fail (cmd, error);
}

GPtrArray *
vk_cmd_read_signed (const char *const *paths, const char *trust_path, const char *contest, GError **error)
{
  g_autoptr (GPtrArray) keys = vk_trusted_keys_load (trust_path, error);
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_contest_result_free);
  g_autoptr (GHashTable) codes = g_hash_table_new (g_str_hash, g_str_equal);

  if (keys == NULL)
    return NULL;
  for (guint i = 0; paths[i] != NULL; i++)
    {
      VkContestResult *r = vk_valgdk_result_read (paths[i], keys, contest, error);
      if (r == NULL)
        return NULL;
      g_ptr_array_add (results, r);
      if (!g_hash_table_add (codes, r->municipality_code))
        {
          g_autofree char *file = vk_text_escape_controls (paths[i]);
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: kommune %s has already been given", file,
                       r->municipality_code);
          return NULL;
        }
    }
  return g_steal_pointer (&results);
}

/* Every signed file verified under the trusted keys, one per municipality. */
static VkFvVotes *
read_signed (const char *const *paths, const char *trust_path, const VkFvTable *table, GError **error)
{
  g_autoptr (GPtrArray) results = vk_cmd_read_signed (paths, trust_path, "FV", error);

  return results != NULL ? vk_fv_valgdk_read_signed (results, table, error) : NULL;
}

int
vk_cmd_dst_valgdk_out (const char *cmd, VkDstKind kind, const char *results, const char *out_dir, const char *kommune,
                       const char *kommune_navn, const char *const *kredse)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkDstMunicipality) m = NULL;
  guint written = 0;

  if (results == NULL || kommune == NULL || kommune_navn == NULL || kredse == NULL || kredse[0] == NULL)
    {
      fprintf (stderr,
               "valgkit %s: --valgdk-out needs --results (DST's folder), --kommune, --kommune-navn and "
               "--opstillingskreds (see --help)\n",
               cmd);
      return VK_EXIT_USAGE;
    }
  if (!vk_dst_is_folder (results))
    {
      fprintf (stderr, "valgkit %s: --valgdk-out reads Danmarks Statistik's folder (fintal.xml …)\n", cmd);
      return VK_EXIT_USAGE;
    }
  m = vk_dst_read_municipality (results, kind, kommune, kommune_navn, kredse, &error);
  if (m == NULL || g_mkdir_with_parents (out_dir, 0755) != 0
      || !vk_dst_municipality_write_valgdk (m, out_dir, &written, &error))
    {
      if (error == NULL)
        {
          g_autofree char *d = vk_text_escape_controls (out_dir);
          g_set_error (&error, VK_ERROR, VK_ERROR_IO, "%s: cannot create the folder", d);
        }
      return vk_cli_fail (cmd, error);
    }
  {
    g_autofree char *d = vk_text_escape_controls (out_dir);
    printf ("%u afstemningsområder, %u filer skrevet i %s\n", m->results->len, written, d);
  }
  return VK_EXIT_OK;
}

int
vk_cmd_folketingsvalg (int argc, char **argv)
{
  g_autofree char *results = NULL, *table_path = NULL, *lots_path = NULL, *out_path = NULL;
  g_autofree char *psf_dir = NULL;
  g_autofree char *valgdk_out = NULL, *kommune = NULL, *kommune_navn = NULL;
  g_auto (GStrv) kredse = NULL;
  g_auto (GStrv) signed_paths = NULL;
  g_autofree char *trust_path = NULL;
  g_auto (GStrv) kandidatdata_paths = NULL;
  const GOptionEntry entries[] = {
    { "results", 'r', 0, G_OPTION_ARG_FILENAME, &results,
      "Danmarks Statistik's fintælling folder (fintal.xml …) or a folder of valg.dk FV-Valgresultater files", "DIR" },
    { "signed", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &signed_paths,
      "Instead of --results: a municipality's signed valg.dk result (valgkit-valgdk-result-v1; repeat)", "FILE" },
    { "trust", 0, 0, G_OPTION_ARG_FILENAME, &trust_path,
      "With --signed: the municipalities' election public keys (as valgkit region --trust)", "TRUST" },
    { "table", 't', 0, G_OPTION_ARG_FILENAME, &table_path,
      "The kreds- and tillægsmandater per landsdel and storkreds (kredsmandater.json)", "FILE" },
    { "kandidatdata", 'k', 0, G_OPTION_ARG_FILENAME_ARRAY, &kandidatdata_paths,
      "valg.dk FV-Kandidatdata (a file per storkreds, or a folder of them; repeat): name the elected candidates and "
      "their stedfortrædere",
      "DIR|FILE" },
    { "lots", 'l', 0, G_OPTION_ARG_FILENAME, &lots_path, "Outcomes of lot draws (as valgkit mandates)", "LOTS.json" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Write the allocation (JSON) here", "FILE" },
    { "partistemmefordeling", 0, 0, G_OPTION_ARG_FILENAME, &psf_dir,
      "With --kandidatdata: write valg.dk's Partistemmefordeling, a file per opstillingskreds, here", "DIR" },
    { "valgdk-out", 0, 0, G_OPTION_ARG_FILENAME, &valgdk_out,
      "Instead: write one municipality's areas of DST's folder as valg.dk FV-Valgresultater files here", "DIR" },
    { "kommune", 0, 0, G_OPTION_ARG_STRING, &kommune, "With --valgdk-out: the Kommunekode", "KODE" },
    { "kommune-navn", 0, 0, G_OPTION_ARG_STRING, &kommune_navn, "With --valgdk-out: the municipality's name", "NAVN" },
    { "opstillingskreds", 0, 0, G_OPTION_ARG_STRING_ARRAY, &kredse,
      "With --valgdk-out: an opstillingskreds of the municipality, as fintal.xml names it (repeat)", "NAVN" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- the national allocation of a folketingsvalg");
  g_autoptr (GError) error = NULL;
  g_autoptr (VkFvTable) table = NULL;
  g_autoptr (VkFvVotes) votes = NULL;
  g_autoptr (VkLots) lots = NULL;
  g_autoptr (VkFvAllocation) alloc = NULL;
  g_autoptr (VkFvDraws) draws = NULL;
  g_autoptr (VkFvElected) elected = NULL;
  g_autoptr (GPtrArray) kandidatdata = NULL;
  g_autoptr (GPtrArray) psf = NULL;
  g_autofree char *json = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (
      ctx, "Kredsmandater per storkreds (d'Hondt), the qualification and the 175 seats per party (largest\n"
           "remainder, § 77 stk. 4 included), the tillægsmandater per landsdel (1, 3, 5 …) and storkreds\n"
           "(1, 4, 7 …): folketingsvalgloven §§ 76–79.  With --kandidatdata also the elected candidates\n"
           "and the stedfortrædere of each party in each storkreds by its opstillingsform (personal votes,\n"
           "party votes shared or given per kreds, partiliste by fordelingstal and list order; FVL §§ 79 ff.;\n"
           "needs a fintælling); with --partistemmefordeling also valg.dk's Partistemmefordeling per\n"
           "opstillingskreds (the party votes allotted there, in whole votes).  Exit status: 0 done, 2 bad\n"
           "usage or malformed input, 3 a lot draw is needed (see --lots).  docs/folketingsvalg.md.");
  if (!vk_cli_parse (ctx, &argc, &argv, "folketingsvalg"))
    return VK_EXIT_USAGE;
  if (valgdk_out != NULL)
    {
      if (argc > 1)
        return VK_EXIT_USAGE;
      return vk_cmd_dst_valgdk_out ("folketingsvalg", VK_DST_FOLKETINGSVALG, results, valgdk_out, kommune, kommune_navn,
                                    (const char *const *)kredse);
    }
  if ((results == NULL) == (signed_paths == NULL) || (signed_paths != NULL && trust_path == NULL) || table_path == NULL
      || out_path == NULL || argc > 1)
    {
      fprintf (stderr, "valgkit folketingsvalg: --results (or --signed with --trust), --table and --out are required "
                       "(see --help)\n");
      return VK_EXIT_USAGE;
    }
  if (psf_dir != NULL && kandidatdata_paths == NULL)
    {
      fprintf (stderr, "valgkit folketingsvalg: --partistemmefordeling needs --kandidatdata (see --help)\n");
      return VK_EXIT_USAGE;
    }
  table = vk_fv_table_load (table_path, &error);
  if (table == NULL)
    return fail ("folketingsvalg", error);
  if (lots_path != NULL)
    {
      lots = vk_lots_load (lots_path, &error);
      if (lots == NULL)
        return fail ("folketingsvalg", error);
    }
  if (signed_paths != NULL)
    votes = read_signed ((const char *const *)signed_paths, trust_path, table, &error);
  else if (vk_dst_is_folder (results))
    votes = vk_dst_read_fv (results, &error);
  else
    votes = vk_fv_valgdk_read (results, table, &error);
  if (votes == NULL)
    return fail ("folketingsvalg", error);
  if (kandidatdata_paths != NULL)
    {
      kandidatdata = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_fv_kandidatdata_free);
      for (guint i = 0; kandidatdata_paths[i] != NULL; i++)
        {
          g_autoptr (GPtrArray) some = vk_fv_kandidatdata_load_all (kandidatdata_paths[i], &error);
          if (some == NULL)
            return fail ("folketingsvalg", error);
          for (guint j = 0; j < some->len; j++)
            g_ptr_array_add (kandidatdata, g_steal_pointer (&some->pdata[j]));
        }
    }
  draws = vk_fv_draws_new (lots);
  alloc = vk_fv_allocate_with_draws (table, votes, draws, &error);
  if (alloc == NULL)
    return fail ("folketingsvalg", error);
  if (kandidatdata != NULL)
    {
      elected = vk_fv_elect (alloc, g_steal_pointer (&kandidatdata), draws, &error);
      if (elected == NULL)
        return fail ("folketingsvalg", error);
    }
  if (!vk_fv_draws_check_used (draws, &error))
    return fail ("folketingsvalg", error);
  /* Every file is made before any is written. */
  if (psf_dir != NULL)
    {
      psf = vk_fv_partistemmefordeling_build (alloc, elected, g_get_real_time () / 1000, &error);
      if (psf == NULL)
        return fail ("folketingsvalg", error);
    }
  json = vk_fv_allocation_to_json_elected (alloc, elected);
  if (!write_out (out_path, json, &error))
    return fail ("folketingsvalg", error);

  printf ("%s\n", votes->source);
  printf ("%s %10s %6s %6s %6s\n", "Parti", "Stemmer", "Kreds", "Tillæg", "I alt");
  for (guint p = 0; p < alloc->n_parties; p++)
    {
      g_autofree char *letter = vk_text_escape_controls (g_ptr_array_index (votes->letters, p));
      g_autofree char *padded = vk_cli_pad (letter, 5);
      printf ("%s %10" G_GUINT64_FORMAT " %6u %6u %6u%s\n", padded, alloc->party_votes[p], alloc->kreds[p],
              alloc->tillaeg[p], alloc->kreds[p] + alloc->tillaeg[p],
              alloc->kept[p]        ? "  (§ 77 stk. 4)"
              : alloc->qualified[p] ? ""
                                    : "  (ikke kvalificeret)");
    }
  for (guint i = 0; i < alloc->independents->len; i++)
    {
      const VkFvElectedIndependent *e = g_ptr_array_index (alloc->independents, i);
      g_autofree char *name = vk_text_escape_controls (e->name);
      printf ("Uden for partier: %s, 1 kredsmandat\n", name);
    }
  if (elected != NULL)
    {
      g_autofree char *out_display = NULL;
      guint n = 0;
      for (guint i = 0; i < elected->parties->len; i++)
        {
          const VkFvPartyRank *r = g_ptr_array_index (elected->parties, i);
          for (guint j = 0; j < r->ranked->len; j++)
            n += ((const VkFvCandidateRank *)g_ptr_array_index (r->ranked, j))->elected;
        }
      for (guint i = 0; i < elected->independents->len; i++)
        n += ((const VkFvIndependentRank *)g_ptr_array_index (elected->independents, i))->elected;
      out_display = vk_text_escape_controls (out_path);
      printf ("%u kandidater valgt ved navn (se %s)\n", n, out_display);
    }
  if (psf != NULL)
    {
      g_autofree char *d = vk_text_escape_controls (psf_dir);
      guint written = 0;

      if (!vk_fv_partistemmefordeling_write (psf_dir, psf, &written, &error))
        return fail ("folketingsvalg", error);
      printf ("Partistemmefordeling: %u opstillingskredse, %u filer skrevet i %s\n", psf->len, written, d);
    }
  return VK_EXIT_OK;
}
