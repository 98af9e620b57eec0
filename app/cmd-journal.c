/* cmd-journal.c: `valgkit journal verify` and `valgkit journal show`.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "vk-cli.h"
#include "vk-error.h"
#include "vk-journal.h"
#include "vk-package.h"
#include "vk-text.h"

/* CBOR → JSON for display: byte strings become lowercase hex strings,
 * maps with non-text keys use the keys' diagnostic notation. */
static JsonNode *
cbor_to_json (const VkCbor *item)
{
  JsonNode *node = NULL;
  gint64 i64;
  gboolean b;

  switch (vk_cbor_get_type (item))
    {
      case VK_CBOR_UINT:
      case VK_CBOR_NINT:
        node = json_node_new (JSON_NODE_VALUE);
        if (vk_cbor_get_int (item, &i64))
          json_node_set_int (node, i64);
        else
          {
            g_autofree char *diag = vk_cbor_to_diagnostic (item);
            json_node_set_string (node, diag);
          }
        break;
      case VK_CBOR_BYTES:
        {
          gsize len = 0;
          const guint8 *data = vk_cbor_get_bytes (item, &len);
          g_autofree char *hex = vk_hex_encode (data, len);
          node = json_node_new (JSON_NODE_VALUE);
          json_node_set_string (node, hex);
        }
        break;
      case VK_CBOR_TEXT:
        node = json_node_new (JSON_NODE_VALUE);
        json_node_set_string (node, vk_cbor_get_text (item, NULL));
        break;
      case VK_CBOR_ARRAY:
        {
          JsonArray *array = json_array_new ();
          for (gsize i = 0; i < vk_cbor_array_get_length (item); i++)
            json_array_add_element (array, cbor_to_json (vk_cbor_array_get (item, i)));
          node = json_node_new (JSON_NODE_ARRAY);
          json_node_take_array (node, array);
        }
        break;
      case VK_CBOR_MAP:
        {
          JsonObject *object = json_object_new ();
          for (gsize i = 0; i < vk_cbor_map_get_length (item); i++)
            {
              VkCbor *key = vk_cbor_map_get_key (item, i);
              g_autofree char *name = vk_cbor_get_type (key) == VK_CBOR_TEXT ? g_strdup (vk_cbor_get_text (key, NULL))
                                                                             : vk_cbor_to_diagnostic (key);
              json_object_set_member (object, name, cbor_to_json (vk_cbor_map_get_value (item, i)));
            }
          node = json_node_new (JSON_NODE_OBJECT);
          json_node_take_object (node, object);
        }
        break;
      case VK_CBOR_SIMPLE:
        if (vk_cbor_get_bool (item, &b))
          {
            node = json_node_new (JSON_NODE_VALUE);
            json_node_set_boolean (node, b);
          }
        else if (vk_cbor_is_null (item))
          node = json_node_new (JSON_NODE_NULL);
        else
          {
            g_autofree char *diag = vk_cbor_to_diagnostic (item);
            node = json_node_new (JSON_NODE_VALUE);
            json_node_set_string (node, diag);
          }
        break;
      case VK_CBOR_FLOAT:
        node = json_node_new (JSON_NODE_VALUE);
        json_node_set_double (node, vk_cbor_get_float (item));
        break;
      case VK_CBOR_TAG:
      default:
        {
          g_autofree char *diag = vk_cbor_to_diagnostic (item);
          node = json_node_new (JSON_NODE_VALUE);
          json_node_set_string (node, diag);
        }
        break;
    }
  return node;
}

static char *
format_time (guint64 time_ms)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc ((gint64)(time_ms / 1000));
  g_autoptr (GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("?");
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

static int
journal_show (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE.vkj - print a journal's entries");
  g_autoptr (GPtrArray) entries = NULL;
  gboolean as_json = FALSE;
  GOptionEntry options[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, "Print JSON (one array of entries)", NULL },
    { NULL },
  };

  g_option_context_add_main_entries (context, options, NULL);
  if (!vk_cli_parse (context, &argc, &argv, "journal show"))
    return VK_EXIT_USAGE;
  if (argc != 2)
    {
      fprintf (stderr, "valgkit journal show: give one journal file\n");
      return VK_EXIT_USAGE;
    }
  entries = vk_journal_read_file (argv[1], &error);
  if (entries == NULL)
    return vk_cli_fail ("journal show", error);

  if (as_json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < entries->len; i++)
        {
          const VkEntry *e = g_ptr_array_index (entries, i);
          g_autofree char *election = vk_hex_encode (e->election_id, VK_ELECTION_ID_BYTES);
          g_autofree char *prev = vk_hex_encode (e->prev, VK_HASH_BYTES);
          g_autofree char *hash = vk_hex_encode (e->hash, VK_HASH_BYTES);
          g_autofree char *kid = vk_hex_encode (e->key_id, VK_KEY_ID_BYTES);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "seq");
          json_builder_add_int_value (builder, (gint64)e->seq);
          json_builder_set_member_name (builder, "device");
          json_builder_add_string_value (builder, e->device_id);
          json_builder_set_member_name (builder, "time_ms");
          json_builder_add_int_value (builder, (gint64)e->time_ms);
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder, e->type);
          json_builder_set_member_name (builder, "body");
          json_builder_add_value (builder, cbor_to_json (e->body));
          json_builder_set_member_name (builder, "election_id");
          json_builder_add_string_value (builder, election);
          json_builder_set_member_name (builder, "prev");
          json_builder_add_string_value (builder, prev);
          json_builder_set_member_name (builder, "hash");
          json_builder_add_string_value (builder, hash);
          json_builder_set_member_name (builder, "key_id");
          json_builder_add_string_value (builder, kid);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      vk_cli_print_json (builder);
      return VK_EXIT_OK;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      const VkEntry *e = g_ptr_array_index (entries, i);
      g_autofree char *when = format_time (e->time_ms);
      g_autofree char *body = vk_cbor_to_diagnostic (e->body);
      g_autofree char *hash = vk_hex_encode (e->hash, 6);

      printf ("%6" G_GUINT64_FORMAT "  %s  %-16s %-14s %s  #%s…\n", e->seq, when, e->device_id, e->type, body, hash);
    }
  return VK_EXIT_OK;
}

