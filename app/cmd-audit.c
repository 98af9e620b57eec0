/* cmd-audit.c: `valgkit audit`.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>

#include "vk-audit.h"
#include "vk-cli.h"

int
vk_cmd_audit (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("- re-verify every signature and recompute every number");
  g_autofree char *election = NULL;
  g_autofree char *journals = NULL;
  g_autofree char *sheet = NULL;
  g_autofree char *lots_path = NULL;
  g_auto (GStrv) qr = NULL;
  g_autoptr (GPtrArray) texts = NULL;
  g_autoptr (GPtrArray) checks = NULL;
  g_autoptr (VkLots) lots = NULL;
  VkAuditOptions options = { 0 };
  GOptionEntry entries[] = {
    { "election", 0, 0, G_OPTION_ARG_FILENAME, &election, "The election package", "E.vkp" },
    { "journals", 0, 0, G_OPTION_ARG_FILENAME, &journals, "Folder of every journal (*.vkj), the count server's too",
      "DIR" },
    { "sheet", 0, 0, G_OPTION_ARG_FILENAME, &sheet, "The municipality's fintælling result sheet (its QR is read)",
      "RESULT.pdf" },
    { "qr", 0, 0, G_OPTION_ARG_STRING_ARRAY, &qr, "The sheet's QR text (repeat for each part)", "TEXT" },
    { "lots", 0, 0, G_OPTION_ARG_FILENAME, &lots_path, "Lot draws for the seat allocation", "LOTS.json" },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, "Every check is numbered and tied to a section of the format documents "
                                             "(docs/audit.md). Exit status 0 only if every check passes.");
  if (!vk_cli_parse (context, &argc, &argv, "audit"))
    return VK_EXIT_USAGE;
  if (election == NULL || journals == NULL)
    {
      fprintf (stderr, "valgkit audit: --election and --journals are required\n");
      return VK_EXIT_USAGE;
    }
  if (lots_path != NULL && (lots = vk_lots_load (lots_path, &error)) == NULL)
    return vk_cli_fail ("audit", error);
  if (sheet != NULL)
    {
      texts = vk_audit_read_sheet_qr (sheet, &error);
      if (texts == NULL)
        return vk_cli_fail ("audit", error);
    }
  else if (qr != NULL)
    {
      texts = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; qr[i] != NULL; i++)
        g_ptr_array_add (texts, g_strdup (qr[i]));
    }

  options.package_path = election;
  options.journals_dir = journals;
  options.qr_texts = texts != NULL ? (const char *const *)texts->pdata : NULL;
  options.n_qr_texts = texts != NULL ? texts->len : 0;
  options.lots = lots;
  checks = vk_audit_run (&options);
  for (guint i = 0; i < checks->len; i++)
    {
      const VkAuditCheck *c = g_ptr_array_index (checks, i);
      g_autofree char *title = vk_cli_pad (c->title, 70);

      printf ("%-3s %s %s\n    %s [%s]\n", c->code, title, c->ok ? "ok" : "FAILED", c->detail, c->section);
    }
  if (texts == NULL)
    printf ("(no result sheet given: A12 not run)\n");
  if (!vk_audit_all_ok (checks))
    {
      printf ("AUDIT FAILED\n");
      return VK_EXIT_FAILED;
    }
  printf ("All %u checks passed.\n", checks->len);
  return VK_EXIT_OK;
}
