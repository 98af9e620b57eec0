/* vk-fake-election.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "vk-fake-election.h"
#include "vk-fake.h"

static const struct
{
  const char *letter;
  const char *name;
  VkListForm form;
  guint candidates;
} fake_lists[] = {
  { "A", "Fællesskabslisten", VK_LIST_SIDEORDNET, 9 },      { "B", "Borgerlisten Prøvekommune", VK_LIST_PARTILISTE, 6 },
  { "C", "Cykel- og Naturpartiet", VK_LIST_SIDEORDNET, 5 }, { "F", "Fremtidslisten", VK_LIST_SIDEORDNET, 7 },
  { "L", "Lokallisten Nord", VK_LIST_PARTILISTE, 4 },       { "L", "Lokallisten Syd", VK_LIST_SIDEORDNET, 4 },
};

static const struct
{
  const char *name;
  guint eligible;
} fake_areas[] = {
  { "Rådhushallen", 2650 },
  { "Nordskolen", 1840 },
  { "Strandens Forsamlingshus", 1210 },
  { "Bakkehuset", 960 },
};

/* A stable, UUID-shaped identifier so that exports look like valg.dk's. */
static char *
fake_uuid (VkFakeRng *rng)
{
  guint32 w[4];

  for (guint i = 0; i < 4; i++)
    w[i] = (guint32)vk_fake_rng_next (rng);
  return g_strdup_printf ("%08x-%04x-4%03x-%04x-%04x%08x", w[0], w[1] >> 16, w[1] & 0xfff, 0x8000 | (w[2] >> 18),
                          w[2] & 0xffff, w[3]);
}

VkElection *
vk_fake_election_new (guint32 seed)
{
  VkFakeRng rng;
  VkElection *self = vk_election_new ();
  VkValgforbund *vf;
  g_autofree char *vf_id = NULL;
  const char *members[2] = { NULL, NULL };

  vk_fake_rng_init (&rng, seed);
  self->type = VK_ELECTION_KV;
  g_free (self->date);
  self->date = g_strdup ("2029-11-20");
  g_free (self->municipality);
  self->municipality = g_strdup ("Prøvekommune");
  g_free (self->municipality_code);
  self->municipality_code = g_strdup ("999");
  g_free (self->municipality_dagi_id);
  self->municipality_dagi_id = g_strdup ("");
  self->seats = 15;
  self->test = TRUE; /* the synthetic Prøvekommune is always PRØVEVALG */

  for (guint i = 0; i < G_N_ELEMENTS (fake_lists); i++)
    {
      g_autofree char *list_id = fake_uuid (&rng);
      VkList *list
          = vk_election_add_list (self, list_id, fake_lists[i].letter, fake_lists[i].name, i + 1, fake_lists[i].form);

      for (guint c = 0; c < fake_lists[i].candidates; c++)
        {
          g_autofree char *cand_id = fake_uuid (&rng);
          g_autofree char *name = vk_fake_person_name (&rng);
          vk_election_add_candidate (self, list, cand_id, name, name, c + 1);
        }
      if (i == 2 || i == 3)
        members[i - 2] = list->id;
    }

  /* C and F in a valgforbund. */
  vf_id = fake_uuid (&rng);
  vf = vk_election_add_valgforbund (self, vf_id, "Valgforbund 1");
  for (guint i = 0; i < 2; i++)
    if (!vk_election_valgforbund_add_list (self, vf, members[i], NULL))
      g_assert_not_reached ();

  for (guint a = 0; a < G_N_ELEMENTS (fake_areas); a++)
    vk_election_add_area (self, a + 1, fake_areas[a].name, "", fake_areas[a].eligible);

  return self;
}

static const struct
{
  const char *letter;
  const char *name;
  VkListForm form;
  guint candidates;
} fake_rv_lists[] = {
  { "A", "Regionslisten", VK_LIST_SIDEORDNET, 8 },
  { "C", "Cykel- og Naturpartiet", VK_LIST_SIDEORDNET, 6 },
  { "O", "Omegnslisten", VK_LIST_PARTILISTE, 5 },
  { "Ø", "Øst-vest-listen", VK_LIST_SIDEORDNET, 4 },
};

VkElection *
vk_fake_election_new_joint (guint32 seed)
{
  VkElection *self = vk_fake_election_new (seed);
  VkElection *rv = vk_election_new ();
  VkFakeRng rng;

  vk_fake_rng_init (&rng, seed ^ 0x5256u);
  rv->type = VK_ELECTION_RV;
  g_free (rv->region);
  rv->region = g_strdup ("Prøveregionen");
  g_free (rv->region_dagi_id);
  rv->region_dagi_id = g_strdup ("999999");
  rv->seats = 21;
  for (guint i = 0; i < G_N_ELEMENTS (fake_rv_lists); i++)
    {
      g_autofree char *list_id = fake_uuid (&rng);
      VkList *list = vk_election_add_list (rv, list_id, fake_rv_lists[i].letter, fake_rv_lists[i].name, i + 1,
                                           fake_rv_lists[i].form);

      for (guint c = 0; c < fake_rv_lists[i].candidates; c++)
        {
          g_autofree char *cand_id = fake_uuid (&rng);
          g_autofree char *name = vk_fake_person_name (&rng);
          vk_election_add_candidate (rv, list, cand_id, name, name, c + 1);
        }
    }
  vk_election_copy_areas (rv, self);
  /* A few voters of area 2 may vote at KV but not at RV (as in real
   * elections, where the two counts of eligible voters differ by a few). */
  ((VkArea *)g_ptr_array_index (rv->areas, 1))->eligible -= 3;
  if (!vk_election_add_contest (self, rv, NULL))
    g_assert_not_reached ();
  return self;
}

