/* vk-fv-draws.h: lot draws (lodtrækning) for the national allocations (FV, EP).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The lot file is the one `valgkit mandates` reads (vk_lots_load()):
 * {"draws":[{"tied":[ids…],"winner":id}]}, one draw per winner in the
 * order drawn, "tied" the group still undrawn.  The ids are the ones the
 * allocation names in its error (e.g. "Fyns Storkreds:A" for a
 * kredsmandat, "A" for a remainder in § 77, "Hovedstaden:A" for a
 * tillægsmandat to a landsdel).  A draw is asked for only where it
 * decides a seat: equal quotients that all get a seat need none.
 */
#pragma once

#include <glib.h>

#include "vk-seats.h"

G_BEGIN_DECLS

typedef struct _VkFvDraws VkFvDraws;

/* lots may be NULL (no draws made). */
VkFvDraws *vk_fv_draws_new (const VkLots *lots) G_GNUC_WARN_UNUSED_RESULT;
void vk_fv_draws_free (VkFvDraws *self);
/* The index in ids of the winner of the first unused draw whose tied set
 * is ids (in any order); -1 and VK_ERROR_TIE naming what and the ids when
 * there is none. */
gint vk_fv_draws_decide (VkFvDraws *self, const char *const *ids, guint n_ids, const char *what, GError **error);
/* VK_ERROR_INVALID when a draw was never used: a lot file must not say
 * more than was drawn. */
gboolean vk_fv_draws_check_used (const VkFvDraws *self, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkFvDraws, vk_fv_draws_free)

G_END_DECLS
