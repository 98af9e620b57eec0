/* cmd-election.c: `valgkit election import|show|devices` and `valgkit enroll`.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "vk-cli.h"
#include "vk-election-import.h"
#include "vk-error.h"
#include "vk-file.h"
#include "vk-json-private.h"
#include "vk-keys.h"
#include "vk-package.h"
#include "vk-text.h"
#include "vk-voters.h"

/* Loads an encrypted key, asking for its passphrase. */
VkKeypair *
vk_cli_load_key (const char *path, GError **error)
{
  g_autofree char *name = vk_text_escape_controls (path);
  g_autofree char *prompt = g_strdup_printf ("Passphrase for %s: ", name);
  char *passphrase;
  VkKeypair *key;

  /* A key file that is not one, or a secret key others can read, is
   * refused before the passphrase is typed. */
  if (!vk_key_file_peek (path, NULL, NULL, error))
    return NULL;
  passphrase = vk_passphrase_get (prompt, error);
  if (passphrase == NULL)
    return NULL;
  key = vk_keypair_load (path, passphrase, error);
  vk_passphrase_free (passphrase);
  return key;
}

/* A contest's own eligible voters per area, from a folder of its
 * official fintælling files (valg.dk valgresultater, one JSON per area:
 * for RV the whole region's, <kommunekode>-<n>-<name>.json).  Files of
 * another municipality (Kommunekode) are skipped; each file of the
 * event's municipality is matched to one of the contest's areas (copied
 * from the event) by AfstemningsområdeDagiId, or by number when the file
 * or the area has no DAGI id.  A file matching no area, two files for one
 * area, or an area without a file is an error. */
static gboolean
import_contest_eligible (VkElection *contest, const VkElection *event, const char *dir, GError **error)
{
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal); /* VkArea* -> file name */
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *display_dir = g_filename_display_name (dir);
  g_autofree guint *eligible = NULL;

  if (event->areas->len == 0 || *event->municipality_code == '\0')
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: the event has no afstemningsområder to match (give --areas)",
                   display_dir);
      return FALSE;
    }
  names = vk_file_list_dir (dir, ".json", error);
  if (names == NULL)
    return FALSE;

  /* Checked in full before the contest is changed. */
  eligible = g_new0 (guint, contest->areas->len);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autofree char *file = g_filename_display_name (path);
      g_autoptr (JsonParser) parser = NULL;
      g_autofree char *kcode = NULL, *dagi = NULL;
      guint number = 0, n_eligible = 0;
      JsonObject *root = vk_json_load_object (path, &parser, error);
      VkArea *area = NULL;
      guint index = 0;

      if (root == NULL || !vk_json_get_id (root, file, "", "Kommunekode", TRUE, &kcode, error))
        return FALSE;
      if (strcmp (kcode, event->municipality_code) != 0)
        continue; /* another municipality of the region */
      if (!vk_json_get_uint (root, file, "", "AfstemningsområdeNummer", &number, error)
          || !vk_json_get_id (root, file, "", "AfstemningsområdeDagiId", FALSE, &dagi, error)
          || !vk_json_get_uint (root, file, "", "AntalStemmeberettigedeVælgere", &n_eligible, error))
        return FALSE;
      for (guint k = 0; k < contest->areas->len && area == NULL; k++)
        {
          VkArea *a = g_ptr_array_index (contest->areas, k);

          if (*dagi != '\0' && *a->dagi_id != '\0' ? strcmp (a->dagi_id, dagi) == 0 : a->number == number)
            {
              area = a;
              index = k;
            }
        }
      if (area == NULL)
        {
          g_autofree char *what = g_strdup_printf ("area %u (DAGI id %s) is not one of %s's afstemningsområder", number,
                                                   *dagi != '\0' ? dagi : "-", event->municipality);
          return vk_json_fail (error, file, "", "AfstemningsområdeDagiId", what);
        }
      if (g_hash_table_contains (seen, area))
        {
          g_autofree char *what = g_strdup_printf ("afstemningsområde %u is also in %s", area->number,
                                                   (const char *)g_hash_table_lookup (seen, area));
          return vk_json_fail (error, file, "", "AfstemningsområdeDagiId", what);
        }
      g_ptr_array_add (files, g_strdup (file));
      g_hash_table_insert (seen, area, g_ptr_array_index (files, files->len - 1));
      eligible[index] = n_eligible;
    }
  for (guint k = 0; k < contest->areas->len; k++)
    {
      VkArea *a = g_ptr_array_index (contest->areas, k);

      if (!g_hash_table_contains (seen, a))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND,
                       "%s: no %s file for afstemningsområde %u %s of municipality %s", display_dir,
                       vk_election_contest_id (contest), a->number, a->name, event->municipality_code);
          return FALSE;
        }
    }
  for (guint k = 0; k < contest->areas->len; k++)
    ((VkArea *)g_ptr_array_index (contest->areas, k))->eligible = eligible[k];
  return TRUE;
}

