/* vk-valgdk-mandates.h: a seat allocation in valg.dk's Mandatfordeling
 * shape, with the counts it was computed from.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * valg.dk's schema (../shared/data/valgdk-schemas/Mandatfordeling.schema.json)
 * requires, beyond the seats vk_seat_allocation_to_json() writes, the
 * time the file was released (FrigivelsesTidspunktUTC) and the counts the
 * allocation rests on (BaseretPåOptællinger: each area's DAGI id, kind of
 * count and time of approval).  docs/results.md, "valg.dk".
 */
#pragma once

#include <glib.h>

#include "vk-seats.h"

G_BEGIN_DECLS

/* One count an allocation rests on. */
typedef struct
{
  const VkArea *area; /* its AfstemningsområdeDagiId */
  VkResultKind kind;  /* Resultatart */
  gint64 approved_ms; /* GodkendelsesDatoUTC: the count's sign-off */
} VkValgdkCountRef;

/* The Mandatfordeling JSON of seats, resting on counts (n_counts of
 * them; each area's DAGI id must be an int32 and each approval time
 * known).  Errors (VK_ERROR_INVALID) name the area. */
char *vk_valgdk_mandates_to_json (const VkSeatAllocation *seats, const VkValgdkCountRef *counts, guint n_counts,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
