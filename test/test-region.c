/* test-region.c: the regional tally from the municipalities' signed RV results.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Region Nordjylland from its 163 official RV fintælling files
 * (../shared/data/rv2025/Region_Nordjylland/fintaelling): for each of
 * its 11 municipalities a package (the region's kandidat-data as the
 * contest, the municipality's areas, no voters) with an enrolled count
 * server, whose key signs the municipality's resultat.vkr.  The region
 * verifies and sums them and must reproduce the official
 * mandatfordeling.json: every seat number, elected person and
 * substitute (lot draws for the four tied substitutes taken from the
 * official order), through the C API and through `valgkit region`.
 * Then bad input, each refused by both with the file named and nothing
 * written: one altered byte, an unknown election key, the same
 * municipality twice, a municipality of another region, a KV result, a
 * truncated file, trailing bytes, a valgbord's enrolment, a server of
 * another election, a key that is not the enrolled one, a municipality's
 * key speaking for another, a foreløbig count among fintællinger.
 */
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vk-cbor.h"
#include "vk-contest-result.h"
#include "vk-cose.h"
#include "vk-counts.h"
#include "vk-election.h"
#include "vk-error.h"
#include "vk-package.h"
#include "vk-results.h"
#include "vk-seats.h"
#include "vk-test-util.h"

#define PASSPHRASE "region test passphrase"

typedef struct
{
  char *code;
  char *path; /* resultat.vkr */
} Muni;

/* What a test needs beside the file to forge a variant of it. */
typedef struct
{
  VkKeypair *server;   /* the enrolled server's key */
  GBytes *enrolment;   /* its enrolment */
  VkKeypair *valgbord; /* a valgbord of area 1, enrolled in the same package */
  GBytes *valgbord_enrolment;
} Devices;

static struct
{
  gboolean ready;
  char *dir;
  char *kandidatdata;
  char *official;
  GPtrArray *munis;   /* Muni* */
  GPtrArray *trusted; /* VkTrustedKey* */
  char *trust_file;
  GHashTable *keys;   /* code → VkKeypair* (election keys) */
  char *kv_path;      /* Læsø's KV result, signed by Læsø's server */
  char *other_region; /* Favrskov's RV result (Region Midtjylland), its key trusted */
  char *unknown_key;  /* Morsø's result from a package with an untrusted election key */
  guint n_seats;
  char *lots_file;                  /* the draws test_official needed */
  Devices morsoe;                   /* Morsø's (773) server and a valgbord */
  const char *claim_region_dagi_id; /* set: sign_municipality() claims this region */
  Devices laesoe_kv;                /* the server of Læsø's KV package (the same election key as its RV package) */
} fx;

static char *
rv_path (const char *first, ...)
{
  const char *data = vk_test_data_dir ();
  g_autofree char *base = NULL;
  GString *s;
  va_list ap;

  if (data == NULL)
    return NULL;
  base = g_build_filename (data, "..", "rv2025", NULL);
  s = g_string_new (base);
  va_start (ap, first);
  for (const char *p = first; p != NULL; p = va_arg (ap, const char *))
    g_string_append_printf (s, "/%s", p);
  va_end (ap);
  if (!g_file_test (s->str, G_FILE_TEST_EXISTS))
    {
      g_string_free (s, TRUE);
      g_test_skip ("RV2025 data (../shared/data/rv2025) not present");
      return NULL;
    }
  return g_string_free (s, FALSE);
}

static gint
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* The municipality name ("Morsø Kommune" → "Morsø") of a valgresultater file. */
static char *
file_municipality (const char *path)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  const char *k;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  k = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "Kommune");
  return g_str_has_suffix (k, " Kommune") ? g_strndup (k, strlen (k) - strlen (" Kommune")) : g_strdup (k);
}

/* A package for one municipality of a contest (the kandidat-data's
 * election with the municipality's areas), a count server enrolled in it,
 * and its signed result written to out.  election_key NULL: a new one.
 * Returns the election key. */
static VkKeypair *
sign_municipality (const char *kandidatdata, GPtrArray *files, const char *code, VkKeypair *election_key,
                   const char *out, VkElectionType as_type, Devices *ret_devices)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) e = vk_election_import_kandidatdata (kandidatdata, &error);
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_area_result_free);
  g_autoptr (VkKeypair) server = vk_keypair_generate ();
  g_autoptr (VkPackage) package = NULL;
  g_autofree char *pkg_path = NULL, *device_id = NULL;
  const VkDevice *dev;
  const VkElection *contest;
  guint64 now = (guint64)(g_get_real_time () / 1000);
  VkKeypair *key = election_key != NULL ? election_key : vk_keypair_generate ();

  g_assert_no_error (error);
  g_free (e->municipality_code);
  e->municipality_code = g_strdup (code);
  for (guint i = 0; i < files->len; i++)
    {
      VkAreaResult *r = vk_area_result_import (e, g_ptr_array_index (files, i), &error);
      g_assert_no_error (error);
      vk_election_add_area (e, r->area_number, r->area_name, r->dagi_id, (guint)r->eligible);
      g_ptr_array_add (results, r);
    }
  g_free (e->municipality);
  e->municipality = file_municipality (g_ptr_array_index (files, 0));
  e->type = as_type;
  if (fx.claim_region_dagi_id != NULL)
    {
      g_free (e->region_dagi_id);
      e->region_dagi_id = g_strdup (fx.claim_region_dagi_id);
    }
  pkg_path = g_strdup_printf ("%s.vkp", out);
  package = vk_package_create (pkg_path, e, NULL, key, &error);
  g_assert_no_error (error);
  device_id = g_strdup_printf ("server-%s", code);
  g_assert_true (vk_package_enroll (package, key, device_id, "server", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (server), now - 3600000, now + 86400000, &error));
  g_assert_no_error (error);
  dev = vk_package_lookup_device (package, device_id);
  g_assert_nonnull (dev);
  /* Signed from the package's own contest, as the count server does. */
  contest = vk_election_get_contest (vk_package_get_election (package), vk_election_contest_id (e));
  g_assert_nonnull (contest);
  g_assert_cmpstr (contest->region_dagi_id, ==, e->region_dagi_id);
  g_assert_true (vk_contest_result_write (out, contest, vk_package_get_election_id (package),
                                          ((VkAreaResult *)g_ptr_array_index (results, 0))->kind, results, server,
                                          dev->enrolment, &error));
  g_assert_no_error (error);
  if (ret_devices != NULL)
    {
      g_autoptr (VkKeypair) vb = vk_keypair_generate ();
      g_autofree char *other = g_strdup_printf ("%s.other.vkr", out);
      const VkDevice *vdev;

      vk_package_enroll (package, key, "valgbord-1", "valgbord", ((VkArea *)g_ptr_array_index (e->areas, 0))->number,
                         vk_keypair_get_public_key (vb), now - 3600000, now + 86400000, &error);
      g_assert_no_error (error);
      vdev = vk_package_lookup_device (package, "valgbord-1");
      g_assert_nonnull (vdev);
      /* The writer refuses a device that is not a count server. */
      g_assert_false (vk_contest_result_write (other, e, vk_package_get_election_id (package), VK_RESULT_FINTAELLING,
                                               results, vb, vdev->enrolment, &error));
      g_assert_error (error, VK_ERROR, VK_ERROR_KEY);
      g_clear_error (&error);
      g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
      ret_devices->server = g_steal_pointer (&server);
      ret_devices->enrolment = g_bytes_ref (dev->enrolment);
      ret_devices->valgbord = g_steal_pointer (&vb);
      ret_devices->valgbord_enrolment = g_bytes_ref (vdev->enrolment);
    }
  return key;
}

