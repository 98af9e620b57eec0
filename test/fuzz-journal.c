/* fuzz-journal.c: fuzz target for the journal batch decoder.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * vk_journal_parse() reads what arrives over HTTP (POST /v1/journals)
 * and on USB sticks: a CBOR sequence of COSE_Sign1 entries.  Whatever
 * it accepts must serialize back to exactly the input (no second
 * encoding of an entry), every entry's hash must be the SHA-256 of its
 * payload, and whatever it rejects must be a VK_ERROR naming the entry.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vk-error.h"
#include "vk-journal.h"

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

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = vk_journal_parse (data, size, "fuzz.vkj", &error);

  if (entries == NULL)
    {
      CHECK (error != NULL);
      CHECK (error->domain == VK_ERROR);
      CHECK (strstr (error->message, "fuzz.vkj: entry ") != NULL);
      return 0;
    }
  CHECK (error == NULL);
  {
    g_autoptr (GBytes) again = vk_journal_serialize (entries);
    CHECK (g_bytes_get_size (again) == size);
    CHECK (size == 0 || memcmp (g_bytes_get_data (again, NULL), data, size) == 0);
  }
  for (guint i = 0; i < entries->len; i++)
    {
      const VkEntry *e = g_ptr_array_index (entries, i);
      guint8 digest[32];
      vk_sha256 (g_bytes_get_data (e->payload, NULL), g_bytes_get_size (e->payload), digest);
      CHECK (memcmp (digest, e->hash, 32) == 0);
      CHECK (e->seq >= 1);
      CHECK (vk_cbor_get_type (e->body) == VK_CBOR_MAP);
    }
  return 0;
}
