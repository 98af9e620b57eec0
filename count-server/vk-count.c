/* vk-count.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "vk-count.h"

void
vk_count_receipt_free (VkCountReceipt *self)
{
  if (self == NULL)
    return;
  g_free (self->device_id);
  g_clear_pointer (&self->cose, g_bytes_unref);
  g_free (self);
}