/* The area files of a region's fintælling folder, by kommunekode (sorted). */
static GHashTable *
files_by_code (const char *dir)
{
  GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      const char *dash = strchr (name, '-');
      g_autofree char *code = NULL;
      GPtrArray *files;

      if (!g_str_has_suffix (name, ".json") || dash == NULL)
        continue;
      code = g_strndup (name, dash - name);
      files = g_hash_table_lookup (h, code);
      if (files == NULL)
        {
          files = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (h, g_strdup (code), files);
        }
      g_ptr_array_add (files, g_build_filename (dir, name, NULL));
    }
  return h;
}

static gboolean
setup (void)
{
  g_autofree char *fin = NULL, *mid_k = NULL, *mid_fin = NULL, *kv_k = NULL, *kv_fin = NULL;
  g_autoptr (GHashTable) by_code = NULL;
  g_autoptr (GHashTable) mid_by_code = NULL;
  g_autoptr (GPtrArray) codes = NULL;
  g_autoptr (GString) trust = g_string_new ("# kommunekode  election public key  name\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();

  if (fx.ready)
    return TRUE;
  fx.kandidatdata = rv_path ("Region_Nordjylland", "kandidat-data.json", NULL);
  fx.official = rv_path ("Region_Nordjylland", "mandatfordeling.json", NULL);
  fin = rv_path ("Region_Nordjylland", "fintaelling", NULL);
  mid_k = rv_path ("Region_Midtjylland", "kandidat-data.json", NULL);
  mid_fin = rv_path ("Region_Midtjylland", "fintaelling", NULL);
  kv_k = vk_test_data_path ("Læsø", "kandidat-data.json", NULL);
  kv_fin = vk_test_data_path ("Læsø", "fintaelling", NULL);
  if (fx.kandidatdata == NULL || fx.official == NULL || fin == NULL || mid_k == NULL || mid_fin == NULL || kv_k == NULL
      || kv_fin == NULL)
    return FALSE;

  json_parser_load_from_file (parser, fx.official, &error);
  g_assert_no_error (error);
  fx.n_seats = json_array_get_length (
      json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "ListeMandater"));
  g_assert_cmpuint (fx.n_seats, ==, 25);

  fx.dir = vk_test_tmpdir ();
  fx.munis = g_ptr_array_new ();
  fx.trusted = vk_trusted_keys_new ();
  fx.keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)vk_keypair_free);
  by_code = files_by_code (fin);
  codes = g_ptr_array_new ();
  {
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init (&it, by_code);
    while (g_hash_table_iter_next (&it, &k, NULL))
      g_ptr_array_add (codes, k);
  }
  g_ptr_array_sort (codes, str_ptr_cmp);
  g_assert_cmpuint (codes->len, ==, 11);
  for (guint i = 0; i < codes->len; i++)
    {
      const char *code = g_ptr_array_index (codes, i);
      GPtrArray *files = g_hash_table_lookup (by_code, code);
      Muni *m = g_new0 (Muni, 1);
      VkKeypair *key;
      g_autofree char *hex = NULL;

      g_ptr_array_sort (files, str_ptr_cmp);
      m->code = g_strdup (code);
      m->path = g_strdup_printf ("%s/%s-resultat.vkr", fx.dir, code);
      key = sign_municipality (fx.kandidatdata, files, code, NULL, m->path, VK_ELECTION_RV,
                               strcmp (code, "773") == 0 ? &fx.morsoe : NULL);
      g_assert_true (vk_trusted_keys_add (fx.trusted, code, vk_keypair_get_public_key (key), NULL, &error));
      hex = vk_hex_encode (vk_keypair_get_public_key (key), VK_PUBLIC_KEY_BYTES);
      g_string_append_printf (trust, "%s %s Kommune %s\n", code, hex, code);
      g_hash_table_insert (fx.keys, g_strdup (code), key);
      g_ptr_array_add (fx.munis, m);
    }

  /* Favrskov (710), Region Midtjylland, its election key trusted too. */
  mid_by_code = files_by_code (mid_fin);
  {
    GPtrArray *files = g_hash_table_lookup (mid_by_code, "710");
    g_autoptr (VkKeypair) key = NULL;
    g_autofree char *hex = NULL;

    g_assert_nonnull (files);
    fx.other_region = g_strdup_printf ("%s/710-resultat.vkr", fx.dir);
    key = sign_municipality (mid_k, files, "710", NULL, fx.other_region, VK_ELECTION_RV, NULL);
    g_assert_true (vk_trusted_keys_add (fx.trusted, "710", vk_keypair_get_public_key (key), "Favrskov", &error));
    hex = vk_hex_encode (vk_keypair_get_public_key (key), VK_PUBLIC_KEY_BYTES);
    /* As line 2 of a .pub file, tab-separated. */
    g_string_append_printf (trust, "710\tvalgkit-ed25519:%s\tFavrskov\n", hex);
  }
  /* Morsø (773) again, from a package whose election key nobody trusts. */
  {
    GPtrArray *files = g_hash_table_lookup (by_code, "773");
    g_autoptr (VkKeypair) key = NULL;

    fx.unknown_key = g_strdup_printf ("%s/773-unknown-key.vkr", fx.dir);
    key = sign_municipality (fx.kandidatdata, files, "773", NULL, fx.unknown_key, VK_ELECTION_RV, NULL);
  }
  /* Læsø's (825) KV result, from a package signed by Læsø's (trusted) election key. */
  {
    g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
    g_autoptr (GDir) d = g_dir_open (kv_fin, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (d)) != NULL)
      if (g_str_has_suffix (name, ".json"))
        g_ptr_array_add (files, g_build_filename (kv_fin, name, NULL));
    fx.kv_path = g_strdup_printf ("%s/825-kv.vkr", fx.dir);
    (void)sign_municipality (kv_k, files, "825", g_hash_table_lookup (fx.keys, "825"), fx.kv_path, VK_ELECTION_KV,
                             &fx.laesoe_kv);
  }

  fx.trust_file = g_build_filename (fx.dir, "trust.txt", NULL);
  g_assert_true (g_file_set_contents (fx.trust_file, trust->str, -1, &error));
  fx.ready = TRUE;
  return TRUE;
}

