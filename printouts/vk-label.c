/* vk-label.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-cbor.h"
#include "vk-cose.h"
#include "vk-error.h"
#include "vk-label.h"
#include "vk-signed-qr.h"

/* The one-part header every label QR text starts with. */
#define LABEL_PART_HEADER VK_SIGNED_QR_PREFIX "1/1:"

void
vk_label_data_free (VkLabelData *self)
{
  if (self == NULL)
    return;
  g_free (self->envelope);
  g_free (self->device_id);
  g_free (self);
}

static gboolean
envelope_of_device (const char *envelope, const char *device_id)
{
  gsize n = strlen (device_id);
  return envelope != NULL && strncmp (envelope, device_id, n) == 0 && envelope[n] == '/' && envelope[n + 1] != '\0';
}

char *
vk_label_qr_encode (const VkLabel *self, GError **error)
{
  g_autoptr (VkCbor) map = vk_cbor_new_map ();
  g_autoptr (GBytes) payload = NULL;
  g_autoptr (GPtrArray) texts = NULL;

  g_return_val_if_fail (self != NULL && self->key != NULL && self->info.election_id != NULL, NULL);
  g_return_val_if_fail (self->device_id != NULL && self->envelope != NULL, NULL);

  if (!envelope_of_device (self->envelope, self->device_id))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "Envelope id \"%s\" is not one of device %s (\"%s/<seq>\")",
                   self->envelope, self->device_id, self->device_id);
      return NULL;
    }
  vk_cbor_map_set_text (map, "domain", VK_LABEL_DOMAIN);
  vk_cbor_map_set_bytes (map, "election", self->info.election_id, VK_PRINTOUT_DIGEST_BYTES);
  vk_cbor_map_set_text (map, "envelope", self->envelope);
  vk_cbor_map_set_uint (map, "area", self->area);
  vk_cbor_map_set_uint (map, "loebenummer", self->loebenummer);
  vk_cbor_map_set_uint (map, "cast_ms", self->cast_ms);
  payload = vk_cbor_encode (map);
  texts = vk_signed_qr_encode (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), self->key, error);
  if (texts == NULL)
    return NULL;
  /* The payload is about 120 bytes: far below one part's limit. */
  g_assert (texts->len == 1);
  return g_strdup (g_ptr_array_index (texts, 0));
}

