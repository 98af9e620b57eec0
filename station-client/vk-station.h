/* vk-station.h: the station engine (no GTK).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *vk_station_engine_version (void);

G_END_DECLS