/* ---- the comparison with the official allocation ---------------------- */

typedef char *(*LineFunc) (JsonObject *m);

static char *
sorted_lines (JsonArray *arr, LineFunc line)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) s = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (arr); i++)
    g_ptr_array_add (items, line (json_array_get_object_element (arr, i)));
  g_ptr_array_sort (items, str_ptr_cmp);
  for (guint i = 0; i < items->len; i++)
    g_string_append (s, g_ptr_array_index (items, i));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
list_seat_line (JsonObject *m)
{
  return g_strdup_printf ("%03" G_GINT64_FORMAT "|%s\n", json_object_get_int_member (m, "Nummer"),
                          json_object_get_string_member (m, "KandidatlisteId"));
}

static char *
elected_line (JsonObject *m)
{
  return g_strdup_printf (
      "%03" G_GINT64_FORMAT "|%" G_GINT64_FORMAT "|%s|%s\n", json_object_get_int_member (m, "Nummer"),
      json_object_get_int_member (m, "NummerAnførtPåListen"), json_object_get_string_member (m, "KandidatId"),
      json_object_get_string_member (m, "KandidatlisteId"));
}

static char *
substitute_line (JsonObject *m)
{
  return g_strdup_printf ("%03" G_GINT64_FORMAT "|%s\n", json_object_get_int_member (m, "Nummer"),
                          json_object_get_string_member (m, "KandidatId"));
}

static char *
list_substitutes_line (JsonObject *l)
{
  g_autofree char *p = sorted_lines (json_object_get_array_member (l, "Stedfortrædere"), substitute_line);
  return g_strdup_printf ("%s:\n%s", json_object_get_string_member (l, "KandidatlisteId"), p);
}

static JsonObject *
load_object (JsonParser *parser, const char *json, const char *path)
{
  g_autoptr (GError) error = NULL;

  if (json != NULL)
    json_parser_load_from_data (parser, json, -1, &error);
  else
    json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
compare_with_official (const char *json)
{
  g_autoptr (JsonParser) mp = json_parser_new ();
  g_autoptr (JsonParser) op = json_parser_new ();
  JsonObject *mine = load_object (mp, json, NULL);
  JsonObject *off = load_object (op, NULL, fx.official);
  struct
  {
    const char *member;
    LineFunc line;
  } parts[] = {
    { "ListeMandater", list_seat_line },
    { "PersonligeMandater", elected_line },
    { "Kandidatliste", list_substitutes_line },
  };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autofree char *a = sorted_lines (json_object_get_array_member (mine, parts[i].member), parts[i].line);
      g_autofree char *b = sorted_lines (json_object_get_array_member (off, parts[i].member), parts[i].line);
      g_assert_cmpuint (strlen (b), >, 0);
      g_assert_cmpstr (a, ==, b);
    }
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (mine, "PersonligeMandater")), ==, fx.n_seats);
  {
    const char *fields[] = { "Valgart", "Valgdag", "Region", "RegionDagiId", "Resultatart" };
    for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
      g_assert_cmpstr (json_object_get_string_member_with_default (mine, fields[i], "(absent)"), ==,
                       json_object_get_string_member (off, fields[i]));
  }
}

static const char **
good_paths (void)
{
  const char **paths = g_new0 (const char *, fx.munis->len + 1);

  for (guint i = 0; i < fx.munis->len; i++)
    paths[i] = ((Muni *)g_ptr_array_index (fx.munis, i))->path;
  return paths;
}

static VkElection *
load_region (void)
{
  g_autoptr (GError) error = NULL;
  VkElection *e = vk_election_import_kandidatdata (fx.kandidatdata, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (e->region_dagi_id, ==, "389098");
  return e;
}

/* ---- tests -------------------------------------------------------------- */

/* The official outcome of a tie: the tied candidate with the lowest seat
 * number, else (a substitute tie) the one ranked first (as test-mandates). */
static const char *
official_winner (JsonObject *off, const VkTie *tie)
{
  const char *best = NULL;
  gint64 best_rank = G_MAXINT64;
  JsonArray *elected = json_object_get_array_member (off, "PersonligeMandater");
  JsonArray *lists = json_object_get_array_member (off, "Kandidatliste");

  for (guint i = 0; i < tie->tied->len; i++)
    {
      const char *id = g_ptr_array_index (tie->tied, i);
      gint64 r = 0;

      for (guint k = 0; tie->kind != VK_TIE_SUBSTITUTES && k < json_array_get_length (elected); k++)
        {
          JsonObject *m = json_array_get_object_element (elected, k);
          if (strcmp (json_object_get_string_member (m, "KandidatId"), id) == 0)
            r = json_object_get_int_member (m, "Nummer");
        }
      for (guint l = 0; tie->kind == VK_TIE_SUBSTITUTES && l < json_array_get_length (lists); l++)
        {
          JsonArray *subs = json_object_get_array_member (json_array_get_object_element (lists, l), "Stedfortrædere");
          for (guint k = 0; k < json_array_get_length (subs); k++)
            {
              JsonObject *m = json_array_get_object_element (subs, k);
              if (strcmp (json_object_get_string_member (m, "KandidatId"), id) == 0)
                r = json_object_get_int_member (m, "Nummer");
            }
        }
      if (r != 0 && r < best_rank)
        best = id, best_rank = r;
    }
  g_assert_nonnull (best);
  return best;
}

static void
add_draw (VkLots *lots, JsonObject *off, const VkTie *tie)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();

  g_test_message ("draw: %s", tie->description);
  for (guint i = 0; i < tie->tied->len; i++)
    g_ptr_array_add (ids, g_ptr_array_index (tie->tied, i));
  g_ptr_array_add (ids, NULL);
  vk_lots_add (lots, (const char *const *)ids->pdata, official_winner (off, tie));
}

