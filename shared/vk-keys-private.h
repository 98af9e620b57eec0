/* vk-keys-private.h: internals of vk-keys.c shared with the tests.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "vk-keys.h"

G_BEGIN_DECLS

/* The Argon2id limits a reader accepts (docs/key-format.md).  The upper
 * bounds stop a forged file from making the loader hang or exhaust memory. */
#define VK_KEY_FILE_OPSLIMIT_MIN 1
#define VK_KEY_FILE_OPSLIMIT_MAX 10
#define VK_KEY_FILE_MEMLIMIT_MIN 8192
#define VK_KEY_FILE_MEMLIMIT_MAX 1073741824

/* vk_keypair_save() with explicit Argon2id limits.  The tests use the
 * smallest limits so that they can afford to load a damaged file thousands
 * of times; production code uses vk_keypair_save(). */
gboolean vk_keypair_save_with_limits (const VkKeypair *self, const char *path, const char *passphrase, guint64 opslimit,
                                      guint64 memlimit, const char *role, const char *device_id, GError **error);

G_END_DECLS
