/* setup-page.h: the first page of valgkit-station.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Open the election package, choose the enrolled device, unlock its key
 * with the passphrase, open the device database: the page then emits
 * "opened" with the new VkStationSession (the page keeps no reference).
 * "Create a new key…" opens a VkKeyDialog.
 */
#pragma once

#include <adwaita.h>

#include "key-dialog.h"
#include "vk-station-session.h"

G_BEGIN_DECLS

#define VK_TYPE_SETUP_PAGE (vk_setup_page_get_type ())
G_DECLARE_FINAL_TYPE (VkSetupPage, vk_setup_page, VK, SETUP_PAGE, AdwBin)

/* Fills the fields (any argument may be NULL); the operator still types
 * the passphrase. */
void vk_setup_page_prefill (VkSetupPage *self, const char *package_path, const char *device_id, const char *key_path,
                            const char *db_path);
/* The "Create a new key…" dialog while it is open, else NULL. */
VkKeyDialog *vk_setup_page_get_key_dialog (VkSetupPage *self);

G_END_DECLS