/* The regionsrådsvalg held with the event: its kandidat-data, seats, the
 * event's areas with the RV's own eligible voters when rv_areas is given
 * (otherwise the event's), added to the event. */
static gboolean
add_rv_contest (VkElection *event, const char *kandidatdata, guint seats, const char *rv_areas, GError **error)
{
  g_autoptr (VkElection) rv = vk_election_import_kandidatdata (kandidatdata, error);
  g_autofree char *file = g_filename_display_name (kandidatdata);

  if (rv == NULL)
    return FALSE;
  if (rv->type != VK_ELECTION_RV)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: a %s file, not a regionsrådsvalg's kandidat-data", file,
                   vk_election_type_name_da (rv->type));
      return FALSE;
    }
  if (strcmp (rv->date, event->date) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: the regionsrådsvalg is on %s, the %s on %s", file, rv->date,
                   vk_election_type_name_da (event->type), event->date);
      return FALSE;
    }
  rv->seats = seats;
  vk_election_copy_areas (rv, event);
  if (rv_areas != NULL && !import_contest_eligible (rv, event, rv_areas, error))
    return FALSE;
  return vk_election_add_contest (event, g_steal_pointer (&rv), error);
}

/* An event of folketingsvalg, europa-parlamentsvalg and/or
 * folkeafstemning questions for one municipality: its areas (with their
 * opstillingskredse) from valg.dk's Valggeografi, the FV ballots of its
 * kredse, the EP lists, the questions.  The primary is the FV, else the
 * EP, else the first question. */
static VkElection *
build_national_event (const char *geografi, const char *kommune, const char *fv_path, const char *ep_path,
                      guint ep_seats, char **fa, const char *date, GError **error)
{
  g_autoptr (VkElection) geo = vk_election_new ();
  g_autoptr (VkElection) event = NULL;

  if (!vk_election_import_geografi (geo, geografi, kommune, error))
    return NULL;
  if (fv_path != NULL)
    {
      event = vk_election_import_fv_kandidatdata (geo, fv_path, error);
      if (event == NULL)
        return NULL;
    }
  if (ep_path != NULL)
    {
      g_autoptr (VkElection) ep = vk_election_import_kandidatdata (ep_path, error);
      g_autofree char *file = g_filename_display_name (ep_path);

      if (ep == NULL)
        return NULL;
      if (ep->type != VK_ELECTION_EP)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: a %s file, not EV-Kandidatdata", file,
                       vk_election_type_name_da (ep->type));
          return NULL;
        }
      if (event != NULL && strcmp (ep->date, event->date) != 0)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: the europa-parlamentsvalg is on %s, the %s on %s", file,
                       ep->date, vk_election_type_name_da (event->type), event->date);
          return NULL;
        }
      ep->seats = ep_seats;
      g_free (ep->municipality);
      ep->municipality = g_strdup (geo->municipality);
      g_free (ep->municipality_code);
      ep->municipality_code = g_strdup (geo->municipality_code);
      g_free (ep->municipality_dagi_id);
      ep->municipality_dagi_id = g_strdup (geo->municipality_dagi_id);
      vk_election_copy_areas (ep, geo);
      vk_election_copy_storkreds (ep, geo);
      if (event == NULL)
        event = g_steal_pointer (&ep);
      else if (!vk_election_add_contest (event, g_steal_pointer (&ep), error))
        return NULL;
    }
  if (event == NULL)
    {
      /* Folkeafstemning only: the geography is the event. */
      if (date == NULL || fa == NULL || fa[0] == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "a folkeafstemning alone needs --date YYYY-MM-DD and at least one --fa TITLE");
          return NULL;
        }
      event = g_steal_pointer (&geo);
      event->type = VK_ELECTION_FA;
      g_free (event->date);
      event->date = g_strdup (date);
    }
  else if (date != NULL && strcmp (date, event->date) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "--date %s: the %s is on %s", date,
                   vk_election_type_name_da (event->type), event->date);
      return NULL;
    }
  for (guint i = 0; fa != NULL && fa[i] != NULL; i++)
    if (vk_election_add_fa_question (event, fa[i], error) == NULL)
      return NULL;
  return g_steal_pointer (&event);
}

