/* fuzz-cbor.c: fuzz target for the deterministic CBOR decoder.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The decoder accepts only deterministic CBOR, so whatever it accepts
 * must encode back to exactly the input bytes; a difference means two
 * encodings of one value slipped through, which would let a signed
 * journal be rewritten without breaking its signatures.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vk-cbor.h"
#include "vk-error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Not g_assert(): these checks must not vanish with G_DISABLE_ASSERT. */
#define CHECK(cond)                                                                                                    \
  do                                                                                                                   \
    {                                                                                                                  \
      if (!(cond))                                                                                                     \
        {                                                                                                              \
          fprintf (stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                                    \
          abort ();                                                                                                    \
        }                                                                                                              \
    }                                                                                                                  \
  while (0)

static void
check_error (const GError *error)
{
  CHECK (error != NULL);
  CHECK (error->domain == VK_ERROR);
  CHECK (error->code == VK_ERROR_INVALID || error->code == VK_ERROR_TRUNCATED
         || error->code == VK_ERROR_NOT_DETERMINISTIC);
  CHECK (strstr (error->message, "offset") != NULL);
}

static void
check_item (const VkCbor *item, const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) again = vk_cbor_encode (item);
  g_autofree char *diagnostic = vk_cbor_to_diagnostic (item);

  CHECK (g_bytes_get_size (again) == size);
  CHECK (memcmp (g_bytes_get_data (again, NULL), data, size) == 0);
  CHECK (diagnostic != NULL && diagnostic[0] != '\0');
  CHECK (vk_cbor_equal (item, item));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  VkCbor *item = vk_cbor_decode (data, size, &error);
  size_t pos = 0;

  if (item != NULL)
    {
      CHECK (error == NULL);
      check_item (item, data, size);
      vk_cbor_unref (item);
    }
  else
    {
      check_error (error);
      g_clear_error (&error);
    }

  /* The same bytes read as a CBOR sequence (RFC 8742), item by item. */
  while (pos < size)
    {
      size_t consumed = 0;

      item = vk_cbor_decode_prefix (data + pos, size - pos, &consumed, &error);
      if (item == NULL)
        {
          check_error (error);
          g_clear_error (&error);
          break;
        }
      CHECK (consumed > 0 && consumed <= size - pos);
      check_item (item, data + pos, consumed);
      vk_cbor_unref (item);
      pos += consumed;
    }
  return 0;
}
