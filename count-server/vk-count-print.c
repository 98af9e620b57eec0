/* vk-count-print.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vk-count-print.h"
#include "vk-count-export.h"
#include "vk-discrepancy-report.h"
#include "vk-error.h"
#include "vk-result-sheet.h"

void
vk_print_outcome_free (VkPrintOutcome *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->files, g_ptr_array_unref);
  g_free (self->municipality_sheet);
  g_clear_pointer (&self->seats, vk_seat_allocation_free);
  g_clear_pointer (&self->tie, vk_tie_free);
  g_free (self);
}

static int
compare_lines (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

void
vk_count_source_digest (VkCount *self, guint8 ret_digest[32])
{
  g_autoptr (GPtrArray) heads = vk_count_dup_heads (self);
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) all = g_string_new (NULL);

  for (guint i = 0; i < heads->len; i++)
    {
      const VkCountHead *h = g_ptr_array_index (heads, i);
      g_autofree char *hex = NULL;

      if (h->seq == 0 || strcmp (h->device_id, vk_count_get_device_id (self)) == 0)
        continue;
      hex = vk_hex_encode (h->head, VK_HASH_BYTES);
      g_ptr_array_add (lines, g_strdup_printf ("%s %" G_GUINT64_FORMAT " %s\n", h->device_id, h->seq, hex));
    }
  g_ptr_array_sort (lines, compare_lines);
  for (guint i = 0; i < lines->len; i++)
    g_string_append (all, g_ptr_array_index (lines, i));
  vk_sha256 ((const guint8 *)all->str, all->len, ret_digest);
}

static gboolean
ensure_dir (const char *dir, GError **error)
{
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "cannot create %s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

char *
vk_count_print_discrepancies (VkCount *self, const VkRulesConfig *rules, gboolean test, const char *dir, GError **error)
{
  g_autoptr (GPtrArray) findings = NULL;
  g_autofree char *path = g_build_filename (dir, "uoverensstemmelser.pdf", NULL);
  VkPrintoutInfo info
      = { vk_count_get_election (self), vk_package_get_election_id (vk_count_get_package (self)), test, 0 };

  if (!ensure_dir (dir, error))
    return NULL;
  findings = vk_count_discrepancies (self, rules, error);
  if (findings == NULL || !vk_discrepancy_report_write (&info, findings, vk_count_get_device_id (self), path, error))
    return NULL;
  return g_steal_pointer (&path);
}

/* One contest's sheets into dir: the foreløbig and fintælling results,
 * each area's fintælling sheet (the foreløbig beside it), the
 * `result.published` entry of the fintælling, and for the contest that
 * allocates its seats here (not a regionsrådsvalg: the region allocates)
 * the seats and mandatfordeling.json.  Returns FALSE only on an error;
 * a contest without any signed-off count writes nothing. */