static int
election_import (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("- make a signed election package");
  g_autofree char *kandidatdata = NULL;
  g_autofree char *voters_path = NULL;
  g_autofree char *areas = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *id_hex = NULL;
  g_autofree char *rv_kandidatdata = NULL;
  g_autofree char *rv_areas = NULL;
  g_autofree char *contests = NULL;
  g_autofree char *geografi = NULL;
  g_autofree char *kommune = NULL;
  g_autofree char *fv_kandidatdata = NULL;
  g_autofree char *ep_kandidatdata = NULL;
  g_autofree char *date = NULL;
  g_auto (GStrv) fa = NULL;
  gboolean national;
  int ep_seats = VK_EP_SEATS;
  int seats = 0;
  int rv_seats = -1;
  gboolean test = FALSE;
  g_autoptr (VkElection) election = NULL;
  g_autoptr (VkVoterList) voters = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (VkPackage) package = NULL;
  GOptionEntry options[] = {
    { "kandidatdata", 0, 0, G_OPTION_ARG_FILENAME, &kandidatdata, "valg.dk kandidat-data.json", "K.json" },
    { "voters", 0, 0, G_OPTION_ARG_FILENAME, &voters_path, "Voter list CSV (see docs/package-format.md)", "V.csv" },
    { "areas", 0, 0, G_OPTION_ARG_FILENAME, &areas, "Folder of valg.dk valgresultater files naming the areas", "DIR" },
    { "seats", 0, 0, G_OPTION_ARG_INT, &seats, "Council size (not in kandidat-data.json)", "N" },
    { "rv-kandidatdata", 0, 0, G_OPTION_ARG_FILENAME, &rv_kandidatdata,
      "The regionsrådsvalg held the same day: the region's valg.dk kandidat-data.json", "RV.json" },
    { "rv-seats", 0, 0, G_OPTION_ARG_INT, &rv_seats, "The regional council's size (with --rv-kandidatdata)", "N" },
    { "rv-areas", 0, 0, G_OPTION_ARG_FILENAME, &rv_areas,
      "Folder of the region's RV valgresultater files: each area's own eligible voters for the RV", "DIR" },
    { "geografi", 0, 0, G_OPTION_ARG_FILENAME, &geografi,
      "FV/EP/FA: folder of valg.dk Valggeografi files (the areas and their opstillingskredse)", "DIR" },
    { "kommune", 0, 0, G_OPTION_ARG_STRING, &kommune, "FV/EP/FA: the municipality's kommunekode (with --geografi)",
      "KODE" },
    { "fv-kandidatdata", 0, 0, G_OPTION_ARG_FILENAME, &fv_kandidatdata,
      "A folketingsvalg: valg.dk FV-Kandidatdata (a storkreds's file, or a folder of them)", "PATH" },
    { "ep-kandidatdata", 0, 0, G_OPTION_ARG_FILENAME, &ep_kandidatdata,
      "An europa-parlamentsvalg: valg.dk EV-Kandidatdata", "EV.json" },
    { "ep-seats", 0, 0, G_OPTION_ARG_INT, &ep_seats, "Danish seats in the European Parliament (default 15)", "N" },
    { "fa", 0, 0, G_OPTION_ARG_STRING_ARRAY, &fa, "A folkeafstemning question (Ja/Nej); repeat for several", "TITLE" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, "Election day YYYY-MM-DD (a folkeafstemning alone)", "DATE" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_path, "The election key (secret, encrypted)", "ELECTION.key" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "The package to write", "E.vkp" },
    { "test", 0, 0, G_OPTION_ARG_NONE, &test,
      "A test election (PRØVEVALG on every screen and printout; signed into the package)", NULL },
    { NULL },
  };

  g_option_context_add_main_entries (context, options, NULL);
  if (!vk_cli_parse (context, &argc, &argv, "election import"))
    return VK_EXIT_USAGE;
  national = fv_kandidatdata != NULL || ep_kandidatdata != NULL || fa != NULL || geografi != NULL;
  if (national
      && (kandidatdata != NULL || areas != NULL || seats != 0 || rv_kandidatdata != NULL || rv_seats >= 0
          || rv_areas != NULL))
    {
      fprintf (stderr, "valgkit election import: --fv-kandidatdata, --ep-kandidatdata, --fa and --geografi make an "
                       "FV/EP/FA event; --kandidatdata, --areas, --seats and --rv-* a KV (+ RV) one\n");
      return VK_EXIT_USAGE;
    }
  if (national && (geografi == NULL || kommune == NULL))
    {
      fprintf (stderr, "valgkit election import: an FV/EP/FA event needs --geografi DIR and --kommune KODE\n");
      return VK_EXIT_USAGE;
    }
  if (national && ep_seats <= 0)
    {
      fprintf (stderr, "valgkit election import: --ep-seats must be at least 1\n");
      return VK_EXIT_USAGE;
    }
  if ((!national && kandidatdata == NULL) || key_path == NULL || out == NULL || seats < 0)
    {
      fprintf (stderr, "valgkit election import: --kandidatdata (or --fv-kandidatdata, --ep-kandidatdata, --fa), "
                       "--key and --out are required\n");
      return VK_EXIT_USAGE;
    }
  if (rv_kandidatdata == NULL && (rv_seats >= 0 || rv_areas != NULL))
    {
      fprintf (stderr, "valgkit election import: --rv-seats and --rv-areas go with --rv-kandidatdata\n");
      return VK_EXIT_USAGE;
    }
  if (rv_kandidatdata != NULL && rv_seats <= 0)
    {
      fprintf (stderr, "valgkit election import: --rv-kandidatdata needs --rv-seats N (the regional council's size)\n");
      return VK_EXIT_USAGE;
    }
  if (g_file_test (out, G_FILE_TEST_EXISTS))
    {
      fprintf (stderr, "valgkit election import: %s exists; refusing to overwrite a package\n", out);
      return VK_EXIT_USAGE;
    }

  if (national)
    election
        = build_national_event (geografi, kommune, fv_kandidatdata, ep_kandidatdata, (guint)ep_seats, fa, date, &error);
  else
    election = vk_election_import_kandidatdata (kandidatdata, &error);
  if (election == NULL)
    return vk_cli_fail ("election import", error);
  if (areas != NULL && !vk_election_import_areas_dir (election, areas, &error))
    return vk_cli_fail ("election import", error);
  if (seats > 0)
    election->seats = (guint)seats;
  election->test = test;
  if (rv_kandidatdata != NULL && !add_rv_contest (election, rv_kandidatdata, (guint)rv_seats, rv_areas, &error))
    return vk_cli_fail ("election import", error);
  if (voters_path != NULL)
    {
      voters = vk_voter_list_import_csv (voters_path, &error);
      if (voters == NULL)
        return vk_cli_fail ("election import", error);
      /* Every voter's area must be one of the election's. */
      for (guint i = 0; i < vk_voter_list_get_length (voters); i++)
        {
          const VkVoter *v = vk_voter_list_get (voters, i);
          if (election->areas->len > 0 && vk_election_lookup_area (election, v->area) == NULL)
            {
              fprintf (stderr, "valgkit election import: %s: voter %u in area %u, which the election does not have\n",
                       voters_path, v->loebenummer, v->area);
              return VK_EXIT_USAGE;
            }
        }
    }
  else
    voters = vk_voter_list_new ();
  /* The geografi files carry no electorate: each contest's eligible
   * voters are the voters on the list who receive its ballot. */
  if (national)
    vk_election_count_eligible (election, voters);

  key = vk_cli_load_key (key_path, &error);
  if (key == NULL)
    return vk_cli_fail ("election import", error);
  package = vk_package_create (out, election, voters, key, &error);
  if (package == NULL)
    return vk_cli_fail ("election import", error);

  id_hex = vk_hex_encode (vk_package_get_election_id (package), VK_ELECTION_ID_BYTES);
  contests = vk_election_dup_contests_label (election);
  {
    g_autofree char *shown_out = vk_text_escape_controls (out);
    g_autofree char *municipality = vk_text_escape_controls (election->municipality);

    printf ("Wrote %s: %s %s, %u lists, %u areas, %u voters\nelection id %s\n", shown_out, contests, municipality,
            election->lists->len, election->areas->len, vk_voter_list_get_length (voters), id_hex);
  }
  return VK_EXIT_OK;
}

