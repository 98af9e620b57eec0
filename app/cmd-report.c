/* cmd-report.c: `valgkit report`, what a municipality delivers to valg.dk.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads the count database (read-only: reporting changes nothing the
 * count server holds) and writes into the delivery folder what is due:
 * turnout at the announced times, each signed-off area count, the
 * mandatfordeling (vk_count_report_valgdk(), count-server/vk-count-export.h).
 * Each file is a version that is never edited; running the command again
 * writes only what changed.  docs/api.md and docs/guide-valgsekretariat.md.
 */
#include <stdio.h>
#include <string.h>

#include "cmd-report.h"
#include "vk-cli.h"
#include "vk-count-export.h"
#include "vk-count.h"
#include "vk-error.h"
#include "vk-package.h"
#include "vk-text.h"
#include "vk-valgdk-turnout.h"

int
vk_cmd_report (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("- write the files valg.dk collects");
  g_autofree char *db = NULL, *election = NULL, *out = NULL, *at = NULL, *times_text = NULL;
  g_autofree char *previous_dir = NULL, *lots_path = NULL, *key_path = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkCount) count = NULL;
  g_autoptr (VkLots) lots = NULL;
  g_autoptr (VkValgdkPrevious) previous = NULL;
  g_autoptr (GArray) times = NULL;
  g_autoptr (VkValgdkReport) report = NULL;
  VkValgdkReportOptions options = { 0 };
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The count database", "count.db" },
    { "election", 0, 0, G_OPTION_ARG_FILENAME, &election, "The election package", "E.vkp" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "The delivery folder", "DIR" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, "Report as of this time of election day (Danish time; default: now)",
      "HH:MM" },
    { "turnout-times", 0, 0, G_OPTION_ARG_STRING, &times_text,
      "The announced turnout times (default " VK_VALGDK_TURNOUT_TIMES_DEFAULT ")", "HH:MM,…" },
    { "previous", 0, 0, G_OPTION_ARG_FILENAME, &previous_dir,
      "The previous election's valg.dk result files, for the differences", "DIR" },
    { "lots", 0, 0, G_OPTION_ARG_FILENAME, &lots_path, "Lot draws for the seat allocation", "LOTS.json" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_path,
      "The count server's key: also sign each FV, FA and EP result (resultat-<kind>.vN.vkv)", "SERVER.key" },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, "Writes DIR/<contest>/valgdeltagelse/, foreloebig/, fintaelling/ and "
                                             "mandatfordeling-<kind>.vN.json (with --key, an FV, FA or EP "
                                             "contest's signed resultat-<kind>.vN.vkv). Every file is a new version "
                                             "(…vN.json), never an edit; a run that finds nothing changed writes "
                                             "nothing.");
  if (!vk_cli_parse (context, &argc, &argv, "report"))
    return VK_EXIT_USAGE;
  if (db == NULL || election == NULL || out == NULL)
    {
      fprintf (stderr, "valgkit report: --db, --election and --out are required\n");
      return VK_EXIT_USAGE;
    }
  if (times_text != NULL && (times = vk_valgdk_parse_times (times_text, &error)) == NULL)
    return vk_cli_fail ("report", error);
  package = vk_package_open (election, &error);
  if (package == NULL)
    return vk_cli_fail ("report", error);
  if (at != NULL)
    {
      const VkElection *e = vk_package_get_election (package);
      g_autofree char *date = NULL;
      guint minute = 0;

      /* "HH:MM" on election day, or "YYYY-MM-DD HH:MM" (the fintælling
       * is the day after). */
      if (strlen (at) == 16 && at[10] == ' ' && vk_valgdk_parse_time (at + 11, &minute))
        date = g_strndup (at, 10);
      else if (vk_valgdk_parse_time (at, &minute))
        date = g_strdup (e->date);
      options.at_ms = date != NULL ? vk_valgdk_local_time_ms (date, minute) : -1;
      if (options.at_ms <= 0)
        {
          g_autofree char *shown = vk_text_escape_controls (at);
          fprintf (stderr, "valgkit report: --at %s is not HH:MM or YYYY-MM-DD HH:MM (or the election has no date)\n",
                   shown);
          return VK_EXIT_USAGE;
        }
    }
  if (lots_path != NULL && (lots = vk_lots_load (lots_path, &error)) == NULL)
    return vk_cli_fail ("report", error);
  if (previous_dir != NULL && (previous = vk_valgdk_previous_load (previous_dir, &error)) == NULL)
    return vk_cli_fail ("report", error);
  if (key_path != NULL && (key = vk_cli_load_key (key_path, &error)) == NULL)
    return vk_cli_fail ("report", error);
  count = vk_count_open_read_only (db, package, &error);
  if (count == NULL)
    return vk_cli_fail ("report", error);
  options.server_key = key;
  options.times = times;
  options.previous = previous;
  options.lots = lots;
  report = vk_count_report_valgdk (count, out, &options, &error);
  if (report == NULL)
    return vk_cli_fail ("report", error);
  for (guint i = 0; i < report->log->len; i++)
    {
      g_autofree char *line = vk_text_escape_controls (g_ptr_array_index (report->log, i));
      printf ("%s\n", line);
    }
  printf ("%u %s written, %u unchanged\n", report->written, report->written == 1 ? "file" : "files", report->unchanged);
  return VK_EXIT_OK;
}
