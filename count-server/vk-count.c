/* vk-count.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "vk-count.h"

const char *
vk_count_engine_version (void)
{
  return "1";
}