static guint
count_candidates (const VkElection *c)
{
  guint n = 0;

  for (guint i = 0; i < c->lists->len; i++)
    n += ((VkList *)g_ptr_array_index (c->lists, i))->candidates->len;
  return n;
}

static guint64
count_eligible (const VkElection *c)
{
  guint64 n = 0;

  for (guint i = 0; i < c->areas->len; i++)
    n += ((VkArea *)g_ptr_array_index (c->areas, i))->eligible;
  return n;
}

static int
election_show (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("E.vkp - describe a package (it is verified first)");
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkElection) election = NULL;
  g_autoptr (GPtrArray) devices = NULL;
  g_autofree char *id_hex = NULL;
  g_autofree char *key_hex = NULL;
  gboolean as_json = FALSE;
  guint candidates = 0;
  GOptionEntry options[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, "Print JSON", NULL },
    { NULL },
  };

  g_option_context_add_main_entries (context, options, NULL);
  if (!vk_cli_parse (context, &argc, &argv, "election show"))
    return VK_EXIT_USAGE;
  if (argc != 2)
    {
      fprintf (stderr, "valgkit election show: give one package\n");
      return VK_EXIT_USAGE;
    }
  package = vk_package_open (argv[1], &error);
  if (package == NULL)
    return vk_cli_fail ("election show", error);
  election = vk_package_dup_election (package, &error);
  if (election == NULL)
    return vk_cli_fail ("election show", error);
  devices = vk_package_list_devices (package);
  id_hex = vk_hex_encode (vk_package_get_election_id (package), VK_ELECTION_ID_BYTES);
  key_hex = vk_hex_encode (vk_package_get_election_public_key (package), VK_PUBLIC_KEY_BYTES);
  for (guint i = 0; i < election->lists->len; i++)
    candidates += ((VkList *)g_ptr_array_index (election->lists, i))->candidates->len;

  if (as_json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "election_id");
      json_builder_add_string_value (b, id_hex);
      json_builder_set_member_name (b, "election_public_key");
      json_builder_add_string_value (b, key_hex);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, vk_election_type_to_string (election->type));
      json_builder_set_member_name (b, "date");
      json_builder_add_string_value (b, election->date);
      json_builder_set_member_name (b, "municipality");
      json_builder_add_string_value (b, election->municipality);
      json_builder_set_member_name (b, "seats");
      json_builder_add_int_value (b, election->seats);
      json_builder_set_member_name (b, "test");
      json_builder_add_boolean_value (b, election->test);
      json_builder_set_member_name (b, "lists");
      json_builder_add_int_value (b, election->lists->len);
      json_builder_set_member_name (b, "candidates");
      json_builder_add_int_value (b, candidates);
      json_builder_set_member_name (b, "areas");
      json_builder_add_int_value (b, election->areas->len);
      json_builder_set_member_name (b, "voters");
      json_builder_add_int_value (b, vk_package_count_voters (package, 0, NULL));
      /* Every contest of the event, the primary first. */
      json_builder_set_member_name (b, "contests");
      json_builder_begin_array (b);
      for (guint i = 0; i < vk_election_get_n_contests (election); i++)
        {
          const VkElection *c = vk_election_get_contest_nth (election, i);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, vk_election_contest_id (c));
          json_builder_set_member_name (b, "type");
          json_builder_add_string_value (b, vk_election_type_to_string (c->type));
          json_builder_set_member_name (b, "title");
          json_builder_add_string_value (b, c->title != NULL ? c->title : "");
          json_builder_set_member_name (b, "region");
          json_builder_add_string_value (b, c->region);
          json_builder_set_member_name (b, "region_dagi_id");
          json_builder_add_string_value (b, c->region_dagi_id);
          json_builder_set_member_name (b, "seats");
          json_builder_add_int_value (b, c->seats);
          json_builder_set_member_name (b, "lists");
          json_builder_add_int_value (b, c->lists->len);
          json_builder_set_member_name (b, "candidates");
          json_builder_add_int_value (b, count_candidates (c));
          json_builder_set_member_name (b, "valgforbund");
          json_builder_add_int_value (b, c->valgforbund->len);
          json_builder_set_member_name (b, "eligible");
          json_builder_add_int_value (b, (gint64)count_eligible (c));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      /* The count server's certificate pins (docs/package-format.md §5). */
      json_builder_set_member_name (b, "tls_pins");
      json_builder_begin_array (b);
      for (guint i = 0; i < devices->len; i++)
        {
          const VkDevice *d = g_ptr_array_index (devices, i);
          g_autofree char *tls = NULL;

          if (!d->has_tls)
            continue;
          tls = vk_hex_encode (d->tls_sha256, VK_TLS_PIN_BYTES);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "device");
          json_builder_add_string_value (b, d->device_id);
          json_builder_set_member_name (b, "tls_sha256");
          json_builder_add_string_value (b, tls);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      vk_cli_print_json (b);
      return VK_EXIT_OK;
    }

  {
    g_autofree char *municipality = vk_text_escape_controls (election->municipality);
    g_autofree char *date = vk_text_escape_controls (election->date);
    g_autofree char *file = vk_text_escape_controls (argv[1]);
    g_autofree char *label = vk_election_dup_contests_label (election);

    printf ("%s%s (%s) %s, %s\n", election->test ? "PRØVEVALG (a test election): " : "", municipality, label, date,
            file);
  }
  printf ("election id: %s\nelection key: %s\n", id_hex, key_hex);
  printf ("%u seats, %u lists, %u candidates, %u valgforbund, %u areas, %" G_GINT64_FORMAT " voters\n", election->seats,
          election->lists->len, candidates, election->valgforbund->len, election->areas->len,
          vk_package_count_voters (package, 0, NULL));
  /* One line per contest, the primary first. */
  for (guint i = 0; i < vk_election_get_n_contests (election); i++)
    {
      const VkElection *c = vk_election_get_contest_nth (election, i);
      g_autofree char *region = vk_text_escape_controls (c->region);

      g_autofree char *title = vk_text_escape_controls (c->title != NULL ? c->title : "");

      printf ("contest %s%s%s%s: %u seats, %u lists, %u candidates, %u valgforbund, %" G_GUINT64_FORMAT " eligible\n",
              vk_election_contest_id (c), *region != '\0' ? " (" : "", region, *region != '\0' ? ")" : "", c->seats,
              c->lists->len, count_candidates (c), c->valgforbund->len, count_eligible (c));
      /* A folkeafstemning's question. */
      if (*title != '\0')
        printf ("  \"%s\"\n", title);
    }
  /* The certificate every client requires of the count server. */
  for (guint i = 0; i < devices->len; i++)
    {
      const VkDevice *d = g_ptr_array_index (devices, i);
      g_autofree char *tls = NULL;
      g_autofree char *shown = NULL;

      if (!d->has_tls)
        continue;
      tls = vk_hex_encode (d->tls_sha256, VK_TLS_PIN_BYTES);
      shown = vk_text_escape_controls (d->device_id);
      printf ("count server %s: TLS certificate SHA-256 %s\n", shown, tls);
    }
  return VK_EXIT_OK;
}

