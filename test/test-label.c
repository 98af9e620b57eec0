/* test-label.c: the følgebrev slip of a received brevstemme.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A home-visit team records a brevstemme with the station engine and
 * prints its følgebrev; the PDF is read back with tools we did not write
 * (pdftotext, pdftoppm + zbarimg), the scanned QR text is verified
 * against the package and leads the polling station's engine to the
 * envelope.  The expected values come from the engine's own record of
 * the brevstemme (vk_station_dup_brevstemme()), not from the label code.
 */
#include <string.h>

#include "vk-cbor.h"
#include "vk-cose.h"
#include "vk-error.h"
#include "vk-fake-election.h"
#include "vk-fake.h"
#include "vk-label.h"
#include "vk-signed-qr.h"
#include "vk-station.h"
#include "vk-test-util.h"

#define SEED 4417

typedef struct
{
  char *dir;
  VkElection *election;
  VkVoterList *voters;
  VkPackage *package;
  VkKeypair *key_hjem;
  VkKeypair *key_bord;
  guint area;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) election_key = vk_keypair_generate ();
  g_autofree char *pkg = NULL;
  guint64 now = (guint64)(g_get_real_time () / 1000);

  f->dir = vk_test_tmpdir ();
  f->election = vk_fake_election_new (SEED);
  f->voters = vk_voters_generate_for_election (f->election, 40, SEED);
  f->area = ((VkArea *)g_ptr_array_index (f->election->areas, 0))->number;
  pkg = g_build_filename (f->dir, "election.vkp", NULL);
  f->package = vk_package_create (pkg, f->election, f->voters, election_key, &error);
  g_assert_no_error (error);
  f->key_hjem = vk_keypair_generate ();
  f->key_bord = vk_keypair_generate ();
  g_assert_true (vk_package_enroll (f->package, election_key, "hjem-1", "hjemmebesoeg", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (f->key_hjem), now - 3600000, now + 3600000 * 24,
                                    &error));
  g_assert_true (vk_package_enroll (f->package, election_key, "bord-1", "valgbord", f->area,
                                    vk_keypair_get_public_key (f->key_bord), now - 3600000, now + 3600000 * 24,
                                    &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->package, vk_package_free);
  g_clear_pointer (&f->voters, vk_voter_list_free);
  g_clear_pointer (&f->election, vk_election_free);
  g_clear_pointer (&f->key_hjem, vk_keypair_free);
  g_clear_pointer (&f->key_bord, vk_keypair_free);
  g_free (f->dir);
}

static char *
find_tool (const char *name)
{
  char *path = g_find_program_in_path (name);

  if (path == NULL)
    g_test_skip_printf ("%s is not installed", name);
  return path;
}

/* A label for a brevstemme the engine recorded, and that record. */
static VkStation *
receive (Fixture *f, guint lnr, const char *cpr, VkBrevstemme **ret_b)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *db = g_build_filename (f->dir, "hjem-1.db", NULL);
  VkStation *s = vk_station_open (f->package, db, "hjem-1", f->key_hjem, &error);
  const char *receivers[] = { "Anne Holm", "Bo Bjørnsen", NULL };
  VkBrevstemmeInput in = { f->area, lnr, cpr, "plejehjem", receivers, 0 };
  g_autofree char *envelope = NULL;

  g_assert_no_error (error);
  envelope = vk_station_receive_brevstemme (s, &in, NULL, &error);
  g_assert_no_error (error);
  *ret_b = vk_station_dup_brevstemme (s, envelope);
  g_assert_nonnull (*ret_b);
  return s;
}

static void
label_from (Fixture *f, VkLabel *label, const VkBrevstemme *b, const VkVoter *v, const VkKeypair *key)
{
  memset (label, 0, sizeof *label);
  label->info = (VkPrintoutInfo){ f->election, vk_package_get_election_id (f->package), FALSE, 0 };
  label->key = key;
  label->device_id = b->device_id;
  label->envelope = b->envelope;
  label->area = b->area;
  label->area_name = vk_election_lookup_area (f->election, b->area)->name;
  label->loebenummer = b->loebenummer;
  label->voter_name = v->name;
  label->voter_address = v->address;
  label->voter_birth_date = v->birth_date;
  label->place = b->place;
  label->receivers = (const char *const *)b->receivers;
  label->cast_ms = b->cast_ms;
}

