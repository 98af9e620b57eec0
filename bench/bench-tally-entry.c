/* bench-tally-entry.c: the cost of one keystroke in a fintælling form.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A synthetic municipality with 20 lists of 40 candidates each (800
 * personal-vote fields, more than any KV2025 list has).  A keystroke
 * changes one candidate's personal votes; the form then shows the list's
 * computed total and the checks.  Measured two ways:
 *   incremental  vk_tally_form_set() + vk_tally_form_validate(): the kept
 *                sums, O(lists) per keystroke (what the app does);
 *   from scratch the whole count rebuilt from the fields +
 *                vk_tally_validate(), O(candidates) per keystroke.
 * The numbers go in docs/performance.md.
 */
#include <stdio.h>
#include <stdlib.h>

#include "vk-tally-form.h"

#define N_LISTS 20
#define N_CANDS_PER_LIST 40

int
main (int argc, char **argv)
{
  g_autoptr (VkElection) e = vk_election_new ();
  g_autoptr (VkTallyForm) form = NULL;
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  guint keystrokes = argc > 1 ? (guint)strtoul (argv[1], NULL, 10) : 20000;
  guint messages = 0;
  gint64 t0, t1, t2;

  vk_election_add_area (e, 1, "Bench", "", 5000);
  for (guint i = 0; i < N_LISTS; i++)
    {
      g_autofree char *id = g_strdup_printf ("L%02u", i);
      g_autofree char *letter = g_strdup_printf ("%c", 'A' + i);
      VkList *l = vk_election_add_list (e, id, letter, id, i + 1, VK_LIST_PARTILISTE);

      for (guint k = 0; k < N_CANDS_PER_LIST; k++)
        {
          g_autofree char *cid = g_strdup_printf ("%s-%02u", id, k);
          vk_election_add_candidate (e, l, cid, cid, cid, k + 1);
          g_ptr_array_add (fields, g_strdup_printf ("candidates.%s", cid));
        }
    }
  form = vk_tally_form_new (e, VK_RESULT_FINTAELLING, 1);

  /* Incremental: one field, its list's total, the checks. */
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < keystrokes; i++)
    {
      const char *field = g_ptr_array_index (fields, (i * 7) % fields->len);
      const char *list_id = NULL;
      g_autoptr (GPtrArray) m = NULL;

      (void)vk_tally_form_set (form, field, i % 100, &list_id, NULL);
      (void)vk_tally_form_get_computed_total (form, list_id);
      m = vk_tally_form_validate (form, -1, 5000);
      messages += m->len;
    }
  t1 = g_get_monotonic_time ();

  /* From scratch: every field read into a new count, then every check. */
  for (guint i = 0; i < keystrokes / 10; i++)
    {
      const VkAreaResult *cur = vk_tally_form_get_result (form);
      g_autoptr (VkAreaResult) r = vk_area_result_new (VK_RESULT_FINTAELLING, 1, "Bench");
      g_autoptr (GPtrArray) m = NULL;

      r->cast = cur->cast;
      for (guint l = 0; l < e->lists->len; l++)
        {
          const VkList *list = g_ptr_array_index (e->lists, l);
          vk_area_result_add_list (r, list->id, vk_area_result_get_list_votes (cur, list->id), 0)->has_list_votes
              = TRUE;
          for (guint k = 0; k < list->candidates->len; k++)
            {
              const VkCandidate *c = g_ptr_array_index (list->candidates, k);
              vk_area_result_add_candidate (r, list->id, c->id, vk_area_result_get_candidate_votes (cur, c->id));
            }
        }
      m = vk_tally_validate (r, NULL, -1, 5000);
      messages += m->len;
    }
  t2 = g_get_monotonic_time ();

  printf ("fintælling form: %u lists × %u candidates\n", N_LISTS, N_CANDS_PER_LIST);
  printf ("incremental:  %.2f µs per keystroke (%u keystrokes in %.3f s)\n", (double)(t1 - t0) / keystrokes, keystrokes,
          (t1 - t0) / 1e6);
  printf ("from scratch: %.2f µs per keystroke (%u keystrokes in %.3f s)\n", (double)(t2 - t1) / (keystrokes / 10),
          keystrokes / 10, (t2 - t1) / 1e6);
  printf ("(%u messages seen)\n", messages);
  return 0;
}
