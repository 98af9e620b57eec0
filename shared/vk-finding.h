/* vk-finding.h: the rule catalogue (D01–D22), severities and findings.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  VK_SEVERITY_INFO,
  VK_SEVERITY_WARNING,
  VK_SEVERITY_BLOCKING,
} VkSeverity;

const char *vk_severity_to_string (VkSeverity severity); /* "info", "warning", "blocking" */

/* The rule catalogue. */
typedef struct
{
  guint number;     /* 1 for D01 */
  const char *code; /* "D01" */
  const char *title_da;
  const char *title_en;
  const char *legal_basis; /* e.g. "KRVL § 71 stk. 3", or "" */
} VkRuleInfo;

#define VK_RULES_COUNT 22
/* NULL for an unknown number. */
const VkRuleInfo *vk_rules_get_info (guint number);

/* One entry that is evidence: device and seq (seq 0: the device as a whole). */
typedef struct
{
  char *device_id;
  guint64 seq;
} VkEvidence;

/* One finding of a rule. */
typedef struct
{
  guint rule;          /* 1..VK_RULES_COUNT */
  VkSeverity severity; /* may differ per finding, e.g. D07 with/without explanation */
  guint area;          /* 0 when the finding is not about one area */
  const char *contest; /* the contest ("KV", "RV") of a finding about one contest's count
                        * in an event with several contests; NULL otherwise (static) */
  char *message_da;
  char *message_en;
  GPtrArray *evidence; /* VkEvidence* */
} VkFinding;

void vk_finding_free (VkFinding *self);
/* {"rule":"D04","severity":"blocking","area":N|null,"da":S,"en":S,
 *  "evidence":[{"device":S,"seq":N}…]} */
char *vk_finding_to_json (const VkFinding *self) G_GNUC_WARN_UNUSED_RESULT;
/* The worst severity in findings (VkFinding*); -1 when empty. */
gint vk_findings_worst (GPtrArray *findings);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkFinding, vk_finding_free)

G_END_DECLS
