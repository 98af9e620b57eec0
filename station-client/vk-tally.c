/* vk-tally.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-cose.h"
#include "vk-error.h"
#include "vk-tally.h"

#define ACTION_ERROR                                                                                                   \
  "Har du skrevet et tal forkert af? Ret det og fortsæt. Stemmer tallene med papiret, og står fejlen stadig? "       \
  "Så kan du ikke fortsætte: tilkald valgstyreren."
#define ACTION_WARNING "Kontrollér tallene mod papiret. Er de rigtige, kan du fortsætte."

struct _VkTally
{
  VkResultKind kind;
  guint area;
  VkCbor *rounds[2];
  char *by[2];
  VkCbor *signed_counts;
};

void
vk_tally_message_free (VkTallyMessage *self)
{
  if (self == NULL)
    return;
  g_free (self->code);
  g_strfreev (self->fields);
  g_free (self->text_da);
  g_free (self->text_en);
  g_free (self->action_da);
  g_free (self);
}

static void
add_message (GPtrArray *out, const char *code, VkMessageSeverity severity, const char *const *fields, char *text_da,
             char *text_en)
{
  VkTallyMessage *m = g_new0 (VkTallyMessage, 1);

  m->code = g_strdup (code);
  m->severity = severity;
  m->fields = g_strdupv ((char **)fields);
  m->text_da = text_da;
  m->text_en = text_en;
  m->action_da = g_strdup (severity == VK_MESSAGE_ERROR ? ACTION_ERROR : ACTION_WARNING);
  g_ptr_array_add (out, m);
}

static int
errors_first (gconstpointer a, gconstpointer b)
{
  const VkTallyMessage *ma = *(VkTallyMessage *const *)a;
  const VkTallyMessage *mb = *(VkTallyMessage *const *)b;

  if (ma->severity != mb->severity)
    return ma->severity == VK_MESSAGE_ERROR ? -1 : 1;
  return strcmp (ma->code, mb->code);
}

/* over / total > percent / 100, exactly. */
static gboolean
above_percent (guint64 over, guint64 total, guint percent)
{
  return total > 0 && over * 100 > total * percent;
}

