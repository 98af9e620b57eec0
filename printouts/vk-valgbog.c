/* vk-valgbog.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-error.h"
#include "vk-text.h"
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
has_ballots (const VkValgbogContest *c)
{
  return c->ballots != NULL && c->ballots->present;
}

static gboolean
is_joint (const VkValgbog *self)
{
  return self->n_contests > 1;
}

/* Contest i: from contests[], or the single contest's fields. */
static VkValgbogContest
section (const VkValgbog *self, guint i)
{
  VkValgbogContest c = { 0 };

  if (self->n_contests > 0)
    {
      c = self->contests[i];
      if (c.contest == NULL)
        c.contest = self->info.election;
      return c;
    }
  c.contest = self->info.election;
  c.result = self->result;
  c.ballots = self->ballots;
  c.explanation = self->explanation;
  c.signoffs = self->signoffs;
  c.n_signoffs = self->n_signoffs;
  return c;
}

static guint
n_sections (const VkValgbog *self)
{
  return MAX (self->n_contests, 1);
}

static VkResultSummary *
summary_new (const VkValgbog *self, const VkValgbogContest *c)
{
  VkResultSummary *s;

  s = vk_result_summary_new (self->info.election_id, c->result, NULL, self->journal_head, self->info.test);
  g_free (s->domain);
  s->domain = g_strdup (VK_VALGBOG_DOMAIN);
  if (is_joint (self))
    vk_cbor_map_set_text (s->extra, "contest", vk_election_contest_id (c->contest));
  vk_cbor_map_set_text (s->extra, "device", self->device_id != NULL ? self->device_id : "");
  vk_cbor_map_set_uint (s->extra, "journal_seq", self->journal_seq);
  vk_cbor_map_set_uint (s->extra, "checkins", self->checkins);
  vk_cbor_map_set_uint (s->extra, "brevstemmer", self->brevstemmer);
  vk_cbor_map_set_uint (s->extra, "opened", (guint64)MAX (self->opened_at, 0));
  vk_cbor_map_set_uint (s->extra, "closed", (guint64)MAX (self->closed_at, 0));
  if (has_ballots (c))
    {
      vk_cbor_map_set_uint (s->extra, "received", c->ballots->received);
      vk_cbor_map_set_uint (s->extra, "unused", c->ballots->unused);
      vk_cbor_map_set_uint (s->extra, "returned", c->ballots->returned);
    }
  return s;
}

VkResultSummary *
vk_valgbog_contest_summary_new (const VkValgbog *self, guint i)
{
  VkValgbogContest c;

  g_return_val_if_fail (self != NULL && self->info.election_id != NULL, NULL);
  g_return_val_if_fail (i < n_sections (self), NULL);
  c = section (self, i);
  g_return_val_if_fail (c.result != NULL, NULL);
  return summary_new (self, &c);
}

VkResultSummary *
vk_valgbog_summary_new (const VkValgbog *self)
{
  return vk_valgbog_contest_summary_new (self, 0);
}

VkResultSummary *
vk_valgbog_qr_decode (const char *const *texts, gsize n, const guint8 public_key[VK_PUBLIC_KEY_BYTES], GError **error)
{
  return vk_result_qr_decode_domain (texts, n, public_key, VK_VALGBOG_DOMAIN, error);
}

