/* test-fv-elected.c: the elected candidates of a folketingsvalg (shared/vk-fv-elected.c) and FV-Kandidatdata.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The worked example of docs/folketingsvalg.md ("The elected candidates")
 * with the numbers worked out by hand there; a tie at the last seat and its
 * lot; bad kandidatdata refused naming the file and the entry; the
 * Partistemmefordeling of the example's three kredse; valg.dk's
 * real FV2026 kandidat-data read by the one reader.  FV2022 against DST's
 * own per-candidate numbers: test/fv_elected.py.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "vk-error.h"
#include "vk-fv-elected.h"
#include "vk-fv-kandidatdata.h"
#include "vk-fv-partistemmefordeling.h"
#include "vk-fv-valgdk.h"
#include "vk-fv.h"
#include "vk-test-util.h"

/* ---- the worked example ------------------------------------------------------ */

/* Three kredse of "Nordby Storkreds". */
static const char *const kreds_id[] = { "101", "102", "103" };
static const char *const kreds_name[] = { "Østby", "Vestby", "Midtby" };

typedef struct
{
  const char *letter;
  guint64 votes[3]; /* the party's votes per kreds */
} Party;

static const Party parties[] = {
  { "A", { 3200, 2000, 1500 } },
  { "B", { 1500, 1200, 900 } },
  { "C", { 1000, 800, 600 } },
  { "D", { 2000, 2200, 2300 } },
};

typedef struct
{
  const char *letter;
  const char *result_name; /* as the results name the candidate */
  const char *navn;        /* FV-Kandidatdata Navn */
  const char *ballot;      /* Stemmeseddelnavn */
  guint64 personal[3];
  gboolean nominated[3];
  guint list_place;
} Cand;

static const Cand cands[] = {
  /* Sideordnet, PersonligeStemmer false: the results name A1 by her ballot name. */
  { "A", "Anna A", "Anna Andersen", "Anna A", { 1200, 100, 100 }, { TRUE, TRUE, FALSE }, 0 },
  { "A", "Bo Berg", "Bo Berg", "Bo Berg", { 200, 700, 0 }, { FALSE, TRUE, TRUE }, 0 },
  { "A", "Carl Cort", "Carl Cort", "Carl Cort", { 800, 200, 0 }, { TRUE, FALSE, TRUE }, 0 },
  /* Sideordnet, PersonligeStemmer true. */
  { "B", "Dorte Dam", "Dorte Dam", "Dorte Dam", { 300, 500, 100 }, { TRUE, TRUE, TRUE }, 0 },
  { "B", "Erik Eg", "Erik Eg", "Erik Eg", { 400, 100, 300 }, { TRUE, TRUE, TRUE }, 0 },
  /* Kredsvis. */
  { "C", "Frida Fog", "Frida Fog", "Frida Fog", { 100, 20, 10 }, { TRUE, FALSE, FALSE }, 0 },
  { "C", "Gert Gran", "Gert Gran", "Gert Gran", { 50, 80, 90 }, { FALSE, TRUE, TRUE }, 0 },
  /* Partiliste: D3 reaches the fordelingstal, then the list. */
  { "D", "Hanne Hald", "Hanne Hald", "Hanne Hald", { 300, 100, 50 }, { TRUE, FALSE, FALSE }, 1 },
  { "D", "Ib Isen", "Ib Isen", "Ib Isen", { 100, 200, 50 }, { FALSE, TRUE, FALSE }, 2 },
  { "D", "Jens Juul", "Jens Juul", "Jens Juul", { 600, 700, 1100 }, { FALSE, FALSE, TRUE }, 3 },
};

/* The independent: 2500 votes in Midtby. */
#define INDEPENDENT_VOTES 2500

static VkFvTable *
example_table (guint kreds)
{
  VkFvTable *t = g_new0 (VkFvTable, 1);
  VkFvLandsdel *ld = g_new0 (VkFvLandsdel, 1);
  VkFvStorkredsSeats *s = g_new0 (VkFvStorkredsSeats, 1);

  t->landsdele = g_ptr_array_new ();
  t->storkredse = g_ptr_array_new ();
  ld->name = g_strdup ("Landsdel");
  ld->kreds = kreds;
  ld->n = 1;
  g_ptr_array_add (t->landsdele, ld);
  s->name = g_strdup ("Nordby Storkreds");
  s->kreds = kreds;
  g_ptr_array_add (t->storkredse, s);
  return t;
}

static void
example_table_free (VkFvTable *t)
{
  VkFvLandsdel *ld = g_ptr_array_index (t->landsdele, 0);
  VkFvStorkredsSeats *s = g_ptr_array_index (t->storkredse, 0);

  g_free (ld->name);
  g_free (ld);
  g_free (s->name);
  g_free (s);
  g_ptr_array_unref (t->landsdele);
  g_ptr_array_unref (t->storkredse);
  g_free (t);
}

typedef VkFvTable ExampleTable;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExampleTable, example_table_free)

