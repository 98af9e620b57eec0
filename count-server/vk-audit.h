/* vk-audit.h: re-verify everything and recompute every number.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The audit trusts nothing but the election package's signature (and
 * the election key's fingerprint, which the auditor checks out of band):
 * it verifies every enrolment, every journal entry's signature and chain,
 * checks that every journal the count server acknowledged is there and
 * complete, re-runs the discrepancy rules, recomputes each area's result
 * and the seat allocation from the journals alone, and compares them with
 * what the server published and with the signed QR code on the result
 * sheet.  Each check is numbered (A1 …) and tied to a section of the
 * format documents; docs/audit.md lists them.
 */
#pragma once

#include <glib.h>

#include "vk-seats.h"

G_BEGIN_DECLS

typedef struct
{
  char *code;    /* "A4" */
  char *title;   /* "every entry's signature and chain" */
  char *section; /* "journal-format.md J5" */
  gboolean ok;
  char *detail; /* what was checked, or the first problem */
} VkAuditCheck;

void vk_audit_check_free (VkAuditCheck *self);

typedef struct
{
  const char *package_path;    /* E.vkp */
  const char *journals_dir;    /* every *.vkj: the stations' and the count server's journals */
  const char *const *qr_texts; /* the result sheet's QR texts (any order), or NULL */
  gsize n_qr_texts;
  const VkLots *lots; /* lot draws for the seat allocation, or NULL */
} VkAuditOptions;

/* Runs every check and returns them (VkAuditCheck*), in order.  Never
 * stops at the first failure: every check that can run does. */
GPtrArray *vk_audit_run (const VkAuditOptions *options) G_GNUC_WARN_UNUSED_RESULT;
gboolean vk_audit_all_ok (GPtrArray *checks);

/* Reads the QR codes of a PDF (pdftoppm at 150 dpi, then zbarimg), one
 * string per code. */
GPtrArray *vk_audit_read_sheet_qr (const char *pdf_path, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkAuditCheck, vk_audit_check_free)

G_END_DECLS