static void
write_ballots (VkPdf *pdf, const VkValgbog *self, const VkValgbogContest *c)
{
  double w = vk_pdf_get_width (pdf);
  const VkPdfColumn cols[] = { { 0, w - 90, VK_PDF_LEFT }, { w - 90, 90, VK_PDF_RIGHT } };
  const VkAreaResult *r = c->result;
  guint64 marked = self->checkins + self->brevstemmer;
  gint64 diff = (gint64)r->cast - (gint64)marked;

  if (has_ballots (c))
    {
      const VkBallotAccount *b = c->ballots;
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
  if (diff != 0 || (c->explanation != NULL && *c->explanation != '\0'))
    {
      const VkPdfColumn one[] = { { 0, w, VK_PDF_LEFT } };
      vk_pdf_space (pdf, 4);
      if (c->explanation != NULL && *c->explanation != '\0')
        {
          g_autofree char *text = g_strdup_printf ("Forklaring: %s", c->explanation);
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

/* The valgstyrernes reasons for not accepting a brevstemme (KRVL § 71), by J6 reason code. */
static const char *
brev_reason_name (guint code)
{
  static const char *const names[] = {
    "ukendt grund",
    "vælgeren står ikke på valglisten",
    "vælgeren er fraflyttet eller død",
    "mere end ét følgebrev eller én stemmeseddelkonvolut",
    "ikke-officielt materiale",
    "fremgangsmåden er ikke fulgt",
    "afgivet uden for fristerne",
    "en senere brevstemme fra samme vælger gælder i stedet",
  };
  return code < G_N_ELEMENTS (names) ? names[code] : names[0];
}

static void
write_undos (VkPdf *pdf, const VkValgbog *self)
{
  double w = vk_pdf_get_width (pdf);
  const VkPdfColumn cols[]
      = { { 0, 135, VK_PDF_LEFT }, { 135, 45, VK_PDF_RIGHT }, { 192, 85, VK_PDF_LEFT }, { 285, w - 285, VK_PDF_LEFT } };
  const char *head[] = { "Tidspunkt", "Løbenr.", "Bord", "Valgstyrerens begrundelse" };

  vk_pdf_heading (pdf, "Fortrudte afkrydsninger");
  if (self->n_undos == 0)
    {
      vk_pdf_paragraph (pdf, VK_PDF_REGULAR, 9.5, "Ingen afkrydsninger er fortrudt.");
      return;
    }
  vk_pdf_row (pdf, cols, 4, head, VK_PDF_BOLD, 8.5, FALSE);
  for (guint i = 0; i < self->n_undos; i++)
    {
      const VkValgbogUndo *u = &self->undos[i];
      g_autofree char *t = time_or_unknown (u->time);
      g_autofree char *lnr = g_strdup_printf ("%u", u->loebenummer);
      g_autofree char *reason = vk_text_escape_controls (u->reason != NULL ? u->reason : "");
      g_autofree char *table = vk_text_escape_controls (u->table != NULL ? u->table : "");
      const char *cells[] = { t, lnr, table, reason };
      vk_pdf_row (pdf, cols, 4, cells, VK_PDF_REGULAR, 9, i % 2 == 1);
    }
}

static void
write_brevstemmer (VkPdf *pdf, const VkValgbog *self)
{
  double w = vk_pdf_get_width (pdf);
  const VkPdfColumn cols[] = { { 0, w - 90, VK_PDF_LEFT }, { w - 90, 90, VK_PDF_RIGHT } };
  g_autofree char *rec = fmt (self->brev_received), *acc = fmt (self->brev_accepted);
  g_autofree char *rej = fmt (self->brev_rejected), *und = fmt (self->brev_undecided);
  const char *rows[][2] = { { "Brevstemmer modtaget til afstemningsområdet", rec },
                            { "Godkendt (vælgeren afkrydset i valglisten)", acc },
                            { "Ikke godkendt", rej } };
  guint shade = 0;

  vk_pdf_heading (pdf, "Brevstemmer");
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    vk_pdf_row (pdf, cols, 2, rows[i], VK_PDF_REGULAR, 10, shade++ % 2 == 1);
  for (guint r = 1; r <= G_N_ELEMENTS (self->brev_rejected_by_reason); r++)
    {
      guint code = r % G_N_ELEMENTS (self->brev_rejected_by_reason); /* 1–7, then unknown */
      g_autofree char *n = NULL, *label = NULL;

      if (self->brev_rejected_by_reason[code] == 0)
        continue;
      n = fmt (self->brev_rejected_by_reason[code]);
      label = g_strdup_printf ("heraf: %s", brev_reason_name (code));
      {
        const VkPdfColumn indented[] = { { 16, w - 106, VK_PDF_LEFT }, { w - 90, 90, VK_PDF_RIGHT } };
        const char *cells[] = { label, n };
        vk_pdf_row (pdf, indented, 2, cells, VK_PDF_REGULAR, 9, shade++ % 2 == 1);
      }
    }
  {
    const char *cells[] = { "Ikke afgjort", und };
    if (self->brev_undecided > 0)
      vk_pdf_set_text_color (pdf, 0.72, 0.05, 0.1);
    vk_pdf_row (pdf, cols, 2, cells, self->brev_undecided > 0 ? VK_PDF_BOLD : VK_PDF_REGULAR, 10, shade++ % 2 == 1);
    vk_pdf_set_text_color (pdf, 0, 0, 0);
  }
}

/* The name of a contest in its section's headings. */
static char *
contest_name (const VkValgbogContest *c)
{
  return g_strdup_printf ("%s (%s)", vk_election_type_name_da (c->contest->type), vk_election_contest_id (c->contest));
}

/* One contest's part: ballots, reconciliation, counts, the signed QR and
 * the sign-off.  joint: headed by the contest's name, the second and later on a page of their own. */
static void
write_journal (VkPdf *pdf, const VkValgbog *self, const char *head_hex)
{
  g_autofree char *text
      = g_strdup_printf ("Afstemningsbogen er dannet af enhedens journal til og med post nr. %" G_GUINT64_FORMAT
                         ". SHA-256 af den post (journalhovedet): %s",
                         self->journal_seq, head_hex);
  vk_pdf_heading (pdf, "Journal");
  vk_pdf_paragraph (pdf, VK_PDF_REGULAR, 9, text);
}

static gboolean
write_contest (VkPdf *pdf, const VkValgbog *self, const VkValgbogContest *c, gboolean joint, gboolean new_page,
               const char *head_hex, GError **error)
{
  g_autoptr (VkResultSummary) summary = NULL;
  g_autoptr (GPtrArray) texts = NULL;
  g_autofree char *name = joint ? contest_name (c) : NULL;
  g_autofree char *key_hex = NULL, *note = NULL, *qr_caption = NULL, *sign_heading = NULL;

  summary = summary_new (self, c);
  texts = vk_result_qr_encode (summary, self->key, error);
  if (texts == NULL)
    return FALSE;
  if (joint)
    {
      g_autofree char *head = g_strdup_printf ("%s – foreløbig optælling", name);
      if (new_page)
        vk_pdf_new_page (pdf);
      else
        vk_pdf_space (pdf, 10);
      vk_pdf_paragraph (pdf, VK_PDF_BOLD, 15, head);
      vk_pdf_space (pdf, 2);
    }
  write_ballots (pdf, self, c);
  vk_result_sheet_write_counts (pdf, c->result, NULL);
  vk_result_sheet_write_lists (pdf, c->contest, c->result, NULL, NULL);
  vk_result_sheet_write_invalid (pdf, c->result);
  if (!joint)
    write_journal (pdf, self, head_hex);

  vk_pdf_need (pdf, 300);
  qr_caption = joint ? g_strdup_printf ("Signeret resumé – %s", name) : g_strdup ("Signeret resumé");
  vk_pdf_heading (pdf, qr_caption);
  key_hex = vk_hex_encode (vk_keypair_get_key_id (self->key), VK_KEY_ID_BYTES);
  note = g_strdup_printf ("QR-koden indeholder tallene i kort form med journalhovedet, signeret af enhedens nøgle "
                          "(nøgle-id %s). Den kan kontrolleres med valgkit audit.",
                          key_hex);
  vk_pdf_paragraph (pdf, VK_PDF_REGULAR, 8.5, note);
  vk_pdf_space (pdf, 4);
  if (!vk_pdf_qr_codes (pdf, texts, qr_caption, error))
    return FALSE;

  /* Sign-off: the names journaled with the sign-off, then every other
   * valgstyrer present, each on a signature line with name and date. */
  {
    g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
    g_autoptr (GPtrArray) seen = g_ptr_array_new ();
    for (guint i = 0; i < c->n_signoffs; i++)
      {
        g_autofree char *when = c->signoffs[i].time != 0 ? vk_printout_format_time (c->signoffs[i].time) : NULL;
        g_ptr_array_add (names, g_strdup_printf ("%s\n%s%s", c->signoffs[i].name,
                                                 when == NULL              ? ""
                                                 : c->signoffs[i].with_key ? "Godkendt med egen nøgle "
                                                                           : "Godkendt ",
                                                 when != NULL ? when : ""));
        g_ptr_array_add (seen, (gpointer)c->signoffs[i].name);
      }
    for (guint i = 0; i < self->n_staff; i++)
      {
        const VkValgbogPerson *p = &self->staff[i];
        gboolean dup = FALSE;

        if (p->role == NULL || !g_str_has_prefix (p->role, "Valgstyrer"))
          continue;
        for (guint k = 0; k < seen->len && !dup; k++)
          dup = g_strcmp0 (g_ptr_array_index (seen, k), p->name) == 0;
        if (dup)
          continue;
        g_ptr_array_add (seen, (gpointer)p->name);
        g_ptr_array_add (names, g_strdup (p->name));
      }
    while (names->len < 2)
      g_ptr_array_add (names, g_strdup (""));
    vk_pdf_need (pdf, 40 + ((names->len + 1) / 2) * VK_PDF_SIGNATURE_ROW_HEIGHT);
    sign_heading
        = joint ? g_strdup_printf ("Valgstyrernes underskrifter – %s", name) : g_strdup ("Valgstyrernes underskrifter");
    vk_pdf_heading (pdf, sign_heading);
    vk_pdf_signatures (pdf, (const char *const *)names->pdata, names->len);
  }
  return TRUE;
}

gboolean
vk_valgbog_write (const VkValgbog *self, const char *path, GError **error)
{
  VkValgbogContest first;
  g_autoptr (VkPdf) pdf = NULL;
  g_autofree char *title = NULL, *municipality = NULL, *election = NULL, *device = NULL, *printed = NULL;
  g_autofree char *head_hex = NULL, *footer = NULL, *contests = NULL;
  gboolean joint;
  double w;

  g_return_val_if_fail (self != NULL && self->info.election != NULL && self->info.election_id != NULL, FALSE);
  g_return_val_if_fail (self->key != NULL && path != NULL, FALSE);
  g_return_val_if_fail (self->result != NULL || self->n_contests > 0, FALSE);

  joint = is_joint (self);
  for (guint i = 0; i < n_sections (self); i++)
    {
      VkValgbogContest c = section (self, i);
      g_return_val_if_fail (c.result != NULL, FALSE);
      if (c.result->area_number == 0)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "A valgbog is for one polling area, not the municipality");
          return FALSE;
        }
    }
  first = section (self, 0);
  if (self->journal_head == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "A valgbog needs the journal head it was printed from");
      return FALSE;
    }

  pdf = vk_pdf_new (&self->info, "Afstemningsbog", error);
  if (pdf == NULL)
    return FALSE;
  w = vk_pdf_get_width (pdf);
  title = g_strdup_printf ("Afstemningsbog – afstemningsområde %u", first.result->area_number);
  municipality = vk_printout_municipality_name (self->info.election);
  election = vk_printout_election_title (self->info.election);
  if (joint)
    {
      GString *sb = g_string_new ("Afstemningsbogen dækker ");
      for (guint i = 0; i < self->n_contests; i++)
        {
          VkValgbogContest c = section (self, i);
          g_autofree char *n = contest_name (&c);
          g_autofree char *lower = g_utf8_strdown (n, -1);
          if (i > 0)
            g_string_append (sb, i + 1 == self->n_contests ? " og " : ", ");
          /* "kommunalvalg (kv)" → "kommunalvalg (KV)" */
          g_string_append_len (sb, lower, strlen (lower) - strlen (vk_election_contest_id (c.contest)) - 1);
          g_string_append_printf (sb, "%s)", vk_election_contest_id (c.contest));
        }
      g_string_append (sb, ": ét afsnit pr. valg");
      contests = g_string_free (sb, FALSE);
    }
  {
    g_autofree char *area = g_strdup_printf ("%s – %s", municipality, first.result->area_name);
    device = g_strdup_printf ("Journal fra enhed %s", self->device_id != NULL ? self->device_id : "?");
    printed = vk_printout_printed_line (&self->info);
    {
      const char *lines[] = { election, area, device, printed, contests, NULL };
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
    if (self->journal_record)
      {
        g_autofree char *n = fmt (self->assisted);
        g_autofree char *v = g_strdup_printf ("%s %s", n, self->assisted == 1 ? "vælger" : "vælgere");
        const char *x[] = { "Personlig bistand ydet", v };
        vk_pdf_row (pdf, cols, 2, x, VK_PDF_REGULAR, 10, FALSE);
      }
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

  if (self->journal_record)
    {
      write_undos (pdf, self);
      write_brevstemmer (pdf, self);
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

  /* A joint event's journal is the one device's, before the contests. */
  if (joint)
    write_journal (pdf, self, head_hex);
  for (guint i = 0; i < n_sections (self); i++)
    {
      VkValgbogContest c = section (self, i);
      if (!write_contest (pdf, self, &c, joint, i > 0, head_hex, error))
        return FALSE;
    }

  return vk_pdf_save (pdf, path, error);
}

typedef struct
{
  const VkTallyEvent *event;
  const char *contest; /* NULL: the event's own (opened, closed) */
  guint order;
} StationEvent;

static gint
station_event_cmp (gconstpointer a, gconstpointer b)
{
  const StationEvent *x = a, *y = b;

  if (x->event->time_ms != y->event->time_ms)
    return x->event->time_ms < y->event->time_ms ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

static void
add_person (GArray *staff, const char *name, const char *role)
{
  VkValgbogPerson p = { name, role };

  for (guint i = 0; i < staff->len; i++)
    {
      const VkValgbogPerson *q = &g_array_index (staff, VkValgbogPerson, i);
      if (strcmp (q->name, name) == 0 && strcmp (q->role, role) == 0)
        return;
    }
  g_array_append_val (staff, p);
}

/* The valgbog of a valgbord, assembled from its journal (vk_tally_dup_record()),
 * one record per contest of the event.  The valgbog is a Danish document
 * whatever the screen's language: its texts are not translated. */
gboolean
vk_valgbog_write_station_to (VkStation *station, const char *path, gboolean test, GError **error)
{
  const VkElection *election;
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_tally_record_free);
  g_autoptr (GArray) staff = g_array_new (FALSE, TRUE, sizeof (VkValgbogPerson));
  g_autoptr (GArray) events = g_array_new (FALSE, TRUE, sizeof (VkValgbogEvent));
  g_autoptr (GArray) sorted = g_array_new (FALSE, TRUE, sizeof (StationEvent));
  g_autoptr (GArray) contests = g_array_new (FALSE, TRUE, sizeof (VkValgbogContest));
  g_autoptr (GArray) undos = g_array_new (FALSE, TRUE, sizeof (VkValgbogUndo));
  g_autoptr (GPtrArray) signoffs = g_ptr_array_new_with_free_func ((GDestroyNotify)g_array_unref);
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  const VkTallyRecord *first;
  guint n;
  gboolean joint;
  VkValgbog b = { 0 };

  g_return_val_if_fail (station != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  election = vk_station_get_election (station);
  n = vk_election_get_n_contests (election);
  joint = n > 1;
  for (guint i = 0; i < n; i++)
    {
      const VkElection *c = vk_election_get_contest_nth (election, i);
      VkTallyRecord *record = vk_tally_dup_record (station, vk_election_contest_id (c), error);
      if (record == NULL)
        return FALSE;
      g_ptr_array_add (records, record);
    }
  first = g_ptr_array_index (records, 0);
  for (guint i = 0; i < records->len; i++)
    {
      const VkTallyRecord *record = g_ptr_array_index (records, i);
      GArray *so = g_array_new (FALSE, TRUE, sizeof (VkValgbogSignoff));
      VkValgbogContest c = { 0 };

      for (guint j = 0; j < record->signers->len; j++)
        {
          VkValgbogSignoff x
              = { g_ptr_array_index (record->signers, j), (gint64)(record->signed_ms / 1000), record->with_keys };
          add_person (staff, g_ptr_array_index (record->signers, j), "Valgstyrer");
          g_array_append_val (so, x);
        }
      g_ptr_array_add (signoffs, so);
      c.contest = vk_election_get_contest_nth (election, i);
      c.result = record->counts;
      c.ballots = &record->ballots;
      c.explanation = record->explanation;
      c.signoffs = (const VkValgbogSignoff *)so->data;
      c.n_signoffs = so->len;
      g_array_append_val (contests, c);
    }
  for (guint j = 0; j < first->brev_valgstyrere->len; j++)
    add_person (staff, g_ptr_array_index (first->brev_valgstyrere, j), "Valgstyrer");
  for (guint i = 0; i < records->len; i++)
    {
      const VkTallyRecord *record = g_ptr_array_index (records, i);
      for (guint j = 0; j < record->entered->len; j++)
        add_person (staff, g_ptr_array_index (record->entered, j), "Indtastning af optællingen");
    }
  /* The event's opening and close once, each contest's entries and sign-off. */
  for (guint i = 0; i < records->len; i++)
    {
      const VkTallyRecord *record = g_ptr_array_index (records, i);
      for (guint j = 0; j < record->events->len; j++)
        {
          const VkTallyEvent *ev = g_ptr_array_index (record->events, j);
          StationEvent se = { ev, record->contest, sorted->len };
          gboolean own = ev->kind == VK_TALLY_EVENT_OPENED || ev->kind == VK_TALLY_EVENT_POLL_CLOSED;

          if (own && i > 0)
            continue;
          if (own || !joint)
            se.contest = NULL;
          g_array_append_val (sorted, se);
        }
    }
  g_array_sort (sorted, station_event_cmp);
  for (guint i = 0; i < sorted->len; i++)
    {
      const StationEvent *se = &g_array_index (sorted, StationEvent, i);
      const VkTallyEvent *ev = se->event;
      g_autofree char *what = se->contest != NULL ? g_strdup_printf ("Foreløbig optælling %s", se->contest)
                                                  : g_strdup ("Foreløbig optælling");
      VkValgbogEvent out = { (gint64)(ev->time_ms / 1000), NULL };
      char *t;

      switch (ev->kind)
        {
          case VK_TALLY_EVENT_OPENED:
            t = g_strdup (ev->restarted ? "Valgbordets program startet igen (genstart eller ny oplåsning)"
                                        : "Valgbordet åbnet");
            break;
          case VK_TALLY_EVENT_POLL_CLOSED:
            t = g_strdup ("Afstemningen lukket");
            break;
          case VK_TALLY_EVENT_ENTERED:
            t = g_strdup_printf ("%s, %s%u. indtastning (%s)", what, ev->again ? "rettelse af " : "", ev->round,
                                 ev->who ? ev->who : "");
            break;
          case VK_TALLY_EVENT_SIGNED:
          default:
            t = g_strdup_printf ("%s underskrevet", what);
            break;
        }
      g_ptr_array_add (texts, t);
      out.text = t;
      g_array_append_val (events, out);
    }
  b.info.election = election;
  b.info.test = test || vk_printout_election_is_test (election);
  b.info.election_id = vk_package_get_election_id (vk_station_get_package (station));
  b.key = vk_station_get_key (station);
  b.device_id = vk_station_get_device (station)->device_id;
  b.result = first->counts;
  b.ballots = &first->ballots;
  b.explanation = first->explanation;
  b.signoffs = g_array_index (contests, VkValgbogContest, 0).signoffs;
  b.n_signoffs = g_array_index (contests, VkValgbogContest, 0).n_signoffs;
  if (joint)
    {
      b.contests = (const VkValgbogContest *)contests->data;
      b.n_contests = contests->len;
    }
  b.opened_at = (gint64)(first->opened_ms / 1000);
  b.closed_at = (gint64)(first->closed_ms / 1000);
  b.staff = (const VkValgbogPerson *)staff->data;
  b.n_staff = staff->len;
  b.events = (const VkValgbogEvent *)events->data;
  b.n_events = events->len;
  b.checkins = first->checkins;
  b.brevstemmer = first->brevstemmer;
  b.journal_record = TRUE;
  b.assisted = first->assisted;
  for (guint i = 0; i < first->undos->len; i++)
    {
      const VkTallyUndo *u = g_ptr_array_index (first->undos, i);
      VkValgbogUndo x = { (gint64)(u->time_ms / 1000), u->device_id, u->loebenummer, u->reason };
      g_array_append_val (undos, x);
    }
  b.undos = (const VkValgbogUndo *)undos->data;
  b.n_undos = undos->len;
  b.brev_received = first->brev_received;
  b.brev_accepted = first->brev_accepted;
  b.brev_rejected = first->brev_rejected;
  b.brev_undecided = first->brev_undecided;
  for (guint i = 0; i < G_N_ELEMENTS (b.brev_rejected_by_reason); i++)
    b.brev_rejected_by_reason[i] = first->brev_rejected_by_reason[i];
  b.journal_seq = first->head_seq;
  b.journal_head = first->head;
  return vk_valgbog_write (&b, path, error);
}

char *
vk_valgbog_write_station (VkStation *station, const char *dir, GError **error)
{
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (station != NULL, NULL);
  g_return_val_if_fail (dir != NULL, NULL);

  name = g_strdup_printf ("afstemningsbog-%s.pdf", vk_station_get_device (station)->device_id);
  path = g_build_filename (dir, name, NULL);
  if (!vk_valgbog_write_station_to (station, path, FALSE, error))
    return NULL;
  return g_steal_pointer (&path);
}
