/* cmd-push.c: `valgkit push`: deliver a station's journals to the count server.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same code the station runs in the background (vk-sync): every
 * journal the station database holds, its own and those relayed from
 * other tables, is sent beyond the server's last receipt; each new
 * receipt is verified against the package and kept in the database.
 */
#include <stdio.h>
#include <string.h>

#include "vk-cli.h"
#include "vk-error.h"
#include "vk-package.h"
#include "vk-sync.h"
#include "vk-text.h"

int
vk_cmd_push (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("- push a station's journals to the count server");
  g_autofree char *election_path = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *server = NULL;
  g_autofree char *device = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr (VkKeypair) key = NULL;
  int timeout = 30;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkSync) sync = NULL;
  g_autoptr (GPtrArray) receipts = NULL;
  VkSyncStats stats = { 0 };
  gboolean ok;
  GOptionEntry options[] = {
    { "election", 0, 0, G_OPTION_ARG_FILENAME, &election_path, "The election package", "E.vkp" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The station database", "STATION.db" },
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, "The count server's URL", "URL" },
    { "device", 0, 0, G_OPTION_ARG_STRING, &device, "The station's device id (default: the one the database names)",
      "ID" },
    { "pin", 0, 0, G_OPTION_ARG_STRING, &pin,
      "SHA-256 of the server's TLS certificate (hex; default: the one the package pins)", "SHA256" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_path,
      "The station's device key: requests are signed with it (RFC 9421; each entry is signed anyway)", "KEY.key" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "Seconds to wait for each request (default 30)", "S" },
    { NULL },
  };

  g_option_context_add_main_entries (context, options, NULL);
  if (!vk_cli_parse (context, &argc, &argv, "push"))
    return VK_EXIT_USAGE;
  if (election_path == NULL || db_path == NULL || server == NULL || argc != 1 || timeout < 1)
    {
      fprintf (stderr, "valgkit push: --election, --db and --server are required (see --help)\n");
      return VK_EXIT_USAGE;
    }
  package = vk_package_open (election_path, &error);
  if (package == NULL)
    return vk_cli_fail ("push", error);
  if (device == NULL)
    {
      device = vk_journal_peek_device_id (db_path, &error);
      if (device == NULL)
        return vk_cli_fail ("push", error);
    }
  sync = vk_sync_new (package, db_path, device, &error);
  if (sync == NULL)
    return vk_cli_fail ("push", error);
  vk_sync_set_timeout (sync, (guint)timeout);
  /* The certificate the package pins for the count server is required;
   * --pin may only repeat it (or name one when the package pins several). */
  {
    g_autofree char *required = NULL;

    if (!vk_package_resolve_server_pin (package, pin, (guint64)(g_get_real_time () / 1000), &required, &error))
      return vk_cli_fail ("push", error);
    if (required != NULL)
      vk_sync_set_pinned_certificate (sync, required);
  }
  if (key_path != NULL)
    {
      const VkDevice *enrolled = vk_package_lookup_device (package, device);

      key = vk_cli_load_key (key_path, &error);
      if (key == NULL)
        return vk_cli_fail ("push", error);
      if (enrolled == NULL || memcmp (enrolled->public_key, vk_keypair_get_public_key (key), VK_PUBLIC_KEY_BYTES) != 0)
        {
          g_autofree char *shown = vk_text_escape_controls (device);
          fprintf (stderr, "valgkit push: %s is not the key enrolled for device %s\n", key_path, shown);
          return VK_EXIT_USAGE;
        }
      vk_sync_set_key (sync, key);
    }

  ok = vk_sync_push_to_server (sync, server, NULL, &stats, &error);
  receipts = vk_sync_dup_receipts (sync, server, NULL);
  printf ("pushed %u new entries to %s; %u new receipts\n", stats.pushed, server, stats.receipts);
  if (receipts != NULL)
    {
      g_autoptr (GHashTable) last = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint i = 0; i < receipts->len; i++)
        {
          VkSyncReceipt *r = g_ptr_array_index (receipts, i);
          g_hash_table_insert (last, r->device_id, r);
        }
      for (guint i = 0; i < receipts->len; i++)
        {
          VkSyncReceipt *r = g_ptr_array_index (receipts, i);
          g_autofree char *hex = NULL;

          if (g_hash_table_lookup (last, r->device_id) != r)
            continue;
          hex = vk_hex_encode (r->head, VK_HASH_BYTES);
          printf ("receipt %s up to %" G_GUINT64_FORMAT " head %s\n", r->device_id, r->seq, hex);
        }
    }
  if (!ok)
    return vk_cli_fail ("push", error);
  return VK_EXIT_OK;
}
