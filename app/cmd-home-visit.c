/* cmd-home-visit.c: `valgkit home-visits`: check and journal the register of home-visit requests, print the plan.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "cmd-paper.h"
#include "vk-cbor.h"
#include "vk-cli.h"
#include "vk-error.h"
#include "vk-file.h"
#include "vk-home-register.h"
#include "vk-home-visit.h"
#include "vk-package.h"
#include "vk-text.h"
#include "vk-valgliste.h"
#include "vk-visit-plan.h"

#define REGISTER_MAX_BYTES (16 * 1024 * 1024)

/* Journals the checked requests in the valgsekretariat's journal. */
static int
journal_requests (VkPackage *package, GPtrArray *requests, const char *file, const char *key_path,
                  const char *journal_path, const char *export_path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *role = NULL, *device_id = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (VkJournal) journal = NULL;
  const VkDevice *device;
  guint added = 0, visits = 0, unchanged = 0;

  if (!vk_key_file_peek (key_path, &role, &device_id, &error))
    return vk_cli_fail ("home-visits", error);
  device = device_id != NULL ? vk_package_lookup_device (package, device_id) : NULL;
  if (device == NULL || device->role_id != VK_ROLE_VALGSEKRETARIAT)
    {
      g_autofree char *shown = vk_text_escape_controls (device_id != NULL ? device_id : "(none)");
      fprintf (stderr, "valgkit home-visits: the key's device %s is not enrolled as valgsekretariat\n", shown);
      return VK_EXIT_FAILED;
    }
  key = vk_cli_load_key (key_path, &error);
  if (key == NULL)
    return vk_cli_fail ("home-visits", error);
  journal = vk_journal_open (journal_path, vk_package_get_election_id (package), device->device_id, &error);
  if (journal == NULL)
    return vk_cli_fail ("home-visits", error);
  if (vk_journal_get_head_seq (journal) == 0)
    {
      /* A device's journal starts by opening it, as a table's does. */
      g_autoptr (VkCbor) body = vk_cbor_new_map ();
      g_autoptr (VkEntry) entry = NULL;
      vk_cbor_map_set_text (body, "role", device->role);
      vk_cbor_map_insert_text (body, "area", vk_cbor_new_null ());
      vk_cbor_map_set_text (body, "software", "valgkit " PACKAGE_VERSION " home-visits");
      entry = vk_journal_append (journal, key, "device.open", body, &error);
      if (entry == NULL)
        return vk_cli_fail ("home-visits", error);
    }
  if (!vk_home_register_journal (package, requests, file, journal, key, &added, &visits, &unchanged, &error))
    return vk_cli_fail ("home-visits", error);
  if (export_path != NULL && !vk_journal_export (journal, export_path, &error))
    return vk_cli_fail ("home-visits", error);
  printf ("journaled: %u requests, %u visits; %u rows already journaled; device %s, head %" G_GUINT64_FORMAT "\n",
          added, visits, unchanged, device->device_id, vk_journal_get_head_seq (journal));
  return VK_EXIT_OK;
}

int
vk_cmd_home_visits (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context
      = g_option_context_new ("- check the register of home and institution visit requests; print the visit plan");
  g_autofree char *election = NULL, *file = NULL, *out = NULL, *journals = NULL, *data = NULL;
  g_autofree char *key_path = NULL, *journal_path = NULL, *export_path = NULL, *register_path = NULL;
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
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_path,
      "Journal the requests, signed with this key (a device enrolled as valgsekretariat)", "SEKRETARIAT.key" },
    { "journal", 0, 0, G_OPTION_ARG_FILENAME, &journal_path, "That device's journal database (created if new)",
      "SEKRETARIAT.db" },
    { "export", 0, 0, G_OPTION_ARG_FILENAME, &export_path,
      "Export the journal here, for the hjemmebesøg devices (station app) and the audit", "FILE.vkj" },
    { "register", 0, 0, G_OPTION_ARG_FILENAME, &register_path,
      "Read the register from this journal export (verified) instead of --file", "FILE.vkj" },
    { "test", 0, 0, G_OPTION_ARG_NONE, &test, "PRØVEVALG on every page (always so for a test package)", NULL },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (
      context, "With --key and --journal each request becomes a `homevisit.request` entry, refused ones too with the "
               "rule named, and each planned visit a `homevisit.visit` (docs/journal-format.md); the same file "
               "journaled again adds nothing. Exit 1 when a request is refused or flagged (each is listed).");
  if (!vk_cli_parse (context, &argc, &argv, "home-visits"))
    return VK_EXIT_USAGE;
  if (election == NULL || (file == NULL) == (register_path == NULL) || argc != 1)
    {
      fprintf (stderr, "valgkit home-visits: --election and one of --file and --register are required\n");
      return VK_EXIT_USAGE;
    }
  if ((key_path == NULL) != (journal_path == NULL) || (export_path != NULL && journal_path == NULL)
      || (register_path != NULL && (journal_path != NULL || journals != NULL)))
    {
      fprintf (stderr,
               "valgkit home-visits: --key and --journal go together, with --file only (--export needs them)\n");
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
  if (register_path != NULL)
    {
      /* The journal says what was found when each request was journaled. */
      requests = vk_home_register_load_file (package, register_path, &error);
      if (requests == NULL)
        return vk_cli_fail ("home-visits", error);
      refused = 0;
      for (guint i = 0; i < requests->len; i++)
        if (((VkHomeRequest *)g_ptr_array_index (requests, i))->flags & VK_HOME_REFUSED)
          refused++;
    }
  else
    {
      if (!vk_file_read_untrusted (file, REGISTER_MAX_BYTES, &data, &len, &error)
          || (requests = vk_home_requests_parse (file, data, len, &error)) == NULL)
        return vk_cli_fail ("home-visits", error);
      if (journals != NULL && (fold = vk_valgliste_fold_journals (package, journals, G_MAXUINT64, &error)) == NULL)
        return vk_cli_fail ("home-visits", error);
      refused = vk_home_visits_check (package, requests, deadline_ms, fold);
    }
  for (guint i = 0; i < requests->len; i++)
    {
      const VkHomeRequest *r = g_ptr_array_index (requests, i);
      if (r->finding_da == NULL)
        continue;
      if (!(r->flags & VK_HOME_REFUSED))
        flagged++;
      printf ("%s %u: area %u, løbenummer %u: %s\n", register_path != NULL ? "entry" : "line", r->line, r->area,
              r->loebenummer, r->finding_da);
    }
  if (journal_path != NULL)
    {
      int status = journal_requests (package, requests, file, key_path, journal_path, export_path);
      if (status != VK_EXIT_OK)
        return status;
    }
  if (out != NULL && !vk_visit_plan_write (package, requests, test, 0, out, &planned, &error))
    return vk_cli_fail ("home-visits", error);
  printf ("%u requests: %u refused, %u flagged, %u visits planned%s%s\n", requests->len, refused, flagged, planned,
          out != NULL ? ", plan " : "", out != NULL ? out : "");
  return refused > 0 || flagged > 0 ? VK_EXIT_FAILED : VK_EXIT_OK;
}
