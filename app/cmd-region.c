/* cmd-region.c: `valgkit region`, the regional council's tally from the municipalities' signed results.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thin: verification and the sum live in shared/vk-contest-result.c, the
 * seats in shared/vk-seats.c, the sheet in printouts/vk-result-sheet.c.
 * Nothing is written unless every file verifies and the seats are
 * allocated.  docs/region.md.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "cmd-region.h"
#include "vk-cli.h"
#include "vk-contest-result.h"
#include "vk-election.h"
#include "vk-error.h"
#include "vk-result-sheet.h"
#include "vk-seats.h"
#include "vk-text.h"
#include "vk-valgdk-mandates.h"

/* The allocation in valg.dk's Mandatfordeling shape (the schema's
 * FrigivelsesTidspunktUTC and BaseretPåOptællinger included): it rests
 * on every area of every municipality's signed result, each approved
 * when its municipality's result was signed (the region holds no
 * table's sign-off time). */
static char *
mandates_json (const VkRegionTally *tally, GError **error)
{
  g_autoptr (GArray) refs = g_array_new (FALSE, TRUE, sizeof (VkValgdkCountRef));
  guint n = 0, k = 0;
  g_autofree VkArea *areas = NULL;

  for (guint i = 0; i < tally->results->len; i++)
    n += ((VkContestResult *)g_ptr_array_index (tally->results, i))->areas->len;
  areas = g_new0 (VkArea, MAX (n, 1));
  for (guint i = 0; i < tally->results->len; i++)
    {
      const VkContestResult *r = g_ptr_array_index (tally->results, i);
      for (guint a = 0; a < r->areas->len; a++, k++)
        {
          const VkAreaResult *ar = g_ptr_array_index (r->areas, a);
          VkValgdkCountRef ref = { &areas[k], ar->kind, (gint64)r->time_ms };

          /* Borrowed: the tally outlives the JSON's making. */
          areas[k].number = ar->area_number;
          areas[k].name = ar->area_name;
          areas[k].dagi_id = ar->dagi_id;
          g_array_append_val (refs, ref);
        }
    }
  return vk_valgdk_mandates_to_json (tally->seats, (const VkValgdkCountRef *)(void *)refs->data, refs->len, error);
}

static void
print_tie (const VkTie *tie)
{
  g_autofree char *d = vk_text_escape_controls (tie->description);

  fprintf (stderr, "Lodtrækning nødvendig (%s).\nStemmelige:\n", d);
  for (guint i = 0; i < tie->tied->len; i++)
    fprintf (stderr, "  %s\n", (const char *)g_ptr_array_index (tie->tied, i));
  fprintf (stderr, "Angiv udfaldet med --lots LOTS.json (se valgkit mandates --help).\n");
}

static gboolean
write_atomically (const char *path, const char *data, gssize len, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (!g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0644,
                                 &local))
    {
      g_autofree char *file = vk_text_escape_controls (path);
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: cannot write: %s", file, local->message);
      return FALSE;
    }
  return TRUE;
}