/* The results: each kreds's party votes and personal votes, as the DST and
 * valg.dk readers give them.  bump: added to Carl Cort's personal votes
 * in Østby (and A's votes there) to make a tie. */
static VkFvVotes *
example_votes (guint64 bump)
{
  VkFvVotes *v = vk_fv_votes_new ("worked example");
  VkFvStorkredsVotes *sk = vk_fv_votes_storkreds (v, "Nordby Storkreds");

  sk->landsdel = g_strdup ("Landsdel");
  for (guint k = 0; k < 3; k++)
    {
      VkFvKredsVotes *kv = vk_fv_storkreds_votes_kreds (sk, kreds_id[k], kreds_name[k]);

      for (guint p = 0; p < G_N_ELEMENTS (parties); p++)
        {
          guint i = vk_fv_votes_party (v, parties[p].letter, parties[p].letter);
          guint64 votes = parties[p].votes[k] + (p == 0 && k == 0 ? bump : 0);

          vk_fv_storkreds_votes_add (sk, i, votes);
          vk_fv_kreds_votes_add (kv, i, votes);
          sk->valid += votes;
        }
      for (guint c = 0; c < G_N_ELEMENTS (cands); c++)
        vk_fv_kreds_votes_add_person (kv, vk_fv_votes_party (v, cands[c].letter, NULL), NULL, cands[c].result_name,
                                      cands[c].personal[k] + (c == 2 && k == 0 ? bump : 0));
      if (k == 2)
        {
          vk_fv_storkreds_votes_add_independent (sk, "Ulla Uafhængig", INDEPENDENT_VOTES);
          vk_fv_kreds_votes_add_person (kv, VK_FV_INDEPENDENT, NULL, "Ulla Uafhængig", INDEPENDENT_VOTES);
          sk->valid += INDEPENDENT_VOTES;
        }
    }
  v->has_persons = TRUE;
  return v;
}

static const char *
form_of (const char *letter)
{
  return strcmp (letter, "C") == 0 ? "Kredsvis" : strcmp (letter, "D") == 0 ? "Partiliste" : "Sideordnet";
}

/* FV-Kandidatdata for the example: skip_party drops a party, extra adds
 * a candidate the results do not have to party A, extra_party adds a
 * party E the results do not have. */
static char *
example_kandidatdata (const char *dir, const char *skip_party, gboolean extra, gboolean extra_party)
{
  g_autoptr (GString) s = g_string_new (NULL);
  char *path = g_build_filename (dir, "kandidat-data-Folketingsvalg-1-Nordby.json", NULL);
  guint place = 0;

  g_string_append (s, "{\"Valgdag\":\"05-06-2026\",\"Valgart\":\"Folketingsvalg\","
                      "\"FrigivelsesTidspunktUTC\":\"01-06-2026 10:00:00\","
                      "\"OpdateringsTidspunktUTC\":\"01-06-2026 10:00:00\","
                      "\"Storkreds\":\"Nordby\",\"Storkredsnummer\":\"1\",\"IndenforParti\":[");
  for (guint p = 0; p < G_N_ELEMENTS (parties) + 1; p++)
    {
      const char *letter = p < G_N_ELEMENTS (parties) ? parties[p].letter : "E";
      guint n = 0;

      if ((skip_party != NULL && strcmp (letter, skip_party) == 0) || (p == G_N_ELEMENTS (parties) && !extra_party))
        continue;
      g_string_append_printf (s,
                              "%s{\"PartiId\":\"%s\",\"Stemmeseddelsplacering\":%u,\"Partibogstav\":\"%s\","
                              "\"Partinavn\":\"Parti %s\",\"PersonligeStemmer\":%s,\"Kandidater\":[",
                              place > 0 ? "," : "", letter, place, letter, letter,
                              strcmp (letter, "B") == 0 ? "true" : "false");
      place++;
      for (guint c = 0; c < G_N_ELEMENTS (cands) + 1; c++)
        {
          const Cand ghost = { "A", "", "Ghost Gå", "Ghost", { 0, 0, 0 }, { TRUE, TRUE, TRUE }, 0 };
          const Cand *cd = c < G_N_ELEMENTS (cands) ? &cands[c] : &ghost;

          if (strcmp (cd->letter, letter) != 0 || (cd == &ghost && !extra))
            continue;
          g_string_append_printf (s, "%s{\"Opstillingskredse\":[", n > 0 ? "," : "");
          for (guint k = 0; k < 3; k++)
            g_string_append_printf (s,
                                    "%s{\"Opstillingsform\":\"%s\",\"Opstillingskreds\":\"%s\","
                                    "\"OpstillingskredsDagiId\":\"%s\",\"OpstilletIKreds\":%s,"
                                    "\"KandidatsPlacering\":%u}",
                                    k > 0 ? "," : "", form_of (letter), kreds_name[k], kreds_id[k],
                                    cd->nominated[k] ? "true" : "false", n + 1);
          g_string_append_printf (s,
                                  "],\"Id\":\"%s-%u\",\"Navn\":\"%s\",\"Stemmeseddelnavn\":\"%s\",\"Stilling\":null,"
                                  "\"PartiListePlacering\":%u,\"AlfabetiskSorteretPlacering\":%u}",
                                  letter, c, cd->navn, cd->ballot, cd->list_place, n + 1);
          n++;
        }
      g_string_append (s, "]}");
    }
  g_string_append (s, "],\"UdenforParti\":[{\"Opstillingskredse\":[");
  for (guint k = 0; k < 3; k++)
    g_string_append_printf (s,
                            "%s{\"Opstillingskreds\":\"%s\",\"OpstillingskredsDagiId\":\"%s\","
                            "\"OpstilletIKreds\":%s,\"KandidatsPlacering\":1}",
                            k > 0 ? "," : "", kreds_name[k], kreds_id[k], k == 2 ? "true" : "false");
  g_string_append (s, "],\"Id\":\"U-1\",\"Navn\":\"Ulla Uafhængig\",\"Stemmeseddelnavn\":\"Ulla U.\","
                      "\"Stilling\":null,\"AlfabetiskSorteretPlacering\":1}]}");
  g_assert_true (g_file_set_contents (path, s->str, -1, NULL));
  return path;
}

