/* vk-device-key.h: creating a device key on the device itself.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A device's first start: the operator chooses a device id, role and
 * area, types a passphrase twice, and the device writes DEVICE.key
 * (encrypted, 0600) and DEVICE.pub.  The valgsekretariat then enrols
 * DEVICE.pub in the package (valgkit enroll) and hands the package back.
 */
#pragma once

#include <glib.h>

#include "vk-keys.h"

G_BEGIN_DECLS

/* keys/DEVICE.key beside the package. */
char *vk_station_default_key_path (const char *package_path, const char *device_id) G_GNUC_WARN_UNUSED_RESULT;

/* The path of the public key beside a secret key: x.key -> x.pub, other -> other.pub. */
char *vk_station_public_key_path (const char *key_path) G_GNUC_WARN_UNUSED_RESULT;

/* The `valgkit enroll` command the valgsekretariat runs for this device
 * (area VK_PACKAGE_NO_AREA, i.e. 0, leaves out --area). */
char *vk_station_enroll_command (const char *package_path, const char *pub_path, const char *role,
                                 guint area) G_GNUC_WARN_UNUSED_RESULT;

/* A new device key's passphrase has at least this many characters
 * (UTF-8 characters, not bytes): the key file's Argon2id slows guessing,
 * it does not make a short passphrase safe. */
#define VK_DEVICE_KEY_MIN_PASSPHRASE_CHARS 12

/* Validates and creates a device key.  key_path NULL or "" means
 * vk_station_default_key_path().  VK_ERROR_INVALID (message naming the
 * field) for an empty or unsafe device id (letters, digits, '.', '_',
 * '-' only, not starting with '.'), an unknown role, a passphrase shorter
 * than VK_DEVICE_KEY_MIN_PASSPHRASE_CHARS or two passphrases that differ; VK_ERROR_IO if the key file already
 * exists (an existing key is never overwritten) or cannot be written.
 * Creates the key's folder (0700) when missing.  On success the
 * keypair, the .key path and the .pub path are returned. */
gboolean vk_station_create_device_key (const char *package_path, const char *key_path, const char *device_id,
                                       const char *role, const char *passphrase, const char *passphrase_again,
                                       VkKeypair **ret_key, char **ret_key_path, char **ret_pub_path, GError **error);

G_END_DECLS