GPtrArray *
vk_tally_validate (const VkAreaResult *c, const VkBallotAccount *ballots, gint64 marked_voters, guint64 eligible)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_tally_message_free);
  guint64 sum_lists = 0;
  guint64 invalid_detail = 0;

  g_return_val_if_fail (c != NULL, out);

  /* T01: afgivne = gyldige + blanke + øvrige ugyldige. */
  if (c->cast != c->valid + c->blank_in_person + c->blank_postal + c->other_invalid)
    {
      static const char *const f[] = { "cast", "valid", "blank_fremmoedte", "blank_brev", "invalid", NULL };
      guint64 sum = c->valid + c->blank_in_person + c->blank_postal + c->other_invalid;
      add_message (out, "T01", VK_MESSAGE_ERROR, f,
                   g_strdup_printf ("Afgivne stemmer (%" G_GUINT64_FORMAT
                                    ") er ikke gyldige + blanke + ugyldige (%" G_GUINT64_FORMAT ").",
                                    c->cast, sum),
                   g_strdup_printf ("Votes cast (%" G_GUINT64_FORMAT
                                    ") is not valid + blank + invalid (%" G_GUINT64_FORMAT ").",
                                    c->cast, sum));
    }

  /* T02: Σ lists = gyldige. */
  for (guint i = 0; i < c->lists->len; i++)
    sum_lists += ((VkListResult *)g_ptr_array_index (c->lists, i))->votes;
  if (sum_lists != c->valid)
    {
      static const char *const f[] = { "valid", "lists", NULL };
      add_message (out, "T02", VK_MESSAGE_ERROR, f,
                   g_strdup_printf ("Stemmerne på listerne (%" G_GUINT64_FORMAT
                                    ") giver ikke gyldige stemmer (%" G_GUINT64_FORMAT ").",
                                    sum_lists, c->valid),
                   g_strdup_printf ("The list votes (%" G_GUINT64_FORMAT
                                    ") do not add up to the valid votes (%" G_GUINT64_FORMAT ").",
                                    sum_lists, c->valid));
    }

  /* T03: list total = listestemmer + Σ personal votes (fintælling). */
  if (c->has_candidate_votes)
    for (guint i = 0; i < c->lists->len; i++)
      {
        const VkListResult *l = g_ptr_array_index (c->lists, i);
        guint64 personal = 0;
        GHashTableIter iter;
        gpointer key, value;

        g_hash_table_iter_init (&iter, c->candidate_list);
        while (g_hash_table_iter_next (&iter, &key, &value))
          if (g_strcmp0 (value, l->list_id) == 0)
            personal += vk_area_result_get_candidate_votes (c, key);
        if (l->votes != l->list_votes + personal)
          {
            g_autofree char *field = g_strdup_printf ("lists.%s", l->list_id);
            const char *f[] = { field, "listestemmer", "candidates", NULL };
            add_message (out, "T03", VK_MESSAGE_ERROR, f,
                         g_strdup_printf ("Listen %s: stemmetal %" G_GUINT64_FORMAT
                                          " er ikke listestemmer %" G_GUINT64_FORMAT
                                          " + personlige stemmer %" G_GUINT64_FORMAT ".",
                                          l->list_id, l->votes, l->list_votes, personal),
                         g_strdup_printf ("List %s: total %" G_GUINT64_FORMAT " is not list votes %" G_GUINT64_FORMAT
                                          " + personal votes %" G_GUINT64_FORMAT ".",
                                          l->list_id, l->votes, l->list_votes, personal));
          }
      }

  /* T04: the ballot accounting. */
  if (ballots != NULL && ballots->present && ballots->received != c->cast + ballots->unused + ballots->returned)
    {
      static const char *const f[] = { "received", "unused", "returned", "cast", NULL };
      add_message (out, "T04", VK_MESSAGE_ERROR, f,
                   g_strdup_printf ("Modtagne stemmesedler (%" G_GUINT64_FORMAT ") er ikke afgivne + ubrugte + "
                                    "returnerede (%" G_GUINT64_FORMAT ").",
                                    ballots->received, c->cast + ballots->unused + ballots->returned),
                   g_strdup_printf ("Ballots received (%" G_GUINT64_FORMAT
                                    ") is not cast + unused + returned (%" G_GUINT64_FORMAT ").",
                                    ballots->received, c->cast + ballots->unused + ballots->returned));
    }

  /* T05: the reasons add up to the other invalid ballots. */
  if (c->has_invalid_detail)
    {
      for (guint i = 0; i < c->invalid_reasons->len; i++)
        {
          const VkInvalidReason *r = &g_array_index (c->invalid_reasons, VkInvalidReason, i);
          if (r->code != VK_INVALID_BLANK_IN_PERSON && r->code != VK_INVALID_BLANK_POSTAL)
            invalid_detail += r->count;
        }
      if (invalid_detail != c->other_invalid)
        {
          static const char *const f[] = { "invalid", NULL };
          add_message (out, "T05", VK_MESSAGE_ERROR, f,
                       g_strdup_printf ("Ugyldige stemmer fordelt på årsager (%" G_GUINT64_FORMAT
                                        ") giver ikke de øvrige ugyldige (%" G_GUINT64_FORMAT ").",
                                        invalid_detail, c->other_invalid),
                       g_strdup_printf ("Invalid ballots by reason (%" G_GUINT64_FORMAT
                                        ") do not add up to the other invalid ballots (%" G_GUINT64_FORMAT ").",
                                        invalid_detail, c->other_invalid));
        }
    }

  /* T10: blank or invalid above 3 % of cast. */
  if (above_percent (c->blank_in_person + c->blank_postal, c->cast, 3))
    {
      static const char *const f[] = { "blank_fremmoedte", "blank_brev", NULL };
      add_message (out, "T10", VK_MESSAGE_WARNING, f, g_strdup ("Mere end 3 % af de afgivne stemmer er blanke."),
                   g_strdup ("More than 3 % of the votes cast are blank."));
    }
  if (above_percent (c->other_invalid, c->cast, 3))
    {
      static const char *const f[] = { "invalid", NULL };
      add_message (out, "T10", VK_MESSAGE_WARNING, f, g_strdup ("Mere end 3 % af de afgivne stemmer er ugyldige."),
                   g_strdup ("More than 3 % of the votes cast are invalid."));
    }

  /* T11: ballots in the urn vs marked voters. */
  if (marked_voters >= 0 && (guint64)marked_voters != c->cast)
    {
      static const char *const f[] = { "cast", NULL };
      gint64 diff = (gint64)c->cast - marked_voters;
      add_message (out, "T11", VK_MESSAGE_WARNING, f,
                   g_strdup_printf ("Afgivne stemmer (%" G_GUINT64_FORMAT
                                    ") afviger fra afkrydsede vælgere (%" G_GINT64_FORMAT ") med %+" G_GINT64_FORMAT
                                    ". Forklaringen skal skrives i "
                                    "afstemningsbogen før underskrift.",
                                    c->cast, marked_voters, diff),
                   g_strdup_printf ("Votes cast (%" G_GUINT64_FORMAT ") differ from marked voters (%" G_GINT64_FORMAT
                                    ") by %+" G_GINT64_FORMAT ". An explanation is required before sign-off.",
                                    c->cast, marked_voters, diff));
    }

  /* T12, T13. */
  if (c->cast == 0)
    {
      static const char *const f[] = { "cast", NULL };
      add_message (out, "T12", VK_MESSAGE_WARNING, f, g_strdup ("Der er ingen afgivne stemmer."),
                   g_strdup ("No votes were cast."));
    }
  if (eligible > 0 && c->cast > eligible)
    {
      static const char *const f[] = { "cast", NULL };
      add_message (out, "T13", VK_MESSAGE_WARNING, f,
                   g_strdup_printf ("Afgivne stemmer (%" G_GUINT64_FORMAT ") overstiger antallet af "
                                    "stemmeberettigede (%" G_GUINT64_FORMAT ").",
                                    c->cast, eligible),
                   g_strdup_printf ("Votes cast (%" G_GUINT64_FORMAT ") exceed the eligible voters (%" G_GUINT64_FORMAT
                                    ").",
                                    c->cast, eligible));
    }

  /* T14: two lists with the same, non-trivial numbers in every column:
   * a block typed twice. */
  for (guint i = 0; i < c->lists->len; i++)
    for (guint j = i + 1; j < c->lists->len; j++)
      {
        const VkListResult *a = g_ptr_array_index (c->lists, i);
        const VkListResult *b = g_ptr_array_index (c->lists, j);
        if (a->votes >= 10 && a->votes == b->votes && a->has_list_votes && a->list_votes == b->list_votes
            && a->list_votes > 0)
          {
            g_autofree char *fa = g_strdup_printf ("lists.%s", a->list_id);
            g_autofree char *fb = g_strdup_printf ("lists.%s", b->list_id);
            const char *f[] = { fa, fb, NULL };
            add_message (out, "T14", VK_MESSAGE_WARNING, f,
                         g_strdup ("To lister har nøjagtig de samme tal. Er en blok skrevet af to gange?"),
                         g_strdup ("Two lists have exactly the same numbers. Was a block copied twice?"));
          }
      }

  g_ptr_array_sort (out, errors_first);
  return out;
}

