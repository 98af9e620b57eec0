/* valgkit.c: the command-line tool's front door.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "cmd-mandates.h"
#include "cmd-paper.h"
#include "cmd-region.h"
#include "cmd-folketingsvalg.h"
#include "cmd-report.h"
#include "vk-cli.h"
#include "vk-entry-schema.h"
#include "vk-error.h"
#include "vk-keys.h"
#include "vk-station-error.h"
#include "vk-tally.h"
#include "vk-text.h"

typedef struct
{
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "election", vk_cmd_election, "import an election into a signed package; list its devices" },
  { "key", vk_cmd_key, "create a device or election key" },
  { "enroll", vk_cmd_enroll, "enrol a device in an election package" },
  { "journal", vk_cmd_journal, "verify or show journals" },
  { "mandates", vk_cmd_mandates, "compute the seat allocation from valg.dk result files" },
  { "region", vk_cmd_region, "the regional council's seats from the municipalities' signed results" },
  { "demo", vk_cmd_demo, "run a whole election end to end (PRØVEVALG)" },
  { "print", vk_cmd_print, "print result sheets and the discrepancy report from the count database" },
  { "audit", vk_cmd_audit, "re-verify every signature and recompute every number" },
  { "serve", vk_cmd_serve, "run the count server (HTTP API, docs/api.md)" },
  { "push", vk_cmd_push, "push a station's journals to the count server" },
  { "http-get", vk_cmd_http_get, "a GET of the count server's or a table's API, signed with a device key" },
  { "publish", vk_cmd_publish, "publish a result (then GET /v1/results needs no credentials)" },
  { "import", vk_cmd_import, "ingest journal files into the count database" },
  { "discrepancies", vk_cmd_discrepancies, "run the discrepancy rules over the count database" },
  { "folketingsvalg", vk_cmd_folketingsvalg, "the national allocation of a folketingsvalg (DST XML or valg.dk files)" },
  { "folkeafstemning", vk_cmd_folkeafstemning, "the outcome of a folkeafstemning (Grundloven § 42 or § 88)" },
  { "europaparlamentsvalg", vk_cmd_europaparlamentsvalg, "the 15 seats of a Europa-Parlamentsvalg (EPVL § 32)" },
  { "valgkort", vk_cmd_valgkort, "print a valgkort for every voter (two A5 cards per A4 page)" },
  { "valgliste", vk_cmd_valgliste, "print an area's valgliste on paper, blank or marked from journals" },
  { "paper-checkins", vk_cmd_paper_checkins, "journal the løbenumre marked on a paper valgliste" },
  { "home-visits", vk_cmd_home_visits, "check home-visit requests (deadline, duplicates) and print the visit plan" },
  { "report", vk_cmd_report, "write the files valg.dk collects (turnout, results, mandatfordeling)" },
};

static void
usage (FILE *out)
{
  fprintf (out, "Usage: valgkit COMMAND [OPTIONS…]\n\nCommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun 'valgkit COMMAND --help' for a command's options.\n");
}

int
vk_cli_fail (const char *cmd, const GError *error)
{
  /* Messages quote file names and device ids from outside: escaped. */
  g_autofree char *message = vk_text_escape_controls (error->message);

  fprintf (stderr, "valgkit %s: %s\n", cmd, message);
  if (vk_entry_error_is_enrolment (error))
    return VK_EXIT_FAILED;
  if (error->domain == VK_ERROR
      && (error->code == VK_ERROR_SIGNATURE || error->code == VK_ERROR_CHAIN || error->code == VK_ERROR_FORK
          || error->code == VK_ERROR_KEY))
    return VK_EXIT_FAILED;
  /* A request a station or tally rule refused is a failed check, not a
   * usage error. */
  if (error->domain == VK_STATION_ERROR || error->domain == VK_TALLY_ERROR)
    return VK_EXIT_FAILED;
  if (error->domain == VK_ERROR && error->code == VK_ERROR_TIE)
    return VK_EXIT_TIE;
  return VK_EXIT_USAGE;
}

char *
vk_cli_pad (const char *text, guint width)
{
  glong n = g_utf8_strlen (text, -1);
  GString *out = g_string_new (text);

  for (glong i = n; i < (glong)width; i++)
    g_string_append_c (out, ' ');
  return g_string_free (out, FALSE);
}

void
vk_cli_print_json (JsonBuilder *builder)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

gboolean
vk_cli_parse (GOptionContext *context, int *argc, char ***argv, const char *cmd)
{
  g_autoptr (GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      /* Messages quote file names and device ids from outside: escaped. */
      g_autofree char *message = vk_text_escape_controls (error->message);

      fprintf (stderr, "valgkit %s: %s\n", cmd, message);
      return FALSE;
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (!vk_crypto_init (&error))
    {
      fprintf (stderr, "valgkit: %s\n", error->message);
      return VK_EXIT_FAILED;
    }

  if (argc < 2)
    {
      usage (stderr);
      return VK_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      usage (stdout);
      return VK_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("valgkit %s\n", PACKAGE_VERSION);
      return VK_EXIT_OK;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  fprintf (stderr, "valgkit: unknown command '%s'\n\n", argv[1]);
  usage (stderr);
  return VK_EXIT_USAGE;
}