typedef void (*Mutate) (GPtrArray *kd);

/* Allocates the example and elects (after mutate, may be NULL, has changed
 * the kandidatdata as read); NULL with the error. */
static VkFvElected *
run_mutated (const VkFvTable *t, const VkFvVotes *v, const char *kd_path, const VkLots *lots, Mutate mutate,
             VkFvAllocation **ret_alloc, GError **error)
{
  g_autoptr (VkFvDraws) draws = vk_fv_draws_new (lots);
  g_autoptr (VkFvAllocation) a = vk_fv_allocate_with_draws (t, v, draws, error);
  g_autoptr (GPtrArray) kd = NULL;
  g_autoptr (VkFvElected) e = NULL;

  if (a == NULL)
    return NULL;
  kd = vk_fv_kandidatdata_load_all (kd_path, error);
  if (kd == NULL)
    return NULL;
  if (mutate != NULL)
    mutate (kd);
  e = vk_fv_elect (a, g_steal_pointer (&kd), draws, error);
  if (e == NULL || !vk_fv_draws_check_used (draws, error))
    return NULL;
  *ret_alloc = g_steal_pointer (&a);
  return g_steal_pointer (&e);
}

static VkFvElected *
run_example (const VkFvTable *t, const VkFvVotes *v, const char *kd_path, const VkLots *lots,
             VkFvAllocation **ret_alloc, GError **error)
{
  return run_mutated (t, v, kd_path, lots, NULL, ret_alloc, error);
}

static const VkFvCandidateRank *
ranked (const VkFvPartyRank *r, guint i)
{
  g_assert_cmpuint (i, <, r->ranked->len);
  return g_ptr_array_index (r->ranked, i);
}

/* name, personal, allotted (rounded), elected */
static void
assert_rank (const VkFvPartyRank *r, guint i, const char *name, guint64 personal, guint64 allotted, gboolean elected)
{
  const VkFvCandidateRank *c = ranked (r, i);

  g_assert_cmpstr (c->kd->name, ==, name);
  g_assert_cmpuint (c->personal, ==, personal);
  g_assert_cmpuint (c->allotted_rounded, ==, allotted);
  g_assert_cmpint (c->elected, ==, elected);
}

