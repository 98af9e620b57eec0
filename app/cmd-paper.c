/* cmd-paper.c: `valgkit paper-checkins`: marks from a paper valgliste, journaled.
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
#include "vk-journal.h"
#include "vk-package.h"
#include "vk-paper-marks.h"
#include "vk-text.h"

#define MARKS_MAX_BYTES (16 * 1024 * 1024)

int
vk_cmd_paper_checkins (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context
      = g_option_context_new ("- journal the løbenumre marked on a paper valgliste (typed into a CSV file)");
  g_autofree char *election = NULL, *file = NULL, *key_path = NULL, *journal_path = NULL, *out = NULL;
  g_autofree char *table = NULL, *device_id = NULL, *role = NULL, *data = NULL;
  gint area = 0;
  gsize len = 0;
  guint added = 0, skipped = 0;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (VkJournal) journal = NULL;
  g_autoptr (GPtrArray) marks = NULL;
  const VkDevice *device;
  GOptionEntry entries[] = {
    { "election", 0, 0, G_OPTION_ARG_FILENAME, &election, "The election package", "E.vkp" },
    { "area", 0, 0, G_OPTION_ARG_INT, &area, "The afstemningsområde of the paper list", "N" },
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file, "The marks: one løbenummer per line (header loebenummer[,bord])",
      "MARKS.csv" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_path,
      "The key of the device that journals them (a valgbord of the area)", "DEVICE.key" },
    { "journal", 0, 0, G_OPTION_ARG_FILENAME, &journal_path, "That device's journal database (created if new)",
      "DEVICE.db" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Export the journal here, for `valgkit import` or a push", "FILE.vkj" },
    { "table", 0, 0, G_OPTION_ARG_STRING, &table, "The paper list's table, when the file has no bord column", "T" },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
                                    "Each løbenummer becomes a `checkin.paper` entry (docs/journal-format.md) with "
                                    "the file and line as its source. Every number must be on the area's valgliste, "
                                    "or nothing is journaled. A number already journaled by this device is skipped. "
                                    "Use a device of its own (e.g. papir-3), not a table's laptop key: a device's "
                                    "journal lives in one place.");
  if (!vk_cli_parse (context, &argc, &argv, "paper-checkins"))
    return VK_EXIT_USAGE;
  if (election == NULL || area <= 0 || file == NULL || key_path == NULL || journal_path == NULL || argc != 1)
    {
      fprintf (stderr, "valgkit paper-checkins: --election, --area, --file, --key and --journal are required\n");
      return VK_EXIT_USAGE;
    }
  package = vk_package_open (election, &error);
  if (package == NULL)
    return vk_cli_fail ("paper-checkins", error);
  if (!vk_key_file_peek (key_path, &role, &device_id, &error))
    return vk_cli_fail ("paper-checkins", error);
  device = device_id != NULL ? vk_package_lookup_device (package, device_id) : NULL;
  if (device == NULL || device->role_id != VK_ROLE_VALGBORD || device->area != (guint)area)
    {
      g_autofree char *shown = vk_text_escape_controls (device_id != NULL ? device_id : "(none)");
      fprintf (stderr, "valgkit paper-checkins: the key's device %s is not enrolled as a valgbord of area %d\n", shown,
               area);
      return VK_EXIT_FAILED;
    }
  /* The file is read and checked before the passphrase is asked. */
  if (!vk_file_read_untrusted (file, MARKS_MAX_BYTES, &data, &len, &error)
      || (marks = vk_paper_marks_parse (file, data, len, &error)) == NULL)
    return vk_cli_fail ("paper-checkins", error);
  key = vk_cli_load_key (key_path, &error);
  if (key == NULL)
    return vk_cli_fail ("paper-checkins", error);
  journal = vk_journal_open (journal_path, vk_package_get_election_id (package), device->device_id, &error);
  if (journal == NULL)
    return vk_cli_fail ("paper-checkins", error);
  if (vk_journal_get_head_seq (journal) == 0)
    {
      /* A device's journal starts by opening it, as a table's does. */
      g_autoptr (VkCbor) body = vk_cbor_new_map ();
      g_autoptr (VkEntry) entry = NULL;
      vk_cbor_map_set_text (body, "role", device->role);
      vk_cbor_map_set_uint (body, "area", device->area);
      vk_cbor_map_set_text (body, "software", "valgkit " PACKAGE_VERSION " paper-checkins");
      entry = vk_journal_append (journal, key, "device.open", body, &error);
      if (entry == NULL)
        return vk_cli_fail ("paper-checkins", error);
    }
  if (!vk_paper_marks_journal (package, (guint)area, marks, file, table, journal, key, &added, &skipped, &error))
    return vk_cli_fail ("paper-checkins", error);
  if (out != NULL && !vk_journal_export (journal, out, &error))
    return vk_cli_fail ("paper-checkins", error);
  printf ("%u journaled, %u already journaled, device %s, head %" G_GUINT64_FORMAT "\n", added, skipped,
          device->device_id, vk_journal_get_head_seq (journal));
  return VK_EXIT_OK;
}
