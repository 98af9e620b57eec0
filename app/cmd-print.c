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
