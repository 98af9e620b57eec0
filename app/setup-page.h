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
/* The sync fields: the other tables' URLs, the count server's URL and
 * the address to listen on (any may be NULL: left as it is). */
void vk_setup_page_set_sync (VkSetupPage *self, const char *const *peers, const char *server, const char *listen);
/* PEM files for a listen address off loopback (no field: command line
 * and remembered setup only); NULL leaves each as it is. */
void vk_setup_page_set_tls (VkSetupPage *self, const char *tls_cert, const char *tls_key);
/* What the fields say, for the window once the device is open: the peers
 * (split at spaces and commas; empty array when none), the server and
 * the listen address (NULL when empty). */
GStrv vk_setup_page_dup_peers (VkSetupPage *self) G_GNUC_WARN_UNUSED_RESULT;
char *vk_setup_page_dup_server (VkSetupPage *self) G_GNUC_WARN_UNUSED_RESULT;
char *vk_setup_page_dup_listen (VkSetupPage *self) G_GNUC_WARN_UNUSED_RESULT;
const char *vk_setup_page_get_tls_cert (VkSetupPage *self);
const char *vk_setup_page_get_tls_key (VkSetupPage *self);
/* Remembers the setup in the keyfile at path (NULL: not remembered)
 * each time a device opens.  When the file holds a setup, the page is
 * filled from it (only the passphrase is left to type), says so, and
 * returns TRUE.  Opening another device of the same election than the
 * remembered one then asks for a second press, with a warning (a fork). */
gboolean vk_setup_page_set_setup_file (VkSetupPage *self, const char *path);
/* The device id this computer was last (remembered), or NULL. */
const char *vk_setup_page_get_remembered_device (VkSetupPage *self);
/* The "Create a new key…" dialog while it is open, else NULL. */
VkKeyDialog *vk_setup_page_get_key_dialog (VkSetupPage *self);

G_END_DECLS
