/* brevstemme-page.h: brevstemmer at the valgbord.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Scan the envelope id or the følgebrev's signed QR, or search; the
 * engine's assessment (can be accepted / must be rejected, with the
 * official reason); two valgstyrere; Accept / Reject (actions
 * brevstemme.accept and brevstemme.reject).  Emits "decided" after a
 * decision is journaled, so that the counts elsewhere follow.
 */
#pragma once

#include <adwaita.h>

#include "vk-station-session.h"

G_BEGIN_DECLS

#define VK_TYPE_BREVSTEMME_PAGE (vk_brevstemme_page_get_type ())
G_DECLARE_FINAL_TYPE (VkBrevstemmePage, vk_brevstemme_page, VK, BREVSTEMME_PAGE, AdwBin)

/* The open device (borrowed). */
void vk_brevstemme_page_set_session (VkBrevstemmePage *self, VkStationSession *session);
/* Journals arrived: the list of envelopes is brought up to date. */
void vk_brevstemme_page_refresh (VkBrevstemmePage *self);
/* The page's big message (borrowed). */
GtkLabel *vk_brevstemme_page_get_message_label (VkBrevstemmePage *self);
void vk_brevstemme_page_focus_search (VkBrevstemmePage *self);
/* Shows the waiting brevstemmer only (the status filter) and focuses the search. */
void vk_brevstemme_page_show_waiting (VkBrevstemmePage *self);

G_END_DECLS