static void
test_official (void)
{
  g_autoptr (VkElection) region = NULL;
  g_autoptr (VkRegionTally) t = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) op = json_parser_new ();
  g_autoptr (VkLots) lots = vk_lots_new ();
  g_autofree const char **paths = NULL;
  g_autofree char *json = NULL, *lots_json = NULL;
  JsonObject *off;
  guint n_areas = 0;

  if (!setup ())
    return;
  region = load_region ();
  paths = good_paths ();
  off = load_object (op, NULL, fx.official);
  /* Ties are answered with the official outcome, as lot draws. */
  for (guint round = 0; round < 50; round++)
    {
      g_autoptr (VkTie) tie = NULL;

      g_clear_pointer (&t, vk_region_tally_free);
      t = vk_region_tally (region, fx.n_seats, fx.trusted, paths, fx.munis->len, lots, &tie, &error);
      if (t == NULL)
        {
          g_assert_error (error, VK_ERROR, VK_ERROR_TIE);
          add_draw (lots, off, tie);
          g_clear_error (&error);
          continue;
        }
      if (t->seats->open_ties->len == 0)
        break;
      for (guint i = 0; i < t->seats->open_ties->len; i++)
        add_draw (lots, off, g_ptr_array_index (t->seats->open_ties, i));
    }
  g_assert_nonnull (t);
  g_assert_cmpuint (t->seats->open_ties->len, ==, 0);
  g_assert_cmpuint (t->results->len, ==, 11);
  for (guint i = 0; i < t->results->len; i++)
    {
      const VkContestResult *r = g_ptr_array_index (t->results, i);
      g_assert_cmpstr (r->contest_id, ==, "RV");
      g_assert_cmpstr (r->region_dagi_id, ==, "389098");
      g_assert_cmpint (r->kind, ==, VK_RESULT_FINTAELLING);
      n_areas += r->areas->len;
    }
  g_assert_cmpuint (n_areas, ==, 163);
  /* Exactly the areas the official allocation is based on. */
  {
    JsonArray *based = json_object_get_array_member (off, "BaseretPåOptællinger");
    g_autoptr (GHashTable) official_areas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; i < json_array_get_length (based); i++)
      g_hash_table_add (
          official_areas,
          g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (json_array_get_object_element (based, i),
                                                                            "AfstemningsområdeDagiId")));
    g_assert_cmpuint (g_hash_table_size (official_areas), ==, n_areas);
    for (guint i = 0; i < t->results->len; i++)
      {
        const VkContestResult *r = g_ptr_array_index (t->results, i);
        for (guint k = 0; k < r->areas->len; k++)
          g_assert_true (
              g_hash_table_contains (official_areas, ((VkAreaResult *)g_ptr_array_index (r->areas, k))->dagi_id));
      }
  }
  json = vk_seat_allocation_to_json (t->seats);
  compare_with_official (json);
  /* The same draws for the command. */
  lots_json = vk_lots_to_json (lots);
  fx.lots_file = g_build_filename (fx.dir, "lots.json", NULL);
  g_assert_true (g_file_set_contents (fx.lots_file, lots_json, -1, &error));
}

/* Læsø's joint KV + RV package (KV primary, RV a contest of its own),
 * as a municipality holds it: its RV contest's signed result in place
 * of the RV-only one gives the same official allocation. */
static void
test_joint_package (void)
{
  g_autofree char *kv_k = NULL, *kv_fin = NULL, *rv_fin = NULL, *out = NULL, *pkg_path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) event = NULL;
  g_autoptr (VkElection) region = NULL;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkKeypair) server = vk_keypair_generate ();
  g_autoptr (GHashTable) by_code = NULL;
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_area_result_free);
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();
  g_autoptr (VkRegionTally) t = NULL;
  g_autoptr (VkLots) lots = NULL;
  g_autofree char *json = NULL;
  VkElection *rv;
  const VkElection *contest;
  const VkDevice *dev;
  GPtrArray *files;
  guint64 now = (guint64)(g_get_real_time () / 1000);

  if (!setup ())
    return;
  kv_k = vk_test_data_path ("Læsø", "kandidat-data.json", NULL);
  kv_fin = vk_test_data_path ("Læsø", "fintaelling", NULL);
  rv_fin = rv_path ("Region_Nordjylland", "fintaelling", NULL);
  event = vk_election_import_kandidatdata (kv_k, &error);
  g_assert_no_error (error);
  g_assert_true (vk_election_import_areas_dir (event, kv_fin, &error));
  event->seats = 9;
  rv = vk_election_import_kandidatdata (fx.kandidatdata, &error);
  g_assert_no_error (error);
  by_code = files_by_code (rv_fin);
  files = g_hash_table_lookup (by_code, "825");
  for (guint i = 0; i < files->len; i++)
    {
      VkAreaResult *r = vk_area_result_import (rv, g_ptr_array_index (files, i), &error);
      g_assert_no_error (error);
      /* The same area as KV's (matched by DAGI id), with RV's own eligible voters. */
      for (guint k = 0; k < event->areas->len; k++)
        {
          const VkArea *a = g_ptr_array_index (event->areas, k);
          if (strcmp (a->dagi_id, r->dagi_id) == 0)
            vk_election_add_area (rv, a->number, a->name, a->dagi_id, (guint)r->eligible);
        }
      g_ptr_array_add (results, r);
    }
  g_assert_cmpuint (rv->areas->len, ==, files->len);
  rv->seats = fx.n_seats;
  g_assert_true (vk_election_add_contest (event, rv, &error));
  pkg_path = g_build_filename (fx.dir, "laesoe-joint.vkp", NULL);
  package = vk_package_create (pkg_path, event, NULL, g_hash_table_lookup (fx.keys, "825"), &error);
  g_assert_no_error (error);
  g_assert_true (vk_package_enroll (package, g_hash_table_lookup (fx.keys, "825"), "server", "server",
                                    VK_PACKAGE_NO_AREA, vk_keypair_get_public_key (server), now - 3600000,
                                    now + 86400000, &error));
  dev = vk_package_lookup_device (package, "server");
  contest = vk_election_get_contest (vk_package_get_election (package), "RV");
  g_assert_nonnull (contest);
  g_assert_cmpstr (contest->municipality_code, ==, "825");
  out = g_build_filename (fx.dir, "laesoe-joint-rv.vkr", NULL);
  g_assert_true (vk_contest_result_write (out, contest, vk_package_get_election_id (package), VK_RESULT_FINTAELLING,
                                          results, server, dev->enrolment, &error));
  g_assert_no_error (error);

  if (fx.lots_file == NULL)
    test_official (); /* the draws */
  lots = vk_lots_load (fx.lots_file, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < fx.munis->len; i++)
    {
      Muni *m = g_ptr_array_index (fx.munis, i);
      g_ptr_array_add (paths, strcmp (m->code, "825") == 0 ? out : m->path);
    }
  region = load_region ();
  t = vk_region_tally (region, fx.n_seats, fx.trusted, (const char *const *)paths->pdata, paths->len, lots, NULL,
                       &error);
  g_assert_no_error (error);
  g_assert_cmpuint (t->seats->open_ties->len, ==, 0);
  json = vk_seat_allocation_to_json (t->seats);
  compare_with_official (json);
}

/* The signed file carries the counts exactly: each area read back equals
 * the official file it was made from. */
