/* station-i18n.h: the station app's language (docs/station-app.md).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sets up gettext for the app: the valgkit domain, and Danish unless
 * LANGUAGE asks for something else or LANG selects another language
 * that exists (docs/station-app.md). */
void vk_station_init_i18n (void);

G_END_DECLS
