/* bench-seats.c: seat allocation for a 55-seat council, 20 lists, 2,000 candidates.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The election is synthetic and fixed (seeded), with four valgforbund, a
 * listeforbund, both list forms and distinct personal votes so that no
 * lot draw is needed.  Prints the time per allocation; the number goes
 * in docs/performance.md.
 */
#include <stdio.h>
#include <stdlib.h>

#include "vk-bench.h"
#include "vk-election.h"
#include "vk-results.h"
#include "vk-seats.h"

#define N_SEATS 55
#define N_LISTS 20
#define N_CANDS_PER_LIST 100

int
main (int argc, char **argv)
{
  g_autoptr (VkElection) e = vk_election_new ();
  g_autoptr (VkAreaResult) totals = vk_area_result_new (VK_RESULT_FINTAELLING, 0, "bench");
  g_autoptr (GRand) rng = g_rand_new_with_seed (55);
  g_autoptr (GError) error = NULL;
  guint iterations = argc > 1 ? (guint)strtoul (argv[1], NULL, 10) : 2000;
  guint64 candidate_votes = 0;
  gint64 t0, t1;
  guint check = 0;

  for (guint v = 0; v < 4; v++)
    {
      g_autofree char *id = g_strdup_printf ("VF%u", v);
      vk_election_add_valgforbund (e, id, id);
    }
  for (guint i = 0; i < N_LISTS; i++)
    {
      g_autofree char *id = g_strdup_printf ("L%02u", i);
      /* Lists 18 and 19 share a letter: a listeforbund. */
      g_autofree char *letter = g_strdup_printf ("%c", i >= 18 ? 'Z' : 'A' + i);
      VkList *l = vk_election_add_list (e, id, letter, id, i + 1, i % 3 == 0 ? VK_LIST_PARTILISTE : VK_LIST_SIDEORDNET);
      guint64 personal = 0;

      for (guint k = 0; k < N_CANDS_PER_LIST; k++)
        {
          g_autofree char *cid = g_strdup_printf ("%s-%03u", id, k);
          /* Distinct votes within a list: a random part times 128 plus k. */
          guint64 votes = (guint64)g_rand_int_range (rng, 0, 400) * 128 + k;
          vk_election_add_candidate (e, l, cid, cid, cid, k + 1);
          vk_area_result_add_candidate (totals, id, cid, votes);
          personal += votes;
        }
      {
        guint64 list_votes = (guint64)g_rand_int_range (rng, 1000, 20000);
        vk_area_result_add_list (totals, id, personal + list_votes, list_votes);
      }
      candidate_votes += personal;
      if (i < 12)
        {
          VkValgforbund *vf = g_ptr_array_index (e->valgforbund, i % 4);
          if (!vk_election_valgforbund_add_list (e, vf, id, &error))
            g_error ("%s", error->message);
        }
    }

  t0 = g_get_monotonic_time ();
  for (guint it = 0; it < iterations; it++)
    {
      g_autoptr (VkSeatAllocation) a = vk_seats_allocate (e, N_SEATS, totals, NULL, NULL, &error);
      if (a == NULL)
        {
          fprintf (stderr, "bench-seats: %s\n", error->message);
          return 1;
        }
      check += a->seats->len;
    }
  t1 = g_get_monotonic_time ();
  if (check != iterations * N_SEATS)
    return 1;

  printf ("bench-seats: %u seats, %u lists, %u candidates (%" G_GUINT64_FORMAT " personal votes)\n", N_SEATS, N_LISTS,
          N_LISTS * N_CANDS_PER_LIST, candidate_votes);
  printf ("bench-seats: %u allocations in %.3f s: %.1f µs per allocation\n", iterations, (t1 - t0) / 1e6,
          (double)(t1 - t0) / iterations);
  vk_bench_result ("bench-seats", "allocation", (double)(t1 - t0) / iterations, "µs", -1, "-",
                   "vk_seats_allocate, 55 seats, 20 lists, 2,000 candidates");
  return 0;
}
