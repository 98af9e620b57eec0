/* cmd-home-visit.c: `valgkit home-visits`: check the register of home-visit requests, print the plan.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "cmd-paper.h"
#include "vk-cli.h"
#include "vk-error.h"
#include "vk-file.h"
#include "vk-home-visit.h"
#include "vk-package.h"
#include "vk-text.h"
#include "vk-valgliste.h"
#include "vk-visit-plan.h"

#define REGISTER_MAX_BYTES (16 * 1024 * 1024)

int
vk_cmd_home_visits (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context
      = g_option_context_new ("- check the register of home and institution visit requests; print the visit plan");
  g_autofree char *election = NULL, *file = NULL, *out = NULL, *journals = NULL, *data = NULL;
  gboolean test = FALSE;
  gsize len = 0;
  guint refused, flagged = 0, planned = 0;
  guint64 deadline_ms = 0;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (VkFold) fold = NULL;
  GOptionEntry entries[] = {
    { "election", 0, 0, G_OPTION_ARG_FILENAME, &election, "The election package", "E.vkp" },
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file, "The register (CSV, docs/valgkort.md \"Home visits\")",
      "REQUESTS.csv" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "The visit plan (per day and receiver pair)", "PLAN.pdf" },
    { "journals", 0, 0, G_OPTION_ARG_FILENAME, &journals,
      "Flag voters who have already voted, from these journals (*.vkj)", "DIR" },
    { "test", 0, 0, G_OPTION_ARG_NONE, &test, "PRØVEVALG on every page (always so for a test package)", NULL },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, "Exit 1 when a request is refused or flagged (each is listed).");
  if (!vk_cli_parse (context, &argc, &argv, "home-visits"))
    return VK_EXIT_USAGE;
  if (election == NULL || file == NULL || argc != 1)
    {
      fprintf (stderr, "valgkit home-visits: --election and --file are required\n");
      return VK_EXIT_USAGE;
    }
  package = vk_package_open (election, &error);
  if (package == NULL)
    return vk_cli_fail ("home-visits", error);
  if (!vk_home_request_deadline_for_election (vk_package_get_election (package), &deadline_ms))
    {
      fprintf (stderr, "valgkit home-visits: the election has no date\n");
      return VK_EXIT_USAGE;
    }
  if (!vk_file_read_untrusted (file, REGISTER_MAX_BYTES, &data, &len, &error)
      || (requests = vk_home_requests_parse (file, data, len, &error)) == NULL)
    return vk_cli_fail ("home-visits", error);
  if (journals != NULL && (fold = vk_valgliste_fold_journals (package, journals, G_MAXUINT64, &error)) == NULL)
    return vk_cli_fail ("home-visits", error);
  refused = vk_home_visits_check (package, requests, deadline_ms, fold);
  for (guint i = 0; i < requests->len; i++)
    {
      const VkHomeRequest *r = g_ptr_array_index (requests, i);
      if (r->finding_da == NULL)
        continue;
      if (!(r->flags & VK_HOME_REFUSED))
        flagged++;
      printf ("line %u: area %u, løbenummer %u: %s\n", r->line, r->area, r->loebenummer, r->finding_da);
    }
  if (out != NULL && !vk_visit_plan_write (package, requests, test, 0, out, &planned, &error))
    return vk_cli_fail ("home-visits", error);
  printf ("%u requests: %u refused, %u flagged, %u visits planned%s%s\n", requests->len, refused, flagged, planned,
          out != NULL ? ", plan " : "", out != NULL ? out : "");
  return refused > 0 || flagged > 0 ? VK_EXIT_FAILED : VK_EXIT_OK;
}