static int
election_devices (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("E.vkp - list the enrolled devices");
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (GPtrArray) devices = NULL;
  gboolean as_json = FALSE;
  GOptionEntry options[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json,
      "Print JSON: device, role, area, public_key (hex), key_id, valid_from, valid_to, tls_sha256 (hex or null)",
      NULL },
    { NULL },
  };

  g_option_context_add_main_entries (context, options, NULL);
  if (!vk_cli_parse (context, &argc, &argv, "election devices"))
    return VK_EXIT_USAGE;
  if (argc != 2)
    {
      fprintf (stderr, "valgkit election devices: give one package\n");
      return VK_EXIT_USAGE;
    }
  package = vk_package_open (argv[1], &error);
  if (package == NULL)
    return vk_cli_fail ("election devices", error);
  devices = vk_package_list_devices (package);

  if (as_json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();

      json_builder_begin_array (b);
      for (guint i = 0; i < devices->len; i++)
        {
          const VkDevice *d = g_ptr_array_index (devices, i);
          g_autofree char *pk = vk_hex_encode (d->public_key, VK_PUBLIC_KEY_BYTES);
          g_autofree char *kid = vk_hex_encode (d->key_id, VK_KEY_ID_BYTES);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "device");
          json_builder_add_string_value (b, d->device_id);
          json_builder_set_member_name (b, "role");
          json_builder_add_string_value (b, d->role);
          json_builder_set_member_name (b, "area");
          if (d->area == VK_PACKAGE_NO_AREA)
            json_builder_add_null_value (b);
          else
            json_builder_add_int_value (b, d->area);
          json_builder_set_member_name (b, "public_key");
          json_builder_add_string_value (b, pk);
          json_builder_set_member_name (b, "key_id");
          json_builder_add_string_value (b, kid);
          json_builder_set_member_name (b, "valid_from");
          json_builder_add_int_value (b, (gint64)d->valid_from);
          json_builder_set_member_name (b, "valid_to");
          json_builder_add_int_value (b, (gint64)d->valid_to);
          json_builder_set_member_name (b, "tls_sha256");
          if (d->has_tls)
            {
              g_autofree char *tls = vk_hex_encode (d->tls_sha256, VK_TLS_PIN_BYTES);
              json_builder_add_string_value (b, tls);
            }
          else
            json_builder_add_null_value (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      vk_cli_print_json (b);
      return VK_EXIT_OK;
    }

  for (guint i = 0; i < devices->len; i++)
    {
      const VkDevice *d = g_ptr_array_index (devices, i);
      g_autofree char *kid = vk_hex_encode (d->key_id, VK_KEY_ID_BYTES);
      g_autofree char *area = d->area == VK_PACKAGE_NO_AREA ? g_strdup ("-") : g_strdup_printf ("%u", d->area);
      g_autofree char *tls = d->has_tls ? vk_hex_encode (d->tls_sha256, VK_TLS_PIN_BYTES) : NULL;
      g_autofree char *shown_id = vk_text_escape_controls (d->device_id);
      g_autofree char *shown_role = vk_text_escape_controls (d->role);

      printf ("%-28s %-15s area %-4s key %s%s%s\n", shown_id, shown_role, area, kid, tls != NULL ? " tls " : "",
              tls != NULL ? tls : "");
    }
  return VK_EXIT_OK;
}

