/* vk-discrepancy-report.h: the discrepancy report (afvigelsesrapport) PDF.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every open finding of the rules engine (shared/vk-rules.h), blocking
 * ones first: the rule number (D04), its severity, the area, the Danish
 * message, the entries that are evidence, and what must be done.  The
 * footer carries the SHA-256 of the findings as listed, so two copies of
 * the report can be told apart.
 */
#pragma once

#include <glib.h>

#include "vk-printout.h"
#include "vk-rules.h"

G_BEGIN_DECLS

/* The fixed "what to do" text of a severity (Danish). */
const char *vk_discrepancy_action (VkSeverity severity);

/* Writes the report of findings (VkFinding*, borrowed; may be empty: the
 * report then says that nothing is open).  source describes what was
 * checked, e.g. "Optællingsserver, 52 journaler, 361.204 poster"; may be
 * NULL. */
gboolean vk_discrepancy_report_write (const VkPrintoutInfo *info, GPtrArray *findings, const char *source,
                                      const char *path, GError **error);

G_END_DECLS
