/* checkin-page.h: Afkrydsning, the check-in page of a valgbord.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One search field for the scanner and typed searches, the result list,
 * the voter's details and the big "Hand out ballot" button (action
 * checkin.check-in), the birth-date confirmation after a scan, the
 * blocking messages, "Undo check-in…" for a valgstyrer (checkin.undo),
 * and the live counts with a per-hour chart.
 */
#pragma once

#include <adwaita.h>

#include "vk-station-session.h"

G_BEGIN_DECLS

#define VK_TYPE_CHECKIN_PAGE (vk_checkin_page_get_type ())
G_DECLARE_FINAL_TYPE (VkCheckinPage, vk_checkin_page, VK, CHECKIN_PAGE, AdwBin)

/* The open device (borrowed; must outlive the page's use of it). */
void vk_checkin_page_set_session (VkCheckinPage *self, VkStationSession *session);
/* Ask for the birth date after a scan (default TRUE). */
void vk_checkin_page_set_confirm_birth_date (VkCheckinPage *self, gboolean confirm);
/* The person at the table is a valgstyrer (may undo check-ins). */
void vk_checkin_page_set_valgstyrer (VkCheckinPage *self, gboolean valgstyrer);
/* Journals arrived: the counts and the voter shown are brought up to date. */
void vk_checkin_page_refresh (VkCheckinPage *self);
void vk_checkin_page_refresh_counts (VkCheckinPage *self);
/* The poll was closed: the voter shown is cleared, the message says so. */
void vk_checkin_page_poll_closed (VkCheckinPage *self);
/* The page's big message (borrowed). */
GtkLabel *vk_checkin_page_get_message_label (VkCheckinPage *self);
void vk_checkin_page_focus_search (VkCheckinPage *self);

G_END_DECLS