int
vk_cmd_election (int argc, char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "import") == 0)
    return election_import (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "show") == 0)
    return election_show (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "devices") == 0)
    return election_devices (argc - 1, argv + 1);
  fprintf (argc >= 2 && strcmp (argv[1], "--help") == 0 ? stdout : stderr,
           "Usage: valgkit election import --kandidatdata K.json [--voters V.csv] [--areas DIR] [--seats N]\n"
           "                               [--rv-kandidatdata RV.json --rv-seats N [--rv-areas DIR]]\n"
           "                               --key ELECTION.key --out E.vkp\n"
           "       valgkit election show E.vkp [--json]\n"
           "       valgkit election devices E.vkp [--json]\n");
  return argc >= 2 && strcmp (argv[1], "--help") == 0 ? VK_EXIT_OK : VK_EXIT_USAGE;
}

/* The SHA-256 of the DER of the (first) certificate in a PEM file: what
 * `valgkit serve` prints and what clients compare (vk-http-pin.h). */
static gboolean
certificate_file_sha256 (const char *path, guint8 ret_sha256[VK_TLS_PIN_BYTES], GError **error)
{
  g_autofree char *pem = NULL;
  g_autofree char *name = vk_text_escape_controls (path);
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (GByteArray) der = NULL;
  g_autoptr (GError) local_error = NULL;
  gsize len = 0;

  if (!vk_file_read_untrusted (path, 1024 * 1024, &pem, &len, error))
    return FALSE;
  certificate = g_tls_certificate_new_from_pem (pem, (gssize)len, &local_error);
  if (certificate != NULL)
    g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: not a PEM certificate%s%s", name,
                   local_error != NULL ? ": " : "", local_error != NULL ? local_error->message : "");
      return FALSE;
    }
  vk_sha256 (der->data, der->len, ret_sha256);
  return TRUE;
}

