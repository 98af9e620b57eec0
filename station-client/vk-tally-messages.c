/* vk-tally-messages.c: the checks of a count, worded as messages.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The arithmetic is vk_counts_check() (shared/vk-counts.c), the one
 * implementation the station, the count server and the audit share.  This
 * file gives each failure its number, its Danish and English text, the
 * fields of the form it concerns and the one fixed "what to do"
 * (Kiesraad Abacus), and turns a blocking failure into the refusal
 * VK_TALLY_ERROR_CHECK_FAILED.
 */
#include <string.h>

#include "vk-tally-private.h"

#define ACTION_ERROR                                                                                                   \
  "Har du skrevet et tal forkert af? Ret det og fortsæt. Stemmer tallene med papiret, og står fejlen stadig? "       \
  "Så kan du ikke fortsætte: tilkald valgstyreren."
#define ACTION_WARNING "Kontrollér tallene mod papiret. Er de rigtige, kan du fortsætte."

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
add_message (GPtrArray *out, const VkCountFailure *f, const char *const *fields, char *text_da, char *text_en)
{
  VkTallyMessage *m = g_new0 (VkTallyMessage, 1);

  m->check = f->check;
  m->code = g_strdup (vk_count_check_get_code (f->check));
  m->severity = vk_count_check_is_blocking (f->check) ? VK_MESSAGE_ERROR : VK_MESSAGE_WARNING;
  m->fields = g_strdupv ((char **)fields);
  m->text_da = text_da;
  m->text_en = text_en;
  m->action_da = g_strdup (m->severity == VK_MESSAGE_ERROR ? ACTION_ERROR : ACTION_WARNING);
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

/* One failed check (vk_counts_check()) as a message: its text, and the
 * fields of the form it concerns. */
static void
add_failure_message (GPtrArray *out, const VkAreaResult *c, const VkCountFailure *f)
{
  guint64 expected = (guint64)f->expected, actual = (guint64)f->actual;

  switch (f->check)
    {
      case VK_COUNT_CHECK_CAST_SUM:
        {
          static const char *const fields[] = { "cast", "valid", "blank_fremmoedte", "blank_brev", "invalid", NULL };
          add_message (out, f, fields,
                       g_strdup_printf ("Afgivne stemmer (%" G_GUINT64_FORMAT
                                        ") er ikke gyldige + blanke + ugyldige (%" G_GUINT64_FORMAT ").",
                                        actual, expected),
                       g_strdup_printf ("Votes cast (%" G_GUINT64_FORMAT
                                        ") is not valid + blank + invalid (%" G_GUINT64_FORMAT ").",
                                        actual, expected));
          break;
        }
      case VK_COUNT_CHECK_LISTS_SUM:
        {
          static const char *const fields[] = { "valid", "lists.*", NULL };
          add_message (out, f, fields,
                       g_strdup_printf ("Stemmerne på listerne (%" G_GUINT64_FORMAT
                                        ") giver ikke gyldige stemmer (%" G_GUINT64_FORMAT ").",
                                        expected, actual),
                       g_strdup_printf ("The list votes (%" G_GUINT64_FORMAT
                                        ") do not add up to the valid votes (%" G_GUINT64_FORMAT ").",
                                        expected, actual));
          break;
        }
      case VK_COUNT_CHECK_LIST_TOTAL:
        {
          const VkListResult *l = g_hash_table_lookup (c->lists_by_id, f->list_id);
          guint64 list_votes = l != NULL ? l->list_votes : 0;
          guint64 personal = expected - list_votes;
          g_autofree char *field = g_strdup_printf ("lists.%s", f->list_id);
          g_autofree char *field_ls = g_strdup_printf ("listestemmer.%s", f->list_id);
          const char *fields[] = { field, field_ls, NULL };

          add_message (out, f, fields,
                       g_strdup_printf ("Listen %s: stemmetal %" G_GUINT64_FORMAT
                                        " er ikke listestemmer %" G_GUINT64_FORMAT
                                        " + personlige stemmer %" G_GUINT64_FORMAT ".",
                                        f->list_id, actual, list_votes, personal),
                       g_strdup_printf ("List %s: total %" G_GUINT64_FORMAT " is not list votes %" G_GUINT64_FORMAT
                                        " + personal votes %" G_GUINT64_FORMAT ".",
                                        f->list_id, actual, list_votes, personal));
          break;
        }
      case VK_COUNT_CHECK_BALLOTS:
        {
          static const char *const fields[] = { "received", "unused", "returned", "cast", NULL };
          add_message (out, f, fields,
                       g_strdup_printf ("Modtagne stemmesedler (%" G_GUINT64_FORMAT ") er ikke afgivne + ubrugte + "
                                        "returnerede (%" G_GUINT64_FORMAT ").",
                                        actual, expected),
                       g_strdup_printf ("Ballots received (%" G_GUINT64_FORMAT
                                        ") is not cast + unused + returned (%" G_GUINT64_FORMAT ").",
                                        actual, expected));
          break;
        }
      case VK_COUNT_CHECK_INVALID_REASONS:
        {
          static const char *const fields[] = { "invalid", "invalid.*", NULL };
          add_message (out, f, fields,
                       g_strdup_printf ("Ugyldige stemmer fordelt på årsager (%" G_GUINT64_FORMAT
                                        ") giver ikke de øvrige ugyldige (%" G_GUINT64_FORMAT ").",
                                        expected, actual),
                       g_strdup_printf ("Invalid ballots by reason (%" G_GUINT64_FORMAT
                                        ") do not add up to the other invalid ballots (%" G_GUINT64_FORMAT ").",
                                        expected, actual));
          break;
        }
      case VK_COUNT_CHECK_BLANK_REASON:
        {
          static const char *const in_person[] = { "blank_fremmoedte", NULL };
          static const char *const postal[] = { "blank_brev", NULL };
          add_message (
              out, f, f->code == VK_INVALID_BLANK_IN_PERSON ? in_person : postal,
              g_strdup_printf ("Blanke stemmer (%" G_GUINT64_FORMAT ") er ikke årsag %u (%" G_GUINT64_FORMAT ").",
                               actual, f->code, expected),
              g_strdup_printf ("Blank ballots (%" G_GUINT64_FORMAT ") are not reason %u (%" G_GUINT64_FORMAT ").",
                               actual, f->code, expected));
          break;
        }
      case VK_COUNT_CHECK_BLANK_SHARE:
        {
          static const char *const fields[] = { "blank_fremmoedte", "blank_brev", NULL };
          add_message (out, f, fields, g_strdup ("Mere end 3 % af de afgivne stemmer er blanke."),
                       g_strdup ("More than 3 % of the votes cast are blank."));
          break;
        }
      case VK_COUNT_CHECK_INVALID_SHARE:
        {
          static const char *const fields[] = { "invalid", NULL };
          add_message (out, f, fields, g_strdup ("Mere end 3 % af de afgivne stemmer er ugyldige."),
                       g_strdup ("More than 3 % of the votes cast are invalid."));
          break;
        }
      case VK_COUNT_CHECK_MARKED:
        {
          static const char *const fields[] = { "cast", NULL };
          gint64 diff = f->actual - f->expected;
          add_message (out, f, fields,
                       g_strdup_printf ("Afgivne stemmer (%" G_GUINT64_FORMAT
                                        ") afviger fra afkrydsede vælgere (%" G_GINT64_FORMAT ") med %+" G_GINT64_FORMAT
                                        ". Forklaringen skal skrives i afstemningsbogen før underskrift.",
                                        actual, f->expected, diff),
                       g_strdup_printf ("Votes cast (%" G_GUINT64_FORMAT
                                        ") differ from marked voters (%" G_GINT64_FORMAT ") by %+" G_GINT64_FORMAT
                                        ". An explanation is required before sign-off.",
                                        actual, f->expected, diff));
          break;
        }
      case VK_COUNT_CHECK_NONE_CAST:
        {
          static const char *const fields[] = { "cast", NULL };
          add_message (out, f, fields, g_strdup ("Der er ingen afgivne stemmer."), g_strdup ("No votes were cast."));
          break;
        }
      case VK_COUNT_CHECK_ABOVE_ELIGIBLE:
        {
          static const char *const fields[] = { "cast", NULL };
          add_message (out, f, fields,
                       g_strdup_printf ("Afgivne stemmer (%" G_GUINT64_FORMAT ") overstiger antallet af "
                                        "stemmeberettigede (%" G_GUINT64_FORMAT ").",
                                        actual, expected),
                       g_strdup_printf ("Votes cast (%" G_GUINT64_FORMAT
                                        ") exceed the eligible voters (%" G_GUINT64_FORMAT ").",
                                        actual, expected));
          break;
        }
      case VK_COUNT_CHECK_SAME_LISTS:
      default:
        {
          g_autofree char *fa = g_strdup_printf ("lists.%s", f->list_id);
          g_autofree char *fb = g_strdup_printf ("lists.%s", f->other_list_id);
          const char *fields[] = { fa, fb, NULL };
          add_message (out, f, fields,
                       g_strdup ("To lister har nøjagtig de samme tal. Er en blok skrevet af to gange?"),
                       g_strdup ("Two lists have exactly the same numbers. Was a block copied twice?"));
          break;
        }
    }
}

/* The checks are vk_counts_check()'s (shared/vk-counts.c); this only
 * words them. */
GPtrArray *
vk_tally_validate_sums (const VkAreaResult *c, const VkCountSums *sums, const VkBallotAccount *ballots,
                        gint64 marked_voters, guint64 eligible)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_tally_message_free);
  g_autoptr (GArray) failures = NULL;

  g_return_val_if_fail (c != NULL, out);

  failures = vk_counts_check (c, sums, ballots, marked_voters, eligible);
  for (guint i = 0; i < failures->len; i++)
    add_failure_message (out, c, &g_array_index (failures, VkCountFailure, i));
  g_ptr_array_sort (out, errors_first);
  return out;
}

/* The sums from scratch: O(candidates). */
GPtrArray *
vk_tally_validate (const VkAreaResult *c, const VkBallotAccount *ballots, gint64 marked_voters, guint64 eligible)
{
  g_return_val_if_fail (c != NULL, NULL);
  return vk_tally_validate_sums (c, NULL, ballots, marked_voters, eligible);
}

gboolean
vk_tally_failures_to_error (GArray *failures, GError **error)
{
  g_return_val_if_fail (failures != NULL, FALSE);
  for (guint i = 0; i < failures->len; i++)
    {
      const VkCountFailure *f = &g_array_index (failures, VkCountFailure, i);

      if (vk_count_check_is_blocking (f->check))
        {
          g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_CHECK_FAILED,
                       "%s: check failed (%" G_GINT64_FORMAT " recorded, %" G_GINT64_FORMAT " expected)",
                       vk_count_check_get_code (f->check), f->actual, f->expected);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
vk_tally_messages_have_errors (GPtrArray *messages)
{
  for (guint i = 0; i < messages->len; i++)
    if (((VkTallyMessage *)g_ptr_array_index (messages, i))->severity == VK_MESSAGE_ERROR)
      return TRUE;
  return FALSE;
}
