/* vk-station.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "vk-station.h"

const char *
vk_station_engine_version (void)
{
  return "1";
}
