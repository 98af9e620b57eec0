/* cmd-demo.c: `valgkit demo`: an election package and a few journals, end to end.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The demo runs the same library code a valgsekretariat and the
 * stations run: it makes an election key, imports the election (real
 * valg.dk files with --data, or the synthetic Prøvekommune), generates
 * synthetic voters, writes the signed package, creates and enrols device
 * keys, lets the tables check voters in through the station engine,
 * exports their journals and verifies every one against the package.
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "vk-cli.h"
#include "vk-error.h"
#include "vk-fake-election.h"
#include "vk-fake.h"
#include "vk-package.h"
#include "vk-station.h"

#define DEMO_PASSPHRASE "prøvevalg"
#define DEMO_SEED 20251118

typedef struct
{
  char *device_id;
  char *role;
  guint area;
  VkKeypair *key;
} DemoDevice;

static void
demo_device_free (DemoDevice *d)
{
  g_free (d->device_id);
  g_free (d->role);
  vk_keypair_free (d->key);
  g_free (d);
}

/* The council size is not in kandidat-data.json; the official
 * mandatfordeling.json beside it has one ListeMandater row per seat. */
static guint
council_size_from (const char *data_dir)
{
  g_autofree char *path = g_build_filename (data_dir, "mandatfordeling.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *obj;

  if (!json_parser_load_from_file (parser, path, NULL))
    return 0;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return 0;
  obj = json_node_get_object (root);
  if (!json_object_has_member (obj, "ListeMandater")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "ListeMandater")))
    return 0;
  return json_array_get_length (json_object_get_array_member (obj, "ListeMandater"));
}

static gboolean
make_dirs (const char *out, GError **error)
{
  static const char *const subdirs[] = { "", "keys", "devices", "journals" };

  for (gsize i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *dir = g_build_filename (out, subdirs[i], NULL);
      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_IO, "cannot create %s: %s", dir, g_strerror (errno));
          return FALSE;
        }
    }
  return TRUE;
}

/* A rerun starts from scratch: remove what an earlier run wrote, and
 * only that. */
static void
clean_previous (const char *out)
{
  static const char *const subdirs[] = { "keys", "devices", "journals" };
  g_autofree char *pkg = g_build_filename (out, "election.vkp", NULL);

  (void)g_unlink (pkg);
  for (gsize i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *dir = g_build_filename (out, subdirs[i], NULL);
      g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
      const char *name;

      if (d == NULL)
        continue;
      while ((name = g_dir_read_name (d)) != NULL)
        if (g_str_has_suffix (name, ".key") || g_str_has_suffix (name, ".pub") || g_str_has_suffix (name, ".vkj")
            || g_str_has_suffix (name, ".db") || g_str_has_suffix (name, ".db-wal")
            || g_str_has_suffix (name, ".db-shm"))
          {
            g_autofree char *path = g_build_filename (dir, name, NULL);
            (void)g_unlink (path);
          }
    }
}