int
vk_cmd_region (int argc, char **argv)
{
  g_autofree char *kandidatdata = NULL, *trust_path = NULL, *lots_path = NULL, *out_path = NULL;
  g_autofree char *sheet_path = NULL, *key_path = NULL;
  g_auto (GStrv) results = NULL;
  gint seats = 0;
  gboolean test = FALSE;
  const GOptionEntry entries[] = {
    { "kandidatdata", 'k', 0, G_OPTION_ARG_FILENAME, &kandidatdata, "The region's valg.dk kandidat-data.json", "FILE" },
    { "seats", 's', 0, G_OPTION_ARG_INT, &seats, "Regional council size (number of seats)", "N" },
    { "trust", 't', 0, G_OPTION_ARG_FILENAME, &trust_path,
      "The municipalities' election public keys: one line \"KOMMUNEKODE HEX [NAME]\" each", "FILE" },
    { "results", 'r', 0, G_OPTION_ARG_FILENAME_ARRAY, &results,
      "A municipality's signed result (resultat.vkr); repeat, or list the files after the options", "FILE" },
    { "lots", 'l', 0, G_OPTION_ARG_FILENAME, &lots_path, "Outcomes of lot draws (as valgkit mandates)", "LOTS.json" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Write the mandatfordeling JSON here", "FILE" },
    { "sheet", 0, 0, G_OPTION_ARG_FILENAME, &sheet_path, "Write the region's result sheet (PDF) here", "FILE" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_path,
      "The region's key (secret, encrypted) that signs the sheet's QR; passphrase from $VALGKIT_PASSPHRASE or asked",
      "KEY" },
    { "test", 0, 0, G_OPTION_ARG_NONE, &test, "A test election: PRØVEVALG on the sheet", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("[RESULT.vkr…] - the regional council's seats");
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) region = NULL;
  g_autoptr (GPtrArray) trusted = NULL;
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();
  g_autoptr (VkLots) lots = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (VkRegionTally) tally = NULL;
  g_autoptr (VkTie) tie = NULL;
  g_autofree char *json = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (
      ctx, "Verifies every municipality's signed RV result against the trusted election keys, sums every\n"
           "polling area of the region and allocates the seats.  Nothing is written unless every file\n"
           "verifies.  Exit status: 0 done, 1 a file did not verify, 2 bad usage or malformed input,\n"
           "3 a lot draw is needed (see --lots).  docs/region.md.");
  if (!vk_cli_parse (ctx, &argc, &argv, "region"))
    return VK_EXIT_USAGE;
  for (guint i = 0; results != NULL && results[i] != NULL; i++)
    g_ptr_array_add (paths, results[i]);
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (paths, argv[i]);
  if (kandidatdata == NULL || trust_path == NULL || out_path == NULL || paths->len == 0)
    {
      fprintf (stderr, "valgkit region: --kandidatdata, --trust, --out and at least one result are required (see "
                       "--help)\n");
      return VK_EXIT_USAGE;
    }
  if (seats <= 0)
    {
      fprintf (stderr, "valgkit region: the council size is not in kandidat-data.json: pass --seats N\n");
      return VK_EXIT_USAGE;
    }
  if (sheet_path != NULL && key_path == NULL)
    {
      fprintf (stderr, "valgkit region: --sheet needs --key (the key that signs the sheet's QR)\n");
      return VK_EXIT_USAGE;
    }

  region = vk_election_import_kandidatdata (kandidatdata, &error);
  if (region == NULL)
    return vk_cli_fail ("region", error);
  if (region->type != VK_ELECTION_RV || region->region_dagi_id == NULL || *region->region_dagi_id == '\0')
    {
      g_autofree char *file = vk_text_escape_controls (kandidatdata);
      fprintf (stderr, "valgkit region: %s: not a region's kandidat-data (no Region / RegionDagiId)\n", file);
      return VK_EXIT_USAGE;
    }
  region->seats = (guint)seats;
  trusted = vk_trusted_keys_load (trust_path, &error);
  if (trusted == NULL)
    return vk_cli_fail ("region", error);
  if (lots_path != NULL)
    {
      lots = vk_lots_load (lots_path, &error);
      if (lots == NULL)
        return vk_cli_fail ("region", error);
    }
  if (key_path != NULL)
    {
      key = vk_cli_load_key (key_path, &error);
      if (key == NULL)
        return vk_cli_fail ("region", error);
    }

  tally = vk_region_tally (region, 0, trusted, (const char *const *)paths->pdata, paths->len, lots, &tie, &error);
  if (tally == NULL)
    {
      if (tie != NULL)
        {
          print_tie (tie);
          return VK_EXIT_TIE;
        }
      return vk_cli_fail ("region", error);
    }

  json = mandates_json (tally, &error);
  if (json == NULL)
    return vk_cli_fail ("region", error);
  if (sheet_path != NULL)
    {
      VkResultSheetOptions opts = { { region, tally->tally_id, test, 0 }, key, NULL, NULL };
      if (!vk_result_sheet_write (&opts, tally->total, tally->seats, sheet_path, &error))
        return vk_cli_fail ("region", error);
    }
  if (!write_atomically (out_path, json, -1, &error))
    {
      if (sheet_path != NULL)
        (void)g_unlink (sheet_path);
      return vk_cli_fail ("region", error);
    }
  {
    g_autofree char *name = vk_text_escape_controls (region->region);
    g_autofree char *id = vk_hex_encode (tally->tally_id, 32);
    guint n_areas = 0;
    for (guint i = 0; i < tally->results->len; i++)
      n_areas += ((VkContestResult *)g_ptr_array_index (tally->results, i))->areas->len;
    printf ("%s: %u kommuner, %u afstemningsområder (%s), %u mandater\n", name, tally->results->len, n_areas,
            vk_result_kind_to_string (tally->total->kind), tally->seats->n_seats);
    printf ("Optællings-id (SHA-256): %s\n", id);
  }
  return VK_EXIT_OK;
}
