/* cmd-print.c: `valgkit print results|discrepancies`.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "vk-cli.h"
#include "vk-count-print.h"
#include "vk-error.h"
#include "vk-package.h"
#include "vk-result-sheet.h"
#include "vk-text.h"

int
vk_cmd_print (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("results|discrepancies - print the count server's PDFs");
  g_autofree char *db = NULL;
  g_autofree char *election = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *lots_path = NULL;
  gboolean test = FALSE;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (VkCount) count = NULL;
  g_autoptr (VkLots) lots = NULL;
  VkRulesConfig config;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The count server's database", "COUNT.db" },
    { "election", 0, 0, G_OPTION_ARG_FILENAME, &election, "The election package", "E.vkp" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_path, "The count server's key (signs the QR codes; results only)",
      "SERVER.key" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Folder for the PDFs", "DIR" },
    { "lots", 0, 0, G_OPTION_ARG_FILENAME, &lots_path, "Lot draws for the seat allocation", "LOTS.json" },
    { "test", 0, 0, G_OPTION_ARG_NONE, &test, "Mark every page PRØVEVALG", NULL },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
                                    "results: result sheets (municipality and each area, foreløbig and fintælling, "
                                    "with signed QR codes), mandatfordeling.json and the discrepancy report; the "
                                    "fintælling result is journaled as published.\n"
                                    "discrepancies: only the discrepancy report.\n"
                                    "Run it on a stopped server's database, or on a copy.");
  if (!vk_cli_parse (context, &argc, &argv, "print"))
    return VK_EXIT_USAGE;
  if (argc != 2 || (strcmp (argv[1], "results") != 0 && strcmp (argv[1], "discrepancies") != 0) || db == NULL
      || election == NULL || out == NULL || (strcmp (argv[1], "results") == 0 && key_path == NULL))
    {
      fprintf (stderr, "valgkit print: results|discrepancies, --db, --election and --out are required "
                       "(and --key for results)\n");
      return VK_EXIT_USAGE;
    }
  package = vk_package_open (election, &error);
  if (package == NULL)
    return vk_cli_fail ("print", error);
  if (lots_path != NULL && (lots = vk_lots_load (lots_path, &error)) == NULL)
    return vk_cli_fail ("print", error);
  {
    g_autoptr (VkElection) e = vk_package_dup_election (package, &error);
    if (e == NULL)
      return vk_cli_fail ("print", error);
    vk_rules_config_init (&config, e);
  }
  config.expect_fintaelling = TRUE;

  if (strcmp (argv[1], "discrepancies") == 0)
    {
      g_autofree char *path = NULL;
      count = vk_count_open_read_only (db, package, &error);
      if (count == NULL || (path = vk_count_print_discrepancies (count, &config, test, out, &error)) == NULL)
        return vk_cli_fail ("print", error);
      printf ("%s\n", path);
      return VK_EXIT_OK;
    }

  key = vk_cli_load_key (key_path, &error);
  if (key == NULL)
    return vk_cli_fail ("print", error);
  count = vk_count_open (db, package, key, &error);
  if (count == NULL)
    return vk_cli_fail ("print", error);
  {
    g_autoptr (VkPrintOutcome) printed = vk_count_print_results (count, key, lots, &config, test, out, &error);
    if (printed == NULL)
      return vk_cli_fail ("print", error);
    for (guint i = 0; i < printed->files->len; i++)
      printf ("%s\n", (const char *)g_ptr_array_index (printed->files, i));
    if (printed->tie != NULL)
      {
        fprintf (stderr, "valgkit print: a lot draw is needed: %s (give --lots)\n", printed->tie->description);
        return VK_EXIT_TIE;
      }
  }
  return VK_EXIT_OK;
}

/* `valgkit publish`: the valgbestyrelse's act that makes a result public.
 * `print results` publishes the fintælling of every contest as it prints
 * the sheets; this publishes one contest's result of one kind alone (the
 * foreløbig on election night, or a fintælling without printing). */