static void
test_roundtrip (void)
{
  g_autoptr (VkElection) region = NULL;
  g_autoptr (VkContestResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *fin = NULL;
  Muni *m;

  if (!setup ())
    return;
  region = load_region ();
  m = g_ptr_array_index (fx.munis, 0);
  r = vk_contest_result_read (m->path, fx.trusted, "RV", region, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r->municipality_code, ==, m->code);
  g_assert_cmpstr (r->device_id, ==, "server-773");
  fin = rv_path ("Region_Nordjylland", "fintaelling", NULL);
  for (guint i = 0; i < r->areas->len; i++)
    {
      const VkAreaResult *a = g_ptr_array_index (r->areas, i);
      g_autofree char *glob = g_strdup_printf ("%s-%03u-", m->code, a->area_number);
      g_autoptr (GDir) d = g_dir_open (fin, 0, NULL);
      const char *name;
      gboolean found = FALSE;

      while ((name = g_dir_read_name (d)) != NULL)
        if (g_str_has_prefix (name, glob))
          {
            g_autofree char *p = g_build_filename (fin, name, NULL);
            g_autoptr (VkAreaResult) o = vk_area_result_import (region, p, &error);
            g_autoptr (GPtrArray) diff = NULL;

            g_assert_no_error (error);
            diff = vk_counts_compare (o, a, region);
            g_assert_cmpuint (diff->len, ==, 0);
            g_assert_cmpuint (o->eligible, ==, a->eligible);
            g_assert_cmpstr (o->dagi_id, ==, a->dagi_id);
            for (guint k = 0; k < region->lists->len; k++)
              {
                const VkList *l = g_ptr_array_index (region->lists, k);
                for (guint c = 0; c < l->candidates->len; c++)
                  {
                    const VkCandidate *cand = g_ptr_array_index (l->candidates, c);
                    g_assert_cmpuint (vk_area_result_get_candidate_votes (o, cand->id), ==,
                                      vk_area_result_get_candidate_votes (a, cand->id));
                  }
                g_assert_cmpuint (((VkListResult *)g_hash_table_lookup (o->lists_by_id, l->id))->list_votes, ==,
                                  ((VkListResult *)g_hash_table_lookup (a->lists_by_id, l->id))->list_votes);
              }
            for (guint code = 1; code <= 32; code++)
              g_assert_cmpuint (vk_area_result_get_invalid (o, code), ==, vk_area_result_get_invalid (a, code));
            found = TRUE;
          }
      g_assert_true (found);
    }
}

/* `valgkit region --out` writes valg.dk's Mandatfordeling: it validates
 * against the official schema (python3-jsonschema; skipped without it or
 * the schemas) and rests on exactly the official file's areas. */
static void
check_valgdk_schema (const char *json)
{
  g_autoptr (JsonParser) mp = json_parser_new ();
  g_autoptr (JsonParser) op = json_parser_new ();
  JsonObject *mine = load_object (mp, json, NULL);
  JsonObject *off = load_object (op, NULL, fx.official);
  JsonArray *based_mine = json_object_get_array_member (mine, "BaseretPåOptællinger");
  JsonArray *based_off = json_object_get_array_member (off, "BaseretPåOptællinger");
  g_autoptr (GHashTable) official_areas = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, NULL);
  const char *kv = vk_test_data_dir ();
  g_autofree char *schemas = kv != NULL ? g_build_filename (kv, "..", "valgdk-schemas", NULL) : NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "valgdk-validate.py", NULL);
  g_autofree char *dir = NULL, *rv = NULL, *path = NULL, *so = NULL, *se = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  g_assert_nonnull (based_mine);
  g_assert_true (json_object_has_member (mine, "FrigivelsesTidspunktUTC"));
  g_assert_cmpuint (json_array_get_length (based_mine), ==, json_array_get_length (based_off));
  for (guint i = 0; i < json_array_get_length (based_off); i++)
    g_hash_table_add (official_areas, GINT_TO_POINTER ((gint)json_object_get_int_member (
                                          json_array_get_object_element (based_off, i), "AfstemningsområdeDagiId")));
  for (guint i = 0; i < json_array_get_length (based_mine); i++)
    {
      JsonObject *b = json_array_get_object_element (based_mine, i);
      g_assert_true (g_hash_table_contains (
          official_areas, GINT_TO_POINTER ((gint)json_object_get_int_member (b, "AfstemningsområdeDagiId"))));
      g_assert_cmpstr (json_object_get_string_member (b, "Resultatart"), ==, "Fintælling");
    }

  if (schemas == NULL || !g_file_test (schemas, G_FILE_TEST_IS_DIR))
    return;
  dir = vk_test_tmpdir ();
  rv = g_build_filename (dir, "RV", NULL);
  g_assert_cmpint (g_mkdir_with_parents (rv, 0700), ==, 0);
  path = g_build_filename (rv, "mandatfordeling-fintaelling.v1.json", NULL);
  g_assert_true (g_file_set_contents (path, json, -1, &error));
  {
    const char *python = g_getenv ("PYTHON3") != NULL ? g_getenv ("PYTHON3") : "python3";
    const char *argv[] = { python, script, schemas, dir, NULL };
    status = vk_test_spawn (argv, &so, &se);
  }
  if (status == 77)
    {
      g_test_message ("python3-jsonschema is not installed: region --out not validated");
      return;
    }
  if (status != 0)
    g_error ("region --out fails valg.dk's Mandatfordeling schema (%d):\n%s%s", status, so, se);
  g_assert_nonnull (strstr (so, "Mandatfordeling=1 valid"));
}

static void
test_cli (void)
{
  g_autofree char *out = NULL, *sheet = NULL, *key_path = NULL, *json = NULL, *so = NULL, *se = NULL;
  g_autofree char *seats = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (VkKeypair) key = vk_keypair_generate ();
  g_autoptr (GError) error = NULL;
  int status;

  if (!setup ())
    return;
  out = g_build_filename (fx.dir, "mandatfordeling.json", NULL);
  sheet = g_build_filename (fx.dir, "region.pdf", NULL);
  key_path = g_build_filename (fx.dir, "region.key", NULL);
  g_assert_true (
      vk_keypair_save (key, key_path, PASSPHRASE, VK_KDF_INTERACTIVE, "server", "region-nordjylland", &error));
  g_assert_no_error (error);
  g_setenv ("VALGKIT_PASSPHRASE", PASSPHRASE, TRUE);
  seats = g_strdup_printf ("%u", fx.n_seats);
  g_ptr_array_add (argv, (gpointer)vk_test_valgkit ());
  g_ptr_array_add (argv, "region");
  g_ptr_array_add (argv, "--kandidatdata");
  g_ptr_array_add (argv, fx.kandidatdata);
  g_ptr_array_add (argv, "--seats");
  g_ptr_array_add (argv, seats);
  g_ptr_array_add (argv, "--trust");
  g_ptr_array_add (argv, fx.trust_file);
  g_ptr_array_add (argv, "--out");
  g_ptr_array_add (argv, out);
  g_ptr_array_add (argv, "--sheet");
  g_ptr_array_add (argv, sheet);
  g_ptr_array_add (argv, "--key");
  g_ptr_array_add (argv, key_path);
  g_ptr_array_add (argv, "--test");
  if (fx.lots_file == NULL)
    test_official (); /* the draws */
  g_assert_nonnull (fx.lots_file);
  g_ptr_array_add (argv, "--lots");
  g_ptr_array_add (argv, fx.lots_file);
  /* The first with --results, the others as arguments. */
  g_ptr_array_add (argv, "--results");
  for (guint i = 0; i < fx.munis->len; i++)
    g_ptr_array_add (argv, ((Muni *)g_ptr_array_index (fx.munis, i))->path);
  g_ptr_array_add (argv, NULL);
  status = vk_test_spawn ((const char *const *)argv->pdata, &so, &se);
  g_test_message ("%s%s", so, se);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (strstr (so, "Region Nordjylland: 11 kommuner, 163 afstemningsområder") != NULL);
  g_assert_true (g_file_get_contents (out, &json, NULL, &error));
  compare_with_official (json);
  check_valgdk_schema (json);
  {
    g_autofree char *pdf = NULL;
    gsize len = 0;
    g_assert_true (g_file_get_contents (sheet, &pdf, &len, &error));
    g_assert_true (len > 1000 && memcmp (pdf, "%PDF", 4) == 0);
  }
}

