/* test-package.c: the election package: create, reopen, enrol, tamper.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "vk-cbor.h"
#include "vk-cose.h"
#include "vk-error.h"
#include "vk-fake.h"
#include "vk-package.h"
#include "vk-test-util.h"

#define VOTERS_PER_AREA 40
#define HOUR_MS G_GUINT64_CONSTANT (3600000)
#define T0 G_GUINT64_CONSTANT (1763452800000) /* 2025-11-18T08:00:00Z */

typedef struct
{
  char *dir;
  char *path;
  VkElection *election;
  VkVoterList *voters;
  VkKeypair *key;
} Fixture;

static VkKeypair *
key_from_seed (guint8 fill)
{
  guint8 seed[VK_SEED_BYTES];

  memset (seed, fill, sizeof seed);
  return vk_keypair_new_from_seed (seed);
}

/* Aarhus KV2025: kandidat-data.json + the areas of the fintælling files,
 * with synthetic voters (VOTERS_PER_AREA per area). */
static gboolean
fixture_setup (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *kandidatdata = vk_test_data_path ("Aarhus", "kandidat-data.json", NULL);
  g_autofree char *areas = vk_test_data_path ("Aarhus", "fintaelling", NULL);

  memset (f, 0, sizeof *f);
  if (kandidatdata == NULL || g_test_failed () || !g_file_test (kandidatdata, G_FILE_TEST_EXISTS))
    return FALSE;
  f->election = vk_election_import_kandidatdata (kandidatdata, &error);
  g_assert_no_error (error);
  g_assert_true (vk_election_import_areas_dir (f->election, areas, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->election->areas->len, >, 10);
  f->election->seats = 31;
  f->voters = vk_voters_generate_for_election (f->election, VOTERS_PER_AREA, 2025);
  f->key = key_from_seed (0x42);
  f->dir = vk_test_tmpdir ();
  f->path = g_build_filename (f->dir, "election.vkp", NULL);
  return TRUE;
}

static void
fixture_clear (Fixture *f)
{
  g_clear_pointer (&f->election, vk_election_free);
  g_clear_pointer (&f->voters, vk_voter_list_free);
  g_clear_pointer (&f->key, vk_keypair_free);
  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->path, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fixture, fixture_clear)

static VkPackage *
create_package (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  VkPackage *pkg = vk_package_create (f->path, f->election, f->voters, f->key, &error);

  g_assert_no_error (error);
  g_assert_nonnull (pkg);
  return pkg;
}

static void
assert_elections_equal (const VkElection *a, const VkElection *b)
{
  g_assert_cmpint (a->type, ==, b->type);
  g_assert_cmpstr (a->date, ==, b->date);
  g_assert_cmpstr (a->municipality, ==, b->municipality);
  g_assert_cmpstr (a->municipality_code, ==, b->municipality_code);
  g_assert_cmpstr (a->municipality_dagi_id, ==, b->municipality_dagi_id);
  g_assert_cmpuint (a->seats, ==, b->seats);

  g_assert_cmpuint (a->lists->len, ==, b->lists->len);
  for (guint i = 0; i < a->lists->len; i++)
    {
      const VkList *la = g_ptr_array_index (a->lists, i), *lb = g_ptr_array_index (b->lists, i);

      g_assert_cmpstr (la->id, ==, lb->id);
      g_assert_cmpstr (la->letter, ==, lb->letter);
      g_assert_cmpstr (la->name, ==, lb->name);
      g_assert_cmpuint (la->position, ==, lb->position);
      g_assert_cmpint (la->form, ==, lb->form);
      g_assert_cmpstr (la->valgforbund_id, ==, lb->valgforbund_id);
      g_assert_cmpuint (la->candidates->len, ==, lb->candidates->len);
      for (guint j = 0; j < la->candidates->len; j++)
        {
          const VkCandidate *ca = g_ptr_array_index (la->candidates, j), *cb = g_ptr_array_index (lb->candidates, j);
          g_assert_cmpstr (ca->id, ==, cb->id);
          g_assert_cmpstr (ca->name, ==, cb->name);
          g_assert_cmpstr (ca->ballot_name, ==, cb->ballot_name);
          g_assert_cmpstr (ca->occupation, ==, cb->occupation);
          g_assert_cmpstr (ca->residence, ==, cb->residence);
          g_assert_cmpuint (ca->position, ==, cb->position);
          g_assert_true (cb->list == lb);
        }
    }

  /* Valgforbund come back ordered by id: compare by id. */
  g_assert_cmpuint (a->valgforbund->len, ==, b->valgforbund->len);
  for (guint i = 0; i < a->valgforbund->len; i++)
    {
      const VkValgforbund *va = g_ptr_array_index (a->valgforbund, i);
      const VkValgforbund *vb = NULL;

      for (guint j = 0; j < b->valgforbund->len; j++)
        if (strcmp (((VkValgforbund *)g_ptr_array_index (b->valgforbund, j))->id, va->id) == 0)
          vb = g_ptr_array_index (b->valgforbund, j);
      g_assert_nonnull (vb);
      g_assert_cmpstr (va->name, ==, vb->name);
      g_assert_cmpuint (va->list_ids->len, ==, vb->list_ids->len);
      for (guint j = 0; j < va->list_ids->len; j++)
        g_assert_cmpstr (g_ptr_array_index (va->list_ids, j), ==, g_ptr_array_index (vb->list_ids, j));
    }

  g_assert_cmpuint (a->areas->len, ==, b->areas->len);
  for (guint i = 0; i < a->areas->len; i++)
    {
      const VkArea *aa = g_ptr_array_index (a->areas, i), *ab = g_ptr_array_index (b->areas, i);
      g_assert_cmpuint (aa->number, ==, ab->number);
      g_assert_cmpstr (aa->name, ==, ab->name);
      g_assert_cmpstr (aa->dagi_id, ==, ab->dagi_id);
      g_assert_cmpuint (aa->eligible, ==, ab->eligible);
    }
}

static void
test_package_roundtrip (void)
{
  g_auto (Fixture) f;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkPackage) pkg = NULL;
  g_autoptr (VkPackage) reopened = NULL;
  g_autoptr (VkElection) election = NULL;
  g_autoptr (VkVoterList) all = NULL;
  g_autoptr (VkVoterList) one_area = NULL;
  g_autoptr (VkVoter) missing = NULL;
  g_autofree char *partial = NULL;
  guint8 id[VK_ELECTION_ID_BYTES];
  const VkArea *first_area;

  if (!fixture_setup (&f))
    return;
  pkg = create_package (&f);
  partial = g_strconcat (f.path, ".partial", NULL);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));

  g_assert_cmpmem (vk_package_get_election_public_key (pkg), VK_PUBLIC_KEY_BYTES, vk_keypair_get_public_key (f.key),
                   VK_PUBLIC_KEY_BYTES);
  g_assert_true (vk_package_compute_election_id (pkg, id, &error));
  g_assert_cmpmem (id, sizeof id, vk_package_get_election_id (pkg), VK_ELECTION_ID_BYTES);
  g_clear_pointer (&pkg, vk_package_free);

  reopened = vk_package_open (f.path, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (id, sizeof id, vk_package_get_election_id (reopened), VK_ELECTION_ID_BYTES);

  election = vk_package_dup_election (reopened, &error);
  g_assert_no_error (error);
  assert_elections_equal (f.election, election);

  all = vk_package_dup_voters (reopened, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_voter_list_get_length (all), ==, vk_voter_list_get_length (f.voters));
  g_assert_cmpint (vk_package_count_voters (reopened, 0, NULL), ==, vk_voter_list_get_length (f.voters));
  for (guint i = 0; i < vk_voter_list_get_length (f.voters); i++)
    {
      const VkVoter *v = vk_voter_list_get (f.voters, i);
      const VkVoter *w = vk_voter_list_lookup (all, v->area, v->loebenummer);
      g_autoptr (VkVoter) x = vk_package_lookup_voter (reopened, v->area, v->loebenummer, &error);

      g_assert_no_error (error);
      g_assert_nonnull (w);
      g_assert_cmpstr (v->name, ==, w->name);
      g_assert_cmpstr (v->address, ==, w->address);
      g_assert_cmpstr (v->birth_date, ==, w->birth_date);
      g_assert_cmpstr (v->name, ==, x->name);
      g_assert_cmpstr (v->address, ==, x->address);
      g_assert_cmpstr (v->birth_date, ==, x->birth_date);
    }

  first_area = g_ptr_array_index (f.election->areas, 0);
  one_area = vk_package_dup_voters (reopened, first_area->number, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_voter_list_get_length (one_area), ==, MIN (first_area->eligible, VOTERS_PER_AREA));
  g_assert_cmpint (vk_package_count_voters (reopened, first_area->number, NULL), ==,
                   vk_voter_list_count_area (f.voters, first_area->number));
  for (guint i = 0; i < vk_voter_list_get_length (one_area); i++)
    g_assert_cmpuint (vk_voter_list_get (one_area, i)->area, ==, first_area->number);

  missing = vk_package_lookup_voter (reopened, first_area->number, 999999, &error);
  g_assert_null (missing);
  g_assert_error (error, VK_ERROR, VK_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A package is never overwritten. */
  g_assert_null (vk_package_create (f.path, f.election, f.voters, f.key, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_IO);
}

static void
reverse (GPtrArray *array)
{
  for (guint i = 0; i < array->len / 2; i++)
    {
      gpointer t = array->pdata[i];
      array->pdata[i] = array->pdata[array->len - 1 - i];
      array->pdata[array->len - 1 - i] = t;
    }
}

/* The election id depends on the content and the key, and on nothing
 * else (not on the order the election lists things in). */
static void
test_package_election_id (void)
{
  g_auto (Fixture) f;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkPackage) a = NULL;
  g_autoptr (VkPackage) b = NULL;
  g_autoptr (VkPackage) c = NULL;
  g_autoptr (VkPackage) d = NULL;
  g_autoptr (VkKeypair) other_key = key_from_seed (0x07);
  g_autofree char *path_b = NULL, *path_c = NULL, *path_d = NULL;
  VkCandidate *cand;

  if (!fixture_setup (&f))
    return;
  a = create_package (&f);
  path_b = g_build_filename (f.dir, "b.vkp", NULL);
  path_c = g_build_filename (f.dir, "c.vkp", NULL);
  path_d = g_build_filename (f.dir, "d.vkp", NULL);

  /* The same content in another order: the same id. */
  reverse (f.election->lists); /* ballot order is in `position` */
  reverse (f.election->valgforbund);
  b = vk_package_create (path_b, f.election, f.voters, f.key, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (vk_package_get_election_id (a), 32, vk_package_get_election_id (b), 32);

  /* Another key: another id. */
  c = vk_package_create (path_c, f.election, f.voters, other_key, &error);
  g_assert_no_error (error);
  g_assert_true (memcmp (vk_package_get_election_id (a), vk_package_get_election_id (c), 32) != 0);

  /* One candidate's occupation changed: another id. */
  cand = g_ptr_array_index (((VkList *)g_ptr_array_index (f.election->lists, 0))->candidates, 0);
  g_free (cand->occupation);
  cand->occupation = g_strdup ("Valgstyrer");
  d = vk_package_create (path_d, f.election, f.voters, f.key, &error);
  g_assert_no_error (error);
  g_assert_true (memcmp (vk_package_get_election_id (a), vk_package_get_election_id (d), 32) != 0);
}

static void
test_package_enroll (void)
{
  g_auto (Fixture) f;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkPackage) pkg = NULL;
  g_autoptr (VkKeypair) dev1 = key_from_seed (1);
  g_autoptr (VkKeypair) dev2 = key_from_seed (2);
  g_autoptr (VkKeypair) dev3 = key_from_seed (3);
  g_autoptr (VkKeypair) wrong = key_from_seed (9);
  g_autoptr (GPtrArray) devices = NULL;
  const VkDevice *d;
  guint area;

  if (!fixture_setup (&f))
    return;
  area = ((VkArea *)g_ptr_array_index (f.election->areas, 2))->number;
  pkg = create_package (&f);

  g_assert_true (vk_package_enroll (pkg, f.key, "valgbord-1", "valgbord", area, vk_keypair_get_public_key (dev1), T0,
                                    T0 + 14 * HOUR_MS, &error));
  g_assert_no_error (error);
  g_assert_true (vk_package_enroll (pkg, f.key, "brevstemmer", "brevstemmested", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (dev2), T0 - 21 * 24 * HOUR_MS, T0, &error));
  g_assert_no_error (error);
  g_assert_true (vk_package_enroll (pkg, f.key, "count-server", "server", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (dev3), T0, T0 + 72 * HOUR_MS, &error));
  g_assert_no_error (error);

  /* Refusals. */
  g_assert_false (
      vk_package_enroll (pkg, wrong, "x", "valgbord", area, vk_keypair_get_public_key (dev1), T0, T0, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_KEY);
  g_clear_error (&error);
  g_assert_false (
      vk_package_enroll (pkg, f.key, "x", "croupier", area, vk_keypair_get_public_key (dev1), T0, T0, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (vk_package_enroll (pkg, f.key, "x", "valgbord", VK_PACKAGE_NO_AREA, vk_keypair_get_public_key (dev1),
                                     T0, T0, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (
      vk_package_enroll (pkg, f.key, "x", "valgbord", 9999, vk_keypair_get_public_key (dev1), T0, T0, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (
      vk_package_enroll (pkg, f.key, "valgbord-1", "valgbord", area, vk_keypair_get_public_key (dev1), T0, T0, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (
      vk_package_enroll (pkg, f.key, "x", "server", 0, vk_keypair_get_public_key (dev1), T0 + 1, T0, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&pkg, vk_package_free);

  /* Reopening verifies the enrolments and finds them. */
  pkg = vk_package_open (f.path, &error);
  g_assert_no_error (error);
  devices = vk_package_list_devices (pkg);
  g_assert_cmpuint (devices->len, ==, 3);
  g_assert_cmpstr (((VkDevice *)g_ptr_array_index (devices, 0))->device_id, ==, "brevstemmer");
  g_assert_cmpstr (((VkDevice *)g_ptr_array_index (devices, 1))->device_id, ==, "count-server");
  g_assert_cmpstr (((VkDevice *)g_ptr_array_index (devices, 2))->device_id, ==, "valgbord-1");

  d = vk_package_lookup_device (pkg, "valgbord-1");
  g_assert_nonnull (d);
  g_assert_cmpstr (d->role, ==, "valgbord");
  g_assert_cmpuint (d->area, ==, area);
  g_assert_cmpmem (d->public_key, 32, vk_keypair_get_public_key (dev1), 32);
  g_assert_cmpmem (d->key_id, 8, vk_keypair_get_key_id (dev1), 8);
  g_assert_cmpuint (d->valid_from, ==, T0);
  g_assert_cmpuint (d->valid_to, ==, T0 + 14 * HOUR_MS);
  g_assert_true (vk_device_is_valid_at (d, T0));
  g_assert_true (vk_device_is_valid_at (d, T0 + 14 * HOUR_MS));
  g_assert_false (vk_device_is_valid_at (d, T0 - 1));
  g_assert_false (vk_device_is_valid_at (d, T0 + 14 * HOUR_MS + 1));
  g_assert_true (vk_package_lookup_device_by_key_id (pkg, vk_keypair_get_key_id (dev1)) == d);

  d = vk_package_lookup_device (pkg, "brevstemmer");
  g_assert_cmpuint (d->area, ==, VK_PACKAGE_NO_AREA);
  g_assert_null (vk_package_lookup_device (pkg, "nobody"));
  g_assert_null (vk_package_lookup_device_by_key_id (pkg, vk_keypair_get_key_id (wrong)));
}

/* Runs SQL on a package behind valgkit's back, as an attacker with a
 * plain sqlite3 would. */
static void
tamper (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  char *msg = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
  g_assert_cmpint (sqlite3_changes (db), >, 0);
  sqlite3_close (db);
}

static char *
copy_package (const char *path, const char *name)
{
  g_autofree char *dir = g_path_get_dirname (path);
  char *copy = g_build_filename (dir, name, NULL);
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_true (g_file_set_contents (copy, data, (gssize)len, NULL));
  return copy;
}

static void
assert_open_fails (const char *path, int code, const char *what)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkPackage) pkg = vk_package_open (path, &error);

  g_assert_null (pkg);
  g_assert_error (error, VK_ERROR, code);
  if (what != NULL && strstr (error->message, what) == NULL)
    g_error ("expected \"%s\" in \"%s\"", what, error->message);
}

static void
test_package_tamper (void)
{
  g_auto (Fixture) f;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkPackage) pkg = NULL;
  g_autoptr (VkKeypair) dev = key_from_seed (1);
  g_autoptr (VkKeypair) other = key_from_seed (0x43);
  guint area, other_area;
  struct
  {
    const char *name;
    const char *sql;
    const char *what;
  } cases[] = {
    { "voter", NULL, "voters changed" },
    { "candidate", "UPDATE candidate SET ballot_name = ballot_name || '.' WHERE id = (SELECT min (id) FROM candidate)",
      "candidates changed" },
    { "list", "UPDATE list SET letter = 'Z' WHERE id = (SELECT min (id) FROM list)", "lists changed" },
    { "valgforbund", "DELETE FROM valgforbund_member WHERE position = 1", "valgforbund changed" },
    { "area", "UPDATE area SET eligible = eligible + 1 WHERE number = (SELECT min (number) FROM area)",
      "areas changed" },
    { "election", "UPDATE election SET seats = 29", "election changed" },
    { "deleted-voter", "DELETE FROM voter WHERE loebenummer = 7", "voters changed" },
    { "digest-too",
      "UPDATE voter SET birth_date = '1950-01-01' WHERE loebenummer = 3; "
      "UPDATE section_digest SET sha256 = zeroblob (32) WHERE section = 'voters'",
      "election id differs" },
    { "signature",
      "UPDATE package SET signature = CAST (substr (signature, 1, length (signature) - 1) || x'00' AS BLOB)",
      "package signature does not verify" },
    { "election-key", NULL, "package signature does not verify" },
    { "device-area", NULL, "device valgbord-1: the stored area differs" },
    { "device-key", "UPDATE device SET public_key = zeroblob (32)", "device valgbord-1: the stored key differs" },
    { "device-role", "UPDATE device SET role = 'server'", "the stored role differs" },
    { "device-window", "UPDATE device SET valid_to = valid_to + 1", "the stored valid_to differs" },
    { "device-enrolment",
      "UPDATE device SET enrolment = CAST (substr (enrolment, 1, length (enrolment) - 2) || x'0000' AS BLOB)",
      "device valgbord-1: enrolment does not verify" },
  };

  if (!fixture_setup (&f))
    return;
  area = ((VkArea *)g_ptr_array_index (f.election->areas, 0))->number;
  other_area = ((VkArea *)g_ptr_array_index (f.election->areas, 1))->number;
  pkg = create_package (&f);
  g_assert_true (vk_package_enroll (pkg, f.key, "valgbord-1", "valgbord", area, vk_keypair_get_public_key (dev), T0,
                                    T0 + HOUR_MS, &error));
  g_assert_no_error (error);
  g_clear_pointer (&pkg, vk_package_free);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strconcat ("tampered-", cases[i].name, ".vkp", NULL);
      g_autofree char *copy = copy_package (f.path, name);
      g_autofree char *sql = NULL;

      if (strcmp (cases[i].name, "voter") == 0)
        /* WITHOUT ROWID: name the first voter by key. */
        sql = g_strdup_printf ("UPDATE voter SET name = 'Mallory Jensen' WHERE area = %u AND loebenummer = 1", area);
      else if (strcmp (cases[i].name, "device-area") == 0)
        sql = g_strdup_printf ("UPDATE device SET area = %u", other_area);
      else if (strcmp (cases[i].name, "election-key") == 0)
        {
          g_autofree char *hex = vk_hex_encode (vk_keypair_get_public_key (other), 32);
          sql = g_strdup_printf ("UPDATE package SET election_key = x'%s'", hex);
        }
      else
        sql = g_strdup (cases[i].sql);
      tamper (copy, sql);
      g_test_message ("tamper %s", cases[i].name);
      assert_open_fails (copy, VK_ERROR_SIGNATURE, cases[i].what);
    }
}

/* The count server's certificate pin (docs/package-format.md §5 "tls"):
 * enrolled with a server, signed, read back; the column tampered with
 * or put on another role is refused; the pin a client requires. */
static void
test_package_tls_pin (void)
{
  g_auto (Fixture) f;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkPackage) pkg = NULL;
  g_autoptr (VkKeypair) bord = key_from_seed (1);
  g_autoptr (VkKeypair) srv = key_from_seed (3);
  g_autoptr (VkKeypair) srv2 = key_from_seed (4);
  g_autoptr (VkKeypair) srv3 = key_from_seed (5);
  g_autoptr (VkCoseSign1) cose = NULL;
  g_autoptr (VkCbor) statement = NULL;
  g_autofree char *pin_hex = NULL, *pin2_hex = NULL, *resolved = NULL;
  const char *const order[] = { "key", "tls", "area", "role", "device", "election", "valid_to", "valid_from" };
  const char *cert = "a certificate's DER, as far as the package is concerned";
  guint8 pin[VK_TLS_PIN_BYTES], pin2[VK_TLS_PIN_BYTES];
  const VkDevice *d;
  guint area;

  if (!fixture_setup (&f))
    return;
  vk_sha256 ((const guint8 *)cert, strlen (cert), pin);
  vk_sha256 (pin, sizeof pin, pin2);
  pin_hex = vk_hex_encode (pin, sizeof pin);
  pin2_hex = vk_hex_encode (pin2, sizeof pin2);
  area = ((VkArea *)g_ptr_array_index (f.election->areas, 0))->number;
  pkg = create_package (&f);

  /* No server pins anything: no pin, or the one given. */
  g_assert_true (vk_package_resolve_server_pin (pkg, NULL, T0, &resolved, &error));
  g_assert_no_error (error);
  g_assert_null (resolved);
  g_assert_true (vk_package_resolve_server_pin (pkg, "ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789",
                                                T0, &resolved, &error));
  g_assert_cmpstr (resolved, ==, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
  g_clear_pointer (&resolved, g_free);
  g_assert_false (vk_package_resolve_server_pin (pkg, "abc", T0, &resolved, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (vk_package_enroll (pkg, f.key, "valgbord-1", "valgbord", area, vk_keypair_get_public_key (bord), T0,
                                    T0 + HOUR_MS, &error));
  g_assert_true (vk_package_enroll_with_tls (pkg, f.key, "count-server", "server", VK_PACKAGE_NO_AREA,
                                             vk_keypair_get_public_key (srv), pin, T0, T0 + 24 * HOUR_MS, &error));
  g_assert_no_error (error);
  /* Only a server pins a certificate. */
  g_assert_false (vk_package_enroll_with_tls (pkg, f.key, "valgbord-2", "valgbord", area,
                                              vk_keypair_get_public_key (bord), pin, T0, T0 + HOUR_MS, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "only a server may pin a TLS certificate"));
  g_clear_error (&error);
  g_assert_null (vk_package_lookup_device (pkg, "valgbord-2"));
  g_clear_pointer (&pkg, vk_package_free);

  /* Round trip: the pin is read back from the signed statement, whose
   * keys are in the order of docs/package-format.md §5. */
  pkg = vk_package_open (f.path, &error);
  g_assert_no_error (error);
  d = vk_package_lookup_device (pkg, "count-server");
  g_assert_true (d->has_tls);
  g_assert_cmpmem (d->tls_sha256, VK_TLS_PIN_BYTES, pin, VK_TLS_PIN_BYTES);
  g_assert_false (vk_package_lookup_device (pkg, "valgbord-1")->has_tls);
  cose = vk_cose_sign1_decode (g_bytes_get_data (d->enrolment, NULL), g_bytes_get_size (d->enrolment), &error);
  g_assert_no_error (error);
  statement = vk_cbor_decode (g_bytes_get_data (cose->payload, NULL), g_bytes_get_size (cose->payload), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_cbor_map_get_length (statement), ==, G_N_ELEMENTS (order));
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    g_assert_cmpstr (vk_cbor_get_text (vk_cbor_map_get_key (statement, i), NULL), ==, order[i]);
  {
    gsize len = 0;
    const guint8 *tls = vk_cbor_map_get_bytes_field (statement, "tls", &len, &error);
    g_assert_no_error (error);
    g_assert_cmpmem (tls, len, pin, sizeof pin);
  }
  {
    g_autoptr (GPtrArray) devices = vk_package_list_devices (pkg);
    g_assert_true (((VkDevice *)g_ptr_array_index (devices, 0))->has_tls); /* count-server: copies keep it */
  }

  /* The pin a client requires. */
  g_assert_true (vk_package_resolve_server_pin (pkg, NULL, T0, &resolved, &error));
  g_assert_cmpstr (resolved, ==, pin_hex);
  g_clear_pointer (&resolved, g_free);
  {
    g_autofree char *upper = g_ascii_strup (pin_hex, -1);
    g_assert_true (vk_package_resolve_server_pin (pkg, upper, T0, &resolved, &error));
    g_assert_cmpstr (resolved, ==, pin_hex);
    g_clear_pointer (&resolved, g_free);
  }
  g_assert_false (vk_package_resolve_server_pin (pkg, pin2_hex, T0, &resolved, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_KEY);
  g_assert_nonnull (strstr (error->message, "device count-server"));
  g_assert_null (resolved);
  g_clear_error (&error);
  /* Outside every server's window the pins of all servers count. */
  g_assert_true (vk_package_resolve_server_pin (pkg, NULL, T0 + 100 * HOUR_MS, &resolved, &error));
  g_assert_cmpstr (resolved, ==, pin_hex);
  g_clear_pointer (&resolved, g_free);

  /* A new certificate is a new enrolment: the day after, count-server-2
   * with the new pin; at the overlap both count, and one must be named. */
  g_assert_true (vk_package_enroll_with_tls (pkg, f.key, "count-server-2", "server", VK_PACKAGE_NO_AREA,
                                             vk_keypair_get_public_key (srv2), pin2, T0 + 24 * HOUR_MS,
                                             T0 + 48 * HOUR_MS, &error));
  g_assert_no_error (error);
  g_assert_true (vk_package_resolve_server_pin (pkg, NULL, T0 + 30 * HOUR_MS, &resolved, &error));
  g_assert_cmpstr (resolved, ==, pin2_hex);
  g_clear_pointer (&resolved, g_free);
  g_assert_true (vk_package_resolve_server_pin (pkg, NULL, T0 + HOUR_MS, &resolved, &error));
  g_assert_cmpstr (resolved, ==, pin_hex);
  g_clear_pointer (&resolved, g_free);
  g_assert_false (vk_package_resolve_server_pin (pkg, NULL, T0 + 24 * HOUR_MS, &resolved, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_KEY);
  g_assert_nonnull (strstr (error->message, "pins 2 certificates"));
  g_clear_error (&error);
  g_assert_true (vk_package_resolve_server_pin (pkg, pin2_hex, T0 + 24 * HOUR_MS, &resolved, &error));
  g_assert_cmpstr (resolved, ==, pin2_hex);
  g_clear_pointer (&resolved, g_free);
  /* A server without a pin, valid then, adds none. */
  g_assert_true (vk_package_enroll (pkg, f.key, "count-server-3", "server", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (srv3), T0, T0 + 48 * HOUR_MS, &error));
  g_assert_true (vk_package_resolve_server_pin (pkg, NULL, T0 + 30 * HOUR_MS, &resolved, &error));
  g_assert_cmpstr (resolved, ==, pin2_hex);
  g_clear_pointer (&resolved, g_free);
  g_clear_pointer (&pkg, vk_package_free);

  /* The column tampered with: the device is named. */
  {
    struct
    {
      const char *name;
      const char *sql;
      const char *what;
    } cases[] = {
      { "other-pin", "UPDATE device SET tls_sha256 = zeroblob (32) WHERE device_id = 'count-server'",
        "device count-server: the stored tls differs" },
      { "no-pin", "UPDATE device SET tls_sha256 = NULL WHERE device_id = 'count-server'",
        "device count-server: the stored tls differs" },
      { "added-pin", "UPDATE device SET tls_sha256 = zeroblob (32) WHERE device_id = 'count-server-3'",
        "device count-server-3: the stored tls differs" },
      { "short-pin",
        "PRAGMA ignore_check_constraints = ON; "
        "UPDATE device SET tls_sha256 = zeroblob (31) WHERE device_id = 'count-server'",
        "device count-server: tls_sha256 is not 32 bytes" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *name = g_strconcat ("tls-", cases[i].name, ".vkp", NULL);
        g_autofree char *copy = copy_package (f.path, name);

        tamper (copy, cases[i].sql);
        g_test_message ("tamper %s", cases[i].name);
        assert_open_fails (copy, VK_ERROR_SIGNATURE, cases[i].what);
      }
  }

  /* A valgbord with a pin, even one the election key signed, is refused. */
  {
    g_autofree char *copy = copy_package (f.path, "tls-valgbord.vkp");
    g_autoptr (VkCbor) map = vk_cbor_new_map ();
    g_autoptr (GBytes) payload = NULL;
    g_autoptr (GBytes) signed_statement = NULL;
    g_autofree char *cose_hex = NULL, *sql = NULL;
    g_autoptr (VkPackage) orig = vk_package_open (f.path, &error);

    g_assert_no_error (error);
    vk_cbor_map_set_bytes (map, "election", vk_package_get_election_id (orig), VK_ELECTION_ID_BYTES);
    vk_cbor_map_set_text (map, "device", "valgbord-1");
    vk_cbor_map_set_text (map, "role", "valgbord");
    vk_cbor_map_set_uint (map, "area", area);
    vk_cbor_map_set_bytes (map, "key", vk_keypair_get_public_key (bord), VK_PUBLIC_KEY_BYTES);
    vk_cbor_map_set_bytes (map, "tls", pin, sizeof pin);
    vk_cbor_map_set_uint (map, "valid_from", T0);
    vk_cbor_map_set_uint (map, "valid_to", T0 + HOUR_MS);
    payload = vk_cbor_encode (map);
    signed_statement
        = vk_cose_sign1_create (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), f.key, &error);
    g_assert_no_error (error);
    cose_hex = vk_hex_encode (g_bytes_get_data (signed_statement, NULL), g_bytes_get_size (signed_statement));
    sql = g_strdup_printf ("PRAGMA ignore_check_constraints = ON; "
                           "UPDATE device SET enrolment = x'%s', tls_sha256 = x'%s' WHERE device_id = 'valgbord-1'",
                           cose_hex, pin_hex);
    tamper (copy, sql);
    assert_open_fails (copy, VK_ERROR_SIGNATURE, "device valgbord-1: a valgbord has a TLS certificate pin");
    /* The schema refuses it too, to a plain sqlite3. */
    {
      sqlite3 *db = NULL;
      g_autofree char *plain
          = g_strdup_printf ("UPDATE device SET tls_sha256 = x'%s' WHERE device_id = 'valgbord-1'", pin_hex);
      g_autofree char *copy2 = copy_package (f.path, "tls-valgbord-2.vkp");
      g_assert_cmpint (sqlite3_open (copy2, &db), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (db, plain, NULL, NULL, NULL), ==, SQLITE_CONSTRAINT);
      sqlite3_close (db);
    }
  }
}

static void
test_package_refuse (void)
{
  g_auto (Fixture) f;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkPackage) pkg = NULL;
  g_autoptr (VkVoterList) stray = vk_voter_list_new ();
  g_autofree char *newer = NULL, *foreign = NULL, *stray_path = NULL, *partial = NULL, *text = NULL;
  g_autofree char *data = NULL;
  gsize len;
  sqlite3 *db = NULL;

  if (!fixture_setup (&f))
    return;
  pkg = create_package (&f);
  g_clear_pointer (&pkg, vk_package_free);

  /* A newer schema version. */
  newer = copy_package (f.path, "newer.vkp");
  {
    g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d; UPDATE election SET seats = seats",
                                            VK_PACKAGE_SCHEMA_VERSION + 1);
    tamper (newer, sql);
  }
  assert_open_fails (newer, VK_ERROR_VERSION, "newer valgkit");

  /* A SQLite file that is not a package. */
  foreign = g_build_filename (f.dir, "foreign.sqlite", NULL);
  g_assert_cmpint (sqlite3_open (foreign, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE election (x); INSERT INTO election VALUES (1);", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  assert_open_fails (foreign, VK_ERROR_INVALID, "application_id");

  /* Not SQLite, and missing. */
  text = g_build_filename (f.dir, "text.vkp", NULL);
  g_assert_true (g_file_set_contents (text, "afstemningsomraade,loebenummer\n", -1, NULL));
  assert_open_fails (text, VK_ERROR_INVALID, text);
  assert_open_fails ("/nonexistent/election.vkp", VK_ERROR_IO, NULL);

  /* Truncated at several points: always refused, never a crash. */
  g_assert_true (g_file_get_contents (f.path, &data, &len, NULL));
  g_assert_cmpuint (len, >, 8192);
  {
    const gsize cuts[] = { 0, 50, 100, 4096, len / 4, len / 2, len - 4096, len - 1 };
    for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
      {
        g_autofree char *name = g_strdup_printf ("cut-%u.vkp", i);
        g_autofree char *cut = g_build_filename (f.dir, name, NULL);
        g_autoptr (VkPackage) p = NULL;

        g_assert_true (g_file_set_contents (cut, data, (gssize)cuts[i], NULL));
        p = vk_package_open (cut, &error);
        g_assert_null (p);
        g_assert_nonnull (error);
        g_test_message ("cut at %" G_GSIZE_FORMAT ": %s", cuts[i], error->message);
        g_assert_true (error->code == VK_ERROR_INVALID || error->code == VK_ERROR_SIGNATURE);
        g_clear_error (&error);
      }
  }

  /* A voter in an area the election does not have: nothing is written. */
  stray_path = g_build_filename (f.dir, "stray.vkp", NULL);
  partial = g_strconcat (stray_path, ".partial", NULL);
  g_assert_true (vk_voter_list_add (stray, 9999, 1, "Anne Jensen", "Skovvej 1", "1950-03-04", NULL));
  g_assert_null (vk_package_create (stray_path, f.election, stray, f.key, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no afstemningsområde 9999"));
  g_assert_false (g_file_test (stray_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
}

/* An election with no voters, no valgforbund, hand-built: still a package. */
static void
test_package_minimal (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) e = vk_election_new ();
  g_autoptr (VkKeypair) key = key_from_seed (5);
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "mini.vkp", NULL);
  g_autoptr (VkPackage) pkg = NULL;
  g_autoptr (VkElection) back = NULL;
  VkList *l;

  e->type = VK_ELECTION_FA;
  g_free (e->date);
  e->date = g_strdup ("2026-06-01");
  l = vk_election_add_list (e, "ja-nej", "", "Folkeafstemning", 1, VK_LIST_SIDEORDNET);
  vk_election_add_candidate (e, l, "ja", "Ja", NULL, 1);
  vk_election_add_candidate (e, l, "nej", "Nej", NULL, 2);
  vk_election_add_area (e, 1, "Læsø Skole", "", 1500);

  {
    /* Issue 12, item 9: the package (every voter's name and address) is
     * created 0600 whatever the umask; it was 0644. */
    mode_t old = umask (0);
    GStatBuf st;

    pkg = vk_package_create (path, e, NULL, key, &error);
    (void)umask (old);
    g_assert_no_error (error);
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  }
  g_assert_cmpint (vk_package_count_voters (pkg, 0, NULL), ==, 0);
  back = vk_package_dup_election (pkg, &error);
  g_assert_no_error (error);
  assert_elections_equal (e, back);
}

/* ---- An event with two contests: Læsø KV + Region Nordjylland RV ------- */

/* ../shared/data/rv2025/...: beside the KV2025 data (VK_DATA_DIR). */
static char *
rv_data_path (const char *first, ...)
{
  const char *kv = g_getenv ("VK_DATA_DIR");
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = NULL;
  char *path;
  va_list ap;

  if (kv == NULL)
    {
      g_test_skip ("KV2025 data (../shared/data/kv2025) not present");
      return NULL;
    }
  dir = g_path_get_dirname (kv);
  g_ptr_array_add (parts, g_build_filename (dir, "rv2025", NULL));
  va_start (ap, first);
  for (const char *p = first; p != NULL; p = va_arg (ap, const char *))
    g_ptr_array_add (parts, g_strdup (p));
  va_end (ap);
  g_ptr_array_add (parts, NULL);
  path = g_build_filenamev ((char **)parts->pdata);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("RV2025 data file missing");
      g_free (path);
      return NULL;
    }
  return path;
}

static JsonObject *
load_json (const char *path, JsonParser **ret_parser)
{
  g_autoptr (GError) error = NULL;
  JsonParser *parser = json_parser_new ();

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  *ret_parser = parser;
  return json_node_get_object (json_parser_get_root (parser));
}

/* The official council size: the number of seats in mandatfordeling.json. */
static guint
official_seats (const char *path)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *root = load_json (path, &parser);

  return json_array_get_length (json_object_get_array_member (root, "PersonligeMandater"));
}

/* The eligible voters of the RV fintælling file of the area with this
 * DAGI id in municipality kommunekode; -1 when there is none. */
static gint64
official_rv_eligible (const char *dir, const char *kommunekode, const char *dagi_id)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *entry;

  g_assert_nonnull (d);
  while ((entry = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, entry, NULL);
      g_autoptr (JsonParser) parser = NULL;
      JsonObject *root;
      g_autofree char *code = NULL, *dagi = NULL;

      if (!g_str_has_suffix (entry, ".json"))
        continue;
      root = load_json (path, &parser);
      code = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (root, "Kommunekode"));
      dagi = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (root, "AfstemningsområdeDagiId"));
      if (strcmp (code, kommunekode) == 0 && strcmp (dagi, dagi_id) == 0)
        return json_object_get_int_member (root, "AntalStemmeberettigedeVælgere");
    }
  return -1;
}

typedef struct
{
  char *dir;
  char *path;
  char *rv_fintaelling;
  VkElection *election; /* KV, with the RV contest */
  VkVoterList *voters;
  VkKeypair *key;
} JointFixture;

static void
joint_fixture_clear (JointFixture *f)
{
  g_clear_pointer (&f->election, vk_election_free);
  g_clear_pointer (&f->voters, vk_voter_list_free);
  g_clear_pointer (&f->key, vk_keypair_free);
  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->path, g_free);
  g_clear_pointer (&f->rv_fintaelling, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (JointFixture, joint_fixture_clear)

/* Læsø's KV2025 and Region Nordjylland's RV2025 as one event: both
 * kandidat-data files, the KV areas, each contest's official seats, and
 * the RV contest's eligible voters from the official RV fintælling. */
static gboolean
joint_fixture_setup (JointFixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *kv_kd = vk_test_data_path ("Læsø", "kandidat-data.json", NULL);
  g_autofree char *kv_areas = vk_test_data_path ("Læsø", "fintaelling", NULL);
  g_autofree char *kv_seats = vk_test_data_path ("Læsø", "mandatfordeling.json", NULL);
  g_autofree char *rv_kd = rv_data_path ("Region_Nordjylland", "kandidat-data.json", NULL);
  g_autofree char *rv_seats = rv_data_path ("Region_Nordjylland", "mandatfordeling.json", NULL);
  VkElection *rv;

  memset (f, 0, sizeof *f);
  f->rv_fintaelling = rv_data_path ("Region_Nordjylland", "fintaelling", NULL);
  if (kv_kd == NULL || kv_areas == NULL || kv_seats == NULL || rv_kd == NULL || rv_seats == NULL
      || f->rv_fintaelling == NULL)
    return FALSE;
  f->election = vk_election_import_kandidatdata (kv_kd, &error);
  g_assert_no_error (error);
  g_assert_true (vk_election_import_areas_dir (f->election, kv_areas, &error));
  g_assert_no_error (error);
  f->election->seats = official_seats (kv_seats);

  rv = vk_election_import_kandidatdata (rv_kd, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rv->type, ==, VK_ELECTION_RV);
  rv->seats = official_seats (rv_seats);
  vk_election_copy_areas (rv, f->election);
  for (guint i = 0; i < rv->areas->len; i++)
    {
      VkArea *a = g_ptr_array_index (rv->areas, i);
      gint64 eligible = official_rv_eligible (f->rv_fintaelling, f->election->municipality_code, a->dagi_id);

      g_assert_cmpint (eligible, >=, 0);
      a->eligible = (guint)eligible;
    }
  g_assert_true (vk_election_add_contest (f->election, rv, &error));
  g_assert_no_error (error);

  f->voters = vk_voters_generate_for_election (f->election, VOTERS_PER_AREA, 2025);
  f->key = key_from_seed (0x44);
  f->dir = vk_test_tmpdir ();
  f->path = g_build_filename (f->dir, "laesoe.vkp", NULL);
  return TRUE;
}

static void
assert_joint_equal (const VkElection *a, const VkElection *b)
{
  assert_elections_equal (a, b);
  g_assert_cmpuint (vk_election_get_n_contests (b), ==, vk_election_get_n_contests (a));
  g_assert_true (vk_election_get_contest_nth (b, 0) == b);
  for (guint i = 0; i < vk_election_get_n_contests (a); i++)
    {
      const VkElection *ca = vk_election_get_contest_nth (a, i);
      const VkElection *cb = vk_election_get_contest_nth (b, i);

      g_assert_cmpstr (vk_election_contest_id (ca), ==, vk_election_contest_id (cb));
      g_assert_cmpstr (ca->region, ==, cb->region);
      g_assert_cmpstr (ca->region_dagi_id, ==, cb->region_dagi_id);
      g_assert_true (cb->event == b);
      if (i > 0)
        assert_elections_equal (ca, cb);
    }
}

static void
test_package_joint (void)
{
  g_auto (JointFixture) f;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkPackage) pkg = NULL;
  g_autoptr (VkElection) back = NULL;
  const VkElection *kv, *rv;
  guint8 id[VK_ELECTION_ID_BYTES];

  if (!joint_fixture_setup (&f))
    return;
  pkg = vk_package_create (f.path, f.election, f.voters, f.key, &error);
  g_assert_no_error (error);
  g_assert_true (vk_package_compute_election_id (pkg, id, &error));
  g_assert_cmpmem (id, sizeof id, vk_package_get_election_id (pkg), VK_ELECTION_ID_BYTES);
  g_clear_pointer (&pkg, vk_package_free);

  pkg = vk_package_open (f.path, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (id, sizeof id, vk_package_get_election_id (pkg), VK_ELECTION_ID_BYTES);
  back = vk_package_dup_election (pkg, &error);
  g_assert_no_error (error);
  assert_joint_equal (f.election, back);
  assert_joint_equal (f.election, vk_package_get_election (pkg));

  kv = back;
  rv = vk_election_get_contest (back, "RV");
  g_assert_nonnull (rv);
  g_assert_cmpint (kv->type, ==, VK_ELECTION_KV);
  g_assert_cmpstr (kv->municipality, ==, "Læsø");
  g_assert_cmpstr (kv->municipality_code, ==, "825");
  g_assert_cmpstr (rv->region, ==, "Region Nordjylland");
  g_assert_cmpstr (rv->region_dagi_id, ==, "389098");
  g_assert_cmpstr (rv->date, ==, kv->date);
  g_assert_cmpstr (rv->municipality, ==, kv->municipality);
  g_assert_cmpuint (kv->seats, ==, 9);  /* len (PersonligeMandater), checked against the file above */
  g_assert_cmpuint (rv->seats, ==, 25); /* idem */
  g_assert_cmpuint (rv->valgforbund->len, >, 0);
  g_assert_cmpuint (kv->valgforbund->len, >, 0);
  /* Ballot order: strictly increasing positions, each list where it is
   * in kandidat-data (compared by assert_elections_equal). */
  for (guint i = 1; i < rv->lists->len; i++)
    g_assert_cmpuint (((VkList *)g_ptr_array_index (rv->lists, i - 1))->position, <,
                      ((VkList *)g_ptr_array_index (rv->lists, i))->position);
  /* No list or candidate of one contest leaks into the other. */
  for (guint i = 0; i < rv->lists->len; i++)
    g_assert_null (vk_election_lookup_list (kv, ((VkList *)g_ptr_array_index (rv->lists, i))->id));
  /* Each contest's own eligible voters, the RV's as in the official files. */
  g_assert_cmpuint (rv->areas->len, ==, kv->areas->len);
  for (guint i = 0; i < rv->areas->len; i++)
    {
      const VkArea *a = g_ptr_array_index (rv->areas, i);
      const VkArea *k = g_ptr_array_index (kv->areas, i);

      g_assert_cmpuint (a->number, ==, k->number);
      g_assert_cmpstr (a->dagi_id, ==, k->dagi_id);
      g_assert_cmpint (a->eligible, ==, official_rv_eligible (f.rv_fintaelling, "825", a->dagi_id));
    }
}

/* Tampering with the RV contest's rows names the section. */
static void
test_package_joint_tamper (void)
{
  g_auto (JointFixture) f;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkPackage) pkg = NULL;
  struct
  {
    const char *name;
    const char *sql;
    const char *what;
  } cases[] = {
    { "rv-list", "UPDATE list SET name = name || '.' WHERE id = (SELECT min (id) FROM list WHERE contest = 'RV')",
      "lists changed" },
    { "rv-list-moved", "UPDATE list SET contest = 'KV' WHERE id = (SELECT min (id) FROM list WHERE contest = 'RV')",
      "lists changed" },
    { "rv-valgforbund", "UPDATE valgforbund SET name = 'X' WHERE contest = 'RV'", "valgforbund changed" },
    { "rv-eligible", "UPDATE area_contest SET eligible = eligible + 1 WHERE contest = 'RV'", "contests changed" },
    { "rv-seats", "UPDATE contest SET seats = seats + 1", "contests changed" },
    { "rv-region", "UPDATE contest SET region = 'Region Midtjylland'", "contests changed" },
    { "rv-deleted", "DELETE FROM area_contest", "contests changed" },
  };

  if (!joint_fixture_setup (&f))
    return;
  pkg = vk_package_create (f.path, f.election, f.voters, f.key, &error);
  g_assert_no_error (error);
  g_clear_pointer (&pkg, vk_package_free);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strconcat ("tampered-", cases[i].name, ".vkp", NULL);
      g_autofree char *copy = copy_package (f.path, name);

      tamper (copy, cases[i].sql);
      g_test_message ("tamper %s", cases[i].name);
      assert_open_fails (copy, VK_ERROR_SIGNATURE, cases[i].what);
    }
}

/* A package of format 1 is refused with a message naming the file; a
 * contest without the event's areas is not written. */
static void
test_package_joint_refuse (void)
{
  g_auto (JointFixture) f;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkPackage) pkg = NULL;
  g_autofree char *old = NULL, *bad = NULL, *expected = NULL;
  VkElection *rv;

  if (!joint_fixture_setup (&f))
    return;
  pkg = vk_package_create (f.path, f.election, f.voters, f.key, &error);
  g_assert_no_error (error);
  g_clear_pointer (&pkg, vk_package_free);

  old = copy_package (f.path, "format-1.vkp");
  tamper (old, "PRAGMA user_version = 1; UPDATE package SET format = 'valgkit-package-v1'");
  expected = g_strdup_printf ("%s: was written by an older valgkit (package format 1); import the election again", old);
  assert_open_fails (old, VK_ERROR_VERSION, expected);

  /* The RV contest lost an area: refused, nothing written. */
  rv = vk_election_get_contest (f.election, "RV");
  g_ptr_array_set_size (rv->areas, 0);
  bad = g_build_filename (f.dir, "no-rv-areas.vkp", NULL);
  g_assert_null (vk_package_create (bad, f.election, f.voters, f.key, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "the RV contest has 0 afstemningsområder"));
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/package/roundtrip", test_package_roundtrip);
  g_test_add_func ("/package/election-id", test_package_election_id);
  g_test_add_func ("/package/enroll", test_package_enroll);
  g_test_add_func ("/package/tamper", test_package_tamper);
  g_test_add_func ("/package/refuse", test_package_refuse);
  g_test_add_func ("/package/tls-pin", test_package_tls_pin);
  g_test_add_func ("/package/minimal", test_package_minimal);
  g_test_add_func ("/package/joint", test_package_joint);
  g_test_add_func ("/package/joint-tamper", test_package_joint_tamper);
  g_test_add_func ("/package/joint-refuse", test_package_joint_refuse);
  return g_test_run ();
}