int
vk_cmd_publish (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("- publish a result (journals result.published)");
  g_autofree char *db = NULL;
  g_autofree char *election = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *kind_name = NULL;
  g_autofree char *contest_id = NULL;
  g_autofree char *lots_path = NULL;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (VkCount) count = NULL;
  g_autoptr (VkLots) lots = NULL;
  g_autoptr (VkResults) results = NULL;
  g_autoptr (VkSeatAllocation) seats = NULL;
  g_autoptr (VkTie) tie = NULL;
  g_autoptr (VkEntry) entry = NULL;
  const VkElection *contest;
  VkResultKind kind;
  guint8 digest[32];
  g_autofree char *hex = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The count server's database", "COUNT.db" },
    { "election", 0, 0, G_OPTION_ARG_FILENAME, &election, "The election package", "E.vkp" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_path, "The count server's key (signs the entry)", "SERVER.key" },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind_name, "foreloebig or fintaelling", "KIND" },
    { "contest", 0, 0, G_OPTION_ARG_STRING, &contest_id, "The contest (default: the primary; RV in a joint package)",
      "ID" },
    { "lots", 0, 0, G_OPTION_ARG_FILENAME, &lots_path, "Lot draws for the seat allocation", "LOTS.json" },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
                                    "Journals a signed result.published entry (the result's digest and every "
                                    "journal's head) in the count server's journal; from then on GET /v1/results "
                                    "and /v1/mandates of that contest and kind need no credentials (docs/api.md).\n"
                                    "Run it on a stopped server's database.");
  if (!vk_cli_parse (context, &argc, &argv, "publish"))
    return VK_EXIT_USAGE;
  if (argc != 1 || db == NULL || election == NULL || key_path == NULL || kind_name == NULL)
    {
      fprintf (stderr, "valgkit publish: --db, --election, --key and --kind are required\n");
      return VK_EXIT_USAGE;
    }
  if (!vk_result_kind_from_string (kind_name, &kind))
    {
      fprintf (stderr, "valgkit publish: --kind must be foreloebig or fintaelling\n");
      return VK_EXIT_USAGE;
    }
  package = vk_package_open (election, &error);
  if (package == NULL)
    return vk_cli_fail ("publish", error);
  if (lots_path != NULL && (lots = vk_lots_load (lots_path, &error)) == NULL)
    return vk_cli_fail ("publish", error);
  key = vk_cli_load_key (key_path, &error);
  if (key == NULL)
    return vk_cli_fail ("publish", error);
  count = vk_count_open (db, package, key, &error);
  if (count == NULL)
    return vk_cli_fail ("publish", error);
  contest = vk_election_get_contest (vk_count_get_election (count), contest_id);
  if (contest == NULL)
    {
      g_autofree char *shown = vk_text_escape_controls (contest_id);
      fprintf (stderr, "valgkit publish: %s is not a contest of this election\n", shown);
      return VK_EXIT_USAGE;
    }
  results = vk_count_results (count, vk_election_contest_id (contest), kind, &error);
  if (results == NULL)
    return vk_cli_fail ("publish", error);
  if (results->areas == NULL || results->areas->len == 0 || results->total == NULL)
    {
      fprintf (stderr, "valgkit publish: no area has a signed-off %s count of %s yet\n", kind_name,
               vk_election_contest_id (contest));
      return VK_EXIT_FAILED;
    }
  /* The digest as `print results` takes it: with the seats where this
   * municipality allocates them (a kommunalvalg: the region, the
   * country allocate RV, FV and EP seats; FA has none). */
  if (vk_election_type_allocates_locally (contest->type))
    {
      seats = vk_count_mandates (count, vk_election_contest_id (contest), kind, lots, &tie, &error);
      if (seats == NULL && tie != NULL)
        {
          fprintf (stderr, "valgkit publish: a lot draw is needed: %s (give --lots)\n", tie->description);
          return VK_EXIT_TIE;
        }
      if (seats == NULL)
        return vk_cli_fail ("publish", error);
    }
  vk_result_data_digest (results->total, seats, digest);
  entry = vk_count_publish_result (count, vk_election_contest_id (contest), kind, digest, &error);
  if (entry == NULL)
    return vk_cli_fail ("publish", error);
  hex = vk_hex_encode (digest, sizeof digest);
  printf ("published %s %s: entry %" G_GUINT64_FORMAT " of %s, digest %s\n", vk_election_contest_id (contest),
          vk_result_kind_to_string (kind), entry->seq, entry->device_id, hex);
  return VK_EXIT_OK;
}