static gboolean
print_contest (VkCount *self, const VkElection *contest, VkResultSheetOptions *opts, const VkLots *lots,
               gboolean allocate, const char *dir, VkPrintOutcome *outcome, GError **error)
{
  g_autoptr (VkResults) fin = NULL;
  g_autoptr (VkResults) fore = NULL;
  g_autoptr (GError) local = NULL;
  const char *cid = vk_election_contest_id (contest);
  gboolean primary = contest->event == contest;

  if (!ensure_dir (dir, error))
    return FALSE;
  /* Areas without a signed-off count are simply absent from a kind. */
  fore = vk_count_results (self, cid, VK_RESULT_FORELOEBIG, &local);
  g_clear_error (&local);
  fin = vk_count_results (self, cid, VK_RESULT_FINTAELLING, &local);
  g_clear_error (&local);
  if ((fore == NULL || fore->areas->len == 0) && (fin == NULL || fin->areas->len == 0))
    return TRUE;
  outcome->any = TRUE;
  opts->info.election = contest;

  if (fin != NULL && fin->areas->len > 0)
    {
      g_autofree char *sheet = g_build_filename (dir, "resultat-fintaelling-kommune.pdf", NULL);
      guint8 digest[32];
      g_autoptr (VkEntry) published = NULL;
      g_autoptr (VkSeatAllocation) seats = NULL;
      g_autoptr (VkTie) tie = NULL;

      if (allocate)
        {
          seats = vk_count_mandates (self, cid, VK_RESULT_FINTAELLING, lots, &tie, &local);
          if (seats == NULL && tie == NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          g_clear_error (&local);
        }
      vk_result_data_digest (fin->total, seats, digest);
      published = vk_count_publish_result (self, cid, VK_RESULT_FINTAELLING, digest, error);
      if (published == NULL)
        return FALSE;
      opts->compare = fore != NULL ? fore->total : NULL;
      if (!vk_result_sheet_write (opts, fin->total, seats, sheet, error))
        return FALSE;
      if (primary)
        outcome->municipality_sheet = g_strdup (sheet);
      g_ptr_array_add (outcome->files, g_steal_pointer (&sheet));
      for (guint a = 0; a < fin->areas->len; a++)
        {
          const VkAreaResult *r = g_ptr_array_index (fin->areas, a);
          g_autofree char *p = g_strdup_printf ("%s/resultat-fintaelling-omr%02u.pdf", dir, r->area_number);

          opts->compare = NULL;
          for (guint k = 0; fore != NULL && k < fore->areas->len; k++)
            if (((VkAreaResult *)g_ptr_array_index (fore->areas, k))->area_number == r->area_number)
              opts->compare = g_ptr_array_index (fore->areas, k);
          if (!vk_result_sheet_write (opts, r, NULL, p, error))
            return FALSE;
          g_ptr_array_add (outcome->files, g_steal_pointer (&p));
        }
      if (seats != NULL)
        {
          g_autofree char *json = vk_seat_allocation_to_json (seats);
          g_autofree char *p = g_build_filename (dir, "mandatfordeling.json", NULL);
          if (!g_file_set_contents (p, json, -1, error))
            return FALSE;
          g_ptr_array_add (outcome->files, g_steal_pointer (&p));
        }
      if (primary)
        {
          outcome->seats = g_steal_pointer (&seats);
          outcome->tie = g_steal_pointer (&tie);
        }
    }
  if (fore != NULL && fore->areas->len > 0)
    {
      g_autofree char *sheet = g_build_filename (dir, "resultat-foreloebig-kommune.pdf", NULL);
      opts->compare = NULL;
      if (!vk_result_sheet_write (opts, fore->total, NULL, sheet, error))
        return FALSE;
      if (primary && outcome->municipality_sheet == NULL)
        outcome->municipality_sheet = g_strdup (sheet);
      g_ptr_array_add (outcome->files, g_steal_pointer (&sheet));
    }
  return TRUE;
}

VkPrintOutcome *
vk_count_print_results (VkCount *self, const VkKeypair *server_key, const VkLots *lots, const VkRulesConfig *rules,
                        gboolean test, const char *dir, GError **error)
{
  g_autoptr (VkPrintOutcome) outcome = g_new0 (VkPrintOutcome, 1);
  const VkElection *election = vk_count_get_election (self);
  VkPrintoutInfo info = { election, vk_package_get_election_id (vk_count_get_package (self)), test, 0 };
  VkResultSheetOptions opts = { info, server_key, NULL, NULL };
  char *report;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (server_key != NULL, NULL);

  outcome->files = g_ptr_array_new_with_free_func (g_free);
  if (!ensure_dir (dir, error))
    return NULL;
  vk_count_source_digest (self, outcome->source_digest);
  opts.source_digest = outcome->source_digest;

  /* The primary contest's sheets in dir, every other contest's in
   * dir/<contest id in lower case> ("rv/").  A regionsrådsvalg's seats
   * are allocated by the region from every municipality's result
   * (docs/region.md), an FV's and EP's by the country, never here; a
   * folkeafstemning has none. */
  for (guint c = 0; c < vk_election_get_n_contests (election); c++)
    {
      const VkElection *contest = vk_election_get_contest_nth (election, c);
      g_autofree char *lower = g_ascii_strdown (vk_election_contest_id (contest), -1);
      g_autofree char *cdir = c == 0 ? g_strdup (dir) : g_build_filename (dir, lower, NULL);

      if (!print_contest (self, contest, &opts, lots, vk_election_type_allocates_locally (contest->type), cdir, outcome,
                          error))
        return NULL;
      /* An FV, EP or FA contest: the signed municipality result the
       * national level tallies, once every area's fintælling is signed
       * off (docs/folketingsvalg.md, "Signed municipality results"). */
      if (contest->type == VK_ELECTION_FV || contest->type == VK_ELECTION_EP || contest->type == VK_ELECTION_FA)
        {
          g_autoptr (GError) local = NULL;
          g_autofree char *vkv = g_build_filename (cdir, "resultat.vkv", NULL);

          if (vk_count_write_valgdk_result (self, vk_election_contest_id (contest), VK_RESULT_FINTAELLING, server_key,
                                            vkv, &local))
            g_ptr_array_add (outcome->files, g_steal_pointer (&vkv));
          else if (!g_error_matches (local, VK_ERROR, VK_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return NULL;
            }
        }
    }
  if (!outcome->any)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "no area has a signed-off count yet");
      return NULL;
    }
  report = vk_count_print_discrepancies (self, rules, test, dir, error);
  if (report == NULL)
    return NULL;
  g_ptr_array_add (outcome->files, report);
  return g_steal_pointer (&outcome);
}
