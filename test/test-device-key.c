/* test-device-key.c: vk_station_create_device_key() and its helpers.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "vk-device-key.h"
#include "vk-error.h"
#include "vk-package.h"
#include "vk-test-util.h"

#define PASS "prøvevalg-1234"

static void
test_paths (void)
{
  g_autofree char *key = vk_station_default_key_path ("/x/y/E.vkp", "bord-1");
  g_autofree char *pub = vk_station_public_key_path (key);
  g_autofree char *pub2 = vk_station_public_key_path ("/x/odd");
  g_autofree char *cmd = vk_station_enroll_command ("/x/my E.vkp", pub, "valgbord", 3);
  g_autofree char *cmd0 = vk_station_enroll_command ("E.vkp", "h.pub", "hjemmebesoeg", VK_PACKAGE_NO_AREA);

  g_assert_cmpstr (key, ==, "/x/y/keys/bord-1.key");
  g_assert_cmpstr (pub, ==, "/x/y/keys/bord-1.pub");
  g_assert_cmpstr (pub2, ==, "/x/odd.pub");
  g_assert_cmpstr (cmd, ==,
                   "valgkit enroll '/x/my E.vkp' --device-key '/x/y/keys/bord-1.pub' --role valgbord --area 3 "
                   "--key election.key");
  g_assert_null (strstr (cmd0, "--area"));
}

static void
test_create (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *pkg = g_build_filename (dir, "E.vkp", NULL);
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (VkKeypair) loaded = NULL;
  g_autofree char *key_path = NULL, *pub_path = NULL, *role = NULL, *id = NULL;
  guint8 pub[VK_PUBLIC_KEY_BYTES];
  struct stat st;

  g_assert_true (
      vk_station_create_device_key (pkg, NULL, "bord-7", "valgbord", PASS, PASS, &key, &key_path, &pub_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (key_path, "/keys/bord-7.key"));
  g_assert_true (g_str_has_prefix (key_path, dir));
  g_assert_cmpint (g_stat (key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  loaded = vk_keypair_load (key_path, PASS, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (vk_keypair_get_public_key (loaded), VK_PUBLIC_KEY_BYTES, vk_keypair_get_public_key (key),
                   VK_PUBLIC_KEY_BYTES);
  g_assert_true (vk_public_key_load (pub_path, pub, &role, &id, &error));
  g_assert_cmpmem (pub, sizeof pub, vk_keypair_get_public_key (key), VK_PUBLIC_KEY_BYTES);
  g_assert_cmpstr (role, ==, "valgbord");
  g_assert_cmpstr (id, ==, "bord-7");

  /* Never overwrites an existing key. */
  g_assert_false (vk_station_create_device_key (pkg, NULL, "bord-7", "valgbord", PASS, PASS, NULL, NULL, NULL, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_IO);
  g_clear_error (&error);
  {
    g_autoptr (VkKeypair) still = vk_keypair_load (key_path, PASS, &error);
    g_assert_no_error (error);
    g_assert_cmpmem (vk_keypair_get_public_key (still), VK_PUBLIC_KEY_BYTES, vk_keypair_get_public_key (key),
                     VK_PUBLIC_KEY_BYTES);
  }
}

static void
test_chosen_path (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *chosen = g_build_filename (dir, "sub", "mine.key", NULL);
  g_autofree char *key_path = NULL, *pub_path = NULL;

  g_assert_true (vk_station_create_device_key (NULL, chosen, "hjem-1", "hjemmebesoeg", PASS, PASS, NULL, &key_path,
                                               &pub_path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (key_path, ==, chosen);
  g_assert_true (g_str_has_suffix (pub_path, "/sub/mine.pub"));
  g_assert_true (g_file_test (pub_path, G_FILE_TEST_IS_REGULAR));
}

static void
test_invalid (void)
{
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *pkg = g_build_filename (dir, "E.vkp", NULL);
  g_autofree char *keys = g_build_filename (dir, "keys", NULL);
  struct
  {
    const char *id, *role, *p1, *p2, *field;
  } cases[] = {
    { "", "valgbord", PASS, PASS, "device id" },
    { "../evil", "valgbord", PASS, PASS, "device id" },
    { ".hidden", "valgbord", PASS, PASS, "device id" },
    { "bord 1", "valgbord", PASS, PASS, "device id" },
    { "bord-1", "kaffe", PASS, PASS, "role" },
    { "bord-1", NULL, PASS, PASS, "role" },
    { "bord-1", "valgbord", "", "", "passphrase" },
    { "bord-1", "valgbord", PASS, "prøvevalG", "passphrase" },
    { "bord-1", "valgbord", PASS, NULL, "passphrase" },
    /* 11 characters (ø counts as one): one short of the rule. */
    { "bord-1", "valgbord", "prøvevalg-1", "prøvevalg-1", "passphrase" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (vk_station_create_device_key (pkg, NULL, cases[i].id, cases[i].role, cases[i].p1, cases[i].p2,
                                                    NULL, NULL, NULL, &error));
      g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, cases[i].field));
    }
  /* Nothing was written for any refused request. */
  g_assert_false (g_file_test (keys, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/device-key/paths", test_paths);
  g_test_add_func ("/device-key/create", test_create);
  g_test_add_func ("/device-key/chosen-path", test_chosen_path);
  g_test_add_func ("/device-key/invalid", test_invalid);
  return g_test_run ();
}