int
vk_cmd_demo (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("- run a demonstration election");
  g_autofree char *out = NULL;
  g_autofree char *data = NULL;
  g_autofree char *passphrase = NULL;
  g_autofree char *pkg_path = NULL;
  g_autofree char *election_key_path = NULL;
  g_autofree char *id_hex = NULL;
  int tables_per_area = 2;
  int demo_areas = 3;
  g_autoptr (VkElection) election = NULL;
  g_autoptr (VkVoterList) voters = NULL;
  g_autoptr (VkKeypair) election_key = NULL;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (GPtrArray) devices = g_ptr_array_new_with_free_func ((GDestroyNotify)demo_device_free);
  g_autoptr (GPtrArray) journal_paths = g_ptr_array_new_with_free_func (g_free);
  guint64 now_ms = (guint64)(g_get_real_time () / 1000);
  guint failures = 0;
  guint total_checkins = 0;
  VkFakeRng rng;
  GOptionEntry options[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Folder to write into", "DIR" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data, "A municipality's valg.dk files (kandidat-data.json, fintaelling/)",
      "DIR" },
    { "areas", 0, 0, G_OPTION_ARG_INT, &demo_areas, "How many areas get tables (default 3)", "N" },
    { "tables", 0, 0, G_OPTION_ARG_INT, &tables_per_area, "Tables per area (default 2)", "N" },
    { NULL },
  };

  g_option_context_add_main_entries (context, options, NULL);
  g_option_context_set_description (context,
                                    "Keys are encrypted with $VALGKIT_PASSPHRASE, or with \"" DEMO_PASSPHRASE
                                    "\" when it is unset. Everything the demo makes is test data (PRØVEVALG).");
  if (!vk_cli_parse (context, &argc, &argv, "demo"))
    return VK_EXIT_USAGE;
  if (out == NULL || demo_areas < 1 || tables_per_area < 1 || tables_per_area > 9)
    {
      fprintf (stderr, "valgkit demo: --out DIR is required (and --areas ≥ 1, --tables 1–9)\n");
      return VK_EXIT_USAGE;
    }
  passphrase = g_strdup (g_getenv ("VALGKIT_PASSPHRASE") != NULL ? g_getenv ("VALGKIT_PASSPHRASE") : DEMO_PASSPHRASE);
  vk_fake_rng_init (&rng, DEMO_SEED);

  printf ("valgkit demo — PRØVEVALG (test data, not a real election)\n\n");

  /* 1. The election. */
  if (data != NULL)
    {
      g_autofree char *kd = g_build_filename (data, "kandidat-data.json", NULL);
      g_autofree char *fin = g_build_filename (data, "fintaelling", NULL);

      election = vk_election_import_kandidatdata (kd, &error);
      if (election == NULL || !vk_election_import_areas_dir (election, fin, &error))
        return vk_cli_fail ("demo", error);
      election->seats = council_size_from (data);
      printf ("[1/6] Imported %s: %u lists, %u areas, %u seats (from %s)\n", election->municipality,
              election->lists->len, election->areas->len, election->seats, data);
    }
  else
    {
      election = vk_fake_election_new (DEMO_SEED);
      printf ("[1/6] Made the synthetic municipality %s: %u lists, %u areas, %u seats\n", election->municipality,
              election->lists->len, election->areas->len, election->seats);
    }
  if (election->areas->len == 0)
    {
      fprintf (stderr, "valgkit demo: the election has no areas\n");
      return VK_EXIT_USAGE;
    }

  /* 2. Voters: as many per area as it had eligible voters. */
  voters = vk_voters_generate_for_election (election, 0, DEMO_SEED);
  printf ("[2/6] Generated %u synthetic voters (fake names and addresses)\n", vk_voter_list_get_length (voters));

  /* 3. The election key and the signed package. */
  if (!make_dirs (out, &error))
    return vk_cli_fail ("demo", error);
  clean_previous (out);
  election_key_path = g_build_filename (out, "keys", "election.key", NULL);
  election_key = vk_keypair_generate ();
  if (!vk_keypair_save (election_key, election_key_path, passphrase, VK_KDF_MODERATE, "election",
                        election->municipality, &error))
    return vk_cli_fail ("demo", error);
  {
    g_autofree char *pub = g_build_filename (out, "keys", "election.pub", NULL);
    if (!vk_public_key_save (vk_keypair_get_public_key (election_key), pub, "election", election->municipality, &error))
      return vk_cli_fail ("demo", error);
  }
  pkg_path = g_build_filename (out, "election.vkp", NULL);
  package = vk_package_create (pkg_path, election, voters, election_key, &error);
  if (package == NULL)
    return vk_cli_fail ("demo", error);
  id_hex = vk_hex_encode (vk_package_get_election_id (package), VK_ELECTION_ID_BYTES);
  printf ("[3/6] Signed the election package %s\n      election id %s\n", pkg_path, id_hex);

  /* 4. Devices: tables in the first areas, a brevstemmested, the count server. */
  demo_areas = MIN ((guint)demo_areas, election->areas->len);
  for (int a = 0; a < demo_areas; a++)
    {
      const VkArea *area = g_ptr_array_index (election->areas, a);
      for (int t = 1; t <= tables_per_area; t++)
        {
          DemoDevice *d = g_new0 (DemoDevice, 1);
          d->device_id = g_strdup_printf ("omr%02u-bord%d", area->number, t);
          d->role = g_strdup ("valgbord");
          d->area = area->number;
          g_ptr_array_add (devices, d);
        }
    }
  {
    DemoDevice *d = g_new0 (DemoDevice, 1);
    d->device_id = g_strdup ("borgerservice-1");
    d->role = g_strdup ("brevstemmested");
    d->area = VK_PACKAGE_NO_AREA;
    g_ptr_array_add (devices, d);
    d = g_new0 (DemoDevice, 1);
    d->device_id = g_strdup ("taelleserver");
    d->role = g_strdup ("server");
    d->area = VK_PACKAGE_NO_AREA;
    g_ptr_array_add (devices, d);
  }
  for (guint i = 0; i < devices->len; i++)
    {
      DemoDevice *d = g_ptr_array_index (devices, i);
      g_autofree char *key_path = g_strdup_printf ("%s/keys/%s.key", out, d->device_id);
      g_autofree char *pub_path = g_strdup_printf ("%s/keys/%s.pub", out, d->device_id);

      d->key = vk_keypair_generate ();
      if (!vk_keypair_save (d->key, key_path, passphrase, VK_KDF_INTERACTIVE, d->role, d->device_id, &error)
          || !vk_public_key_save (vk_keypair_get_public_key (d->key), pub_path, d->role, d->device_id, &error)
          || !vk_package_enroll (package, election_key, d->device_id, d->role, d->area,
                                 vk_keypair_get_public_key (d->key), now_ms - 24 * 3600 * 1000ull,
                                 now_ms + 30 * 24 * 3600 * 1000ull, &error))
        return vk_cli_fail ("demo", error);
    }
  printf ("[4/6] Created and enrolled %u devices (keys encrypted in %s/keys)\n", devices->len, out);

  /* 5. The tables check voters in; one check-in is undone. */
  for (guint i = 0; i < devices->len; i++)
    {
      DemoDevice *d = g_ptr_array_index (devices, i);
      g_autofree char *db_path = g_strdup_printf ("%s/devices/%s.db", out, d->device_id);
      g_autofree char *vkj_path = g_strdup_printf ("%s/journals/%s.vkj", out, d->device_id);
      g_autoptr (VkStation) station = vk_station_open (package, db_path, d->device_id, d->key, &error);
      guint count = 0;

      if (station == NULL)
        return vk_cli_fail ("demo", error);
      /* The demo's operator is a valgstyrer: it undoes one check-in. */
      vk_station_set_valgstyrer (station, TRUE);
      if (strcmp (d->role, "valgbord") == 0)
        {
          /* Table t of an area takes the voters with løbenummer ≡ t (mod tables). */
          guint table = (guint)(d->device_id[strlen (d->device_id) - 1] - '0');
          guint in_area = (guint)vk_voter_list_count_area (voters, d->area);
          guint64 first_seq = 0;

          for (guint lnr = table; lnr <= in_area && count < 25; lnr += (guint)tables_per_area)
            {
              guint64 seq;
              if (vk_fake_rng_range (&rng, 3) != 0)
                continue;
              seq = vk_station_check_in (station, lnr,
                                         vk_fake_rng_range (&rng, 5) == 0 ? VK_CHECKIN_SEARCH : VK_CHECKIN_SCAN,
                                         vk_fake_rng_range (&rng, 40) == 0, &error);
              if (seq == 0)
                return vk_cli_fail ("demo", error);
              if (first_seq == 0)
                first_seq = seq;
              count++;
            }
          if (table == 1 && first_seq != 0
              && vk_station_undo_check_in (station, first_seq, "Forkert vælger udpeget; rettet straks", &error) == 0)
            return vk_cli_fail ("demo", error);
          total_checkins += vk_station_get_checked_in_count (station);
        }
      if (!vk_journal_export (vk_station_get_journal (station), vkj_path, &error))
        return vk_cli_fail ("demo", error);
      g_ptr_array_add (journal_paths, g_steal_pointer (&vkj_path));
    }
  printf ("[5/6] %u voters checked in at %d tables in %d areas; journals exported to %s/journals\n", total_checkins,
          demo_areas * tables_per_area, demo_areas, out);

  /* 6. Verify every journal against the package, as an auditor would. */
  {
    g_autoptr (VkPackage) reopened = vk_package_open (pkg_path, &error);
    if (reopened == NULL)
      return vk_cli_fail ("demo", error);
    printf ("[6/6] Verifying the package and %u journals:\n", journal_paths->len);
    for (guint i = 0; i < journal_paths->len; i++)
      {
        const char *path = g_ptr_array_index (journal_paths, i);
        g_autoptr (GPtrArray) entries = vk_journal_read_file (path, &error);
        VkVerifyReport report;

        if (entries == NULL
            || !vk_journal_verify (entries, vk_package_get_election_id (reopened), vk_package_device_lookup, reopened,
                                   VK_VERIFY_DEFAULT, &report, &error))
          {
            printf ("      FAILED %s: %s\n", path, error->message);
            g_clear_error (&error);
            failures++;
            continue;
          }
        printf ("      ok  %-28s %3" G_GUINT64_FORMAT " entries\n",
                ((VkEntry *)g_ptr_array_index (entries, 0))->device_id, report.entries);
      }
  }

  printf ("\nWrote:\n  %s (signed election package)\n  %s/journals/*.vkj (signed journals)\n  %s/keys/ "
          "(encrypted keys; passphrase: %s)\n",
          pkg_path, out, out, g_getenv ("VALGKIT_PASSPHRASE") != NULL ? "$VALGKIT_PASSPHRASE" : DEMO_PASSPHRASE);
  printf ("Check them yourself:\n  valgkit journal verify --election %s %s/journals/*.vkj\n", pkg_path, out);
  return failures == 0 ? VK_EXIT_OK : VK_EXIT_FAILED;
}