static const char *
place_name (const char *place)
{
  static const char *const names[][2] = {
    { "borgerservice", "Borgerservice" },
    { "hjem", "Vælgerens hjem" },
    { "plejehjem", "Plejehjem, plejebolig eller lignende" },
    { "hospital", "Sygehus" },
    { "faengsel", "Fængsel eller arresthus" },
    { "andet", "Andet sted" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (place, names[i][0]) == 0)
      return names[i][1];
  return place != NULL ? place : "";
}

/* YYYY-MM-DD → "DD-MM-YYYY". */
static char *
danish_date (const char *iso)
{
  if (iso == NULL || strlen (iso) != 10)
    return g_strdup (iso != NULL ? iso : "");
  return g_strdup_printf ("%.2s-%.2s-%.4s", iso + 8, iso + 5, iso);
}

gboolean
vk_label_write (const VkLabel *self, const char *path, GError **error)
{
  g_autoptr (VkPdf) pdf = NULL;
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *qr = NULL, *election = NULL, *municipality = NULL, *printed = NULL;
  g_autofree char *born = NULL, *area = NULL, *lnr = NULL, *when = NULL, *receivers = NULL;
  g_autofree char *footer = NULL, *key_hex = NULL, *note = NULL, *caption = NULL;
  double w;

  g_return_val_if_fail (self != NULL && self->info.election != NULL && path != NULL, FALSE);

  qr = vk_label_qr_encode (self, error);
  if (qr == NULL)
    return FALSE;
  g_ptr_array_add (texts, g_strdup (qr));

  pdf = vk_pdf_new (&self->info, "Kuvertsedel", error);
  if (pdf == NULL)
    return FALSE;
  w = vk_pdf_get_width (pdf);
  election = vk_printout_election_title (self->info.election);
  municipality = vk_printout_municipality_name (self->info.election);
  printed = vk_printout_printed_line (&self->info);
  {
    const char *lines[] = { election, municipality, printed, NULL };
    vk_pdf_title (pdf, "Kuvertsedel til brevstemme (ikke et følgebrev)", lines);
  }
  footer = g_strdup_printf ("Kuvertsedel for kuvert %s, modtaget af enhed %s", self->envelope, self->device_id);
  vk_pdf_set_footer (pdf, footer);
  vk_pdf_heading (pdf, "Hvad sedlen er til");
  vk_pdf_paragraph (pdf, VK_PDF_REGULAR, 10,
                    "Kuvertsedlen lægges i yderkuverten sammen med det officielle følgebrev og "
                    "stemmeseddelkuverten. Den erstatter ikke følgebrevet: vælgerens erklæring og "
                    "stemmemodtagernes attestation skrives kun på det officielle følgebrev. Sedlen bærer "
                    "kuvertens id, så valgstyrerne på afstemningsstedet kan scanne QR-koden og finde "
                    "brevstemmen i valgkit, når de afgør den.");

  /* The voter, so that the valgstyrere can match the slip with the
   * følgebrev (blank when the caller has no name). */
  born = danish_date (self->voter_birth_date);
  area = self->area_name != NULL && *self->area_name != '\0' ? g_strdup_printf ("%u %s", self->area, self->area_name)
                                                             : g_strdup_printf ("%u", self->area);
  lnr = g_strdup_printf ("%u", self->loebenummer);
  vk_pdf_heading (pdf, "Vælgeren");
  {
    const VkPdfColumn cols[] = { { 0, 170, VK_PDF_LEFT }, { 170, w - 170, VK_PDF_LEFT } };
    const char *rows[][2] = {
      { "Navn", self->voter_name != NULL ? self->voter_name : "" },
      { "Adresse", self->voter_address != NULL ? self->voter_address : "" },
      { "Fødselsdato", born },
      { "Afstemningsområde", area },
      { "Løbenummer på valglisten", lnr },
    };
    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      vk_pdf_row (pdf, cols, 2, rows[i], i == 0 ? VK_PDF_BOLD : VK_PDF_REGULAR, 10.5, i % 2 == 1);
  }

  when = vk_printout_format_time ((gint64)(self->cast_ms / 1000));
  receivers = self->receivers != NULL ? g_strjoinv (" og ", (char **)self->receivers) : g_strdup ("");
  vk_pdf_heading (pdf, "Stemmeafgivningen");
  {
    const VkPdfColumn cols[] = { { 0, 170, VK_PDF_LEFT }, { 170, w - 170, VK_PDF_LEFT } };
    const char *rows[][2] = {
      { "Sted", place_name (self->place) },
      { "Tidspunkt", when },
      { "Stemmemodtagere", receivers },
      { "Kuvert-id", self->envelope },
    };
    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      vk_pdf_row (pdf, cols, 2, rows[i], i == 3 ? VK_PDF_BOLD : VK_PDF_REGULAR, 10.5, i % 2 == 1);
  }

  vk_pdf_heading (pdf, "Kuvertens QR-kode");
  key_hex = vk_hex_encode (vk_keypair_get_key_id (self->key), VK_KEY_ID_BYTES);
  note = g_strdup_printf ("QR-koden indeholder kun kuvert-id, afstemningsområde, løbenummer og tidspunkt – ikke navn "
                          "eller CPR-nummer – signeret af enhedens nøgle (nøgle-id %s). Valgstyrerne scanner den ved "
                          "afstemningsstedet for at finde brevstemmen.",
                          key_hex);
  vk_pdf_paragraph (pdf, VK_PDF_REGULAR, 8.5, note);
  vk_pdf_space (pdf, 4);
  caption = g_strdup_printf ("Kuvert %s", self->envelope);
  if (!vk_pdf_qr_codes (pdf, texts, caption, error))
    return FALSE;
  return vk_pdf_save (pdf, path, error);
}

gboolean
vk_label_looks_like (const char *text)
{
  return text != NULL && g_str_has_prefix (text, VK_SIGNED_QR_PREFIX);
}

VkLabelData *
vk_label_decode (VkPackage *package, const char *text, GError **error)
{
  g_autofree char *clean = NULL;
  g_autoptr (GBytes) cose_bytes = NULL;
  g_autoptr (VkCoseSign1) sign1 = NULL;
  g_autoptr (GBytes) payload = NULL;
  g_autoptr (VkCbor) map = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (VkLabelData) data = NULL;
  const VkDevice *device;
  const char *domain, *envelope;
  const guint8 *election;
  gsize election_len = 0;
  guint64 area = 0, lnr = 0, cast_ms = 0;
  const char *texts[1];

  g_return_val_if_fail (package != NULL && text != NULL, NULL);

  clean = g_strchomp (g_strdup (text));
  if (!g_str_has_prefix (clean, LABEL_PART_HEADER))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "Not a følgebrev QR text: it must start with \"%s\"",
                   LABEL_PART_HEADER);
      return NULL;
    }
  /* The signing device is named by the COSE key id; look it up before
   * verifying, since the label is only trusted through its enrolment. */
  cose_bytes
      = vk_base45_decode (clean + strlen (LABEL_PART_HEADER), strlen (clean + strlen (LABEL_PART_HEADER)), &local);
  if (cose_bytes == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "Følgebrev QR text: %s", local->message);
      return NULL;
    }
  sign1 = vk_cose_sign1_decode (g_bytes_get_data (cose_bytes, NULL), g_bytes_get_size (cose_bytes), &local);
  if (sign1 == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "Følgebrev QR code content: %s", local->message);
      return NULL;
    }
  device = vk_package_lookup_device_by_key_id (package, sign1->key_id);
  if (device == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "The følgebrev is signed by a key not enrolled in this election");
      return NULL;
    }
  if (!vk_device_role_takes_brevstemmer (device->role_id))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY,
                   "The følgebrev is signed by device %s (role %s), which does not "
                   "receive brevstemmer",
                   device->device_id, device->role);
      return NULL;
    }
  texts[0] = clean;
  payload = vk_signed_qr_decode (texts, 1, device->public_key, error);
  if (payload == NULL)
    return NULL;
  map = vk_cbor_decode (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), error);
  if (map == NULL)
    {
      g_prefix_error (error, "Følgebrev payload: ");
      return NULL;
    }
  if (vk_cbor_get_type (map) != VK_CBOR_MAP)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "Følgebrev payload: not a CBOR map");
      return NULL;
    }
  if ((domain = vk_cbor_map_get_text_field (map, "domain", error)) == NULL
      || (election = vk_cbor_map_get_bytes_field (map, "election", &election_len, error)) == NULL
      || (envelope = vk_cbor_map_get_text_field (map, "envelope", error)) == NULL
      || !vk_cbor_map_get_uint_field (map, "area", &area, error)
      || !vk_cbor_map_get_uint_field (map, "loebenummer", &lnr, error)
      || !vk_cbor_map_get_uint_field (map, "cast_ms", &cast_ms, error))
    {
      g_prefix_error (error, "Følgebrev payload: ");
      return NULL;
    }
  if (strcmp (domain, VK_LABEL_DOMAIN) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "Følgebrev payload: field \"domain\" is \"%s\", not \"%s\"",
                   domain, VK_LABEL_DOMAIN);
      return NULL;
    }
  if (election_len != VK_PRINTOUT_DIGEST_BYTES
      || memcmp (election, vk_package_get_election_id (package), VK_PRINTOUT_DIGEST_BYTES) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "Følgebrev payload: field \"election\" names another election than this package's");
      return NULL;
    }
  if (!envelope_of_device (envelope, device->device_id))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "Følgebrev payload: field \"envelope\" (\"%s\") is not an envelope of the signing device %s",
                   envelope, device->device_id);
      return NULL;
    }
  if (area == 0 || area > G_MAXUINT || lnr == 0 || lnr > G_MAXUINT)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "Følgebrev payload: field \"%s\" is out of range",
                   area == 0 || area > G_MAXUINT ? "area" : "loebenummer");
      return NULL;
    }
  data = g_new0 (VkLabelData, 1);
  data->envelope = g_strdup (envelope);
  data->device_id = g_strdup (device->device_id);
  data->area = (guint)area;
  data->loebenummer = (guint)lnr;
  data->cast_ms = cast_ms;
  return g_steal_pointer (&data);
}
