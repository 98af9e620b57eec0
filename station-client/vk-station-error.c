/* vk-station-error.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "vk-station-error.h"

G_DEFINE_QUARK (vk - station - error - quark, vk_station_error)
