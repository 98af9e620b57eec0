/* vk-finding-private.h: building findings (for the fold and the rules).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "vk-finding.h"

G_BEGIN_DECLS

/* Adds a finding to findings (VkFinding*); takes message_da and message_en. */
VkFinding *vk_finding_add (GPtrArray *findings, guint rule, VkSeverity severity, guint area, char *message_da,
                           char *message_en);
/* Adds device#seq to the finding's evidence. */
void vk_finding_add_evidence (VkFinding *f, const char *device_id, guint64 seq);

G_END_DECLS