/* An ISO 8601 date-time or date (local time) → ms since the epoch. */
static gboolean
parse_time_ms (const char *text, guint64 *ret_ms)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_local ();
  g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (text, tz);

  if (dt == NULL && strlen (text) == 10)
    {
      g_autofree char *full = g_strconcat (text, "T00:00:00", NULL);
      dt = g_date_time_new_from_iso8601 (full, tz);
    }
  if (dt == NULL || g_date_time_to_unix (dt) < 0)
    return FALSE;
  *ret_ms = (guint64)g_date_time_to_unix (dt) * 1000;
  return TRUE;
}

int
vk_cmd_enroll (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("E.vkp - enrol a device (signed by the election key)");
  g_autofree char *device_key = NULL;
  g_autofree char *role = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *valid_from_s = NULL;
  g_autofree char *valid_to_s = NULL;
  g_autofree char *file_role = NULL;
  g_autofree char *file_device = NULL;
  g_autofree char *tls_cert = NULL;
  guint8 tls_sha256[VK_TLS_PIN_BYTES];
  int area = 0;
  guint64 valid_from = 0, valid_to = G_MAXINT64;
  guint8 pk[VK_PUBLIC_KEY_BYTES];
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkKeypair) key = NULL;
  GOptionEntry options[] = {
    { "device-key", 0, 0, G_OPTION_ARG_FILENAME, &device_key, "The device's public key file", "F.pub" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role,
      "valgbord, brevstemmested, hjemmebesoeg, fintaelling, optaelling, server, valgstyrer, revisor or collector",
      "ROLE" },
    { "area", 0, 0, G_OPTION_ARG_INT, &area, "Afstemningsområde number (required for valgbord)", "N" },
    { "device", 0, 0, G_OPTION_ARG_STRING, &device_id, "Device id (default: the one in the public key file)", "ID" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_path, "The election key (secret, encrypted)", "ELECTION.key" },
    { "valid-from", 0, 0, G_OPTION_ARG_STRING, &valid_from_s, "Start of validity (ISO 8601; default: always)", "TIME" },
    { "valid-to", 0, 0, G_OPTION_ARG_STRING, &valid_to_s, "End of validity (ISO 8601; default: never)", "TIME" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert,
      "Role server: the TLS certificate it serves (PEM); every client then requires exactly this one", "CERT.pem" },
    { NULL },
  };

  g_option_context_add_main_entries (context, options, NULL);
  if (!vk_cli_parse (context, &argc, &argv, "enroll"))
    return VK_EXIT_USAGE;
  if (argc != 2 || device_key == NULL || role == NULL || key_path == NULL || area < 0)
    {
      fprintf (stderr, "valgkit enroll: E.vkp, --device-key, --role and --key are required\n");
      return VK_EXIT_USAGE;
    }
  if ((valid_from_s != NULL && !parse_time_ms (valid_from_s, &valid_from))
      || (valid_to_s != NULL && !parse_time_ms (valid_to_s, &valid_to)))
    {
      fprintf (stderr, "valgkit enroll: --valid-from/--valid-to take an ISO 8601 date or date-time\n");
      return VK_EXIT_USAGE;
    }
  if (tls_cert != NULL && strcmp (role, "server") != 0)
    {
      fprintf (stderr, "valgkit enroll: --tls-cert is for a device of role server\n");
      return VK_EXIT_USAGE;
    }
  if (!vk_public_key_load (device_key, pk, &file_role, &file_device, &error))
    return vk_cli_fail ("enroll", error);
  if (tls_cert != NULL && !certificate_file_sha256 (tls_cert, tls_sha256, &error))
    return vk_cli_fail ("enroll", error);
  if (device_id == NULL)
    device_id = g_strdup (file_device);

  package = vk_package_open (argv[1], &error);
  if (package == NULL)
    return vk_cli_fail ("enroll", error);
  key = vk_cli_load_key (key_path, &error);
  if (key == NULL)
    return vk_cli_fail ("enroll", error);
  if (!vk_package_enroll_with_tls (package, key, device_id, role, (guint)area, pk, tls_cert != NULL ? tls_sha256 : NULL,
                                   valid_from, valid_to, &error))
    return vk_cli_fail ("enroll", error);
  {
    g_autofree char *shown_id = vk_text_escape_controls (device_id);
    g_autofree char *shown_role = vk_text_escape_controls (role);
    g_autofree char *shown_file = vk_text_escape_controls (argv[1]);

    if (area > 0)
      printf ("Enrolled %s as %s, area %d, in %s\n", shown_id, shown_role, area, shown_file);
    else
      printf ("Enrolled %s as %s in %s\n", shown_id, shown_role, shown_file);
  }
  if (tls_cert != NULL)
    {
      g_autofree char *hex = vk_hex_encode (tls_sha256, VK_TLS_PIN_BYTES);
      printf ("TLS certificate SHA-256 %s (required by every client)\n", hex);
    }
  return VK_EXIT_OK;
}