gboolean
vk_tally_messages_have_errors (GPtrArray *messages)
{
  for (guint i = 0; i < messages->len; i++)
    if (((VkTallyMessage *)g_ptr_array_index (messages, i))->severity == VK_MESSAGE_ERROR)
      return TRUE;
  return FALSE;
}

const char *
vk_tally_kind_to_string (VkResultKind kind)
{
  return kind == VK_RESULT_FINTAELLING ? "fintaelling" : "foreloebig";
}

VkTally *
vk_tally_new (VkResultKind kind, guint area)
{
  VkTally *self = g_new0 (VkTally, 1);

  self->kind = kind;
  self->area = area;
  return self;
}

void
vk_tally_free (VkTally *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < 2; i++)
    {
      g_clear_pointer (&self->rounds[i], vk_cbor_unref);
      g_free (self->by[i]);
    }
  g_clear_pointer (&self->signed_counts, vk_cbor_unref);
  g_free (self);
}

static gboolean
entry_matches (const VkTally *self, const VkEntry *entry)
{
  guint64 area = 0;
  const char *kind = vk_cbor_map_get_text_field (entry->body, "kind", NULL);

  return kind != NULL && strcmp (kind, vk_tally_kind_to_string (self->kind)) == 0
         && vk_cbor_map_get_uint_field (entry->body, "area", &area, NULL) && area == self->area;
}

