/* vk-error.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "vk-error.h"

G_DEFINE_QUARK (vk - error - quark, vk_error)
