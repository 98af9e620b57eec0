/* signoff-box.h: the sign-off of an agreed count, and the valgbog.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * At least two valgstyrere sign the agreed count, each with their own key
 * unlocked with their own passphrase; a difference between the votes cast
 * and the marked voters needs a written explanation first.  The rules are
 * vk_tally_sign_off()'s (station-client/vk-tally.h): this box gathers the
 * signers, words the engine's refusal codes, shows the count server's
 * receipt, and at a valgbord prints the valgbog (printouts/vk-valgbog.h).
 */
#pragma once

#include <gtk/gtk.h>

#include "vk-station.h"
#include "vk-sync.h"
#include "vk-tally.h"

G_BEGIN_DECLS

#define VK_TYPE_SIGNOFF_BOX (vk_signoff_box_get_type ())
G_DECLARE_FINAL_TYPE (VkSignoffBox, vk_signoff_box, VK, SIGNOFF_BOX, GtkBox)

VkSignoffBox *vk_signoff_box_new (void) G_GNUC_WARN_UNUSED_RESULT;

/* The station (borrowed), its database path (the valgbog is written
 * beside it) and the count signed here. */
void vk_signoff_box_set_station (VkSignoffBox *self, VkStation *station, const char *db_path, VkResultKind kind);
/* The background sync (borrowed; may be NULL) and the count server's URL. */
void vk_signoff_box_set_sync (VkSignoffBox *self, VkSyncRunner *runner, const char *server_url);
/* The contest signed ("KV", "RV"; NULL: the primary); set the area after it. */
void vk_signoff_box_set_contest (VkSignoffBox *self, const char *contest);
/* The area signed; forgets the signers gathered. */
void vk_signoff_box_set_area (VkSignoffBox *self, guint area);
/* The marked voters (check-ins + accepted brevstemmer), -1 when unknown. */
void vk_signoff_box_set_marked (VkSignoffBox *self, gint64 marked);
/* The double entry's state: signing is possible when the rounds agree;
 * the valgbog once the foreløbig count is signed. */
void vk_signoff_box_set_state (VkSignoffBox *self, VkTallyState state);
/* A sync round finished: shows the server's receipt once it has come. */
void vk_signoff_box_sync_done (VkSignoffBox *self);

/* The valgbog written last, or NULL. */
const char *vk_signoff_box_get_valgbog_path (VkSignoffBox *self);

G_END_DECLS
