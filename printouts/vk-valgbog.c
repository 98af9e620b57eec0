/* vk-valgbog.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-error.h"
#include "vk-result-sheet-private.h"
#include "vk-valgbog.h"

static char *
fmt (guint64 n)
{
  return vk_printout_format_number (n);
}

static char *
time_or_unknown (gint64 t)
{
  return t != 0 ? vk_printout_format_time (t) : g_strdup ("ikke registreret");
}

static gboolean
has_ballots (const VkValgbog *self)
{
  return self->ballots != NULL && self->ballots->present;
}

VkResultSummary *
vk_valgbog_summary_new (const VkValgbog *self)
{
  VkResultSummary *s;

  g_return_val_if_fail (self != NULL && self->result != NULL && self->info.election_id != NULL, NULL);

  s = vk_result_summary_new (self->info.election_id, self->result, NULL, self->journal_head, self->info.test);
  g_free (s->domain);
  s->domain = g_strdup (VK_VALGBOG_DOMAIN);
  vk_cbor_map_set_text (s->extra, "device", self->device_id != NULL ? self->device_id : "");
  vk_cbor_map_set_uint (s->extra, "journal_seq", self->journal_seq);
  vk_cbor_map_set_uint (s->extra, "checkins", self->checkins);
  vk_cbor_map_set_uint (s->extra, "brevstemmer", self->brevstemmer);
  vk_cbor_map_set_uint (s->extra, "opened", (guint64)MAX (self->opened_at, 0));
  vk_cbor_map_set_uint (s->extra, "closed", (guint64)MAX (self->closed_at, 0));
  if (has_ballots (self))
    {
      vk_cbor_map_set_uint (s->extra, "received", self->ballots->received);
      vk_cbor_map_set_uint (s->extra, "unused", self->ballots->unused);
      vk_cbor_map_set_uint (s->extra, "returned", self->ballots->returned);
    }
  return s;
}

VkResultSummary *
vk_valgbog_qr_decode (const char *const *texts, gsize n, const guint8 public_key[VK_PUBLIC_KEY_BYTES], GError **error)
{
  return vk_result_qr_decode_domain (texts, n, public_key, VK_VALGBOG_DOMAIN, error);
}

static void
write_ballots (VkPdf *pdf, const VkValgbog *self)
{
  double w = vk_pdf_get_width (pdf);
  const VkPdfColumn cols[] = { { 0, w - 90, VK_PDF_LEFT }, { w - 90, 90, VK_PDF_RIGHT } };
  const VkAreaResult *r = self->result;
  guint64 marked = self->checkins + self->brevstemmer;
  gint64 diff = (gint64)r->cast - (gint64)marked;

  if (has_ballots (self))
    {
      const VkBallotAccount *b = self->ballots;
      guint64 accounted = r->cast + b->unused + b->returned;
      g_autofree char *rec = fmt (b->received), *unused = fmt (b->unused), *ret = fmt (b->returned);
      g_autofree char *cast = fmt (r->cast), *acc = fmt (accounted);
      const char *rows[][2] = { { "Modtagne stemmesedler", rec },
                                { "Ubrugte stemmesedler", unused },
                                { "Tilbageleverede og ombyttede stemmesedler", ret },
                                { "Stemmesedler i stemmekasserne (afgivne stemmer)", cast },
                                { "Afgivne + ubrugte + tilbageleverede", acc } };

      vk_pdf_heading (pdf, "Stemmesedler");
      for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
        vk_pdf_row (pdf, cols, 2, rows[i], i == 4 ? VK_PDF_BOLD : VK_PDF_REGULAR, 10, i % 2 == 1);
      if (accounted != b->received)
        {
          g_autofree char *msg = g_strdup_printf ("Stemmeseddelregnskabet stemmer ikke: %s modtaget, %s gjort rede "
                                                  "for (forskel %+" G_GINT64_FORMAT ").",
                                                  rec, acc, (gint64)accounted - (gint64)b->received);
          vk_pdf_set_text_color (pdf, 0.72, 0.05, 0.1);
          {
            const VkPdfColumn one[] = { { 0, w, VK_PDF_LEFT } };
            const char *cells[] = { msg };
            vk_pdf_row (pdf, one, 1, cells, VK_PDF_BOLD, 9.5, FALSE);
          }
          vk_pdf_set_text_color (pdf, 0, 0, 0);
        }
    }

  vk_pdf_heading (pdf, "Afstemning: stemmesedler og afkrydsede vælgere");
  {
    g_autofree char *ci = fmt (self->checkins), *bs = fmt (self->brevstemmer), *mk = fmt (marked);
    g_autofree char *cast = fmt (r->cast);
    g_autofree char *abs_diff = fmt ((guint64)(diff < 0 ? -diff : diff));
    g_autofree char *d = diff == 0 ? g_strdup ("0") : g_strdup_printf ("%s%s", diff > 0 ? "+" : "−", abs_diff);
    const char *rows[][2] = { { "Afkrydset ved fremmøde (valgliste)", ci },
                              { "Afkrydset for godkendte brevstemmer", bs },
                              { "Afkrydsede vælgere i alt", mk },
                              { "Afgivne stemmer (stemmesedler i stemmekasserne)", cast },
                              { "Forskel (afgivne − afkrydsede)", d } };
    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      vk_pdf_row (pdf, cols, 2, rows[i], i == 2 || i == 4 ? VK_PDF_BOLD : VK_PDF_REGULAR, 10, i % 2 == 1);
  }
  if (diff != 0 || (self->explanation != NULL && *self->explanation != '\0'))
    {
      const VkPdfColumn one[] = { { 0, w, VK_PDF_LEFT } };
      vk_pdf_space (pdf, 4);
      if (self->explanation != NULL && *self->explanation != '\0')
        {
          g_autofree char *text = g_strdup_printf ("Forklaring: %s", self->explanation);
          const char *cells[] = { text };
          vk_pdf_row (pdf, one, 1, cells, VK_PDF_REGULAR, 10, TRUE);
        }
      else
        {
          const char *cells[] = { "Forklaring mangler: en forskel skal forklares, før resultatet godkendes." };
          vk_pdf_set_text_color (pdf, 0.72, 0.05, 0.1);
          vk_pdf_row (pdf, one, 1, cells, VK_PDF_BOLD, 10, FALSE);
          vk_pdf_set_text_color (pdf, 0, 0, 0);
        }
    }
}

gboolean
vk_valgbog_write (const VkValgbog *self, const char *path, GError **error)
{
  const VkAreaResult *r;
  g_autoptr (VkPdf) pdf = NULL;
  g_autoptr (VkResultSummary) summary = NULL;
  g_autoptr (GPtrArray) texts = NULL;
  g_autofree char *title = NULL, *municipality = NULL, *election = NULL, *device = NULL, *printed = NULL;
  g_autofree char *head_hex = NULL, *footer = NULL, *key_hex = NULL, *note = NULL;
  double w;

  g_return_val_if_fail (self != NULL && self->info.election != NULL && self->info.election_id != NULL, FALSE);
  g_return_val_if_fail (self->key != NULL && self->result != NULL && path != NULL, FALSE);

  r = self->result;
  if (r->area_number == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "A valgbog is for one polling area, not the municipality");
      return FALSE;
    }
  if (self->journal_head == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "A valgbog needs the journal head it was printed from");
      return FALSE;
    }
  summary = vk_valgbog_summary_new (self);
  texts = vk_result_qr_encode (summary, self->key, error);
  if (texts == NULL)
    return FALSE;

  pdf = vk_pdf_new (&self->info, "Valgbog", error);
  if (pdf == NULL)
    return FALSE;
  w = vk_pdf_get_width (pdf);
  title = g_strdup_printf ("Valgbog – afstemningsområde %u", r->area_number);
  municipality = vk_printout_municipality_name (self->info.election);
  election = vk_printout_election_title (self->info.election);
  {
    g_autofree char *area = g_strdup_printf ("%s – %s", municipality, r->area_name);
    device = g_strdup_printf ("Journal fra enhed %s", self->device_id != NULL ? self->device_id : "?");
    printed = vk_printout_printed_line (&self->info);
    {
      const char *lines[] = { election, area, device, printed, NULL };
      vk_pdf_title (pdf, title, lines);
    }
  }
  head_hex = vk_hex_encode (self->journal_head, 32);
  footer = g_strdup_printf ("Journalhoved nr. %" G_GUINT64_FORMAT ", SHA-256: %s", self->journal_seq, head_hex);
  vk_pdf_set_footer (pdf, footer);

  vk_pdf_heading (pdf, "Afstemningen");
  {
    const VkPdfColumn cols[] = { { 0, 200, VK_PDF_LEFT }, { 200, w - 200, VK_PDF_LEFT } };
    g_autofree char *opened = time_or_unknown (self->opened_at), *closed = time_or_unknown (self->closed_at);
    const char *a[] = { "Afstemningen åbnet", opened }, *b[] = { "Afstemningen lukket", closed };
    vk_pdf_row (pdf, cols, 2, a, VK_PDF_REGULAR, 10, FALSE);
    vk_pdf_row (pdf, cols, 2, b, VK_PDF_REGULAR, 10, TRUE);
  }

  if (self->n_staff > 0)
    {
      const VkPdfColumn cols[] = { { 0, 260, VK_PDF_LEFT }, { 270, w - 270, VK_PDF_LEFT } };
      const char *head[] = { "Navn", "Funktion" };
      vk_pdf_heading (pdf, "Valgstyrere og tilforordnede vælgere");
      vk_pdf_row (pdf, cols, 2, head, VK_PDF_BOLD, 8.5, FALSE);
      for (guint i = 0; i < self->n_staff; i++)
        {
          const char *cells[] = { self->staff[i].name, self->staff[i].role ? self->staff[i].role : "" };
          vk_pdf_row (pdf, cols, 2, cells, VK_PDF_REGULAR, 9.5, i % 2 == 1);
        }
    }

  if (self->n_events > 0)
    {
      const VkPdfColumn cols[] = { { 0, 160, VK_PDF_LEFT }, { 170, w - 170, VK_PDF_LEFT } };
      vk_pdf_heading (pdf, "Tidspunkter");
      for (guint i = 0; i < self->n_events; i++)
        {
          g_autofree char *t = time_or_unknown (self->events[i].time);
          const char *cells[] = { t, self->events[i].text };
          vk_pdf_row (pdf, cols, 2, cells, VK_PDF_REGULAR, 9.5, i % 2 == 1);
        }
    }

  write_ballots (pdf, self);
  vk_result_sheet_write_counts (pdf, r, NULL);
  vk_result_sheet_write_lists (pdf, self->info.election, r, NULL, NULL);
  vk_result_sheet_write_invalid (pdf, r);

  vk_pdf_heading (pdf, "Journal");
  {
    g_autofree char *text
        = g_strdup_printf ("Valgbogen er dannet af enhedens journal til og med post nr. %" G_GUINT64_FORMAT
                           ". SHA-256 af den post (journalhovedet): %s",
                           self->journal_seq, head_hex);
    vk_pdf_paragraph (pdf, VK_PDF_REGULAR, 9, text);
  }

  vk_pdf_need (pdf, 300);
  vk_pdf_heading (pdf, "Signeret resumé");
  key_hex = vk_hex_encode (vk_keypair_get_key_id (self->key), VK_KEY_ID_BYTES);
  note = g_strdup_printf ("QR-koden indeholder tallene i kort form med journalhovedet, signeret af enhedens nøgle "
                          "(nøgle-id %s); formatet er beskrevet i docs/result-sheet-format.md.",
                          key_hex);
  vk_pdf_paragraph (pdf, VK_PDF_REGULAR, 8.5, note);
  vk_pdf_space (pdf, 4);
  if (!vk_pdf_qr_codes (pdf, texts, "Signeret resumé", error))
    return FALSE;

  /* Sign-off: the names journaled with the sign-off, each on a signature line. */
  vk_pdf_need (pdf, 60 + ((MAX (self->n_signoffs, 2) + 1) / 2) * 52);
  vk_pdf_heading (pdf, "Valgstyrernes underskrifter");
  {
    g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
    for (guint i = 0; i < self->n_signoffs; i++)
      {
        g_autofree char *when = self->signoffs[i].time != 0 ? vk_printout_format_time (self->signoffs[i].time) : NULL;
        g_ptr_array_add (names, g_strdup_printf ("%s\n%s%s%s", self->signoffs[i].name, when ? "Godkendt " : "",
                                                 when ? when : "",
                                                 self->signoffs[i].with_key ? " med egen digital signatur" : ""));
      }
    while (names->len < 2)
      g_ptr_array_add (names, g_strdup (""));
    vk_pdf_signatures (pdf, (const char *const *)names->pdata, names->len);
  }

  return vk_pdf_save (pdf, path, error);
}