/* ---- bad input ---------------------------------------------------------- */

static char *
copy_with (const char *from, const char *name, gssize truncate_to, gssize flip_at)
{
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  char *to = g_build_filename (fx.dir, name, NULL);

  g_assert_true (g_file_get_contents (from, &data, &len, &error));
  if (flip_at >= 0)
    data[flip_at] ^= 0x01;
  if (truncate_to >= 0)
    len = (gsize)truncate_to;
  g_assert_true (g_file_set_contents (to, data, (gssize)len, &error));
  return to;
}

/* The tally refuses paths (the good ones plus extra, or instead of one)
 * with code, naming bad; and so does the command, writing nothing. */
static void
expect_refused (const char *extra, const char *replace_first, int code, const char *bad, const char *words)
{
  g_autoptr (VkElection) region = load_region ();
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (VkRegionTally) t = NULL;
  g_autofree char *out = g_build_filename (fx.dir, "refused.json", NULL);
  g_autofree char *so = NULL, *se = NULL, *seats = g_strdup_printf ("%u", fx.n_seats);
  int status;

  for (guint i = 0; i < fx.munis->len; i++)
    g_ptr_array_add (paths, i == 0 && replace_first != NULL ? (gpointer)replace_first
                                                            : ((Muni *)g_ptr_array_index (fx.munis, i))->path);
  if (extra != NULL)
    g_ptr_array_add (paths, (gpointer)extra);
  t = vk_region_tally (region, fx.n_seats, fx.trusted, (const char *const *)paths->pdata, paths->len, NULL, NULL,
                       &error);
  g_assert_null (t);
  g_assert_error (error, VK_ERROR, code);
  g_test_message ("refused: %s", error->message);
  g_assert_true (strstr (error->message, bad) != NULL);
  g_assert_true (strstr (error->message, words) != NULL);

  g_ptr_array_add (argv, (gpointer)vk_test_valgkit ());
  g_ptr_array_add (argv, "region");
  g_ptr_array_add (argv, "--kandidatdata");
  g_ptr_array_add (argv, fx.kandidatdata);
  g_ptr_array_add (argv, "--seats");
  g_ptr_array_add (argv, seats);
  g_ptr_array_add (argv, "--trust");
  g_ptr_array_add (argv, fx.trust_file);
  g_ptr_array_add (argv, "--out");
  g_ptr_array_add (argv, out);
  for (guint i = 0; i < paths->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (paths, i));
  g_ptr_array_add (argv, NULL);
  status = vk_test_spawn ((const char *const *)argv->pdata, &so, &se);
  g_assert_cmpint (status, !=, 0);
  g_assert_true (strstr (se, bad) != NULL);
  g_assert_true (strstr (se, words) != NULL);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_altered_byte (void)
{
  g_autofree char *bad = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!setup ())
    return;
  g_assert_true (g_file_get_contents (((Muni *)g_ptr_array_index (fx.munis, 0))->path, &data, &len, NULL));
  /* A byte inside the signed payload (a count): the structure still parses. */
  bad = copy_with (((Muni *)g_ptr_array_index (fx.munis, 0))->path, "altered.vkr", -1, (gssize)len / 3);
  expect_refused (NULL, bad, VK_ERROR_SIGNATURE, bad, "does not verify");
}

static void
test_unknown_key (void)
{
  if (!setup ())
    return;
  expect_refused (NULL, fx.unknown_key, VK_ERROR_KEY, fx.unknown_key, "unknown election key");
}

static void
test_twice (void)
{
  const char *second;

  if (!setup ())
    return;
  second = ((Muni *)g_ptr_array_index (fx.munis, 3))->path;
  expect_refused (second, NULL, VK_ERROR_INVALID, second, "already given");
}

static void
test_other_region (void)
{
  if (!setup ())
    return;
  expect_refused (fx.other_region, NULL, VK_ERROR_INVALID, fx.other_region, "Region Midtjylland");
}

static void
test_kv_result (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkContestResult) r = NULL;
  g_autoptr (VkElection) kv = NULL;
  g_autofree char *kv_k = NULL;

  if (!setup ())
    return;
  /* The file itself is a good KV result of Læsø. */
  kv_k = vk_test_data_path ("Læsø", "kandidat-data.json", NULL);
  kv = vk_election_import_kandidatdata (kv_k, &error);
  g_assert_no_error (error);
  r = vk_contest_result_read (fx.kv_path, fx.trusted, "KV", kv, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r->municipality_code, ==, "825");
  /* Læsø's RV result left out, its KV result in its place. */
  {
    g_autoptr (VkElection) region = load_region ();
    g_autoptr (GPtrArray) paths = g_ptr_array_new ();
    g_autoptr (VkRegionTally) t = NULL;
    for (guint i = 0; i < fx.munis->len; i++)
      {
        Muni *m = g_ptr_array_index (fx.munis, i);
        g_ptr_array_add (paths, strcmp (m->code, "825") == 0 ? fx.kv_path : m->path);
      }
    t = vk_region_tally (region, fx.n_seats, fx.trusted, (const char *const *)paths->pdata, paths->len, NULL, NULL,
                         &error);
    g_assert_null (t);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_assert_true (strstr (error->message, fx.kv_path) != NULL);
    g_assert_true (strstr (error->message, "KV contest, expected RV") != NULL);
  }
  expect_refused (fx.kv_path, NULL, VK_ERROR_INVALID, fx.kv_path, "KV contest, expected RV");
}

static void
test_truncated (void)
{
  g_autofree char *bad = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!setup ())
    return;
  g_assert_true (g_file_get_contents (((Muni *)g_ptr_array_index (fx.munis, 1))->path, &data, &len, NULL));
  bad = copy_with (((Muni *)g_ptr_array_index (fx.munis, 1))->path, "truncated.vkr", (gssize)len / 2, -1);
  expect_refused (NULL, bad, VK_ERROR_TRUNCATED, bad, "truncated: not a signed contest result");
  g_clear_pointer (&bad, g_free);
  /* Cut inside the enrolment: the result is whole, the second item not. */
  bad = copy_with (((Muni *)g_ptr_array_index (fx.munis, 1))->path, "truncated2.vkr", (gssize)len - 10, -1);
  expect_refused (NULL, bad, VK_ERROR_TRUNCATED, bad, "truncated: not a signed contest result");
}

