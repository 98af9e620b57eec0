/* cmd-mandates.c: `valgkit mandates`, the seat allocation from valg.dk files.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thin: the rules live in shared/vk-seats.c.  This file reads the
 * options, prints a Danish table or writes mandatfordeling JSON, and maps
 * errors to exit statuses.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "cmd-mandates.h"
#include "vk-election.h"
#include "vk-error.h"
#include "vk-results.h"
#include "vk-seats.h"
#include "vk-text.h"

enum
{
  EXIT_OK = 0,
  EXIT_OTHER = 1,
  EXIT_INPUT = 2,
  EXIT_TIE = 3,
};

static int
exit_for_error (const GError *error)
{
  if (error->domain != VK_ERROR)
    return EXIT_OTHER;
  switch (error->code)
    {
      case VK_ERROR_TIE:
        return EXIT_TIE;
      case VK_ERROR_INVALID:
      case VK_ERROR_TRUNCATED:
      case VK_ERROR_NOT_FOUND:
      case VK_ERROR_IO:
        return EXIT_INPUT;
      default:
        return EXIT_OTHER;
    }
}

/* An error on stderr; messages quote the input files. */
static void
print_error (const char *message)
{
  g_autofree char *text = vk_text_escape_controls (message);

  fprintf (stderr, "valgkit mandates: %s\n", text);
}

/* A readable name for an id in a tie: a candidate, a list or a valgforbund. */
static char *
describe_id (const VkElection *e, const char *id)
{
  VkCandidate *c = vk_election_lookup_candidate (e, id);
  VkList *l = vk_election_lookup_list (e, id);

  if (c != NULL)
    return g_strdup_printf ("%s (liste %s)", c->ballot_name, c->list->letter);
  if (l != NULL)
    return g_strdup_printf ("liste %s %s", l->letter, l->name);
  for (guint i = 0; i < e->valgforbund->len; i++)
    {
      const VkValgforbund *vf = g_ptr_array_index (e->valgforbund, i);
      if (strcmp (vf->id, id) == 0)
        return g_strdup_printf ("valgforbund %s", vf->name);
    }
  return g_strdup (id);
}

char *
vk_cmd_tie_description_da (const VkTie *tie)
{
  /* vk-seats.c words its descriptions in English ("seat 5 of the council:
   * equal quotients for …", "list C, seat 5 of the list: 11 personal votes
   * each: …"); the Danish output says the same in Danish. */
  static const char *const words[][2] = {
    { " of the council: equal quotients for", " i kommunalbestyrelsen: lige store kvotienter for" },
    { ": equal quotients for", ": lige store kvotienter for" },
    { " of the list: ", " på listen: " },
    { " personal votes each:", " personlige stemmer hver:" },
    { ", seat ", ", mandat nr. " },
    { ", substitute ", ", stedfortræder nr. " },
  };
  g_autoptr (GString) s = g_string_new (tie->description != NULL ? tie->description : "");
  g_autofree char *escaped = NULL;

  if (g_str_has_prefix (s->str, "seat "))
    {
      const char *of;
      g_string_erase (s, 0, 5);
      g_string_prepend (s, "mandat nr. ");
      /* "mandat nr. 3 of listeforbund C: …" */
      of = strstr (s->str, " of ");
      if (of != NULL && !g_str_has_prefix (of, " of the council"))
        g_string_replace (s, " of ", " i ", 1);
    }
  else if (g_str_has_prefix (s->str, "list "))
    g_string_insert_c (s, 4, 'e');
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    g_string_replace (s, words[i][0], words[i][1], 1);
  escaped = vk_text_escape_controls (s->str);
  return g_steal_pointer (&escaped);
}

static void
print_tie (const VkElection *e, const VkTie *tie)
{
  g_autofree char *description = vk_cmd_tie_description_da (tie);

  fprintf (stderr, "Lodtrækning nødvendig (%s).\nStemmelige:\n", description);
  for (guint i = 0; i < tie->tied->len; i++)
    {
      g_autofree char *d = describe_id (e, g_ptr_array_index (tie->tied, i));
      g_autofree char *id = vk_text_escape_controls (g_ptr_array_index (tie->tied, i));
      g_autofree char *text = vk_text_escape_controls (d);
      fprintf (stderr, "  %s  %s\n", id, text);
    }
  fprintf (stderr, "Angiv udfaldet med --lots LOTS.json, en trækning pr. vinder, fx:\n"
                   "  {\"draws\":[{\"tied\":[");
  for (guint i = 0; i < tie->tied->len; i++)
    {
      g_autofree char *id = vk_text_escape_controls (g_ptr_array_index (tie->tied, i));
      fprintf (stderr, "%s\"%s\"", i > 0 ? "," : "", id);
    }
  fprintf (stderr, "],\"winner\":\"<id>\"}]}\n");
}

