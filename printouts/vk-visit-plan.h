/* vk-visit-plan.h: the printed plan of home and institution visits, per day and receiver pair.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * From the register (vk-home-visit.h): every request not refused with a
 * visit planned, grouped by day and by the pair of brevstemmemodtagere,
 * in visit time order; each visit with the voter's name and address (from
 * the package), area and løbenummer, the place, flags and a box for the
 * outcome; signature lines for the two receivers under each group.
 * Requests not yet planned, and refused ones, are listed at the end.
 */
#pragma once

#include <glib.h>

#include "vk-home-visit.h"
#include "vk-package.h"

G_BEGIN_DECLS

/* requests: VkHomeRequest* after vk_home_visits_check().  test: PRØVEVALG
 * on every page (always so for a test package).  Returns the number of
 * visits planned through ret_planned (may be NULL). */
gboolean vk_visit_plan_write (VkPackage *package, GPtrArray *requests, gboolean test, gint64 printed_at,
                              const char *path, guint *ret_planned, GError **error);

G_END_DECLS