static VkResults *
results_new (VkResultKind kind, GPtrArray *areas, const char *name)
{
  VkResults *r = g_new0 (VkResults, 1);

  r->kind = kind;
  r->areas = areas;
  r->total = vk_results_sum (areas, name);
  return r;
}

void
vk_fake_results_new (const VkElection *election, guint32 seed, VkResults **ret_foreloebig, VkResults **ret_fintaelling)
{
  VkFakeRng rng;
  GPtrArray *fore = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_area_result_free);
  GPtrArray *fin = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_area_result_free);
  guint n_lists = election->lists->len;
  g_autofree guint *weight = g_new0 (guint, n_lists);
  static const guint invalid_codes[] = { 2, 5, 7, 8, 12 };

  vk_fake_rng_init (&rng, seed);
  for (guint l = 0; l < n_lists; l++)
    weight[l] = 5 + vk_fake_rng_range (&rng, 40);

  for (guint a = 0; a < election->areas->len; a++)
    {
      const VkArea *area = g_ptr_array_index (election->areas, a);
      VkAreaResult *f = vk_area_result_new (VK_RESULT_FORELOEBIG, area->number, area->name);
      VkAreaResult *g = vk_area_result_new (VK_RESULT_FINTAELLING, area->number, area->name);
      guint64 cast = (guint64)area->eligible * (680 + vk_fake_rng_range (&rng, 80)) / 1000;
      guint64 blank = cast / 100, blank_brev = cast / 400, invalid = cast / 200;
      guint64 valid = cast - blank - blank_brev - invalid;
      guint64 total_weight = 0, given = 0;
      g_autofree guint64 *votes = g_new0 (guint64, n_lists);

      for (guint l = 0; l < n_lists; l++)
        total_weight += weight[l] + vk_fake_rng_range (&rng, 10);
      for (guint l = 0; l < n_lists; l++)
        {
          votes[l] = l + 1 == n_lists ? valid - given : valid * weight[l] / total_weight;
          given += votes[l];
        }

      /* Foreløbig: one vote sits on the wrong list, found at the fintælling. */
      for (VkAreaResult *r = f; r != NULL; r = r == f ? g : NULL)
        {
          r->eligible = area->eligible;
          r->cast = cast;
          r->valid = valid;
          r->blank_in_person = blank;
          r->blank_postal = blank_brev;
          r->other_invalid = invalid;
          r->has_invalid_detail = TRUE;
          vk_area_result_add_invalid (r, VK_INVALID_BLANK_IN_PERSON, blank);
          vk_area_result_add_invalid (r, VK_INVALID_BLANK_POSTAL, blank_brev);
          for (guint k = 0; k < G_N_ELEMENTS (invalid_codes); k++)
            vk_area_result_add_invalid (
                r, invalid_codes[k], k + 1 == G_N_ELEMENTS (invalid_codes) ? invalid - (invalid / 5) * 4 : invalid / 5);
        }
      for (guint l = 0; l < n_lists; l++)
        {
          const VkList *list = g_ptr_array_index (election->lists, l);
          guint64 v = votes[l];
          guint64 shown = v + (l == 0 && n_lists > 1 ? 1 : 0) - (l == 1 ? 1 : 0);
          guint64 list_votes = v / 5, rest = v - list_votes, handed = 0;

          vk_area_result_add_list (f, list->id, shown, 0);
          vk_area_result_add_list (g, list->id, v, list_votes)->has_list_votes = TRUE;
          /* Personal votes: the first candidates draw most. */
          for (guint c = 0; c < list->candidates->len; c++)
            {
              const VkCandidate *cand = g_ptr_array_index (list->candidates, c);
              guint64 share = c + 1 == list->candidates->len
                                  ? rest - handed
                                  : (rest - handed) * (30 + vk_fake_rng_range (&rng, 30)) / 100;
              vk_area_result_add_candidate (g, list->id, cand->id, share);
              handed += share;
            }
        }
      g_ptr_array_add (fore, f);
      g_ptr_array_add (fin, g);
    }
  *ret_foreloebig = results_new (VK_RESULT_FORELOEBIG, fore, election->municipality);
  *ret_fintaelling = results_new (VK_RESULT_FINTAELLING, fin, election->municipality);
}
