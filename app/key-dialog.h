/* key-dialog.h: "Create a new key…", a device's first start.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Asks for device id, role, area (from the package) and the passphrase
 * twice, writes the key pair beside the package
 * (vk_station_create_device_key()) and shows the key id and the command
 * the valgsekretariat runs to enrol it.
 */
#pragma once

#include <adwaita.h>

#include "vk-election.h"

G_BEGIN_DECLS

#define VK_TYPE_KEY_DIALOG (vk_key_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VkKeyDialog, vk_key_dialog, VK, KEY_DIALOG, GtkWindow)

/* A dialog for the package at package_path, whose election (borrowed,
 * read at once) lists the areas.  Emits "created" (const char *key_path)
 * after the key is written. */
VkKeyDialog *vk_key_dialog_new (GtkWindow *parent, const char *package_path,
                                const VkElection *election) G_GNUC_WARN_UNUSED_RESULT;
/* One of the dialog's widgets by its id (key_device_id, key_role,
 * key_area, key_path, key_passphrase, key_passphrase_again, key_hint (the
 * passphrase rule), key_progress, key_result, key_create, key_close).  For tests. */
GtkWidget *vk_key_dialog_get_widget (VkKeyDialog *self, const char *name);

G_END_DECLS
