/* cmd-valgliste.c: `valgkit valgliste`: an area's valgliste on paper, blank or marked.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "cmd-paper.h"
#include "vk-cli.h"
#include "vk-count.h"
#include "vk-error.h"
#include "vk-package.h"
#include "vk-valgliste.h"

int
vk_cmd_valgliste (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("- print an area's valgliste (the paper fallback)");
  g_autofree char *election = NULL, *out = NULL, *journals = NULL, *at = NULL, *db = NULL;
  gint area = 0, table = 0, tables = 0;
  gboolean test = FALSE;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkVoterList) list = NULL;
  g_autoptr (GPtrArray) voters = NULL;
  g_autoptr (GHashTable) marks = NULL;
  VkValgliste print = { 0 };
  GOptionEntry entries[] = {
    { "election", 0, 0, G_OPTION_ARG_FILENAME, &election, "The election package", "E.vkp" },
    { "area", 0, 0, G_OPTION_ARG_INT, &area, "The afstemningsområde", "N" },
    { "tables", 0, 0, G_OPTION_ARG_INT, &tables, "Split the list into this many tables' ranges of løbenumre", "N" },
    { "table", 0, 0, G_OPTION_ARG_INT, &table, "Print only this table's range (1..N of --tables)", "T" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "The PDF", "FILE.pdf" },
    { "journals", 0, 0, G_OPTION_ARG_FILENAME, &journals,
      "A marked list: the journals (*.vkj, e.g. a station's USB export) to mark from", "DIR" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db,
      "A marked list from the count server's database (a copy, or a stopped server's) instead of --journals",
      "COUNT.db" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, "A marked list: check-ins up to this time on election day", "HH:MM" },
    { "test", 0, 0, G_OPTION_ARG_NONE, &test, "PRØVEVALG on every page (always so for a test package)", NULL },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!vk_cli_parse (context, &argc, &argv, "valgliste"))
    return VK_EXIT_USAGE;
  if (election == NULL || out == NULL || area <= 0 || argc != 1)
    {
      fprintf (stderr, "valgkit valgliste: --election, --area and --out are required\n");
      return VK_EXIT_USAGE;
    }
  if (tables < 0 || table < 0 || (table > 0 && (tables == 0 || table > tables)))
    {
      fprintf (stderr, "valgkit valgliste: --table T needs --tables N with 1 <= T <= N\n");
      return VK_EXIT_USAGE;
    }
  if ((journals != NULL && db != NULL) || ((journals != NULL || db != NULL) != (at != NULL)))
    {
      fprintf (stderr, "valgkit valgliste: a marked list needs --at and one of --journals or --db\n");
      return VK_EXIT_USAGE;
    }
  package = vk_package_open (election, &error);
  if (package == NULL)
    return vk_cli_fail ("valgliste", error);
  print.election = vk_package_get_election (package);
  if (vk_election_lookup_area (print.election, (guint)area) == NULL)
    {
      fprintf (stderr, "valgkit valgliste: area %d is not an area of the election\n", area);
      return VK_EXIT_USAGE;
    }
  if (journals != NULL)
    {
      if (!vk_valgliste_parse_at (print.election, at, &print.marked_at_ms, &error)
          || (marks = vk_valgliste_marks_from_journals (package, (guint)area, journals, print.marked_at_ms, &error))
                 == NULL)
        return vk_cli_fail ("valgliste", error);
      print.marks = marks;
    }
  else if (db != NULL)
    {
      /* What the count server holds was verified when it was ingested. */
      g_autoptr (VkCount) count = NULL;
      g_autoptr (GPtrArray) heads = NULL;
      g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);
      g_autoptr (VkFold) fold = NULL;

      if (!vk_valgliste_parse_at (print.election, at, &print.marked_at_ms, &error)
          || (count = vk_count_open_read_only (db, package, &error)) == NULL)
        return vk_cli_fail ("valgliste", error);
      heads = vk_count_dup_heads (count);
      for (guint i = 0; i < heads->len; i++)
        {
          const VkCountHead *h = g_ptr_array_index (heads, i);
          GPtrArray *device_entries = vk_count_dup_entries (count, h->device_id, 0, &error);
          if (device_entries == NULL)
            return vk_cli_fail ("valgliste", error);
          g_ptr_array_add (held, device_entries);
        }
      fold = vk_valgliste_fold_entries (package, held, print.marked_at_ms, &error);
      if (fold == NULL)
        return vk_cli_fail ("valgliste", error);
      marks = vk_valgliste_marks_from_fold (fold, (guint)area);
      print.marks = marks;
    }
  list = vk_package_dup_voters (package, (guint)area, &error);
  if (list == NULL)
    return vk_cli_fail ("valgliste", error);
  voters = vk_valgliste_select (list, (guint)area, (guint)table, (guint)tables);
  print.area = (guint)area;
  print.table = (guint)table;
  print.n_tables = (guint)tables;
  print.test = test;
  if (!vk_valgliste_write (&print, voters, out, &error))
    return vk_cli_fail ("valgliste", error);
  printf ("%s\n", out);
  return VK_EXIT_OK;
}
