/* cmd-paper.h: the paper commands before and on election day (issue 15).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `valgkit valgkort`: the valgkort of every voter (cmd-valgkort.c). */
int vk_cmd_valgkort (int argc, char **argv);
/* `valgkit valgliste`: the printed valgliste of an area, or the marked one (cmd-valgliste.c). */
int vk_cmd_valgliste (int argc, char **argv);
/* `valgkit paper-checkins`: paper marks typed in, journaled (cmd-paper.c). */
int vk_cmd_paper_checkins (int argc, char **argv);
/* `valgkit home-visits`: the register of home-visit requests and the visit plan (cmd-home-visit.c). */
int vk_cmd_home_visits (int argc, char **argv);

G_END_DECLS
