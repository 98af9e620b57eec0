/* cmd-folkeafstemning.c: `valgkit folkeafstemning`, the outcome of a folkeafstemning.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thin: the readers are shared/vk-dst.c (DST's XML) and shared/vk-fa.c
 * (valg.dk's FA-Valgresultater), the rule vk_fa_adopted().
 * docs/folketingsvalg.md.
 */
#include <stdio.h>

#include <glib.h>

#include "cmd-folketingsvalg.h"
#include "vk-cli.h"
#include "vk-dst.h"
#include "vk-error.h"
#include "vk-fa.h"
#include "vk-text.h"

int
vk_cmd_folkeafstemning (int argc, char **argv)
{
  g_autofree char *results = NULL, *rule_text = NULL, *out_path = NULL;
  g_autofree char *valgdk_out = NULL, *kommune = NULL, *kommune_navn = NULL;
  g_auto (GStrv) kredse = NULL;
  g_auto (GStrv) signed_paths = NULL;
  g_autofree char *trust_path = NULL;
  const GOptionEntry entries[] = {
    { "results", 'r', 0, G_OPTION_ARG_FILENAME, &results,
      "Danmarks Statistik's fintælling folder (fintal.xml …) or a folder of valg.dk FA-Valgresultater files", "DIR" },
    { "rule", 0, 0, G_OPTION_ARG_STRING, &rule_text,
      "42 (a bill: falls when a majority and ≥ 30 % of the eligible vote Nej) or 88 (the constitution: adopted "
      "when a majority and ≥ 40 % of the eligible vote Ja)",
      "42|88" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Write the result (JSON) here", "FILE" },
    { "signed", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &signed_paths,
      "Instead of --results: a municipality's signed valg.dk result (valgkit-valgdk-result-v1; repeat)", "FILE" },
    { "trust", 0, 0, G_OPTION_ARG_FILENAME, &trust_path,
      "With --signed: the municipalities' election public keys (as valgkit region --trust)", "TRUST" },
    { "valgdk-out", 0, 0, G_OPTION_ARG_FILENAME, &valgdk_out,
      "Instead: write one municipality's areas of DST's folder as valg.dk FA-Valgresultater files here", "DIR" },
    { "kommune", 0, 0, G_OPTION_ARG_STRING, &kommune, "With --valgdk-out: the Kommunekode", "KODE" },
    { "kommune-navn", 0, 0, G_OPTION_ARG_STRING, &kommune_navn, "With --valgdk-out: the municipality's name", "NAVN" },
    { "opstillingskreds", 0, 0, G_OPTION_ARG_STRING_ARRAY, &kredse,
      "With --valgdk-out: an opstillingskreds of the municipality, as fintal.xml names it (repeat)", "NAVN" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- the outcome of a folkeafstemning");
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) local = NULL;
  g_autofree char *json = NULL;
  VkFaTotals t = { 0 };
  VkFaRule rule;
  gboolean ok;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx, "Sums Ja, Nej and the eligible voters of the whole country and applies "
                                         "Grundloven § 42 stk. 5\nor § 88.  Exit status: 0 done, 2 bad usage or "
                                         "malformed input.  docs/folketingsvalg.md.");
  if (!vk_cli_parse (ctx, &argc, &argv, "folkeafstemning"))
    return VK_EXIT_USAGE;
  if (valgdk_out != NULL)
    {
      if (argc > 1)
        return VK_EXIT_USAGE;
      return vk_cmd_dst_valgdk_out ("folkeafstemning", VK_DST_FOLKEAFSTEMNING, results, valgdk_out, kommune,
                                    kommune_navn, (const char *const *)kredse);
    }
  if ((results == NULL) == (signed_paths == NULL) || (signed_paths != NULL && trust_path == NULL) || rule_text == NULL
      || out_path == NULL || argc > 1)
    {
      fprintf (stderr, "valgkit folkeafstemning: --results (or --signed with --trust), --rule and --out are required "
                       "(see --help)\n");
      return VK_EXIT_USAGE;
    }
  if (g_strcmp0 (rule_text, "42") == 0)
    rule = VK_FA_RULE_42;
  else if (g_strcmp0 (rule_text, "88") == 0)
    rule = VK_FA_RULE_88;
  else
    {
      fprintf (stderr, "valgkit folkeafstemning: --rule must be 42 or 88\n");
      return VK_EXIT_USAGE;
    }
  if (signed_paths != NULL)
    {
      g_autoptr (GPtrArray) signed_results
          = vk_cmd_read_signed ((const char *const *)signed_paths, trust_path, "FA", &error);
      ok = signed_results != NULL && vk_fa_valgdk_read_signed (signed_results, &t, &error);
    }
  else if (vk_dst_is_folder (results))
    ok = vk_dst_read_fa (results, &t, &error);
  else
    ok = vk_fa_valgdk_read (results, &t, &error);
  if (!ok)
    return vk_cli_fail ("folkeafstemning", error);
  json = vk_fa_to_json (&t, rule);
  if (!g_file_set_contents_full (out_path, json, -1, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0644,
                                 &local))
    {
      g_autofree char *file = vk_text_escape_controls (out_path);
      g_set_error (&error, VK_ERROR, VK_ERROR_IO, "%s: cannot write: %s", file, local->message);
      vk_fa_totals_clear (&t);
      return vk_cli_fail ("folkeafstemning", error);
    }
  printf ("%s\nJa %" G_GUINT64_FORMAT ", Nej %" G_GUINT64_FORMAT ", stemmeberettigede %" G_GUINT64_FORMAT
          ": %s (Grundloven § %d)\n",
          t.source, t.ja, t.nej, t.eligible, vk_fa_adopted (rule, t.ja, t.nej, t.eligible) ? "vedtaget" : "forkastet",
          (int)rule);
  vk_fa_totals_clear (&t);
  return VK_EXIT_OK;
}