/* Appends str padded with spaces to width characters (not bytes: names
 * are UTF-8), cut at width. */
static void
append_padded (GString *out, const char *raw, glong width)
{
  /* Names come from the input files. */
  g_autofree char *str = vk_text_escape_controls (raw);
  glong n = g_utf8_strlen (str, -1);

  if (n > width)
    {
      const char *end = g_utf8_offset_to_pointer (str, width);
      g_string_append_len (out, str, end - str);
      return;
    }
  g_string_append (out, str);
  for (glong i = n; i < width; i++)
    g_string_append_c (out, ' ');
}

static void
print_table (const VkSeatAllocation *a)
{
  const VkElection *e = a->election;
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "Mandatfordeling: %s, %s %s (%s), %u mandater\n\n",
                          *e->region != '\0' ? e->region : e->municipality,
                          e->type == VK_ELECTION_RV ? "regionsrådsvalg" : "kommunalvalg", e->date,
                          a->kind == VK_RESULT_FINTAELLING ? "fintælling" : "foreløbig optælling", a->n_seats);
  g_string_append_printf (out, "%-5s %-44s %9s %9s\n", "Bogst", "Liste", "Stemmer", "Mandater");
  for (guint i = 0; i < a->lists->len; i++)
    {
      const VkListOutcome *o = g_ptr_array_index (a->lists, i);
      append_padded (out, o->list->letter, 5);
      g_string_append_c (out, ' ');
      append_padded (out, o->list->name, 44);
      g_string_append_printf (out, " %9" G_GUINT64_FORMAT " %9u\n", o->votes, o->seats);
    }
  g_string_append (out, "\nMandater i rækkefølge:\n");
  for (guint k = 0; k < a->seats->len; k++)
    {
      const VkSeat *s = g_ptr_array_index (a->seats, k);
      if (s->candidate != NULL)
        {
          const VkCandidateOutcome *c = vk_seat_allocation_lookup_elected (a, s);
          guint64 votes = c->personal_votes, lv = c->list_votes;

          g_string_append_printf (out, "%3u  ", s->number);
          append_padded (out, s->list->letter, 5);
          append_padded (out, s->candidate->ballot_name, 40);
          g_string_append_printf (out, " %7" G_GUINT64_FORMAT " personlige stemmer", votes);
          if (lv > 0)
            g_string_append_printf (out, " + %" G_GUINT64_FORMAT " listestemmer", lv);
          g_string_append_c (out, '\n');
        }
      else
        g_string_append_printf (out, "%3u  %-4s %s\n", s->number, s->list->letter, s->list->name);
    }
  if (a->has_candidates)
    {
      g_string_append (out, "\nStedfortrædere:\n");
      for (guint i = 0; i < a->lists->len; i++)
        {
          const VkListOutcome *o = g_ptr_array_index (a->lists, i);
          if (o->seats == 0 || o->substitutes->len == 0)
            continue;
          g_string_append_printf (out, "  %s:", o->list->letter);
          for (guint k = 0; k < o->substitutes->len; k++)
            {
              const VkCandidateOutcome *c = g_ptr_array_index (o->substitutes, k);
              g_string_append_printf (out, "%s %u. %s (%" G_GUINT64_FORMAT ")", k > 0 ? "," : "", c->rank,
                                      c->candidate->ballot_name, c->personal_votes + c->list_votes);
            }
          g_string_append_c (out, '\n');
        }
    }
  /* Names come from the input files: each line escaped (the padded
   * names already are; a backslash stays as it is). */
  {
    g_auto (GStrv) lines = g_strsplit (out->str, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
      {
        g_autofree char *line = vk_text_escape_controls (lines[i]);
        fputs (line, stdout);
        if (lines[i + 1] != NULL)
          fputc ('\n', stdout);
      }
  }
  g_string_free (out, TRUE);
}

