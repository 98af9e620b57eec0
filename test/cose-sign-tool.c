/* cose-sign-tool.c: prints, as hex, the COSE_Sign1 that valgkit makes of
 * a payload (argv[1], default "valgkit interop") with the RFC 8032 §7.1
 * TEST 1 key, for test/interop/cose_vector.py to check independently.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "vk-cose.h"
#include "vk-keys.h"

int
main (int argc, char **argv)
{
  const char *payload = argc > 1 ? argv[1] : "valgkit interop";
  guint8 seed[VK_SEED_BYTES];
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (GBytes) cose = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *hex = NULL;

  if (!vk_hex_decode ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", seed, sizeof seed))
    return 2;
  key = vk_keypair_new_from_seed (seed);
  if (key == NULL)
    return 2;
  cose = vk_cose_sign1_create ((const guint8 *)payload, strlen (payload), key, &error);
  if (cose == NULL)
    {
      fprintf (stderr, "cose-sign-tool: %s\n", error->message);
      return 1;
    }
  hex = vk_hex_encode (g_bytes_get_data (cose, NULL), g_bytes_get_size (cose));
  printf ("%s\n", hex);
  return 0;
}