void
vk_tally_apply (VkTally *self, const VkEntry *entry)
{
  VkCbor *counts;

  g_return_if_fail (self != NULL);
  g_return_if_fail (entry != NULL);

  if (strcmp (entry->type, "tally") != 0 && strcmp (entry->type, "tally.signoff") != 0)
    return;
  if (!entry_matches (self, entry) || self->signed_counts != NULL)
    return;
  counts = vk_cbor_map_lookup_text (entry->body, "counts");
  if (counts == NULL || vk_cbor_get_type (counts) != VK_CBOR_MAP)
    return;

  if (strcmp (entry->type, "tally") == 0)
    {
      guint64 round = 0;
      const char *by = vk_cbor_map_get_text_field (entry->body, "by", NULL);
      if (!vk_cbor_map_get_uint_field (entry->body, "round", &round, NULL) || round < 1 || round > 2)
        return;
      g_clear_pointer (&self->rounds[round - 1], vk_cbor_unref);
      self->rounds[round - 1] = vk_cbor_ref (counts);
      g_free (self->by[round - 1]);
      self->by[round - 1] = g_strdup (by != NULL ? by : "");
    }
  else
    self->signed_counts = vk_cbor_ref (counts);
}

VkTally *
vk_tally_fold (GPtrArray *entries, VkResultKind kind, guint area)
{
  VkTally *self = vk_tally_new (kind, area);

  for (guint i = 0; i < entries->len; i++)
    vk_tally_apply (self, g_ptr_array_index (entries, i));
  return self;
}

VkTallyState
vk_tally_get_state (const VkTally *self)
{
  g_return_val_if_fail (self != NULL, VK_TALLY_EMPTY);

  if (self->signed_counts != NULL)
    return VK_TALLY_SIGNED;
  if (self->rounds[0] == NULL && self->rounds[1] == NULL)
    return VK_TALLY_EMPTY;
  if (self->rounds[0] == NULL || self->rounds[1] == NULL)
    return VK_TALLY_FIRST;
  return vk_cbor_equal (self->rounds[0], self->rounds[1]) ? VK_TALLY_AGREED : VK_TALLY_DIFFERENT;
}

VkCbor *
vk_tally_get_round (const VkTally *self, guint round, const char **ret_by)
{
  g_return_val_if_fail (self != NULL && round >= 1 && round <= 2, NULL);
  if (ret_by != NULL)
    *ret_by = self->by[round - 1];
  return self->rounds[round - 1];
}

GPtrArray *
vk_tally_get_differences (const VkTally *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (self->rounds[0] == NULL || self->rounds[1] == NULL)
    return g_ptr_array_new_with_free_func (g_free);
  return vk_counts_diff (self->rounds[0], self->rounds[1]);
}

VkCbor *
vk_tally_get_signed (const VkTally *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->signed_counts;
}

/* Station actions. */