static int
journal_verify (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE.vkj… - verify journals against an election package");
  g_autofree char *election = NULL;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);
  g_autoptr (GPtrArray) flat = g_ptr_array_new ();
  gboolean fast = FALSE;
  gboolean quiet = FALSE;
  int status = VK_EXIT_OK;
  VkEntry *fork_a = NULL, *fork_b = NULL;
  GOptionEntry options[] = {
    { "election", 0, 0, G_OPTION_ARG_FILENAME, &election, "The election package (.vkp)", "E.vkp" },
    { "fast", 0, 0, G_OPTION_ARG_NONE, &fast, "Check the chain and only the last signature of each journal", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print only problems", NULL },
    { NULL },
  };

  g_option_context_add_main_entries (context, options, NULL);
  g_option_context_set_description (context, "Exit status: 0 all journals valid, 1 a journal failed "
                                             "(the first problem is printed), 2 bad arguments or unreadable input.");
  if (!vk_cli_parse (context, &argc, &argv, "journal verify"))
    return VK_EXIT_USAGE;
  if (election == NULL || argc < 2)
    {
      fprintf (stderr, "valgkit journal verify: --election E.vkp and at least one journal file are required\n");
      return VK_EXIT_USAGE;
    }
  package = vk_package_open (election, &error);
  if (package == NULL)
    return vk_cli_fail ("journal verify", error);

  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GPtrArray) entries = vk_journal_read_file (argv[i], &error);
      /* A file name on a stick may hold escape sequences: never print it raw. */
      g_autofree char *name = vk_text_escape_controls (argv[i]);
      VkVerifyReport report;

      if (entries == NULL)
        {
          g_autofree char *message = vk_text_escape_controls (error->message);

          fprintf (stderr, "%s: FAILED: %s\n", name, message);
          status = MAX (status, VK_EXIT_FAILED);
          g_clear_error (&error);
          continue;
        }
      if (!vk_journal_verify (entries, vk_package_get_election_id (package), vk_package_device_lookup, package,
                              fast ? VK_VERIFY_FAST : VK_VERIFY_DEFAULT, &report, &error))
        {
          g_autofree char *message = vk_text_escape_controls (error->message);

          fprintf (stderr, "%s: FAILED at entry %" G_GUINT64_FORMAT ": %s\n", name, report.failed_seq, message);
          status = MAX (status, VK_EXIT_FAILED);
          g_clear_error (&error);
        }
      else if (!quiet)
        {
          g_autofree char *head = vk_hex_encode (report.head_hash, VK_HASH_BYTES);
          const VkEntry *first = g_ptr_array_index (entries, 0);
          printf ("%s: ok: device %s, %" G_GUINT64_FORMAT " entries, head %" G_GUINT64_FORMAT " %s\n", name,
                  first->device_id, report.entries, report.head_seq, head);
        }
      for (guint j = 0; j < entries->len; j++)
        g_ptr_array_add (flat, g_ptr_array_index (entries, j));
      g_ptr_array_add (all, g_steal_pointer (&entries));
    }

  if (vk_journal_find_fork (flat, &fork_a, &fork_b))
    {
      g_autofree char *ha = vk_hex_encode (fork_a->hash, VK_HASH_BYTES);
      g_autofree char *hb = vk_hex_encode (fork_b->hash, VK_HASH_BYTES);
      fprintf (stderr, "FORK: device %s has two different entries %" G_GUINT64_FORMAT ": %s and %s\n",
               fork_a->device_id, fork_a->seq, ha, hb);
      status = MAX (status, VK_EXIT_FAILED);
    }
  return status;
}

int
vk_cmd_journal (int argc, char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "verify") == 0)
    return journal_verify (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "show") == 0)
    return journal_show (argc - 1, argv + 1);
  fprintf (argc >= 2 && strcmp (argv[1], "--help") == 0 ? stdout : stderr,
           "Usage: valgkit journal verify --election E.vkp [--fast] FILE.vkj…\n"
           "       valgkit journal show FILE.vkj [--json]\n");
  return argc >= 2 && strcmp (argv[1], "--help") == 0 ? VK_EXIT_OK : VK_EXIT_USAGE;
}