static void
test_worked_example (void)
{
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *kd = example_kandidatdata (dir, NULL, FALSE, FALSE);
  g_autoptr (ExampleTable) t = example_table (7);
  g_autoptr (VkFvVotes) v = example_votes (0);
  g_autoptr (VkFvAllocation) a = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkFvElected) e = run_example (t, v, kd, NULL, &a, &error);
  const VkFvPartyRank *r;
  g_autofree char *json = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (e);
  /* d'Hondt, 7 seats: A 6700, D 6500, B 3600, A 3350, D 3250, the
   * independent 2500, C 2400 (A's third quotient 2233 is next). */
  g_assert_cmpuint (a->sk_kreds[0], ==, 2);
  g_assert_cmpuint (a->sk_kreds[1], ==, 1);
  g_assert_cmpuint (a->sk_kreds[2], ==, 1);
  g_assert_cmpuint (a->sk_kreds[3], ==, 2);
  g_assert_cmpuint (a->independents->len, ==, 1);

  /* A: Østby 1000 party votes to Anna A and Carl (1200 : 800), Vestby
   * 1000 to Anna and Bo (100 : 700), Midtby 1400 to Bo and Carl, who have
   * no personal votes there: equally. */
  r = vk_fv_elected_lookup (e, 0, 0);
  g_assert_nonnull (r);
  g_assert_false (r->partiliste);
  assert_rank (r, 0, "Bo Berg", 900, 1575, TRUE);
  assert_rank (r, 1, "Anna Andersen", 1400, 725, TRUE);
  assert_rank (r, 2, "Carl Cort", 1000, 1100, FALSE);
  /* B: personal votes only. */
  r = vk_fv_elected_lookup (e, 0, 1);
  assert_rank (r, 0, "Dorte Dam", 900, 0, TRUE);
  assert_rank (r, 1, "Erik Eg", 800, 0, FALSE);
  /* C, kredsvis: Østby's 850 to Frida, Vestby's 700 and Midtby's 500 to Gert. */
  r = vk_fv_elected_lookup (e, 0, 2);
  assert_rank (r, 0, "Gert Gran", 220, 1200, TRUE);
  assert_rank (r, 1, "Frida Fog", 130, 850, FALSE);
  /* D, partiliste: F = ⌊6500 / 3⌋ + 1 = 2167; Jens (3500) reaches it,
   * the other seat goes to Hanne (list 1) before Ib (1550 > 1450). */
  r = vk_fv_elected_lookup (e, 0, 3);
  g_assert_true (r->partiliste);
  g_assert_cmpuint (r->quota, ==, 2167);
  assert_rank (r, 0, "Jens Juul", 2400, 1100, TRUE);
  g_assert_true (ranked (r, 0)->by_quota);
  assert_rank (r, 1, "Hanne Hald", 450, 1000, TRUE);
  g_assert_false (ranked (r, 1)->by_quota);
  assert_rank (r, 2, "Ib Isen", 350, 1200, FALSE);
  /* The independent, by her full name. */
  g_assert_cmpuint (e->independents->len, ==, 1);
  g_assert_true (((VkFvIndependentRank *)g_ptr_array_index (e->independents, 0))->elected);

  json = vk_fv_allocation_to_json_elected (a, e);
  g_assert_nonnull (strstr (json, "\"Valgte\""));
  g_assert_nonnull (strstr (json, "\"Stedfortrædere\""));
  g_assert_nonnull (strstr (json, "\"Fordelingstal\" : 2167"));
  g_assert_nonnull (strstr (json, "\"TildeltePartistemmer\" : 1575"));
  g_assert_nonnull (strstr (json, "\"Navn\" : \"Ulla Uafhængig\""));
}

/* Shares that are not whole votes: Carl Cort with 100 more personal votes
 * in Østby (and A 100 more votes there).  Østby's pool is still 1000, now
 * shared 1200 : 900 (Anna 571.43, Carl 428.57): Anna 1400 + 571.43 + 125 =
 * 2096.43, Carl 1100 + 428.57 + 700 = 2228.57, Bo 2475 as before. */
static void
test_shares (void)
{
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *kd = example_kandidatdata (dir, NULL, FALSE, FALSE);
  g_autoptr (ExampleTable) t = example_table (7);
  g_autoptr (VkFvVotes) v = example_votes (100);
  g_autoptr (VkFvAllocation) a = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkFvElected) e = run_example (t, v, kd, NULL, &a, &error);
  const VkFvPartyRank *r;

  g_assert_no_error (error);
  r = vk_fv_elected_lookup (e, 0, 0);
  assert_rank (r, 0, "Bo Berg", 900, 1575, TRUE);
  assert_rank (r, 1, "Carl Cort", 1100, 1129, TRUE);
  assert_rank (r, 2, "Anna Andersen", 1400, 696, FALSE);
}

static void
test_lot (void)
{
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *kd = example_kandidatdata (dir, NULL, FALSE, FALSE);
  g_autofree char *lots_path = g_build_filename (dir, "lots.json", NULL);
  g_autoptr (ExampleTable) t = example_table (7);
  g_autoptr (VkFvVotes) v = example_votes (0);
  g_autoptr (VkFvAllocation) a = NULL;
  g_autoptr (VkFvElected) e = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkLots) lots = NULL;
  VkFvStorkredsVotes *sk = g_ptr_array_index (v->storkredse, 0);
  VkFvKredsVotes *k1 = g_ptr_array_index (sk->kredse, 0);
  const VkFvPartyRank *r;

  /* Erik Eg +100 personal votes in Østby (and B 100 more votes): 900 each. */
  for (guint i = 0; i < k1->persons->len; i++)
    {
      VkFvPersonVotes *p = g_ptr_array_index (k1->persons, i);
      if (strcmp (p->name, "Erik Eg") == 0)
        p->personal += 100;
    }
  vk_fv_kreds_votes_add (k1, 1, 100);
  vk_fv_storkreds_votes_add (sk, 1, 100);
  sk->valid += 100;
  e = run_example (t, v, kd, NULL, &a, &error);
  g_assert_null (e);
  g_assert_error (error, VK_ERROR, VK_ERROR_TIE);
  g_assert_nonnull (strstr (error->message, "\"Nordby Storkreds:B:Dorte Dam\""));
  g_assert_nonnull (strstr (error->message, "\"Nordby Storkreds:B:Erik Eg\""));
  g_clear_error (&error);

  g_assert_true (
      g_file_set_contents (lots_path,
                           "{\"draws\":[{\"tied\":[\"Nordby Storkreds:B:Dorte Dam\",\"Nordby Storkreds:B:Erik Eg\"],"
                           "\"winner\":\"Nordby Storkreds:B:Erik Eg\"}]}",
                           -1, NULL));
  lots = vk_lots_load (lots_path, &error);
  g_assert_no_error (error);
  e = run_example (t, v, kd, lots, &a, &error);
  g_assert_no_error (error);
  r = vk_fv_elected_lookup (e, 0, 1);
  assert_rank (r, 0, "Erik Eg", 900, 0, TRUE);
  assert_rank (r, 1, "Dorte Dam", 900, 0, FALSE);
}

