/* vk-error.h: the error domain shared by every valgkit module.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VK_ERROR (vk_error_quark ())

/* Codes are stable: command-line tools map some of them to exit statuses. */
typedef enum
{
  VK_ERROR_FAILED,            /* anything not covered below */
  VK_ERROR_INVALID,           /* malformed input: CBOR, JSON, CSV, COSE, key file */
  VK_ERROR_TRUNCATED,         /* input ended before the item did */
  VK_ERROR_NOT_DETERMINISTIC, /* valid CBOR, but not deterministically encoded */
  VK_ERROR_SIGNATURE,         /* a signature does not verify */
  VK_ERROR_CHAIN,             /* prev hash, seq or time order broken */
  VK_ERROR_KEY,               /* unknown key, wrong key, key not enrolled */
  VK_ERROR_PASSPHRASE,        /* wrong passphrase for an encrypted key */
  VK_ERROR_IO,                /* file or disk trouble */
  VK_ERROR_DB,                /* SQLite trouble */
  VK_ERROR_NOT_FOUND,         /* a named thing does not exist */
  VK_ERROR_FORK,              /* same device and seq, different payload */
  VK_ERROR_TIE,               /* a lot draw is needed and was not given */
  VK_ERROR_VERSION,           /* file written by a newer valgkit */
} VkError;

GQuark vk_error_quark (void);

G_END_DECLS