static void
test_trust_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) keys = NULL;
  g_autofree char *bad = NULL;

  if (!setup ())
    return;
  keys = vk_trusted_keys_load (fx.trust_file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, 12);
  g_assert_cmpstr (((VkTrustedKey *)g_ptr_array_index (keys, 0))->name, ==, "Kommune 773");
  bad = g_build_filename (fx.dir, "bad-trust.txt", NULL);
  g_assert_true (g_file_set_contents (bad, "# ok\n851 abcd\n", -1, NULL));
  g_clear_pointer (&keys, g_ptr_array_unref);
  keys = vk_trusted_keys_load (bad, &error);
  g_assert_null (keys);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_true (strstr (error->message, "line 2") != NULL);
}

/* A file made of the payload of from's result, signed by signer, and enrolment. */
static char *
forge (const char *from, const VkKeypair *signer, GBytes *enrolment, const char *name, gboolean trailing_byte)
{
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkCoseSign1) cose = NULL;
  g_autoptr (GBytes) signed_result = NULL;
  g_autoptr (GByteArray) out = g_byte_array_new ();
  char *to = g_build_filename (fx.dir, name, NULL);
  gsize len = 0, consumed = 0;

  g_assert_true (g_file_get_contents (from, &data, &len, &error));
  cose = vk_cose_sign1_decode_prefix ((const guint8 *)data, len, &consumed, &error);
  g_assert_no_error (error);
  signed_result
      = vk_cose_sign1_create (g_bytes_get_data (cose->payload, NULL), g_bytes_get_size (cose->payload), signer, &error);
  g_assert_no_error (error);
  g_byte_array_append (out, g_bytes_get_data (signed_result, NULL), (guint)g_bytes_get_size (signed_result));
  g_byte_array_append (out, g_bytes_get_data (enrolment, NULL), (guint)g_bytes_get_size (enrolment));
  if (trailing_byte)
    g_byte_array_append (out, (const guint8 *)"\0", 1);
  g_assert_true (g_file_set_contents (to, (const char *)out->data, (gssize)out->len, &error));
  return to;
}

static const char *
muni_path (const char *code)
{
  for (guint i = 0; i < fx.munis->len; i++)
    if (strcmp (((Muni *)g_ptr_array_index (fx.munis, i))->code, code) == 0)
      return ((Muni *)g_ptr_array_index (fx.munis, i))->path;
  g_assert_not_reached ();
}

/* Signed by a valgbord of the municipality, with its (valid) enrolment. */
static void
test_not_a_server (void)
{
  g_autofree char *bad = NULL;

  if (!setup ())
    return;
  bad = forge (muni_path ("773"), fx.morsoe.valgbord, fx.morsoe.valgbord_enrolment, "valgbord.vkr", FALSE);
  expect_refused (NULL, bad, VK_ERROR_KEY, bad, "enrolled as valgbord, not a count server");
}

/* Læsø's RV result, signed by the server of Læsø's KV package: an
 * enrolment by the right (trusted) election key, of another election. */
static void
test_other_election (void)
{
  g_autofree char *bad = NULL;

  if (!setup ())
    return;
  bad = forge (muni_path ("825"), fx.laesoe_kv.server, fx.laesoe_kv.enrolment, "other-election.vkr", FALSE);
  expect_refused (NULL, bad, VK_ERROR_KEY, bad, "enrolled in another election");
}

/* Morsø's server enrolment, but the result signed by another key. */
static void
test_not_enrolled_key (void)
{
  g_autofree char *bad = NULL;
  g_autoptr (VkKeypair) other = vk_keypair_generate ();

  if (!setup ())
    return;
  bad = forge (muni_path ("773"), other, fx.morsoe.enrolment, "not-enrolled.vkr", FALSE);
  expect_refused (NULL, bad, VK_ERROR_KEY, bad, "not signed by the enrolled server key");
}

/* Læsø's numbers from a package signed by Læsø's (trusted) election key,
 * but calling itself Morsø (773): a municipality's key speaks for itself only. */
static void
test_other_municipality (void)
{
  g_autofree char *fin = NULL, *bad = NULL;
  g_autoptr (GHashTable) by_code = NULL;

  if (!setup ())
    return;
  fin = rv_path ("Region_Nordjylland", "fintaelling", NULL);
  by_code = files_by_code (fin);
  bad = g_build_filename (fx.dir, "claims-773.vkr", NULL);
  (void)sign_municipality (fx.kandidatdata, g_hash_table_lookup (by_code, "825"), "773",
                           g_hash_table_lookup (fx.keys, "825"), bad, VK_ELECTION_RV, NULL);
  expect_refused (NULL, bad, VK_ERROR_KEY, bad, "says municipality 773 but is enrolled by the election key of 825");
}

static void
test_trailing_bytes (void)
{
  g_autofree char *bad = NULL;

  if (!setup ())
    return;
  bad = forge (muni_path ("773"), fx.morsoe.server, fx.morsoe.enrolment, "trailing.vkr", TRUE);
  expect_refused (NULL, bad, VK_ERROR_INVALID, bad, "trailing bytes after the enrolment");
}

/* The writer refuses what the region could not match: an RV contest
 * without its region, an election without its kommunekode. */
