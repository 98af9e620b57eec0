/* visits-page.h: the day's home and institution visits of a hjemmebesøg device.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A brevstemmemodtager team on a home visit works offline: at setup (or
 * any time before it leaves) it loads the valgsekretariat's register, the
 * journal export written by `valgkit home-visits --export`
 * (shared/vk-home-register.h).  The file is verified against the election
 * package (every signature, the chain, the valgsekretariat's enrolment)
 * and a copy is kept beside the device database, so the plan is there
 * after a restart.  The page lists the visits of the journal clock's day
 * planned for this device or for no device: time, the voter's name and
 * address from the package, the place, the two receivers, the outcome and
 * what the register flagged.
 *
 * Action visits.load (a path): load and keep that register; the button
 * asks for the file.
 */
#pragma once

#include <adwaita.h>

#include "vk-station-session.h"

G_BEGIN_DECLS

#define VK_TYPE_VISITS_PAGE (vk_visits_page_get_type ())
G_DECLARE_FINAL_TYPE (VkVisitsPage, vk_visits_page, VK, VISITS_PAGE, AdwBin)

VkVisitsPage *vk_visits_page_new (void) G_GNUC_WARN_UNUSED_RESULT;
/* The open device (borrowed); loads the register kept beside its database, if any. */
void vk_visits_page_set_session (VkVisitsPage *self, VkStationSession *session);
/* Lists the visits again (the day may have changed). */
void vk_visits_page_refresh (VkVisitsPage *self);
/* The number of visits listed. */
guint vk_visits_page_get_n_visits (VkVisitsPage *self);

G_END_DECLS