/* The valgbog of a valgbord, assembled from its journal (vk_tally_dup_record()).
 * The valgbog is a Danish document whatever the screen's language: its
 * texts are not translated. */
char *
vk_valgbog_write_station (VkStation *station, const char *dir, GError **error)
{
  g_autoptr (VkTallyRecord) record = NULL;
  g_autoptr (GArray) staff = g_array_new (FALSE, TRUE, sizeof (VkValgbogPerson));
  g_autoptr (GArray) events = g_array_new (FALSE, TRUE, sizeof (VkValgbogEvent));
  g_autoptr (GArray) signoffs = g_array_new (FALSE, TRUE, sizeof (VkValgbogSignoff));
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  VkValgbog b = { 0 };

  g_return_val_if_fail (station != NULL, NULL);
  g_return_val_if_fail (dir != NULL, NULL);

  record = vk_tally_dup_record (station, error);
  if (record == NULL)
    return NULL;
  for (guint i = 0; i < record->signers->len; i++)
    {
      VkValgbogPerson p = { g_ptr_array_index (record->signers, i), "Valgstyrer" };
      VkValgbogSignoff s
          = { g_ptr_array_index (record->signers, i), (gint64)(record->signed_ms / 1000), record->with_keys };
      g_array_append_val (staff, p);
      g_array_append_val (signoffs, s);
    }
  for (guint i = 0; i < record->entered->len; i++)
    {
      VkValgbogPerson p = { g_ptr_array_index (record->entered, i), "Indtastning af optællingen" };
      g_array_append_val (staff, p);
    }
  for (guint i = 0; i < record->events->len; i++)
    {
      const VkTallyEvent *ev = g_ptr_array_index (record->events, i);
      VkValgbogEvent out = { (gint64)(ev->time_ms / 1000), NULL };
      char *t;

      switch (ev->kind)
        {
          case VK_TALLY_EVENT_OPENED:
            t = g_strdup ("Valgbordet åbnet");
            break;
          case VK_TALLY_EVENT_POLL_CLOSED:
            t = g_strdup ("Afstemningen lukket");
            break;
          case VK_TALLY_EVENT_ENTERED:
            t = g_strdup_printf ("Foreløbig optælling, %u. indtastning (%s)", ev->round, ev->who ? ev->who : "");
            break;
          case VK_TALLY_EVENT_SIGNED:
          default:
            t = g_strdup ("Foreløbig optælling underskrevet");
            break;
        }
      g_ptr_array_add (texts, t);
      out.text = t;
      g_array_append_val (events, out);
    }
  b.info.election = vk_station_get_election (station);
  b.info.election_id = vk_package_get_election_id (vk_station_get_package (station));
  b.key = vk_station_get_key (station);
  b.device_id = vk_station_get_device (station)->device_id;
  b.result = record->counts;
  b.ballots = &record->ballots;
  b.opened_at = (gint64)(record->opened_ms / 1000);
  b.closed_at = (gint64)(record->closed_ms / 1000);
  b.staff = (const VkValgbogPerson *)staff->data;
  b.n_staff = staff->len;
  b.events = (const VkValgbogEvent *)events->data;
  b.n_events = events->len;
  b.checkins = record->checkins;
  b.brevstemmer = record->brevstemmer;
  b.explanation = record->explanation;
  b.signoffs = (const VkValgbogSignoff *)signoffs->data;
  b.n_signoffs = signoffs->len;
  b.journal_seq = record->head_seq;
  b.journal_head = record->head;
  name = g_strdup_printf ("valgbog-%s.pdf", b.device_id);
  path = g_build_filename (dir, name, NULL);
  if (!vk_valgbog_write (&b, path, error))
    return NULL;
  return g_steal_pointer (&path);
}