int
vk_cmd_mandates (int argc, char **argv)
{
  g_autofree char *kandidatdata = NULL, *resultater = NULL, *lots_path = NULL, *out_path = NULL;
  gint seats = 0;
  const GOptionEntry entries[] = {
    { "kandidatdata", 'k', 0, G_OPTION_ARG_FILENAME, &kandidatdata,
      "valg.dk kandidat-data.json (a municipality's or a region's)", "FILE" },
    { "resultater", 'r', 0, G_OPTION_ARG_FILENAME, &resultater,
      "Folder with one valgresultater JSON per area (for a region: every area of its municipalities)", "DIR" },
    { "seats", 's', 0, G_OPTION_ARG_INT, &seats, "Council size (number of seats)", "N" },
    { "lots", 'l', 0, G_OPTION_ARG_FILENAME, &lots_path,
      "Outcomes of lot draws: {\"draws\":[{\"tied\":[…],\"winner\":…}]}", "LOTS.json" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Write mandatfordeling JSON here instead of a table", "FILE" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- allocate seats from valg.dk files");
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) election = NULL;
  g_autoptr (VkResults) results = NULL;
  g_autoptr (VkLots) lots = NULL;
  g_autoptr (VkSeatAllocation) alloc = NULL;
  g_autoptr (VkTie) tie = NULL;
  g_autoptr (GPtrArray) failures = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx, "Exit status: 0 done, 2 bad usage or malformed input, 3 a lot draw is "
                                         "needed (see --lots).\n"
                                         "kandidat-data.json does not hold the council size: pass --seats N.");
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      print_error (error->message);
      return EXIT_INPUT;
    }
  if (kandidatdata == NULL || resultater == NULL)
    {
      fprintf (stderr, "valgkit mandates: --kandidatdata and --resultater are required (see --help)\n");
      return EXIT_INPUT;
    }
  if (seats < 0)
    {
      fprintf (stderr, "valgkit mandates: --seats must be positive\n");
      return EXIT_INPUT;
    }
  /* kandidat-data.json does not hold the council size. */
  if (seats == 0)
    {
      fprintf (stderr, "valgkit mandates: council size unknown: pass --seats N\n");
      return EXIT_INPUT;
    }

  election = vk_election_import_kandidatdata (kandidatdata, &error);
  if (election == NULL)
    goto fail;
  if (*election->region != '\0')
    {
      /* A regionsrådsvalg: the region's areas come from all its
       * municipalities, whose area numbers repeat (docs/results.md). */
      results = vk_results_import_region_dir (election, resultater, &error);
      if (results == NULL)
        goto fail;
    }
  else
    {
      /* Areas give the municipality code for the export. */
      if (!vk_election_import_areas_dir (election, resultater, &error))
        goto fail;
      results = vk_results_import_dir (election, resultater, &error);
      if (results == NULL)
        goto fail;
    }
  election->seats = (guint)seats;
  if (lots_path != NULL)
    {
      lots = vk_lots_load (lots_path, &error);
      if (lots == NULL)
        goto fail;
    }

  /* The count must add up before any seat is given. */
  failures = vk_results_check (results);
  if (failures->len > 0)
    {
      for (guint i = 0; i < failures->len; i++)
        print_error (((VkCheckFailure *)g_ptr_array_index (failures, i))->message);
      fprintf (stderr, "valgkit mandates: the results do not add up (%u failed checks)\n", failures->len);
      return EXIT_INPUT;
    }

  alloc = vk_seats_allocate (election, 0, results->total, lots, &tie, &error);
  if (alloc == NULL)
    {
      if (tie != NULL)
        {
          print_tie (election, tie);
          return EXIT_TIE;
        }
      goto fail;
    }
  for (guint i = 0; i < alloc->open_ties->len; i++)
    {
      const VkTie *t = g_ptr_array_index (alloc->open_ties, i);
      g_autofree char *description = vk_cmd_tie_description_da (t);
      fprintf (stderr,
               "Bemærk: stedfortrædernes rækkefølge afgøres ved lodtrækning (%s); foreløbig i stemmeseddelorden.\n",
               description);
    }

  if (out_path != NULL)
    {
      g_autofree char *json = vk_seat_allocation_to_json (alloc);
      if (!g_file_set_contents (out_path, json, -1, &error))
        {
          print_error (error->message);
          return EXIT_OTHER;
        }
    }
  else
    print_table (alloc);
  return EXIT_OK;

fail:
  print_error (error->message);
  return exit_for_error (error);
}