static VkTally *
station_tally (VkStation *station, VkResultKind kind, guint area, GError **error)
{
  g_autoptr (GPtrArray) entries = vk_journal_dup_entries (vk_station_get_journal (station), 0, error);

  if (entries == NULL)
    return NULL;
  return vk_tally_fold (entries, kind, area);
}

static gboolean
check_area (VkStation *station, VkResultKind kind, guint area, GError **error)
{
  const VkDevice *device = vk_station_get_device (station);

  if (kind == VK_RESULT_FORELOEBIG)
    {
      if (strcmp (device->role, "valgbord") != 0 || device->area != area)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_KEY,
                       "the foreløbig optælling of area %u is entered at a valgbord of that area, not at %s", area,
                       device->device_id);
          return FALSE;
        }
    }
  else if (strcmp (device->role, "fintaelling") != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "the fintælling is entered at a fintælling table, not at %s",
                   device->device_id);
      return FALSE;
    }
  return TRUE;
}

guint64
vk_tally_close_poll (VkStation *station, GError **error)
{
  return vk_station_close_poll (station, error);
}

guint64
vk_tally_enter (VkStation *station, VkResultKind kind, guint area, guint round, const char *by,
                const VkAreaResult *counts, const VkBallotAccount *ballots, GError **error)
{
  g_autoptr (VkTally) tally = NULL;
  g_autoptr (VkCbor) body = NULL;
  g_autoptr (VkEntry) entry = NULL;
  const char *other_by = NULL;

  g_return_val_if_fail (station != NULL, 0);
  g_return_val_if_fail (counts != NULL, 0);

  if (round < 1 || round > 2 || by == NULL || *by == '\0')
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "a count is entered in round 1 or 2, with the name of who enters it");
      return 0;
    }
  if (!check_area (station, kind, area, error))
    return 0;
  tally = station_tally (station, kind, area, error);
  if (tally == NULL)
    return 0;
  if (vk_tally_get_state (tally) == VK_TALLY_SIGNED)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the count of area %u is signed off and cannot be changed", area);
      return 0;
    }
  if (round == 2 && vk_tally_get_round (tally, 1, NULL) == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "enter round 1 before round 2");
      return 0;
    }
  /* Four eyes: the other round must have been entered by someone else. */
  if (vk_tally_get_round (tally, round == 1 ? 2 : 1, &other_by) != NULL && g_strcmp0 (other_by, by) == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "%s entered the other round: the two entries must be made by two different people", by);
      return 0;
    }

  body = vk_cbor_new_map ();
  vk_cbor_map_set_text (body, "kind", vk_tally_kind_to_string (kind));
  vk_cbor_map_set_uint (body, "area", area);
  vk_cbor_map_set_uint (body, "round", round);
  vk_cbor_map_set_text (body, "by", by);
  vk_cbor_map_insert_text (body, "counts", vk_counts_to_cbor (counts, ballots));
  entry = vk_station_append (station, "tally", body, error);
  return entry != NULL ? entry->seq : 0;
}

