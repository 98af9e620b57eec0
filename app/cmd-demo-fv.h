/* cmd-demo-fv.h: `valgkit demo --fv DST_DIR | --fa DST_DIR --kommune KODE`.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether argv asks for the folketingsvalg or folkeafstemning demo. */
gboolean vk_cmd_demo_is_dst (int argc, char **argv);

/* One municipality's FV (or FA) day replayed from Danmarks Statistik's
 * fintælling XML, and the national result from all areas. */
int vk_cmd_demo_fv (int argc, char **argv);

G_END_DECLS
