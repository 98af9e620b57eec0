/* cmd-europaparlamentsvalg.c: `valgkit europaparlamentsvalg`, the 15 Danish seats of a Europa-Parlamentsvalg.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thin: the EV readers are shared/vk-ep.c, the allocation (d'Hondt over
 * valgforbund and lists, then inside, the candidates as at a
 * kommunalvalg) is vk_seats_allocate().  docs/folketingsvalg.md.
 */
#include <stdio.h>

#include <glib.h>

#include "cmd-folketingsvalg.h"
#include "cmd-mandates.h"
#include "vk-cli.h"
#include "vk-ep.h"
#include "vk-error.h"
#include "vk-seats.h"
#include "vk-text.h"

int
vk_cmd_europaparlamentsvalg (int argc, char **argv)
{
  g_autofree char *kandidatdata = NULL, *results = NULL, *lots_path = NULL, *out_path = NULL;
  g_autofree char *trust_path = NULL;
  g_auto (GStrv) signed_paths = NULL;
  const GOptionEntry entries[] = {
    { "kandidatdata", 'k', 0, G_OPTION_ARG_FILENAME, &kandidatdata, "valg.dk's EV-Kandidatdata (lists, valgforbund)",
      "FILE" },
    { "results", 'r', 0, G_OPTION_ARG_FILENAME, &results, "A folder of valg.dk EV-Valgresultater files (one per area)",
      "DIR" },
    { "signed", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &signed_paths,
      "Instead of --results: a municipality's signed valg.dk result (valgkit-valgdk-result-v1; repeat)", "FILE" },
    { "trust", 0, 0, G_OPTION_ARG_FILENAME, &trust_path,
      "With --signed: the municipalities' election public keys (as valgkit region --trust)", "TRUST" },
    { "lots", 'l', 0, G_OPTION_ARG_FILENAME, &lots_path, "Outcomes of lot draws (as valgkit mandates)", "LOTS.json" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Write the mandatfordeling JSON here", "FILE" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- the 15 seats of a Europa-Parlamentsvalg");
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (VkElection) e = NULL;
  g_autoptr (VkAreaResult) total = NULL;
  g_autoptr (VkLots) lots = NULL;
  g_autoptr (VkTie) tie = NULL;
  g_autoptr (VkSeatAllocation) alloc = NULL;
  g_autofree char *json = NULL;
  guint n_areas = 0;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx,
                                    "d'Hondt over the valgforbund and the lists outside one, then inside each "
                                    "valgforbund, no list\nabove its number of candidates (EPVL § 32); the "
                                    "candidates as at a kommunalvalg.  Exit status: 0 done,\n2 bad usage or "
                                    "malformed input, 3 a lot draw is needed (see --lots).  docs/folketingsvalg.md.");
  if (!vk_cli_parse (ctx, &argc, &argv, "europaparlamentsvalg"))
    return VK_EXIT_USAGE;
  if (kandidatdata == NULL || (results == NULL) == (signed_paths == NULL)
      || (signed_paths != NULL && trust_path == NULL) || out_path == NULL || argc > 1)
    {
      fprintf (stderr, "valgkit europaparlamentsvalg: --kandidatdata, --results (or --signed with --trust) and --out "
                       "are required (see --help)\n");
      return VK_EXIT_USAGE;
    }
  e = vk_ep_import_kandidatdata (kandidatdata, &error);
  if (e == NULL)
    return vk_cli_fail ("europaparlamentsvalg", error);
  if (lots_path != NULL)
    {
      lots = vk_lots_load (lots_path, &error);
      if (lots == NULL)
        return vk_cli_fail ("europaparlamentsvalg", error);
    }
  if (signed_paths != NULL)
    {
      g_autoptr (GPtrArray) signed_results
          = vk_cmd_read_signed ((const char *const *)signed_paths, trust_path, "EP", &error);
      total = signed_results != NULL ? vk_ep_import_results_signed (e, signed_results, &n_areas, &error) : NULL;
    }
  else
    total = vk_ep_import_results_dir (e, results, &n_areas, &error);
  if (total == NULL)
    return vk_cli_fail ("europaparlamentsvalg", error);
  alloc = vk_seats_allocate (e, VK_EP_SEATS, total, lots, &tie, &error);
  if (alloc == NULL)
    {
      if (tie != NULL)
        {
          g_autofree char *d = vk_cmd_tie_description_da (tie);
          fprintf (stderr, "Lodtrækning nødvendig (%s).\nStemmelige:\n", d);
          for (guint i = 0; i < tie->tied->len; i++)
            {
              g_autofree char *id = vk_text_escape_controls (g_ptr_array_index (tie->tied, i));
              fprintf (stderr, "  %s\n", id);
            }
          fprintf (stderr, "Angiv udfaldet med --lots LOTS.json (se valgkit mandates --help).\n");
          return VK_EXIT_TIE;
        }
      return vk_cli_fail ("europaparlamentsvalg", error);
    }
  json = vk_seat_allocation_to_json (alloc);
  if (!g_file_set_contents_full (out_path, json, -1, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0644,
                                 &local))
    {
      g_autofree char *file = vk_text_escape_controls (out_path);
      g_set_error (&error, VK_ERROR, VK_ERROR_IO, "%s: cannot write: %s", file, local->message);
      return vk_cli_fail ("europaparlamentsvalg", error);
    }
  printf ("Europa-Parlamentsvalg: %u afstemningsområder, %u mandater\n", n_areas, alloc->n_seats);
  for (guint i = 0; i < alloc->lists->len; i++)
    {
      const VkListOutcome *lo = g_ptr_array_index (alloc->lists, i);
      g_autofree char *letter = vk_text_escape_controls (lo->list->letter);
      printf ("%s %10" G_GUINT64_FORMAT " %3u\n", letter, lo->votes, lo->seats);
    }
  return VK_EXIT_OK;
}