static void
test_write_refused (void)
{
  g_autoptr (VkElection) region = NULL;
  g_autoptr (VkContestResult) good = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;

  if (!setup ())
    return;
  region = load_region ();
  good = vk_contest_result_read (muni_path ("773"), fx.trusted, "RV", region, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < good->areas->len; i++)
    {
      const VkAreaResult *a = g_ptr_array_index (good->areas, i);
      vk_election_add_area (region, a->area_number, a->area_name, a->dagi_id, (guint)a->eligible);
    }
  out = g_build_filename (fx.dir, "write-refused.vkr", NULL);
  /* No kommunekode. */
  g_assert_false (vk_contest_result_write (out, region, good->election_id, VK_RESULT_FINTAELLING, good->areas,
                                           fx.morsoe.server, fx.morsoe.enrolment, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_true (strstr (error->message, "kommunekode") != NULL);
  g_clear_error (&error);
  /* No RegionDagiId. */
  g_free (region->municipality_code);
  region->municipality_code = g_strdup ("773");
  g_free (region->region_dagi_id);
  region->region_dagi_id = g_strdup ("");
  g_assert_false (vk_contest_result_write (out, region, good->election_id, VK_RESULT_FINTAELLING, good->areas,
                                           fx.morsoe.server, fx.morsoe.enrolment, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_true (strstr (error->message, "RegionDagiId") != NULL);
  g_clear_error (&error);
  /* Another election's id than the enrolment's. */
  g_free (region->region_dagi_id);
  region->region_dagi_id = g_strdup ("389098");
  {
    guint8 other[32] = { 1 };
    g_assert_false (vk_contest_result_write (out, region, other, VK_RESULT_FINTAELLING, good->areas, fx.morsoe.server,
                                             fx.morsoe.enrolment, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_KEY);
    g_clear_error (&error);
  }
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  /* And with everything in place it writes a file the region accepts. */
  g_assert_true (vk_contest_result_write (out, region, good->election_id, VK_RESULT_FINTAELLING, good->areas,
                                          fx.morsoe.server, fx.morsoe.enrolment, &error));
  g_assert_no_error (error);
  {
    g_autoptr (VkContestResult) again = vk_contest_result_read (out, fx.trusted, "RV", region, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (again->areas->len, ==, good->areas->len);
  }
}

/* Favrskov's (Region Midtjylland) numbers claiming to be Nordjylland's:
 * its lists and candidates are not the region's. */
static void
test_foreign_lists (void)
{
  g_autofree char *k = NULL, *dir = NULL, *path = NULL;
  g_autoptr (GHashTable) by_code = NULL;

  if (!setup ())
    return;
  k = rv_path ("Region_Midtjylland", "kandidat-data.json", NULL);
  dir = rv_path ("Region_Midtjylland", "fintaelling", NULL);
  by_code = files_by_code (dir);
  path = g_build_filename (fx.dir, "710-claims-nordjylland.vkr", NULL);
  fx.claim_region_dagi_id = "389098";
  /* Favrskov's trusted key is not kept: a new one, added to a copy of the trust. */
  {
    g_autoptr (VkKeypair) key
        = sign_municipality (k, g_hash_table_lookup (by_code, "710"), "710", NULL, path, VK_ELECTION_RV, NULL);
    g_autoptr (GPtrArray) trusted = vk_trusted_keys_new ();
    g_autoptr (VkElection) region = load_region ();
    g_autoptr (GError) error = NULL;
    g_autoptr (VkContestResult) r = NULL;

    fx.claim_region_dagi_id = NULL;
    g_assert_true (vk_trusted_keys_add (trusted, "710", vk_keypair_get_public_key (key), NULL, &error));
    r = vk_contest_result_read (path, trusted, "RV", region, &error);
    g_assert_null (r);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_test_message ("refused: %s", error->message);
    g_assert_true (strstr (error->message, path) != NULL);
    g_assert_true (strstr (error->message, "area 1 ") != NULL);
  }
}

/* A properly signed file whose payload is not a result. */
static char *
forge_payload (const guint8 *payload, gsize len, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) signed_result = vk_cose_sign1_create (payload, len, fx.morsoe.server, &error);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  char *to = g_build_filename (fx.dir, name, NULL);

  g_assert_no_error (error);
  g_byte_array_append (out, g_bytes_get_data (signed_result, NULL), (guint)g_bytes_get_size (signed_result));
  g_byte_array_append (out, g_bytes_get_data (fx.morsoe.enrolment, NULL),
                       (guint)g_bytes_get_size (fx.morsoe.enrolment));
  g_assert_true (g_file_set_contents (to, (const char *)out->data, (gssize)out->len, &error));
  return to;
}

static void
test_malformed (void)
{
  g_autofree char *garbage = NULL, *not_map = NULL, *no_kind = NULL, *wrong_format = NULL;
  g_autoptr (VkCbor) map = vk_cbor_new_map ();
  g_autoptr (GBytes) enc = NULL;
  const guint8 text[] = { 0x65, 'h', 'e', 'l', 'l', 'o' };

  if (!setup ())
    return;
  garbage = g_build_filename (fx.dir, "garbage.vkr", NULL);
  g_assert_true (g_file_set_contents (garbage, "{\"not\": \"cbor\"}\n", -1, NULL));
  expect_refused (NULL, garbage, VK_ERROR_INVALID, garbage, "not a signed contest result");

  not_map = forge_payload (text, sizeof text, "not-a-map.vkr");
  expect_refused (NULL, not_map, VK_ERROR_INVALID, not_map, "not a CBOR map");

  vk_cbor_map_set_text (map, "format", "valgkit-something-else-v1");
  enc = vk_cbor_encode (map);
  wrong_format = forge_payload (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc), "wrong-format.vkr");
  expect_refused (NULL, wrong_format, VK_ERROR_INVALID, wrong_format, "expected \"valgkit-contest-result-v1\"");
}

/* Morsø's foreløbig count among the others' fintælling. */
static void
test_mixed_kinds (void)
{
  g_autofree char *dir = NULL, *path = NULL;
  g_autoptr (GHashTable) by_code = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkContestResult) r = NULL;
  g_autoptr (VkElection) region = NULL;

  if (!setup ())
    return;
  dir = rv_path ("Region_Nordjylland", "foreloebig", NULL);
  by_code = files_by_code (dir);
  path = g_build_filename (fx.dir, "773-foreloebig.vkr", NULL);
  (void)sign_municipality (fx.kandidatdata, g_hash_table_lookup (by_code, "773"), "773",
                           g_hash_table_lookup (fx.keys, "773"), path, VK_ELECTION_RV, NULL);
  region = load_region ();
  r = vk_contest_result_read (path, fx.trusted, "RV", region, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->kind, ==, VK_RESULT_FORELOEBIG);
  g_assert_false (((VkAreaResult *)g_ptr_array_index (r->areas, 0))->has_candidate_votes);
  /* The first file sets the kind: the next one (787) is named. */
  expect_refused (NULL, path, VK_ERROR_INVALID, muni_path ("787"), "a fintaelling result among foreloebig results");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/region/official", test_official);
  g_test_add_func ("/region/roundtrip", test_roundtrip);
  g_test_add_func ("/region/joint-package", test_joint_package);
  g_test_add_func ("/region/cli", test_cli);
  g_test_add_func ("/region/trust-file", test_trust_file);
  g_test_add_func ("/region/write-refused", test_write_refused);
  g_test_add_func ("/region/refused/altered-byte", test_altered_byte);
  g_test_add_func ("/region/refused/unknown-key", test_unknown_key);
  g_test_add_func ("/region/refused/twice", test_twice);
  g_test_add_func ("/region/refused/other-region", test_other_region);
  g_test_add_func ("/region/refused/kv-result", test_kv_result);
  g_test_add_func ("/region/refused/truncated", test_truncated);
  g_test_add_func ("/region/refused/not-a-server", test_not_a_server);
  g_test_add_func ("/region/refused/other-election", test_other_election);
  g_test_add_func ("/region/refused/not-enrolled-key", test_not_enrolled_key);
  g_test_add_func ("/region/refused/trailing-bytes", test_trailing_bytes);
  g_test_add_func ("/region/refused/other-municipality", test_other_municipality);
  g_test_add_func ("/region/refused/mixed-kinds", test_mixed_kinds);
  g_test_add_func ("/region/refused/foreign-lists", test_foreign_lists);
  g_test_add_func ("/region/refused/malformed", test_malformed);
  return g_test_run ();
}
