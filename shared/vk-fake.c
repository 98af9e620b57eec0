/* vk-fake.c: deterministic synthetic test data (fake Danish voters).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "vk-fake.h"

/* Common Danish names (Danmarks Statistik's frequent-name lists inspired
 * the choice; the combinations are random and fictitious). */
static const char *const first_names[] = {
  "Anne",     "Kirsten", "Mette",   "Hanne",  "Helle",     "Anna",   "Susanne", "Lene",   "Maria", "Marianne",
  "Lone",     "Camilla", "Pia",     "Louise", "Charlotte", "Inge",   "Bente",   "Tina",   "Gitte", "Ida",
  "Emma",     "Freja",   "Sofie",   "Karen",  "Birthe",    "Else",   "Åse",     "Sørine", "Bodil", "Maja",
  "Peter",    "Jens",    "Michael", "Lars",   "Henrik",    "Thomas", "Søren",   "Jan",    "Niels", "Christian",
  "Martin",   "Anders",  "Morten",  "Jesper", "Mads",      "Rasmus", "Per",     "Hans",   "Ole",   "Kim",
  "Frederik", "Mikkel",  "Jørgen",  "Bjørn",  "Kåre",      "Jørn",   "William", "Noah",   "Oscar", "Carl",
};
static const char *const surnames[] = {
  "Nielsen",     "Jensen",    "Hansen",    "Pedersen",  "Andersen",   "Christensen", "Larsen",    "Sørensen",
  "Rasmussen",   "Jørgensen", "Petersen",  "Madsen",    "Kristensen", "Olsen",       "Thomsen",   "Christiansen",
  "Poulsen",     "Johansen",  "Møller",    "Mortensen", "Knudsen",    "Jakobsen",    "Mikkelsen", "Olesen",
  "Frederiksen", "Laursen",   "Henriksen", "Lund",      "Holm",       "Schmidt",     "Eriksen",   "Kristiansen",
  "Nørgaard",    "Clausen",   "Simonsen",  "Svendsen",  "Andreasen",  "Østergaard",  "Dahl",      "Søgaard",
};
static const char *const streets[] = {
  "Vestergade",  "Østergade", "Nørregade",    "Søndergade", "Skovvej",     "Kirkevej",    "Møllevej", "Strandvejen",
  "Bakkevej",    "Engvej",    "Åboulevarden", "Skolegade",  "Stationsvej", "Vænget",      "Birkevej", "Ahornvej",
  "Rosenvænget", "Havnegade", "Bygaden",      "Fælledvej",  "Grønnegade",  "Kongensgade", "Lærkevej", "Præstevej",
};
static const char *const sides[] = { "th.", "tv.", "mf." };

void
vk_fake_rng_init (VkFakeRng *self, guint64 seed)
{
  self->state = seed;
}

guint64
vk_fake_rng_next (VkFakeRng *self)
{
  guint64 z = (self->state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

guint32
vk_fake_rng_range (VkFakeRng *self, guint32 n)
{
  g_return_val_if_fail (n > 0, 0);
  /* The modulo bias (< 2^-32 for our small n) does not matter for test data. */
  return (guint32)(vk_fake_rng_next (self) % n);
}

#define PICK(rng, table) ((table)[vk_fake_rng_range ((rng), G_N_ELEMENTS (table))])

char *
vk_fake_person_name (VkFakeRng *rng)
{
  const char *first = PICK (rng, first_names);
  const char *last = PICK (rng, surnames);

  if (vk_fake_rng_range (rng, 4) == 0)
    return g_strdup_printf ("%s %s %s", first, PICK (rng, surnames), last);
  return g_strdup_printf ("%s %s", first, last);
}

char *
vk_fake_address (VkFakeRng *rng, const char *town)
{
  g_autoptr (GString) s = g_string_new (PICK (rng, streets));
  guint kind = vk_fake_rng_range (rng, 3);

  g_string_append_printf (s, " %u", 1 + vk_fake_rng_range (rng, 120));
  /* A third live in flats: "2. th." (floor and side). */
  if (kind == 0)
    g_string_append_printf (s, ", %u. %s", 1 + vk_fake_rng_range (rng, 5), PICK (rng, sides));
  if (town != NULL)
    g_string_append_printf (s, ", %u %s", 1000 + vk_fake_rng_range (rng, 9000), town);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

char *
vk_fake_birth_date (VkFakeRng *rng)
{
  g_autoptr (GDate) first = g_date_new_dmy (1, G_DATE_JANUARY, 1925);
  g_autoptr (GDate) last = g_date_new_dmy (31, G_DATE_DECEMBER, 2007);
  guint32 span = g_date_get_julian (last) - g_date_get_julian (first) + 1;
  g_autoptr (GDate) d = g_date_new_julian (g_date_get_julian (first) + vk_fake_rng_range (rng, span));

  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (d), g_date_get_month (d), g_date_get_day (d));
}

VkVoterList *
vk_voters_generate (const guint *area_numbers, const guint *counts, guint n_areas, const char *town, guint64 seed)
{
  g_autoptr (VkVoterList) list = vk_voter_list_new ();
  VkFakeRng rng;

  g_return_val_if_fail (n_areas == 0 || (area_numbers != NULL && counts != NULL), NULL);

  vk_fake_rng_init (&rng, seed);
  for (guint a = 0; a < n_areas; a++)
    for (guint n = 1; n <= counts[a]; n++)
      {
        g_autofree char *name = vk_fake_person_name (&rng);
        g_autofree char *address = vk_fake_address (&rng, town);
        g_autofree char *date = vk_fake_birth_date (&rng);
        g_autoptr (GError) error = NULL;

        /* Only a repeated area number can fail; that is a caller bug. */
        if (!vk_voter_list_add (list, area_numbers[a], n, name, address, date, &error))
          {
            g_critical ("vk_voters_generate: %s", error->message);
            return NULL;
          }
      }
  return g_steal_pointer (&list);
}

VkVoterList *
vk_voters_generate_for_election (const VkElection *election, guint max_per_area, guint64 seed)
{
  guint n = election->areas->len;
  g_autofree guint *numbers = g_new (guint, MAX (n, 1));
  g_autofree guint *counts = g_new (guint, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      const VkArea *area = g_ptr_array_index (election->areas, i);
      numbers[i] = area->number;
      counts[i] = max_per_area != 0 ? MIN (area->eligible, max_per_area) : area->eligible;
    }
  return vk_voters_generate (numbers, counts, n, election->municipality, seed);
}
