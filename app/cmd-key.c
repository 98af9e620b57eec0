/* cmd-key.c: `valgkit key new` and `valgkit key show`.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "vk-cli.h"
#include "vk-error.h"
#include "vk-keys.h"
#include "vk-role.h"

/* A device role (vk-role.h) or the election key's "election". */
static gboolean
role_is_known (const char *role)
{
  return g_strcmp0 (role, "election") == 0 || vk_device_role_from_string (role) != VK_ROLE_INVALID;
}

/* F.key → F.pub; anything else gets .pub appended. */
static char *
public_path_for (const char *secret_path)
{
  if (g_str_has_suffix (secret_path, ".key"))
    {
      g_autofree char *stem = g_strndup (secret_path, strlen (secret_path) - 4);
      return g_strconcat (stem, ".pub", NULL);
    }
  return g_strconcat (secret_path, ".pub", NULL);
}

static int
key_new (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("- create a key pair");
  g_autofree char *role = NULL;
  g_autofree char *device = NULL;
  g_autofree char *out = NULL;
  g_autofree char *pub_path = NULL;
  g_autofree char *kid = NULL;
  g_autoptr (VkKeypair) key = NULL;
  char *passphrase;
  gboolean ok;
  GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role,
      "election, valgbord, brevstemmested, hjemmebesoeg, fintaelling, optaelling, server, valgstyrer, revisor, "
      "collector or valgsekretariat",
      "ROLE" },
    { "device", 0, 0, G_OPTION_ARG_STRING, &device, "Device id (for the election key: the municipality)", "ID" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Secret key file to write (the public key goes beside it as .pub)",
      "F.key" },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, "The passphrase is read from $VALGKIT_PASSPHRASE, or asked for.");
  if (!vk_cli_parse (context, &argc, &argv, "key new"))
    return VK_EXIT_USAGE;
  if (!role_is_known (role) || device == NULL || *device == '\0' || out == NULL)
    {
      fprintf (stderr, "valgkit key new: --role (one of election, valgbord, brevstemmested, hjemmebesoeg, "
                       "fintaelling, optaelling, server, valgstyrer, revisor), --device and --out are required\n");
      return VK_EXIT_USAGE;
    }
  if (g_file_test (out, G_FILE_TEST_EXISTS))
    {
      fprintf (stderr, "valgkit key new: %s exists; refusing to overwrite a key\n", out);
      return VK_EXIT_USAGE;
    }

  passphrase = vk_passphrase_get ("Passphrase for the new key: ", &error);
  if (passphrase == NULL)
    return vk_cli_fail ("key new", error);
  key = vk_keypair_generate ();
  ok = vk_keypair_save (key, out, passphrase, strcmp (role, "election") == 0 ? VK_KDF_MODERATE : VK_KDF_INTERACTIVE,
                        role, device, &error);
  vk_passphrase_free (passphrase);
  if (!ok)
    return vk_cli_fail ("key new", error);
  pub_path = public_path_for (out);
  if (!vk_public_key_save (vk_keypair_get_public_key (key), pub_path, role, device, &error))
    return vk_cli_fail ("key new", error);

  kid = vk_hex_encode (vk_keypair_get_key_id (key), VK_KEY_ID_BYTES);
  printf ("Wrote %s (secret, encrypted) and %s (public); key id %s\n", out, pub_path, kid);
  return VK_EXIT_OK;
}

static int
key_show (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE.pub - show a public key");
  guint8 pk[VK_PUBLIC_KEY_BYTES];
  guint8 kid[VK_KEY_ID_BYTES];
  g_autofree char *role = NULL;
  g_autofree char *device = NULL;
  g_autofree char *pk_hex = NULL;
  g_autofree char *kid_hex = NULL;

  if (!vk_cli_parse (context, &argc, &argv, "key show"))
    return VK_EXIT_USAGE;
  if (argc != 2)
    {
      fprintf (stderr, "valgkit key show: give one public key file\n");
      return VK_EXIT_USAGE;
    }
  if (!vk_public_key_load (argv[1], pk, &role, &device, &error))
    return vk_cli_fail ("key show", error);
  vk_key_id_from_public_key (pk, kid);
  pk_hex = vk_hex_encode (pk, sizeof pk);
  kid_hex = vk_hex_encode (kid, sizeof kid);
  printf ("device: %s\nrole: %s\nkey id: %s\npublic key: %s\n", device, role, kid_hex, pk_hex);
  return VK_EXIT_OK;
}

int
vk_cmd_key (int argc, char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "new") == 0)
    return key_new (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "show") == 0)
    return key_show (argc - 1, argv + 1);
  fprintf (argc >= 2 && strcmp (argv[1], "--help") == 0 ? stdout : stderr,
           "Usage: valgkit key new --role ROLE --device ID --out F.key\n"
           "       valgkit key show F.pub\n");
  return argc >= 2 && strcmp (argv[1], "--help") == 0 ? VK_EXIT_OK : VK_EXIT_USAGE;
}
