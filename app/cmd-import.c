/* cmd-import.c: `valgkit import` and `valgkit discrepancies`.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "vk-cli.h"
#include "vk-count.h"
#include "vk-error.h"
#include "vk-package.h"
#include "vk-rules.h"
#include "vk-text.h"

int
vk_cmd_import (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context
      = g_option_context_new ("FILE.vkj… - ingest journal files into the count database, as a push would");
  g_autofree char *db = NULL;
  g_autofree char *election = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (VkCount) count = NULL;
  int status = VK_EXIT_OK;
  GOptionEntry options[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The count database (created when missing)", "COUNT.db" },
    { "election", 0, 0, G_OPTION_ARG_FILENAME, &election, "The election package (.vkp)", "E.vkp" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_path, "The count server's key (enrolled with role server)",
      "SERVER.key" },
    { NULL },
  };

  g_option_context_add_main_entries (context, options, NULL);
  g_option_context_set_description (context, "Exit status: 0 every file accepted, 1 a file was refused "
                                             "(the reason is printed), 2 bad arguments or unreadable input.");
  if (!vk_cli_parse (context, &argc, &argv, "import"))
    return VK_EXIT_USAGE;
  if (db == NULL || election == NULL || key_path == NULL || argc < 2)
    {
      fprintf (stderr, "valgkit import: --db, --election, --key and at least one journal file are required\n");
      return VK_EXIT_USAGE;
    }
  package = vk_package_open (election, &error);
  if (package == NULL)
    return vk_cli_fail ("import", error);
  key = vk_cli_load_key (key_path, &error);
  if (key == NULL)
    return vk_cli_fail ("import", error);
  count = vk_count_open (db, package, key, &error);
  if (count == NULL)
    return vk_cli_fail ("import", error);

  for (int i = 1; i < argc; i++)
    {
      g_autoptr (VkCountReceipt) r = NULL;
      g_autofree char *head = NULL;
      /* File names, device ids and reasons come from outside: escaped. */
      g_autofree char *name = vk_text_escape_controls (argv[i]);
      g_autofree char *device = NULL;

      if (!vk_count_ingest_file (count, argv[i], &r, &error))
        {
          g_autofree char *reason = vk_text_escape_controls (error->message);

          fprintf (stderr, "%s: REFUSED: %s\n", name, reason);
          status = MAX (status, g_error_matches (error, VK_ERROR, VK_ERROR_IO) ? VK_EXIT_USAGE : VK_EXIT_FAILED);
          g_clear_error (&error);
          continue;
        }
      head = vk_hex_encode (r->head, VK_HASH_BYTES);
      device = vk_text_escape_controls (r->device_id);
      printf ("%s: accepted: device %s, held up to entry %" G_GUINT64_FORMAT " (head %s), %" G_GUINT64_FORMAT
              " new, %" G_GUINT64_FORMAT " waiting for missing entries\n",
              name, device, r->seq, head, r->stored, r->held);
    }
  return status;
}

int
vk_cmd_discrepancies (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("- run the discrepancy rules over a count database");
  g_autofree char *db = NULL;
  g_autofree char *election = NULL;
  gboolean json = FALSE;
  gboolean fintaelling = FALSE;
  gint threshold = -1;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkCount) count = NULL;
  g_autoptr (GPtrArray) findings = NULL;
  VkRulesConfig config;
  GOptionEntry options[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The count database", "COUNT.db" },
    { "election", 0, 0, G_OPTION_ARG_FILENAME, &election, "The election package (.vkp)", "E.vkp" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the findings as JSON", NULL },
    { "fintaelling", 0, 0, G_OPTION_ARG_NONE, &fintaelling, "The fintælling has begun: report areas without one",
      NULL },
    { "threshold", 0, 0, G_OPTION_ARG_INT, &threshold,
      "D08: differences above this many votes are warnings (default 10)", "N" },
    { NULL },
  };

  g_option_context_add_main_entries (context, options, NULL);
  g_option_context_set_description (context, "Exit status: 0 nothing blocking, 1 a blocking discrepancy, "
                                             "2 bad arguments or unreadable input.  docs/rules.md lists the rules.");
  if (!vk_cli_parse (context, &argc, &argv, "discrepancies"))
    return VK_EXIT_USAGE;
  if (db == NULL || election == NULL || argc != 1)
    {
      fprintf (stderr, "valgkit discrepancies: --db and --election are required\n");
      return VK_EXIT_USAGE;
    }
  package = vk_package_open (election, &error);
  if (package == NULL)
    return vk_cli_fail ("discrepancies", error);
  count = vk_count_open_read_only (db, package, &error);
  if (count == NULL)
    {
      fprintf (stderr, "valgkit discrepancies: %s\n", error->message);
      return VK_EXIT_USAGE;
    }
  vk_rules_config_init (&config, vk_count_get_election (count));
  config.expect_fintaelling = fintaelling;
  if (threshold >= 0)
    config.d08_threshold = (guint64)threshold;
  findings = vk_count_discrepancies (count, &config, &error);
  if (findings == NULL)
    return vk_cli_fail ("discrepancies", error);

  if (json)
    {
      printf ("[");
      for (guint i = 0; i < findings->len; i++)
        {
          g_autofree char *one = vk_finding_to_json (g_ptr_array_index (findings, i));
          printf ("%s\n  %s", i > 0 ? "," : "", one);
        }
      printf ("%s]\n", findings->len > 0 ? "\n" : "");
    }
  else
    {
      for (guint i = 0; i < findings->len; i++)
        {
          const VkFinding *f = g_ptr_array_index (findings, i);
          const VkRuleInfo *info = vk_rules_get_info (f->rule);
          /* Messages quote device ids, sources and reasons: escaped. */
          g_autofree char *da = vk_text_escape_controls (f->message_da);
          g_autofree char *en = vk_text_escape_controls (f->message_en);

          printf ("%s %-8s %s\n", info->code, vk_severity_to_string (f->severity), da);
          printf ("             %s\n", en);
          if (f->evidence->len > 0)
            {
              printf ("             evidence:");
              for (guint k = 0; k < f->evidence->len; k++)
                {
                  const VkEvidence *e = g_ptr_array_index (f->evidence, k);
                  g_autofree char *id = vk_text_escape_controls (e->device_id);
                  printf (" %s#%" G_GUINT64_FORMAT, id, e->seq);
                }
              printf ("\n");
            }
        }
      if (findings->len == 0)
        printf ("No discrepancies.\n");
    }
  return vk_findings_worst (findings) == VK_SEVERITY_BLOCKING ? VK_EXIT_FAILED : VK_EXIT_OK;
}