static VkFvKdCandidate *
kd_candidate (GPtrArray *kd, guint party, guint cand)
{
  const VkFvKandidatdata *f = g_ptr_array_index (kd, 0);
  const VkFvKdParty *p = g_ptr_array_index (f->parties, party);

  return g_ptr_array_index (p->candidates, cand);
}

/* Frida Fog (C, kredsvis) also nominated in Vestby, where Gert is. */
static void
two_nominees (GPtrArray *kd)
{
  ((VkFvKdKreds *)g_ptr_array_index (kd_candidate (kd, 2, 0)->kredse, 1))->opstillet = TRUE;
}

/* Hanne Hald (D, partiliste) without PartiListePlacering. */
static void
no_list_place (GPtrArray *kd)
{
  kd_candidate (kd, 3, 0)->list_place = 0;
}

/* Anna (A, sideordnet) nominated in Østby as kredsvis. */
static void
mixed_forms (GPtrArray *kd)
{
  ((VkFvKdKreds *)g_ptr_array_index (kd_candidate (kd, 0, 0)->kredse, 0))->form = VK_FV_FORM_KREDSVIS;
}

static void
expect_refused_mutated (const char *skip_party, gboolean extra, gboolean extra_party, const char *rename_result,
                        Mutate mutate, const char *expect)
{
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *kd = example_kandidatdata (dir, skip_party, extra, extra_party);
  g_autoptr (ExampleTable) t = example_table (7);
  g_autoptr (VkFvVotes) v = example_votes (0);
  g_autoptr (VkFvAllocation) a = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkFvElected) e = NULL;

  if (rename_result != NULL)
    {
      VkFvStorkredsVotes *sk = g_ptr_array_index (v->storkredse, 0);
      VkFvPersonVotes *p = g_ptr_array_index (((VkFvKredsVotes *)g_ptr_array_index (sk->kredse, 1))->persons, 1);
      g_free (p->name);
      p->name = g_strdup (rename_result);
    }
  e = run_mutated (t, v, kd, NULL, mutate, &a, &error);
  g_assert_null (e);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  if (strstr (error->message, "kandidat-data-Folketingsvalg-1-Nordby.json") == NULL
      || strstr (error->message, expect) == NULL)
    g_error ("expected \"%s\" naming the file, got: %s", expect, error->message);
}

static void
expect_refused (const char *skip_party, gboolean extra, gboolean extra_party, const char *rename_result,
                const char *expect)
{
  expect_refused_mutated (skip_party, extra, extra_party, rename_result, NULL, expect);
}

static void
test_refused (void)
{
  /* Kredsvis: one nominee per kreds. */
  expect_refused_mutated (NULL, FALSE, FALSE, NULL, two_nominees,
                          "party C (Kredsvis) nominates 2 candidates in Vestby");
  /* Partiliste: every candidate has a list place. */
  expect_refused_mutated (NULL, FALSE, FALSE, NULL, no_list_place,
                          "IndenforParti[3].Kandidater[0]: party D stands by partiliste, but \"Hanne Hald\" has no");
  /* One kreds, two ways of giving its party votes. */
  expect_refused_mutated (NULL, FALSE, FALSE, NULL, mixed_forms,
                          "IndenforParti[0].Kandidater[2]: nominated in Østby as Sideordnet, but another candidate of "
                          "party A is nominated there as Kredsvis");
  /* A candidate of the kandidatdata that the results lack. */
  expect_refused (NULL, TRUE, FALSE, NULL, "IndenforParti[0].Kandidater[3]: \"Ghost Gå\" of party A is not among");
  /* A party of the results that the kandidatdata lacks. */
  expect_refused ("C", FALSE, FALSE, NULL, "IndenforParti: party C has 2400 votes in Nordby Storkreds");
  /* A party of the kandidatdata that the results lack. */
  expect_refused (NULL, FALSE, TRUE, NULL, "IndenforParti[4]: party E is not in the results");
  /* A candidate of the results that the kandidatdata lacks. */
  expect_refused (NULL, FALSE, FALSE, "Bo Bergsen",
                  "party A's candidate \"Bo Bergsen\" has 700 personal votes in Vestby");
}

