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
