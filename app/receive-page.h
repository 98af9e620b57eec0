/* receive-page.h: receiving brevstemmer (brevstemmested, hjemmebesøg).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Find the voter by name + birth date, CPR number or valgkort; the CPR
 * number (hidden field, checked against the birth date); the place; the
 * stemmemodtagere; "Record brevstemme" (action receive.record) shows the
 * envelope id, and "Print envelope label" (receive.print-label, a path; the
 * empty path means foelgebreve/ beside the device database) writes the
 * slip with its signed QR (printouts/vk-label.h).
 */
#pragma once

#include <adwaita.h>

#include "vk-station-session.h"

G_BEGIN_DECLS

#define VK_TYPE_RECEIVE_PAGE (vk_receive_page_get_type ())
G_DECLARE_FINAL_TYPE (VkReceivePage, vk_receive_page, VK, RECEIVE_PAGE, AdwBin)

/* The open device (borrowed). */
void vk_receive_page_set_session (VkReceivePage *self, VkStationSession *session);
/* The page's big message (borrowed). */
GtkLabel *vk_receive_page_get_message_label (VkReceivePage *self);
void vk_receive_page_focus_search (VkReceivePage *self);

G_END_DECLS