static void
test_label_pdf (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkBrevstemme) b = NULL;
  g_autoptr (VkStation) hjem = NULL;
  g_autoptr (VkStation) bord = NULL;
  g_autoptr (VkLabelData) got = NULL;
  g_autofree char *pdf = g_build_filename (f->dir, "foelgebrev.pdf", NULL);
  g_autofree char *text = NULL, *qr = NULL;
  g_autofree char *pdftotext = NULL, *pdftoppm = NULL, *zbarimg = NULL;
  const VkVoter *v = vk_voter_list_lookup (f->voters, f->area, 5);
  g_autofree char *cpr = NULL;
  g_autofree char *born = NULL;
  VkLabel label;

  g_assert_nonnull (v);
  cpr = g_strdup_printf ("%.2s%.2s%.2s-%s", v->birth_date + 8, v->birth_date + 5, v->birth_date + 2,
                         v->birth_date[0] == '2' ? "4123" : "1123");
  hjem = receive (f, 5, cpr, &b);
  label_from (f, &label, b, v, f->key_hjem);
  g_assert_true (vk_label_write (&label, pdf, &error));
  g_assert_no_error (error);

  if ((pdftotext = find_tool ("pdftotext")) == NULL || (pdftoppm = find_tool ("pdftoppm")) == NULL
      || (zbarimg = find_tool ("zbarimg")) == NULL)
    return;
  {
    const char *argv[] = { pdftotext, "-layout", "-enc", "UTF-8", pdf, "-", NULL };
    g_autofree char *err = NULL;
    g_assert_cmpint (vk_test_spawn (argv, &text, &err), ==, 0);
  }
  /* The human-readable part: a kuvertsedel that says it is not the
   * følgebrev and what it is for, with no declaration or signature lines;
   * the voter, the place, the stemmemodtagere, the envelope id; never the
   * CPR number. */
  born = g_strdup_printf ("%.2s-%.2s-%.4s", v->birth_date + 8, v->birth_date + 5, v->birth_date);
  g_assert_nonnull (strstr (text, "Kuvertsedel til brevstemme (ikke et følgebrev)"));
  g_assert_nonnull (strstr (text, "Den erstatter ikke følgebrevet"));
  g_assert_nonnull (strstr (text, "scanne QR-koden"));
  g_assert_null (strstr (text, "Underskrift"));
  /* The synthetic Prøvekommune is a test election: PRØVEVALG on the slip. */
  g_assert_nonnull (strstr (text, "PRØVEVALG"));
  g_assert_null (strstr (text, "bekræfter"));
  g_assert_nonnull (strstr (text, v->name));
  g_assert_nonnull (strstr (text, born));
  g_assert_nonnull (strstr (text, b->envelope));
  g_assert_nonnull (strstr (text, "Plejehjem"));
  g_assert_nonnull (strstr (text, "Anne Holm og Bo Bjørnsen"));
  g_assert_nonnull (strstr (text, "hjem-1"));
  g_assert_null (strstr (text, cpr));
  g_assert_null (strstr (text, cpr + 7));
  {
    g_autofree char *lnr = g_strdup_printf ("%u", b->loebenummer);
    g_assert_nonnull (strstr (text, lnr));
  }

  /* The QR code, scanned off a 150 dpi rendering. */
  {
    g_autofree char *prefix = g_build_filename (f->dir, "page", NULL);
    g_autofree char *png = g_build_filename (f->dir, "page.png", NULL);
    const char *ppm_argv[] = { pdftoppm, "-r", "150", "-png", "-singlefile", pdf, prefix, NULL };
    const char *zbar_argv[] = { zbarimg, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", png, NULL };
    g_autofree char *out = NULL, *err = NULL, *err2 = NULL;
    g_auto (GStrv) lines = NULL;

    g_assert_cmpint (vk_test_spawn (ppm_argv, &out, &err), ==, 0);
    g_assert_cmpint (vk_test_spawn (zbar_argv, &qr, &err2), ==, 0);
    lines = g_strsplit (g_strstrip (qr), "\n", -1);
    if (g_strv_length (lines) != 1)
      g_printerr ("zbarimg read: %s\n", qr);
    g_assert_cmpuint (g_strv_length (lines), ==, 1);
  }
  g_assert_true (vk_label_looks_like (qr));
  g_assert_true (g_str_has_prefix (qr, "VK1:1/1:"));
  /* $VK_SCREENSHOT_DIR (docs/screenshots/ when refreshed by hand) gets
   * the picture of the slip. */
  if (g_getenv ("VK_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *prefix = g_build_filename (g_getenv ("VK_SCREENSHOT_DIR"), "foelgebrev", NULL);
      const char *argv[] = { pdftoppm, "-r", "80", "-png", "-singlefile", pdf, prefix, NULL };
      g_autofree char *out = NULL, *err = NULL;
      g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 0);
    }

  /* One page: the slip goes into the envelope whole. */
  g_assert_null (strstr (text, "\f") != NULL ? strstr (strstr (text, "\f") + 1, "Kuvertsedel") : NULL);

  /* It verifies against the package and says what the engine recorded. */
  got = vk_label_decode (f->package, qr, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->envelope, ==, b->envelope);
  g_assert_cmpstr (got->device_id, ==, "hjem-1");
  g_assert_cmpuint (got->area, ==, b->area);
  g_assert_cmpuint (got->loebenummer, ==, b->loebenummer);
  g_assert_cmpuint (got->cast_ms, ==, b->cast_ms);

  /* The payload holds no name, address, birth date or CPR number:
   * exactly the six documented fields. */
  {
    g_autoptr (GBytes) cose = vk_base45_decode (qr + 8, strlen (qr + 8), &error);
    g_autoptr (VkCoseSign1) s1 = vk_cose_sign1_decode (g_bytes_get_data (cose, NULL), g_bytes_get_size (cose), &error);
    g_autoptr (VkCbor) map = NULL;
    const char *keys[] = { "area", "domain", "cast_ms", "election", "envelope", "loebenummer" };
    gsize len;
    const guint8 *p;

    g_assert_no_error (error);
    map = vk_cbor_decode (g_bytes_get_data (s1->payload, NULL), g_bytes_get_size (s1->payload), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (vk_cbor_map_get_length (map), ==, G_N_ELEMENTS (keys));
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      g_assert_nonnull (vk_cbor_map_lookup_text (map, keys[i]));
    p = g_bytes_get_data (s1->payload, &len);
    for (gsize i = 0; i + strlen (v->name) <= len; i++)
      g_assert_true (memcmp (p + i, v->name, strlen (v->name)) != 0);
  }

  /* The polling station gets the journal and finds the envelope by the
   * scanned slip. */
  {
    g_autofree char *db = g_build_filename (f->dir, "bord-1.db", NULL);
    g_autoptr (GPtrArray) entries = vk_journal_dup_entries (vk_station_get_journal (hjem), 0, &error);
    g_autoptr (VkBrevstemme) found = NULL;

    bord = vk_station_open (f->package, db, "bord-1", f->key_bord, &error);
    g_assert_no_error (error);
    g_assert_true (vk_station_ingest (bord, entries, NULL, &error));
    g_assert_no_error (error);
    found = vk_station_dup_brevstemme (bord, got->envelope);
    g_assert_nonnull (found);
    g_assert_cmpuint (found->loebenummer, ==, b->loebenummer);
  }
}

/* Labels that must not be trusted. */
static void
test_label_bad (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkBrevstemme) b = NULL;
  g_autoptr (VkStation) hjem = receive (f, 7, NULL, &b);
  const VkVoter *v = vk_voter_list_lookup (f->voters, f->area, 7);
  g_autofree char *good = NULL;
  VkLabel label;

  label_from (f, &label, b, v, f->key_hjem);
  good = vk_label_qr_encode (&label, &error);
  g_assert_no_error (error);

  /* Not a label at all, and a truncated one. */
  {
    const char *texts[] = { "", "hjem-1/2", "VK1:2/3:ABC", "VK1:1/1:" };
    for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
      {
        g_autoptr (VkLabelData) d = vk_label_decode (f->package, texts[i], &error);
        g_assert_null (d);
        g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
        g_clear_error (&error);
      }
    for (gsize cut = 9; cut < strlen (good); cut += 17)
      {
        g_autofree char *t = g_strndup (good, cut);
        g_autoptr (VkLabelData) d = vk_label_decode (f->package, t, &error);
        g_assert_null (d);
        g_assert_nonnull (error);
        g_clear_error (&error);
      }
  }
  /* Every character changed in turn: never accepted as it was. */
  for (gsize i = strlen ("VK1:1/1:"); good[i] != '\0'; i++)
    {
      g_autofree char *t = g_strdup (good);
      g_autoptr (VkLabelData) d = NULL;

      t[i] = t[i] == '0' ? '1' : '0';
      d = vk_label_decode (f->package, t, &error);
      if (d != NULL)
        g_error ("changed label text accepted (character %" G_GSIZE_FORMAT ")", i);
      g_assert_nonnull (error);
      g_clear_error (&error);
    }
  /* A trailing newline (scanners end with Enter) is fine. */
  {
    g_autofree char *t = g_strconcat (good, "\r\n", NULL);
    g_autoptr (VkLabelData) d = vk_label_decode (f->package, t, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (d->envelope, ==, b->envelope);
  }
  /* Signed by a valgbord's key: not a device that receives brevstemmer. */
  {
    g_autofree char *t = NULL;
    g_autoptr (VkLabelData) d = NULL;
    label.key = f->key_bord;
    label.device_id = "bord-1";
    label.envelope = "bord-1/2";
    t = vk_label_qr_encode (&label, &error);
    g_assert_no_error (error);
    d = vk_label_decode (f->package, t, &error);
    g_assert_error (error, VK_ERROR, VK_ERROR_KEY);
    g_clear_error (&error);
  }
  /* Signed by a key enrolled nowhere. */
  {
    g_autoptr (VkKeypair) stranger = vk_keypair_generate ();
    g_autofree char *t = NULL;
    g_autoptr (VkLabelData) d = NULL;
    label_from (f, &label, b, v, stranger);
    t = vk_label_qr_encode (&label, &error);
    d = vk_label_decode (f->package, t, &error);
    g_assert_error (error, VK_ERROR, VK_ERROR_KEY);
    g_clear_error (&error);
  }
  /* Another election (another election id), the right key. */
  {
    guint8 other[VK_PRINTOUT_DIGEST_BYTES];
    g_autofree char *t = NULL;
    g_autoptr (VkLabelData) d = NULL;
    label_from (f, &label, b, v, f->key_hjem);
    memset (other, 0x42, sizeof other);
    label.info.election_id = other;
    t = vk_label_qr_encode (&label, &error);
    d = vk_label_decode (f->package, t, &error);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "\"election\""));
    g_clear_error (&error);
  }
  /* An envelope of another device is refused when printing. */
  {
    g_autofree char *t = NULL;
    label_from (f, &label, b, v, f->key_hjem);
    label.envelope = "hjem-2/3";
    t = vk_label_qr_encode (&label, &error);
    g_assert_null (t);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_clear_error (&error);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/label/pdf", Fixture, NULL, fixture_setup, test_label_pdf, fixture_teardown);
  g_test_add ("/label/bad", Fixture, NULL, fixture_setup, test_label_bad, fixture_teardown);
  return g_test_run ();
}
