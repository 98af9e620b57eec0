/* cmd-valgliste.c: `valgkit valgliste`: an area's valgliste on paper, blank or marked.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "cmd-paper.h"
#include "vk-cli.h"
#include "vk-error.h"
#include "vk-package.h"
#include "vk-valgliste.h"

int
vk_cmd_valgliste (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("- print an area's valgliste (the paper fallback)");
  g_autofree char *election = NULL, *out = NULL, *journals = NULL, *at = NULL;
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
  if ((journals == NULL) != (at == NULL))
    {
      fprintf (stderr, "valgkit valgliste: a marked list needs both --journals and --at\n");
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