/* ---- Partistemmefordeling per opstillingskreds --------------------------------- */

/* The hand-worked numbers of docs/folketingsvalg.md per kreds: for each
 * candidate (cands[] order) its personal and allotted party votes. */
typedef struct
{
  guint64 personal;
  guint64 allotted;
} Share;

static const Share worked_shares[3][G_N_ELEMENTS (cands)] = {
  /* Østby: A's 1000 party votes 1200 : 800 to Anna and Carl; C's 850 to
   * Frida; D's 1000 to Hanne; B none (personal votes). */
  { { 1200, 600 },
    { 200, 0 },
    { 800, 400 },
    { 300, 0 },
    { 400, 0 },
    { 100, 850 },
    { 50, 0 },
    { 300, 1000 },
    { 100, 0 },
    { 600, 0 } },
  /* Vestby: A's 1000 100 : 700 to Anna and Bo; C's 700 to Gert; D's 1200 to Ib. */
  { { 100, 125 },
    { 700, 875 },
    { 200, 0 },
    { 500, 0 },
    { 100, 0 },
    { 20, 0 },
    { 80, 700 },
    { 100, 0 },
    { 200, 1200 },
    { 700, 0 } },
  /* Midtby: A's 1400 equally to Bo and Carl (no personal votes there); C's
   * 500 to Gert; D's 1100 to Jens. */
  { { 100, 0 },
    { 0, 700 },
    { 0, 700 },
    { 100, 0 },
    { 300, 0 },
    { 10, 0 },
    { 90, 500 },
    { 50, 0 },
    { 50, 0 },
    { 1100, 1100 } },
};

static JsonObject *
psf_party (JsonObject *file, const char *letter)
{
  JsonArray *ps = json_object_get_array_member (file, "IndenforParti");

  for (guint i = 0; i < json_array_get_length (ps); i++)
    {
      JsonObject *p = json_array_get_object_element (ps, i);
      if (strcmp (json_object_get_string_member (p, "Bogstavbetegnelse"), letter) == 0)
        return p;
    }
  g_error ("party %s not in the file", letter);
  return NULL;
}

static JsonObject *
psf_candidate (JsonObject *party, const char *ballot)
{
  JsonArray *cs = json_object_get_array_member (party, "Kandidater");

  for (guint i = 0; i < json_array_get_length (cs); i++)
    {
      JsonObject *c = json_array_get_object_element (cs, i);
      if (strcmp (json_object_get_string_member (c, "Stemmeseddelnavn"), ballot) == 0)
        return c;
    }
  g_error ("candidate %s not in the file", ballot);
  return NULL;
}

/* The example's files (bump as example_votes(); midtby_extra: A votes
 * added in Midtby), parsed; NULL with the error. */
static GPtrArray *
psf_files (guint64 bump, guint64 midtby_extra, const char *rename_kreds, GPtrArray **ret_stems, GError **error)
{
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *kd = example_kandidatdata (dir, NULL, FALSE, FALSE);
  g_autoptr (ExampleTable) t = example_table (7);
  g_autoptr (VkFvVotes) v = example_votes (bump);
  g_autoptr (VkFvAllocation) a = NULL;
  g_autoptr (VkFvElected) e = NULL;
  g_autoptr (GPtrArray) files = NULL;
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) stems = g_ptr_array_new_with_free_func (g_free);
  VkFvStorkredsVotes *sk = g_ptr_array_index (v->storkredse, 0);
  VkFvKredsVotes *midtby = g_ptr_array_index (sk->kredse, 2);

  vk_fv_kreds_votes_add (midtby, 0, midtby_extra);
  vk_fv_storkreds_votes_add (sk, 0, midtby_extra);
  sk->valid += midtby_extra;
  /* DST's kredse have DST's ids: Midtby is then found by its name. */
  g_free (midtby->id);
  midtby->id = g_strdup (rename_kreds != NULL ? "999" : "dst-3");
  if (rename_kreds != NULL)
    {
      g_free (midtby->name);
      midtby->name = g_strdup (rename_kreds);
    }
  e = run_example (t, v, kd, NULL, &a, error);
  g_assert_nonnull (e);
  /* 1 June 2026 12:00:00 UTC. */
  files = vk_fv_partistemmefordeling_build (a, e, G_GINT64_CONSTANT (1780315200000), error);
  if (files == NULL)
    return NULL;
  for (guint i = 0; i < files->len; i++)
    {
      const VkFvPsfFile *f = g_ptr_array_index (files, i);
      JsonParser *parser = json_parser_new ();

      g_assert_true (json_parser_load_from_data (parser, f->json, -1, NULL));
      g_ptr_array_add (out, parser);
      g_ptr_array_add (stems, g_strdup (f->stem));
    }
  /* Written atomically as version 1, and not again when nothing changed. */
  {
    g_autofree char *psf_dir = g_build_filename (dir, "psf", NULL);
    guint written = 0;

    g_assert_true (vk_fv_partistemmefordeling_write (psf_dir, files, &written, error));
    g_assert_cmpuint (written, ==, files->len);
    g_assert_true (vk_fv_partistemmefordeling_write (psf_dir, files, &written, error));
    g_assert_cmpuint (written, ==, 0);
    for (guint i = 0; i < files->len; i++)
      {
        g_autofree char *name = g_strdup_printf ("%s.v1.json", ((const VkFvPsfFile *)files->pdata[i])->stem);
        g_autofree char *path = g_build_filename (psf_dir, name, NULL);
        g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      }
  }
  *ret_stems = g_steal_pointer (&stems);
  return g_steal_pointer (&out);
}

