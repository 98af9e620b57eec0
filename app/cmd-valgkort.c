/* cmd-valgkort.c: `valgkit valgkort`: a valgkort for every voter of the package.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cmd-paper.h"
#include "vk-cli.h"
#include "vk-error.h"
#include "vk-file.h"
#include "vk-package.h"
#include "vk-valgkort-print.h"

#define PLACES_MAX_BYTES (1024 * 1024)

typedef struct
{
  guint64 offset; /* cards in the files already written */
  guint64 total;  /* cards in the whole run */
  guint last_percent;
  gboolean quiet;
} Progress;

/* A progress line on stderr, rewritten in place on a terminal: a run for
 * a big municipality prints hundreds of thousands of cards. */
static void
progress_cb (guint64 done, guint64 total, gpointer user_data)
{
  Progress *p = user_data;
  guint64 all = p->offset + done;
  guint percent = p->total > 0 ? (guint)(all * 100 / p->total) : 100;

  (void)total;
  if (p->quiet || (percent == p->last_percent && all != p->total))
    return;
  p->last_percent = percent;
  fprintf (stderr, "%svalgkort: %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " (%u %%)%s",
           isatty (fileno (stderr)) ? "\r" : "", all, p->total, percent,
           isatty (fileno (stderr)) && all != p->total ? "" : "\n");
}

static GPtrArray *
voters_of (VkVoterList *list)
{
  GPtrArray *voters = g_ptr_array_sized_new (vk_voter_list_get_length (list));

  for (guint i = 0; i < vk_voter_list_get_length (list); i++)
    g_ptr_array_add (voters, (gpointer)vk_voter_list_get (list, i));
  vk_valgkort_sort_for_mailing (voters);
  return voters;
}

int
vk_cmd_valgkort (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context
      = g_option_context_new ("- print a valgkort for every voter (two A5 cards per A4)");
  g_autofree char *election = NULL, *out = NULL, *places_path = NULL, *hours = NULL;
  gint area = 0;
  gboolean test = FALSE, quiet = FALSE;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (GHashTable) places = NULL;
  g_autoptr (VkVoterList) list = NULL;
  g_autoptr (GPtrArray) voters = NULL;
  const VkElection *e;
  VkValgkortPrint print = { 0 };
  Progress progress = { 0 };
  GOptionEntry entries[] = {
    { "election", 0, 0, G_OPTION_ARG_FILENAME, &election, "The election package", "E.vkp" },
    { "area", 0, 0, G_OPTION_ARG_INT, &area, "Only this afstemningsområde (default: all)", "N" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "FILE.pdf for one file, or a folder for one file per area",
      "DIR|FILE.pdf" },
    { "places", 0, 0, G_OPTION_ARG_FILENAME, &places_path,
      "Polling places: CSV with afstemningsomraade, afstemningssted, adresse", "PLACES.csv" },
    { "hours", 0, 0, G_OPTION_ARG_STRING, &hours, "Opening hours as printed (default \"kl. 8.00–20.00\")", "TEXT" },
    { "test", 0, 0, G_OPTION_ARG_NONE, &test, "PRØVEVALG on every card (always so for a test package)", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress on stderr", NULL },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
                                    "Cards are sorted for mailing: area, street, house number. The code on each "
                                    "card is the one the station reads (docs/valgkort.md).");
  if (!vk_cli_parse (context, &argc, &argv, "valgkort"))
    return VK_EXIT_USAGE;
  if (election == NULL || out == NULL || argc != 1 || area < 0)
    {
      fprintf (stderr, "valgkit valgkort: --election and --out are required\n");
      return VK_EXIT_USAGE;
    }
  package = vk_package_open (election, &error);
  if (package == NULL)
    return vk_cli_fail ("valgkort", error);
  e = vk_package_get_election (package);
  if (area > 0 && vk_election_lookup_area (e, (guint)area) == NULL)
    {
      fprintf (stderr, "valgkit valgkort: area %d is not an area of the election\n", area);
      return VK_EXIT_USAGE;
    }
  if (places_path != NULL)
    {
      g_autofree char *data = NULL;
      gsize len = 0;
      if (!vk_file_read_untrusted (places_path, PLACES_MAX_BYTES, &data, &len, &error)
          || (places = vk_polling_places_parse (places_path, data, len, e, &error)) == NULL)
        return vk_cli_fail ("valgkort", error);
    }
  else if (!quiet)
    fprintf (stderr, "valgkit valgkort: no --places: the cards name the area, not the polling place's address\n");

  list = vk_package_dup_voters (package, (guint)area, &error);
  if (list == NULL)
    return vk_cli_fail ("valgkort", error);
  print.election = e;
  print.places = places;
  print.hours = hours;
  print.test = test;
  print.progress = progress_cb;
  print.progress_data = &progress;
  progress.quiet = quiet;
  progress.total = vk_voter_list_get_length (list);
  progress.last_percent = G_MAXUINT;
  voters = voters_of (list);

  if (g_str_has_suffix (out, ".pdf") || g_str_has_suffix (out, ".PDF"))
    {
      if (!vk_valgkort_print_write (&print, voters, out, &error))
        return vk_cli_fail ("valgkort", error);
      printf ("%s\n", out);
      return VK_EXIT_OK;
    }
  if (g_mkdir_with_parents (out, 0755) != 0)
    {
      fprintf (stderr, "valgkit valgkort: cannot create the folder %s\n", out);
      return VK_EXIT_USAGE;
    }
  /* One file per area (the sorted cards of an area are contiguous); an
   * area with more cards than a file holds gets parts. */
  for (guint i = 0; i < voters->len;)
    {
      guint a = ((const VkVoter *)g_ptr_array_index (voters, i))->area, end = i, n_parts;

      while (end < voters->len && ((const VkVoter *)g_ptr_array_index (voters, end))->area == a)
        end++;
      n_parts = (end - i + VK_VALGKORT_MAX_CARDS_PER_FILE - 1) / VK_VALGKORT_MAX_CARDS_PER_FILE;
      for (guint k = 0; k < n_parts; k++)
        {
          g_autoptr (GPtrArray) part = g_ptr_array_new ();
          g_autofree char *name = n_parts == 1 ? g_strdup_printf ("valgkort-omraade-%02u.pdf", a)
                                               : g_strdup_printf ("valgkort-omraade-%02u-del-%u.pdf", a, k + 1);
          g_autofree char *path = g_build_filename (out, name, NULL);
          guint from = i + k * VK_VALGKORT_MAX_CARDS_PER_FILE;
          guint to = MIN (end, from + VK_VALGKORT_MAX_CARDS_PER_FILE);

          for (guint j = from; j < to; j++)
            g_ptr_array_add (part, g_ptr_array_index (voters, j));
          if (!vk_valgkort_print_write (&print, part, path, &error))
            return vk_cli_fail ("valgkort", error);
          progress.offset += part->len;
          printf ("%s\n", path);
        }
      i = end;
    }
  return VK_EXIT_OK;
}
