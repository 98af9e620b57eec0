/* vk-finding.c: the rule catalogue and findings.
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>

#include "vk-finding-private.h"

/* ---- the catalogue ------------------------------------------------------ */

static const VkRuleInfo rule_infos[VK_RULES_COUNT] = {
  { 1, "D01", "Brudt signatur eller kæde", "Broken signature or chain", "" },
  { 2, "D02", "Forgrening (fork) i en journal", "Fork in a journal", "" },
  { 3, "D03", "Enhed ikke godkendt til dette område eller denne rolle", "Device not enrolled for this area or role",
    "" },
  { 4, "D04", "Vælger afkrydset mere end én gang", "Voter checked in more than once", "" },
  { 5, "D05", "Fremmøde af vælger med godkendt brevstemme", "In-person check-in of a voter with an accepted brevstemme",
    "KRVL § 71; FVL § 65" },
  { 6, "D06", "Flere brevstemmer fra samme vælger", "Several brevstemmer from one voter", "KRVL § 71 stk. 3" },
  { 7, "D07", "Stemmesedler ≠ afkrydsede vælgere", "Ballots ≠ marked voters", "KRVL § 75–76" },
  { 8, "D08", "Forskel mellem foreløbig optælling og fintælling", "Difference between foreløbig count and fintælling",
    "KRVL § 79" },
  { 9, "D09", "Område uden journal, optælling eller fintælling", "Area without journal, count or fintælling", "" },
  { 10, "D10", "Tid uden for valgperioden eller forkert ur", "Time outside the election window or clock off", "" },
  { 11, "D11", "Afkrydsning af løbenummer, der ikke er på valglisten", "Check-in of a løbenummer not on the valgliste",
    "" },
  { 12, "D12", "Optællingen går ikke op", "Count arithmetic does not add up", "KRVL § 76" },
  { 13, "D13", "Brevstemme afgivet efter fristen", "Brevstemme cast after the deadline", "(unconfirmed)" },
  { 14, "D14", "Fortrydelse af en afkrydsning, der ikke findes", "Undo of a check-in that does not exist", "" },
  { 15, "D15", "Færre end 5 brevstemmer i området", "Fewer than 5 brevstemmer in the area", "FVL § 64 stk. 4–5" },
  { 16, "D16", "Afkrydsning efter afstemningens afslutning", "Check-in after the poll was closed", "" },
  { 17, "D17", "Brevstemme uden afgørelse", "Brevstemme without a decision", "KRVL § 71" },
  { 18, "D18", "Optælling underskrevet af færre end to", "Count signed by fewer than two", "KRVL § 76" },
  { 19, "D19", "Underskrevet optælling uden to ens indtastninger", "Signed count without two matching entries", "" },
  { 20, "D20", "Underskrevet optælling ændret efter underskrift", "Signed count changed after signing", "KRVL § 76" },
  { 21, "D21", "Uverificerede leveringer afvist", "Unverified deliveries refused", "" },
  { 22, "D22", "Vælger afkrydset både på papir og ved en computer", "Voter marked both on paper and on a laptop", "" },
};

const VkRuleInfo *
vk_rules_get_info (guint number)
{
  if (number < 1 || number > VK_RULES_COUNT)
    return NULL;
  return &rule_infos[number - 1];
}

const char *
vk_severity_to_string (VkSeverity severity)
{
  switch (severity)
    {
      case VK_SEVERITY_INFO:
        return "info";
      case VK_SEVERITY_WARNING:
        return "warning";
      case VK_SEVERITY_BLOCKING:
        return "blocking";
      default:
        return "unknown";
    }
}

static void
evidence_free (VkEvidence *self)
{
  if (self == NULL)
    return;
  g_free (self->device_id);
  g_free (self);
}

void
vk_finding_free (VkFinding *self)
{
  if (self == NULL)
    return;
  g_free (self->message_da);
  g_free (self->message_en);
  g_clear_pointer (&self->evidence, g_ptr_array_unref);
  g_free (self);
}

/* Takes message_da and message_en. */
VkFinding *
vk_finding_add (GPtrArray *findings, guint rule, VkSeverity severity, guint area, char *message_da, char *message_en)
{
  VkFinding *f = g_new0 (VkFinding, 1);

  f->rule = rule;
  f->severity = severity;
  f->area = area;
  f->message_da = message_da;
  f->message_en = message_en;
  f->evidence = g_ptr_array_new_with_free_func ((GDestroyNotify)evidence_free);
  g_ptr_array_add (findings, f);
  return f;
}

void
vk_finding_add_evidence (VkFinding *f, const char *device_id, guint64 seq)
{
  VkEvidence *e = g_new0 (VkEvidence, 1);

  e->device_id = g_strdup (device_id);
  e->seq = seq;
  g_ptr_array_add (f->evidence, e);
}

char *
vk_finding_to_json (const VkFinding *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  const VkRuleInfo *info = vk_rules_get_info (self->rule);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rule");
  json_builder_add_string_value (b, info != NULL ? info->code : "D??");
  json_builder_set_member_name (b, "severity");
  json_builder_add_string_value (b, vk_severity_to_string (self->severity));
  json_builder_set_member_name (b, "area");
  if (self->area == 0)
    json_builder_add_null_value (b);
  else
    json_builder_add_int_value (b, self->area);
  if (self->contest != NULL)
    {
      json_builder_set_member_name (b, "contest");
      json_builder_add_string_value (b, self->contest);
    }
  json_builder_set_member_name (b, "da");
  json_builder_add_string_value (b, self->message_da);
  json_builder_set_member_name (b, "en");
  json_builder_add_string_value (b, self->message_en);
  json_builder_set_member_name (b, "evidence");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->evidence->len; i++)
    {
      const VkEvidence *e = g_ptr_array_index (self->evidence, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "device");
      json_builder_add_string_value (b, e->device_id);
      json_builder_set_member_name (b, "seq");
      json_builder_add_int_value (b, (gint64)e->seq);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

gint
vk_findings_worst (GPtrArray *findings)
{
  gint worst = -1;

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      const VkFinding *f = g_ptr_array_index (findings, i);
      worst = MAX (worst, (gint)f->severity);
    }
  return worst;
}
