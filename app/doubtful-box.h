/* doubtful-box.h: doubtful ballots at a fintælling table.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Doubtful ballots (tvivlsomme stemmesedler) are set aside with a count
 * and a note (`ballot.doubtful`) and decided later by the valgbestyrelse
 * (`ballot.decision`): to a list, a candidate, or invalid for a reason.
 * The rules are in station-client/vk-tally.h (vk_tally_set_aside_doubtful(),
 * vk_tally_decide_doubtful(), vk_tally_add_decided_doubtful()).
 */
#pragma once

#include <gtk/gtk.h>

#include "vk-station.h"

G_BEGIN_DECLS

#define VK_TYPE_DOUBTFUL_BOX (vk_doubtful_box_get_type ())
G_DECLARE_FINAL_TYPE (VkDoubtfulBox, vk_doubtful_box, VK, DOUBTFUL_BOX, GtkBox)

VkDoubtfulBox *vk_doubtful_box_new (void) G_GNUC_WARN_UNUSED_RESULT;

/* The station (borrowed, must outlive the box). */
void vk_doubtful_box_set_station (VkDoubtfulBox *self, VkStation *station);
/* The contest whose doubtful ballots are shown and decided ("KV", "RV";
 * NULL: the primary); set the area after it. */
void vk_doubtful_box_set_contest (VkDoubtfulBox *self, const char *contest);
/* The area whose doubtful ballots are shown. */
void vk_doubtful_box_set_area (VkDoubtfulBox *self, guint area);
/* Journals changed: shows the doubtful ballots again. */
void vk_doubtful_box_refresh (VkDoubtfulBox *self);

G_END_DECLS