static gboolean
is_blank (const char *text)
{
  for (; text != NULL && *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

GBytes *
vk_tally_signoff_payload (const guint8 election_id[32], VkResultKind kind, guint area, const guint8 counts_digest[32])
{
  return vk_counts_signoff_payload (election_id, vk_tally_kind_to_string (kind), area, counts_digest);
}

guint64
vk_tally_sign_off (VkStation *station, VkResultKind kind, guint area, const VkSigner *signers, guint n_signers,
                   const char *explanation, gint64 marked_voters, guint64 eligible, GError **error)
{
  g_autoptr (VkTally) tally = NULL;
  g_autoptr (VkAreaResult) counts = NULL;
  g_autoptr (VkElection) election = NULL;
  g_autoptr (GPtrArray) messages = NULL;
  g_autoptr (VkCbor) body = NULL;
  g_autoptr (VkEntry) entry = NULL;
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  VkCbor *agreed;
  VkCbor *names_array;
  VkCbor *signatures = NULL;
  VkBallotAccount ballots;
  guint8 digest[32];
  VkPackage *package;

  g_return_val_if_fail (station != NULL, 0);

  if (!check_area (station, kind, area, error))
    return 0;
  tally = station_tally (station, kind, area, error);
  if (tally == NULL)
    return 0;
  switch (vk_tally_get_state (tally))
    {
      case VK_TALLY_AGREED:
        break;
      case VK_TALLY_SIGNED:
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the count of area %u is already signed off", area);
        return 0;
      case VK_TALLY_DIFFERENT:
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the two entries differ: correct one of them first");
        return 0;
      case VK_TALLY_EMPTY:
      case VK_TALLY_FIRST:
      default:
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "both entries of the count must be made first");
        return 0;
    }

  package = vk_station_get_package (station);
  election = vk_package_dup_election (package, error);
  if (election == NULL)
    return 0;
  agreed = vk_tally_get_round (tally, 1, NULL);
  counts = vk_counts_from_cbor (agreed, election, kind, area, NULL, &ballots, error);
  if (counts == NULL)
    return 0;
  messages = vk_tally_validate (counts, &ballots, marked_voters, eligible);
  if (vk_tally_messages_have_errors (messages))
    {
      VkTallyMessage *m = g_ptr_array_index (messages, 0);
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: %s", m->code, m->text_da);
      return 0;
    }
  if (marked_voters >= 0 && (guint64)marked_voters != counts->cast && is_blank (explanation))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "afgivne stemmer (%" G_GUINT64_FORMAT ") og afkrydsede vælgere (%" G_GINT64_FORMAT
                   ") er forskellige: skriv forklaringen før underskrift",
                   counts->cast, marked_voters);
      return 0;
    }

  names_array = vk_cbor_new_array ();
  body = vk_cbor_new_map ();
  vk_cbor_map_insert_text (body, "signers", names_array);
  vk_counts_digest (agreed, digest);
  for (guint i = 0; i < n_signers; i++)
    {
      if (signers[i].name == NULL || *signers[i].name == '\0')
        continue;
      if (!g_hash_table_add (names, (gpointer)signers[i].name))
        continue;
      vk_cbor_array_append (names_array, vk_cbor_new_text (signers[i].name, -1));
      if (signers[i].key != NULL)
        {
          g_autoptr (GBytes) payload
              = vk_tally_signoff_payload (vk_package_get_election_id (package), kind, area, digest);
          g_autoptr (GBytes) cose = NULL;
          const VkDevice *enrolled
              = vk_package_lookup_device_by_key_id (package, vk_keypair_get_key_id (signers[i].key));

          if (enrolled == NULL || strcmp (enrolled->role, "valgstyrer") != 0)
            {
              g_set_error (error, VK_ERROR, VK_ERROR_KEY, "%s's key is not enrolled as a valgstyrer", signers[i].name);
              vk_cbor_unref (signatures);
              return 0;
            }
          cose = vk_cose_sign1_create (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), signers[i].key,
                                       error);
          if (cose == NULL)
            {
              vk_cbor_unref (signatures);
              return 0;
            }
          if (signatures == NULL)
            signatures = vk_cbor_new_array ();
          vk_cbor_array_append (signatures, vk_cbor_new_bytes (g_bytes_get_data (cose, NULL), g_bytes_get_size (cose)));
        }
    }
  if (g_hash_table_size (names) < 2)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "at least two valgstyrere must sign");
      vk_cbor_unref (signatures);
      return 0;
    }
  if (signatures != NULL)
    vk_cbor_map_insert_text (body, "signatures", signatures);
  vk_cbor_map_set_text (body, "kind", vk_tally_kind_to_string (kind));
  vk_cbor_map_set_uint (body, "area", area);
  vk_cbor_map_insert_text (body, "counts", vk_cbor_ref (agreed));
  if (explanation != NULL && *explanation != '\0')
    vk_cbor_map_set_text (body, "explanation", explanation);
  entry = vk_station_append (station, "tally.signoff", body, error);
  return entry != NULL ? entry->seq : 0;
}