static JsonObject *
psf_root (GPtrArray *parsed, guint k)
{
  return json_node_get_object (json_parser_get_root (g_ptr_array_index (parsed, k)));
}

static void
test_partistemmefordeling (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) stems = NULL;
  g_autoptr (GPtrArray) parsed = psf_files (0, 0, NULL, &stems, &error);
  static const char *const expect_stems[] = { "Partistemmefordeling-1-101-Oestby", "Partistemmefordeling-1-102-Vestby",
                                              "Partistemmefordeling-1-103-Midtby" };

  g_assert_no_error (error);
  g_assert_cmpuint (parsed->len, ==, 3);
  for (guint k = 0; k < 3; k++)
    {
      JsonObject *f = psf_root (parsed, k);

      g_assert_cmpstr (g_ptr_array_index (stems, k), ==, expect_stems[k]);
      g_assert_cmpstr (json_object_get_string_member (f, "Valgart"), ==, "Folketingsvalg");
      g_assert_cmpstr (json_object_get_string_member (f, "Valgdag"), ==, "05-06-2026");
      g_assert_cmpstr (json_object_get_string_member (f, "FrigivelsesTidspunktUTC"), ==, "01-06-2026 12:00:00");
      g_assert_cmpstr (json_object_get_string_member (f, "Storkreds"), ==, "Nordby");
      g_assert_cmpint (json_object_get_int_member (f, "Storkredsnummer"), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (f, "Opstillingskreds"), ==, kreds_name[k]);
      /* The kandidatdata's id, also for Midtby, whose id in the results is DST's. */
      g_assert_cmpstr (json_object_get_string_member (f, "OpstillingskredsDagiId"), ==, kreds_id[k]);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (f, "IndenforParti")), ==, 4);
      for (guint p = 0; p < G_N_ELEMENTS (parties); p++)
        {
          JsonObject *party = psf_party (f, parties[p].letter);
          g_autofree char *name = g_strdup_printf ("Parti %s", parties[p].letter);

          g_assert_cmpstr (json_object_get_string_member (party, "PartiId"), ==, parties[p].letter);
          g_assert_cmpstr (json_object_get_string_member (party, "PartiNavn"), ==, name);
          g_assert_cmpstr (json_object_get_string_member (party, "Opstillingsform"), ==, form_of (parties[p].letter));
          g_assert_cmpint (json_object_get_boolean_member (party, "PersonligeStemmer"), ==, p == 1);
          g_assert_cmpint (json_object_get_int_member (party, "Stemmer"), ==, (gint64)parties[p].votes[k]);
        }
      for (guint c = 0; c < G_N_ELEMENTS (cands); c++)
        {
          JsonObject *cand = psf_candidate (psf_party (f, cands[c].letter), cands[c].ballot);
          g_autofree char *id = g_strdup_printf ("%s-%u", cands[c].letter, c);

          g_assert_cmpstr (json_object_get_string_member (cand, "Id"), ==, id);
          g_assert_cmpint (json_object_get_int_member (cand, "PersonligeStemmer"), ==,
                           (gint64)worked_shares[k][c].personal);
          g_assert_cmpint (json_object_get_int_member (cand, "TildeltePartistemmer"), ==,
                           (gint64)worked_shares[k][c].allotted);
        }
    }
}

/* Shares that are not whole votes.  Østby with Carl +100 (docs:
 * /fv/elected-shares): 1000 · 1200/2100 = 571.43 to Anna, 428.57 to
 * Carl: 571 + 429.  Midtby with A +1: 1401 party votes, 700.5 each to Bo
 * and Carl; the vote left over goes to Bo, first in the kandidatdata.  The
 * --out totals are the sums of these: Carl 429 + 700 = 1129. */
