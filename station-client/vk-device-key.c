/* vk-device-key.c: creating a device key on the device itself.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "vk-device-key.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vk-error.h"
#include "vk-package.h"

char *
vk_station_default_key_path (const char *package_path, const char *device_id)
{
  g_autofree char *dir = g_path_get_dirname (package_path);
  g_autofree char *name = g_strconcat (device_id, ".key", NULL);

  return g_build_filename (dir, "keys", name, NULL);
}

char *
vk_station_public_key_path (const char *key_path)
{
  if (g_str_has_suffix (key_path, ".key"))
    {
      g_autofree char *stem = g_strndup (key_path, strlen (key_path) - strlen (".key"));
      return g_strconcat (stem, ".pub", NULL);
    }
  return g_strconcat (key_path, ".pub", NULL);
}

char *
vk_station_enroll_command (const char *package_path, const char *pub_path, const char *role, guint area)
{
  g_autofree char *pkg = g_shell_quote (package_path);
  g_autofree char *pub = g_shell_quote (pub_path);
  g_autofree char *area_arg = area != VK_PACKAGE_NO_AREA ? g_strdup_printf (" --area %u", area) : g_strdup ("");

  return g_strdup_printf ("valgkit enroll %s --device-key %s --role %s%s --key election.key", pkg, pub, role, area_arg);
}

/* The id becomes a file name and appears in journals: keep it to a
 * portable, shell-safe alphabet so that it cannot escape the keys folder. */
static gboolean
device_id_is_safe (const char *device_id)
{
  if (device_id == NULL || *device_id == '\0' || *device_id == '.' || strlen (device_id) > 64)
    return FALSE;
  for (const char *p = device_id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

gboolean
vk_station_create_device_key (const char *package_path, const char *key_path, const char *device_id, const char *role,
                              const char *passphrase, const char *passphrase_again, VkKeypair **ret_key,
                              char **ret_key_path, char **ret_pub_path, GError **error)
{
  g_autoptr (VkKeypair) key = NULL;
  g_autofree char *path = NULL;
  g_autofree char *pub = NULL;
  g_autofree char *dir = NULL;

  if (!device_id_is_safe (device_id))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "device id \"%s\": use 1-64 letters, digits, '.', '_' or '-', not starting with '.'",
                   device_id != NULL ? device_id : "");
      return FALSE;
    }
  if (!vk_device_role_is_valid (role))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "role \"%s\" is not a device role", role != NULL ? role : "");
      return FALSE;
    }
  if (passphrase == NULL || !g_utf8_validate (passphrase, -1, NULL)
      || g_utf8_strlen (passphrase, -1) < VK_DEVICE_KEY_MIN_PASSPHRASE_CHARS)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "passphrase: at least %d characters",
                   VK_DEVICE_KEY_MIN_PASSPHRASE_CHARS);
      return FALSE;
    }
  if (passphrase_again == NULL || strcmp (passphrase, passphrase_again) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "passphrase: the two passphrases differ");
      return FALSE;
    }
  if (key_path != NULL && *key_path != '\0')
    path = g_strdup (key_path);
  else if (package_path != NULL && *package_path != '\0')
    path = vk_station_default_key_path (package_path, device_id);
  else
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "key path: give a path or an election package");
      return FALSE;
    }
  pub = vk_station_public_key_path (path);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "key file %s already exists: it is not overwritten", path);
      return FALSE;
    }
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "cannot create folder %s: %s", dir, g_strerror (saved));
      return FALSE;
    }
  key = vk_keypair_generate ();
  if (key == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_FAILED, "libsodium cannot be initialised");
      return FALSE;
    }
  if (!vk_keypair_save (key, path, passphrase, VK_KDF_INTERACTIVE, role, device_id, error))
    return FALSE;
  if (!vk_public_key_save (vk_keypair_get_public_key (key), pub, role, device_id, error))
    {
      /* Without the .pub the key cannot be enrolled: do not leave half a pair. */
      (void)g_unlink (path);
      return FALSE;
    }
  if (ret_key != NULL)
    *ret_key = g_steal_pointer (&key);
  if (ret_key_path != NULL)
    *ret_key_path = g_steal_pointer (&path);
  if (ret_pub_path != NULL)
    *ret_pub_path = g_steal_pointer (&pub);
  return TRUE;
}