static void
test_partistemmefordeling_remainders (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) stems = NULL;
  g_autoptr (GPtrArray) parsed = psf_files (100, 1, NULL, &stems, &error);
  JsonObject *a;

  g_assert_no_error (error);
  a = psf_party (psf_root (parsed, 0), "A");
  g_assert_cmpint (json_object_get_int_member (a, "Stemmer"), ==, 3300);
  g_assert_cmpint (json_object_get_int_member (psf_candidate (a, "Anna A"), "TildeltePartistemmer"), ==, 571);
  g_assert_cmpint (json_object_get_int_member (psf_candidate (a, "Carl Cort"), "TildeltePartistemmer"), ==, 429);
  g_assert_cmpint (json_object_get_int_member (psf_candidate (a, "Carl Cort"), "PersonligeStemmer"), ==, 900);
  a = psf_party (psf_root (parsed, 2), "A");
  g_assert_cmpint (json_object_get_int_member (a, "Stemmer"), ==, 1501);
  g_assert_cmpint (json_object_get_int_member (psf_candidate (a, "Bo Berg"), "TildeltePartistemmer"), ==, 701);
  g_assert_cmpint (json_object_get_int_member (psf_candidate (a, "Carl Cort"), "TildeltePartistemmer"), ==, 700);
  g_assert_cmpint (json_object_get_int_member (psf_candidate (a, "Anna A"), "TildeltePartistemmer"), ==, 0);
}

/* A kreds of the results that the kandidatdata does not name. */
static void
test_partistemmefordeling_unknown_kreds (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) stems = NULL;
  g_autoptr (GPtrArray) parsed = psf_files (0, 0, "Nyby", &stems, &error);

  g_assert_null (parsed);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  if (strstr (error->message, "kandidat-data-Folketingsvalg-1-Nordby.json: Opstillingskredse:") == NULL
      || strstr (error->message, "\"Nyby\" (id 999) of Nordby Storkreds") == NULL)
    g_error ("unexpected: %s", error->message);
}

/* ---- valg.dk's real FV2026 kandidat-data -------------------------------------- */

/* A foreløbig optælling has no personal votes: nobody can be named. */
static void
test_needs_fintaelling (void)
{
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *kd = example_kandidatdata (dir, NULL, FALSE, FALSE);
  g_autoptr (ExampleTable) t = example_table (7);
  g_autoptr (VkFvVotes) v = example_votes (0);
  g_autoptr (VkFvAllocation) a = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkFvElected) e = NULL;

  v->has_persons = FALSE;
  e = run_example (t, v, kd, NULL, &a, &error);
  g_assert_null (e);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no personal votes"));
}

static void
test_fv2026_files (void)
{
  g_autofree char *dir = vk_test_data_path ("..", "fv2026", "kandidat-data", NULL);
  g_autofree char *table_path = vk_test_data_path ("..", "fv2022", "kredsmandater.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) kd = NULL;
  g_autoptr (VkFvTable) table = NULL;
  gboolean seen[10] = { FALSE };
  guint n_partiliste = 0, n_kredsvis = 0, n_personal = 0;

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("shared/data/fv2026 not present");
      return;
    }
  kd = vk_fv_kandidatdata_load_all (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kd->len, ==, 10);
  table = vk_fv_table_load (table_path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < kd->len; i++)
    {
      const VkFvKandidatdata *f = g_ptr_array_index (kd, i);
      gint k = vk_fv_valgdk_find_storkreds (table, f->storkreds);

      g_assert_cmpint (k, >=, 0);
      g_assert_false (seen[k]);
      seen[k] = TRUE;
      g_assert_cmpstr (f->date, ==, "2026-03-24");
      for (guint p = 0; p < f->parties->len; p++)
        {
          const VkFvKdParty *party = g_ptr_array_index (f->parties, p);
          const VkFvKdCandidate *c = g_ptr_array_index (party->candidates, 0);
          const VkFvKdKreds *e = g_ptr_array_index (c->kredse, 0);

          n_personal += party->personal;
          if (e->form == VK_FV_FORM_PARTILISTE)
            {
              n_partiliste++;
              for (guint j = 0; j < party->candidates->len; j++)
                g_assert_cmpuint (((const VkFvKdCandidate *)g_ptr_array_index (party->candidates, j))->list_place, >,
                                  0);
            }
          if (e->form == VK_FV_FORM_KREDSVIS)
            n_kredsvis++;
        }
    }
  /* Ø stands by partiliste in nine storkredse (not on Bornholm), five
   * parties kredsvis on Bornholm; A, B, C … use personal votes. */
  g_assert_cmpuint (n_partiliste, ==, 9);
  g_assert_cmpuint (n_kredsvis, ==, 5);
  g_assert_cmpuint (n_personal, >, 80);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fv/elected-worked-example", test_worked_example);
  g_test_add_func ("/fv/elected-shares", test_shares);
  g_test_add_func ("/fv/elected-lot", test_lot);
  g_test_add_func ("/fv/elected-refused", test_refused);
  g_test_add_func ("/fv/elected-needs-fintaelling", test_needs_fintaelling);
  g_test_add_func ("/fv/kandidatdata-fv2026", test_fv2026_files);
  g_test_add_func ("/fv/partistemmefordeling-worked-example", test_partistemmefordeling);
  g_test_add_func ("/fv/partistemmefordeling-remainders", test_partistemmefordeling_remainders);
  g_test_add_func ("/fv/partistemmefordeling-unknown-kreds", test_partistemmefordeling_unknown_kreds);
  return g_test_run ();
}
