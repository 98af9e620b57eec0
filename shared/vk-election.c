/* vk-election.c: the election definition and its valg.dk importers.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "vk-election.h"
#include "vk-voters.h"
#include "vk-error.h"
#include "vk-file.h"
#include "vk-json-private.h"

static void
candidate_free (VkCandidate *c)
{
  if (c == NULL)
    return;
  g_free (c->id);
  g_free (c->name);
  g_free (c->ballot_name);
  g_free (c->occupation);
  g_free (c->residence);
  g_clear_pointer (&c->kredse, g_ptr_array_unref);
  g_free (c);
}

static void
candidate_kreds_free (VkCandidateKreds *k)
{
  if (k == NULL)
    return;
  g_free (k->kreds);
  g_free (k);
}

static void
list_free (VkList *l)
{
  if (l == NULL)
    return;
  g_free (l->id);
  g_free (l->letter);
  g_free (l->name);
  g_free (l->valgforbund_id);
  g_clear_pointer (&l->candidates, g_ptr_array_unref);
  g_free (l);
}

static void
valgforbund_free (VkValgforbund *vf)
{
  if (vf == NULL)
    return;
  g_free (vf->id);
  g_free (vf->name);
  g_clear_pointer (&vf->list_ids, g_ptr_array_unref);
  g_free (vf);
}

static void
area_free (VkArea *a)
{
  if (a == NULL)
    return;
  g_free (a->name);
  g_free (a->dagi_id);
  g_free (a->kreds);
  g_free (a->kreds_name);
  g_free (a);
}

VkElection *
vk_election_new (void)
{
  VkElection *self = g_new0 (VkElection, 1);

  self->type = VK_ELECTION_KV;
  self->date = g_strdup ("");
  self->municipality = g_strdup ("");
  self->municipality_code = g_strdup ("");
  self->municipality_dagi_id = g_strdup ("");
  self->lists = g_ptr_array_new_with_free_func ((GDestroyNotify)list_free);
  self->valgforbund = g_ptr_array_new_with_free_func ((GDestroyNotify)valgforbund_free);
  self->areas = g_ptr_array_new_with_free_func ((GDestroyNotify)area_free);
  self->lists_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->candidates_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->region = g_strdup ("");
  self->region_dagi_id = g_strdup ("");
  self->title = g_strdup ("");
  self->event = self;
  self->contests = g_ptr_array_new ();
  g_ptr_array_add (self->contests, self);
  return self;
}

void
vk_election_free (VkElection *self)
{
  if (self == NULL)
    return;
  if (self->contests != NULL)
    {
      /* contests[0] is self (borrowed); the others are owned. */
      for (guint i = 1; i < self->contests->len; i++)
        vk_election_free (g_ptr_array_index (self->contests, i));
      g_clear_pointer (&self->contests, g_ptr_array_unref);
    }
  g_free (self->region);
  g_free (self->region_dagi_id);
  g_free (self->contest_id);
  g_free (self->title);
  /* The indexes borrow from the arrays, so they go first. */
  g_clear_pointer (&self->lists_by_id, g_hash_table_unref);
  g_clear_pointer (&self->candidates_by_id, g_hash_table_unref);
  g_clear_pointer (&self->lists, g_ptr_array_unref);
  g_clear_pointer (&self->valgforbund, g_ptr_array_unref);
  g_clear_pointer (&self->areas, g_ptr_array_unref);
  g_free (self->date);
  g_free (self->municipality);
  g_free (self->municipality_code);
  g_free (self->municipality_dagi_id);
  g_free (self);
}

static const char *const type_names[] = { "KV", "RV", "FV", "EP", "FA" };

/* ---- contests ------------------------------------------------------------ */

const char *
vk_election_contest_id (const VkElection *contest)
{
  g_return_val_if_fail (contest != NULL, "");
  if (contest->contest_id != NULL && *contest->contest_id != '\0')
    return contest->contest_id;
  return vk_election_type_to_string (contest->type);
}

gboolean
vk_election_add_contest (VkElection *self, VkElection *contest, GError **error)
{
  g_return_val_if_fail (self != NULL && self->event == self, FALSE);
  g_return_val_if_fail (contest != NULL && contest != self, FALSE);

  if (vk_election_contest_index (self, vk_election_contest_id (contest)) >= 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the election already has a %s contest",
                   vk_election_contest_id (contest));
      vk_election_free (contest);
      return FALSE;
    }
  g_clear_pointer (&contest->contests, g_ptr_array_unref);
  contest->event = self;
  g_free (contest->date);
  contest->date = g_strdup (self->date);
  g_free (contest->municipality);
  contest->municipality = g_strdup (self->municipality);
  g_free (contest->municipality_code);
  contest->municipality_code = g_strdup (self->municipality_code);
  g_free (contest->municipality_dagi_id);
  contest->municipality_dagi_id = g_strdup (self->municipality_dagi_id);
  g_ptr_array_add (self->contests, contest);
  return TRUE;
}

guint
vk_election_get_n_contests (const VkElection *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->event->contests->len;
}

VkElection *
vk_election_get_contest_nth (const VkElection *self, guint i)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (i >= self->event->contests->len)
    return NULL;
  return g_ptr_array_index (self->event->contests, i);
}

gint
vk_election_contest_index (const VkElection *self, const char *id)
{
  GPtrArray *contests;

  g_return_val_if_fail (self != NULL, -1);
  if (id == NULL || *id == '\0')
    return 0;
  contests = self->event->contests;
  for (guint i = 0; i < contests->len; i++)
    if (g_strcmp0 (vk_election_contest_id (g_ptr_array_index (contests, i)), id) == 0)
      return (gint)i;
  return -1;
}

VkElection *
vk_election_get_contest (const VkElection *self, const char *id)
{
  gint i = vk_election_contest_index (self, id);

  return i < 0 ? NULL : g_ptr_array_index (self->event->contests, (guint)i);
}

char *
vk_election_dup_contests_label (const VkElection *self)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (self != NULL, NULL);
  for (guint i = 0; i < self->event->contests->len; i++)
    {
      if (i > 0)
        g_string_append (s, " + ");
      g_string_append (s, vk_election_contest_id (g_ptr_array_index (self->event->contests, i)));
    }
  return g_string_free (s, FALSE);
}

/* Whether the event has a contest of type t. */
static gboolean
event_has_type (const VkElection *event, VkElectionType t)
{
  for (guint i = 0; i < event->contests->len; i++)
    if (((const VkElection *)g_ptr_array_index (event->contests, i))->type == t)
      return TRUE;
  return FALSE;
}

char *
vk_election_canonical_voter_contests (const VkElection *self, const char *voter_contests)
{
  g_autofree char *normalized = NULL;
  g_auto (GStrv) tokens = NULL;
  GString *out;
  guint kept = 0, n_types = 0;

  g_return_val_if_fail (self != NULL && voter_contests != NULL, NULL);
  normalized = vk_voter_normalize_contests (voter_contests);
  if (normalized == NULL)
    return NULL;
  if (*normalized == '\0' || strcmp (normalized, "-") == 0)
    return g_steal_pointer (&normalized);
  for (guint t = VK_ELECTION_KV; t <= VK_ELECTION_FA; t++)
    if (event_has_type (self->event, (VkElectionType)t))
      n_types++;
  out = g_string_new (NULL);
  tokens = g_strsplit (normalized, ";", -1);
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      VkElectionType t;

      if (!vk_election_type_from_string (tokens[i], &t) || !event_has_type (self->event, t))
        continue; /* a contest of another event (the register names them all) */
      if (kept++ > 0)
        g_string_append_c (out, ';');
      g_string_append (out, tokens[i]);
    }
  if (kept == n_types)
    g_string_truncate (out, 0);
  else if (kept == 0)
    g_string_assign (out, "-");
  return g_string_free (out, FALSE);
}

GPtrArray *
vk_election_voter_contests (const VkElection *self, const char *voter_contests)
{
  GPtrArray *out = g_ptr_array_new ();
  g_autofree char *canonical = NULL;
  g_auto (GStrv) tokens = NULL;

  g_return_val_if_fail (self != NULL, out);
  canonical = vk_election_canonical_voter_contests (self, voter_contests != NULL ? voter_contests : "");
  if (canonical == NULL || strcmp (canonical, "-") == 0)
    return out;
  tokens = g_strsplit (canonical, ";", -1);
  for (guint i = 0; i < self->event->contests->len; i++)
    {
      VkElection *c = g_ptr_array_index (self->event->contests, i);

      if (*canonical == '\0' || g_strv_contains ((const char *const *)tokens, vk_election_type_to_string (c->type)))
        g_ptr_array_add (out, c);
    }
  return out;
}

char *
vk_election_dup_voter_contests_label (const VkElection *self, const char *voter_contests)
{
  g_autoptr (GPtrArray) contests = vk_election_voter_contests (self, voter_contests);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < contests->len; i++)
    {
      if (i > 0)
        g_string_append (s, " + ");
      g_string_append (s, vk_election_contest_id (g_ptr_array_index (contests, i)));
    }
  return g_string_free (s, FALSE);
}

void
vk_election_copy_areas (VkElection *contest, const VkElection *from)
{
  g_return_if_fail (contest != NULL && from != NULL);
  g_return_if_fail (contest->areas->len == 0);
  for (guint i = 0; i < from->areas->len; i++)
    {
      const VkArea *a = g_ptr_array_index (from->areas, i);
      VkArea *copy = vk_election_add_area (contest, a->number, a->name, a->dagi_id, a->eligible);

      vk_election_area_set_kreds (copy, a->kreds, a->kreds_name);
      copy->has_valgdk_number = a->has_valgdk_number;
      copy->valgdk_number = a->valgdk_number;
    }
}

const char *
vk_election_type_to_string (VkElectionType type)
{
  if ((guint)type < G_N_ELEMENTS (type_names))
    return type_names[type];
  return "?";
}

gboolean
vk_election_type_allocates_locally (VkElectionType type)
{
  return type == VK_ELECTION_KV;
}

const char *
vk_election_type_name_da (VkElectionType type)
{
  /* As valg.dk writes them in "Valgart". */
  static const char *const names[] = {
    [VK_ELECTION_KV] = "Kommunalvalg",    [VK_ELECTION_RV] = "Regionsrådsvalg",
    [VK_ELECTION_FV] = "Folketingsvalg",  [VK_ELECTION_EP] = "Europa-Parlamentsvalg",
    [VK_ELECTION_FA] = "Folkeafstemning",
  };

  if ((guint)type < G_N_ELEMENTS (names) && names[type] != NULL)
    return names[type];
  return "Valg";
}

gboolean
vk_election_type_from_string (const char *str, VkElectionType *ret_type)
{
  g_return_val_if_fail (str != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (type_names); i++)
    if (g_ascii_strcasecmp (str, type_names[i]) == 0)
      {
        if (ret_type != NULL)
          *ret_type = (VkElectionType)i;
        return TRUE;
      }
  return FALSE;
}

VkList *
vk_election_add_list (VkElection *self, const char *id, const char *letter, const char *name, guint position,
                      VkListForm form)
{
  VkList *l;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  l = g_new0 (VkList, 1);
  l->id = g_strdup (id);
  l->letter = g_strdup (letter != NULL ? letter : "");
  l->name = g_strdup (name != NULL ? name : "");
  l->position = position;
  l->form = form;
  l->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify)candidate_free);
  g_ptr_array_add (self->lists, l);
  g_hash_table_insert (self->lists_by_id, l->id, l);
  return l;
}

VkCandidate *
vk_election_add_candidate (VkElection *self, VkList *list, const char *id, const char *name, const char *ballot_name,
                           guint position)
{
  VkCandidate *c;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (list != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  c = g_new0 (VkCandidate, 1);
  c->id = g_strdup (id);
  c->name = g_strdup (name != NULL ? name : "");
  c->ballot_name = g_strdup (ballot_name != NULL ? ballot_name : c->name);
  c->occupation = g_strdup ("");
  c->residence = g_strdup ("");
  c->position = position;
  c->list = list;
  g_ptr_array_add (list->candidates, c);
  g_hash_table_insert (self->candidates_by_id, c->id, c);
  return c;
}

VkValgforbund *
vk_election_add_valgforbund (VkElection *self, const char *id, const char *name)
{
  VkValgforbund *vf;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  vf = g_new0 (VkValgforbund, 1);
  vf->id = g_strdup (id);
  vf->name = g_strdup (name != NULL ? name : "");
  vf->list_ids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->valgforbund, vf);
  return vf;
}

gboolean
vk_election_valgforbund_add_list (VkElection *self, VkValgforbund *vf, const char *list_id, GError **error)
{
  VkList *l;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (vf != NULL, FALSE);
  g_return_val_if_fail (list_id != NULL, FALSE);

  l = vk_election_lookup_list (self, list_id);
  if (l == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "valgforbund %s: unknown list \"%s\"", vf->id, list_id);
      return FALSE;
    }
  if (l->valgforbund_id != NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "valgforbund %s: list \"%s\" is already in valgforbund %s",
                   vf->id, list_id, l->valgforbund_id);
      return FALSE;
    }
  l->valgforbund_id = g_strdup (vf->id);
  g_ptr_array_add (vf->list_ids, g_strdup (list_id));
  return TRUE;
}

static gint
area_cmp (gconstpointer a, gconstpointer b)
{
  const VkArea *x = *(VkArea *const *)a;
  const VkArea *y = *(VkArea *const *)b;

  return (x->number > y->number) - (x->number < y->number);
}

VkArea *
vk_election_add_area (VkElection *self, guint number, const char *name, const char *dagi_id, guint eligible)
{
  VkArea *a;

  g_return_val_if_fail (self != NULL, NULL);

  a = g_new0 (VkArea, 1);
  a->number = number;
  a->name = g_strdup (name != NULL ? name : "");
  a->dagi_id = g_strdup (dagi_id != NULL ? dagi_id : "");
  a->eligible = eligible;
  a->kreds = g_strdup ("");
  a->kreds_name = g_strdup ("");
  g_ptr_array_add (self->areas, a);
  /* The header promises areas by number; the arrays are small. */
  g_ptr_array_sort (self->areas, area_cmp);
  return a;
}

guint
vk_area_get_valgdk_number (const VkArea *area)
{
  g_return_val_if_fail (area != NULL, 0);
  return area->has_valgdk_number ? area->valgdk_number : area->number;
}

void
vk_election_area_set_kreds (VkArea *area, const char *kreds, const char *kreds_name)
{
  g_return_if_fail (area != NULL);
  g_free (area->kreds);
  area->kreds = g_strdup (kreds != NULL ? kreds : "");
  g_free (area->kreds_name);
  area->kreds_name = g_strdup (kreds_name != NULL ? kreds_name : "");
}

void
vk_election_candidate_add_kreds (VkCandidate *candidate, const char *kreds, guint position)
{
  VkCandidateKreds *k;

  g_return_if_fail (candidate != NULL && kreds != NULL);
  if (candidate->kredse == NULL)
    candidate->kredse = g_ptr_array_new_with_free_func ((GDestroyNotify)candidate_kreds_free);
  k = g_new0 (VkCandidateKreds, 1);
  k->kreds = g_strdup (kreds);
  k->position = position;
  g_ptr_array_add (candidate->kredse, k);
}

const VkCandidateKreds *
vk_candidate_lookup_kreds (const VkCandidate *candidate, const char *kreds)
{
  g_return_val_if_fail (candidate != NULL, NULL);
  if (candidate->kredse == NULL || kreds == NULL)
    return NULL;
  for (guint i = 0; i < candidate->kredse->len; i++)
    {
      const VkCandidateKreds *k = g_ptr_array_index (candidate->kredse, i);

      if (strcmp (k->kreds, kreds) == 0)
        return k;
    }
  return NULL;
}

static int
ballot_cmp (gconstpointer a, gconstpointer b, gpointer kreds)
{
  const VkCandidate *x = *(const VkCandidate *const *)a;
  const VkCandidate *y = *(const VkCandidate *const *)b;
  const VkCandidateKreds *kx = vk_candidate_lookup_kreds (x, kreds);
  const VkCandidateKreds *ky = vk_candidate_lookup_kreds (y, kreds);
  guint px = kx != NULL ? kx->position : x->position;
  guint py = ky != NULL ? ky->position : y->position;

  if (px != py)
    return px < py ? -1 : 1;
  return x->position < y->position ? -1 : x->position > y->position;
}

gboolean
vk_election_candidate_on_ballot (const VkElection *self, const VkCandidate *candidate, guint area_number)
{
  const VkArea *area;

  g_return_val_if_fail (self != NULL && candidate != NULL, FALSE);
  if (candidate->kredse == NULL || candidate->kredse->len == 0)
    return TRUE;
  area = vk_election_lookup_area (self, area_number);
  return area != NULL && area->kreds != NULL && vk_candidate_lookup_kreds (candidate, area->kreds) != NULL;
}

GPtrArray *
vk_election_dup_ballot_candidates (const VkElection *self, const VkList *list, guint area_number)
{
  GPtrArray *out = g_ptr_array_new ();
  const VkArea *area;
  const char *kreds;

  g_return_val_if_fail (self != NULL && list != NULL, out);
  area = vk_election_lookup_area (self, area_number);
  kreds = area != NULL && area->kreds != NULL ? area->kreds : "";
  for (guint i = 0; i < list->candidates->len; i++)
    {
      VkCandidate *c = g_ptr_array_index (list->candidates, i);

      /* A candidate without kredse (KV, RV, EP) is on every ballot. */
      if (c->kredse == NULL || c->kredse->len == 0 || vk_candidate_lookup_kreds (c, kreds) != NULL)
        g_ptr_array_add (out, c);
    }
  g_ptr_array_sort_with_data (out, ballot_cmp, (gpointer)kreds);
  return out;
}

VkList *
vk_election_lookup_list (const VkElection *self, const char *id)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (id == NULL)
    return NULL;
  return g_hash_table_lookup (self->lists_by_id, id);
}

VkCandidate *
vk_election_lookup_candidate (const VkElection *self, const char *id)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (id == NULL)
    return NULL;
  return g_hash_table_lookup (self->candidates_by_id, id);
}

VkArea *
vk_election_lookup_area (const VkElection *self, guint number)
{
  g_return_val_if_fail (self != NULL, NULL);
  for (guint i = 0; i < self->areas->len; i++)
    {
      VkArea *a = g_ptr_array_index (self->areas, i);
      if (a->number == number)
        return a;
    }
  return NULL;
}

static gboolean
digits (const char *s, guint n, unsigned *ret)
{
  unsigned v = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      v = v * 10 + (unsigned)(s[i] - '0');
    }
  *ret = v;
  return TRUE;
}

static gboolean
parse_valgdag (const char *str, char **ret_iso)
{
  unsigned d = 0, m = 0, y = 0;

  if (strlen (str) != 10)
    return FALSE;
  /* valg.dk writes DD-MM-YYYY; ISO input is accepted as well. */
  if (str[2] == '-' && str[5] == '-')
    {
      if (!digits (str, 2, &d) || !digits (str + 3, 2, &m) || !digits (str + 6, 4, &y))
        return FALSE;
    }
  else if (str[4] == '-' && str[7] == '-')
    {
      if (!digits (str, 4, &y) || !digits (str + 5, 2, &m) || !digits (str + 8, 2, &d))
        return FALSE;
    }
  else
    return FALSE;
  if (d == 0 || m == 0 || m > 12 || y == 0 || !g_date_valid_dmy ((GDateDay)d, (GDateMonth)m, (GDateYear)y))
    return FALSE;
  *ret_iso = g_strdup_printf ("%04u-%02u-%02u", y, m, d);
  return TRUE;
}

static gboolean
parse_valgart (const char *str, VkElectionType *ret)
{
  static const struct
  {
    const char *name;
    VkElectionType type;
  } names[] = {
    { "Kommunalvalg", VK_ELECTION_KV },         { "Regionsrådsvalg", VK_ELECTION_RV },
    { "Regionsraadsvalg", VK_ELECTION_RV },     { "Regionalvalg", VK_ELECTION_RV },
    { "Folketingsvalg", VK_ELECTION_FV },       { "Europa-Parlamentsvalg", VK_ELECTION_EP },
    { "Europaparlamentsvalg", VK_ELECTION_EP }, { "Folkeafstemning", VK_ELECTION_FA },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_utf8_collate (str, names[i].name) == 0 || g_ascii_strcasecmp (str, names[i].name) == 0)
      {
        *ret = names[i].type;
        return TRUE;
      }
  return vk_election_type_from_string (str, ret);
}

static gboolean
import_candidate (VkElection *self, VkList *list, JsonObject *obj, const char *file, const char *path, GError **error)
{
  g_autofree char *id = NULL, *name = NULL, *ballot_name = NULL, *occupation = NULL, *residence = NULL;
  guint position = 0;
  VkCandidate *c;

  if (!vk_json_get_id (obj, file, path, "Id", TRUE, &id, error)
      || !vk_json_get_uint (obj, file, path, "Stemmeseddelsplacering", &position, error)
      || !vk_json_get_string (obj, file, path, "Navn", TRUE, &name, error)
      || !vk_json_get_string (obj, file, path, "Stemmeseddelnavn", FALSE, &ballot_name, error)
      || !vk_json_get_string (obj, file, path, "Stilling", FALSE, &occupation, error)
      || !vk_json_get_string (obj, file, path, "BopaelPaaStemmeseddel", FALSE, &residence, error))
    return FALSE;
  if (*id == '\0')
    return vk_json_fail (error, file, path, "Id", "empty");
  if (vk_election_lookup_candidate (self, id) != NULL)
    return vk_json_fail (error, file, path, "Id", "duplicate candidate id");
  c = vk_election_add_candidate (self, list, id, name, *ballot_name != '\0' ? ballot_name : name, position);
  g_free (c->occupation);
  c->occupation = g_steal_pointer (&occupation);
  g_free (c->residence);
  c->residence = g_steal_pointer (&residence);
  return TRUE;
}

static gboolean
import_list (VkElection *self, JsonObject *obj, const char *file, const char *path, GError **error)
{
  g_autofree char *id = NULL, *letter = NULL, *name = NULL, *form_str = NULL;
  g_autofree char *cpath = g_strdup_printf ("%s.Kandidater", path);
  guint position = 0;
  VkListForm form;
  JsonArray *cands;
  VkList *l;

  if (!vk_json_get_id (obj, file, path, "KandidatlisteId", TRUE, &id, error)
      || !vk_json_get_uint (obj, file, path, "Stemmeseddelsplacering", &position, error)
      || !vk_json_get_string (obj, file, path, "Bogstavbetegnelse", FALSE, &letter, error)
      || !vk_json_get_string (obj, file, path, "Navn", TRUE, &name, error)
      || !vk_json_get_string (obj, file, path, "Opstillingsform", TRUE, &form_str, error))
    return FALSE;
  if (*id == '\0')
    return vk_json_fail (error, file, path, "KandidatlisteId", "empty");
  if (vk_election_lookup_list (self, id) != NULL)
    return vk_json_fail (error, file, path, "KandidatlisteId", "duplicate list id");
  if (g_ascii_strcasecmp (form_str, "Sideordnet") == 0)
    form = VK_LIST_SIDEORDNET;
  else if (g_ascii_strcasecmp (form_str, "Partiliste") == 0)
    form = VK_LIST_PARTILISTE;
  else
    {
      g_autofree char *what = g_strdup_printf ("unknown value \"%s\" (expected Sideordnet or Partiliste)", form_str);
      return vk_json_fail (error, file, path, "Opstillingsform", what);
    }
  cands = vk_json_get_array (obj, file, path, "Kandidater", error);
  if (cands == NULL)
    return FALSE;
  l = vk_election_add_list (self, id, letter, name, position, form);
  for (guint i = 0; i < json_array_get_length (cands); i++)
    {
      g_autofree char *ipath = g_strdup_printf ("%s[%u]", cpath, i);
      JsonObject *cobj = vk_json_array_get_obj (cands, i, file, cpath, error);
      if (cobj == NULL || !import_candidate (self, l, cobj, file, ipath, error))
        return FALSE;
    }
  return TRUE;
}

static gint
list_position_cmp (gconstpointer a, gconstpointer b)
{
  const VkList *x = *(VkList *const *)a;
  const VkList *y = *(VkList *const *)b;

  return (x->position > y->position) - (x->position < y->position);
}

static gint
candidate_position_cmp (gconstpointer a, gconstpointer b)
{
  const VkCandidate *x = *(VkCandidate *const *)a;
  const VkCandidate *y = *(VkCandidate *const *)b;

  return (x->position > y->position) - (x->position < y->position);
}

/* An europa-parlamentsvalg's EV-Kandidatdata (no Kommune, no Region). */
static gboolean
is_ev_kandidatdata (JsonObject *root)
{
  JsonNode *n = vk_json_member (root, "Valgart");
  VkElectionType t;

  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
         && parse_valgart (json_node_get_string (n), &t) && t == VK_ELECTION_EP;
}

VkElection *
vk_election_import_kandidatdata (const char *path, GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (VkElection) self = NULL;
  g_autofree char *file = NULL;
  g_autofree char *valgdag = NULL, *valgart = NULL;
  JsonObject *root;
  JsonArray *lists, *vfs;

  g_return_val_if_fail (path != NULL, NULL);

  root = vk_json_load_object (path, &parser, error);
  if (root == NULL)
    return NULL;
  file = g_filename_display_name (path);
  self = vk_election_new ();

  g_clear_pointer (&self->municipality, g_free);
  g_clear_pointer (&self->municipality_dagi_id, g_free);
  if (json_object_has_member (root, "Region") && !json_object_has_member (root, "Kommune"))
    {
      /* A regionsrådsvalg's kandidat-data names the region, not a
       * municipality (shared/data/rv2025/<Region>/kandidat-data.json). */
      g_clear_pointer (&self->region, g_free);
      g_clear_pointer (&self->region_dagi_id, g_free);
      if (!vk_json_get_string (root, file, "", "Region", TRUE, &self->region, error)
          || !vk_json_get_id (root, file, "", "RegionDagiId", FALSE, &self->region_dagi_id, error))
        return NULL;
      self->municipality = g_strdup ("");
      self->municipality_dagi_id = g_strdup ("");
    }
  else if (!json_object_has_member (root, "Kommune") && is_ev_kandidatdata (root))
    {
      /* EV-Kandidatdata: the whole country is one area; no municipality. */
      self->municipality = g_strdup ("");
      self->municipality_dagi_id = g_strdup ("");
    }
  else if (!vk_json_get_string (root, file, "", "Kommune", TRUE, &self->municipality, error)
           || !vk_json_get_id (root, file, "", "KommuneDagiId", FALSE, &self->municipality_dagi_id, error))
    return NULL;
  if (!vk_json_get_string (root, file, "", "Valgdag", TRUE, &valgdag, error)
      || !vk_json_get_string (root, file, "", "Valgart", TRUE, &valgart, error))
    return NULL;
  g_clear_pointer (&self->date, g_free);
  if (!parse_valgdag (valgdag, &self->date))
    {
      g_autofree char *what = g_strdup_printf ("invalid date \"%s\" (expected DD-MM-YYYY)", valgdag);
      vk_json_fail (error, file, "", "Valgdag", what);
      return NULL;
    }
  if (!parse_valgart (valgart, &self->type))
    {
      g_autofree char *what = g_strdup_printf ("unknown election type \"%s\"", valgart);
      vk_json_fail (error, file, "", "Valgart", what);
      return NULL;
    }

  lists = vk_json_get_array (root, file, "", "Kandidatlister", error);
  if (lists == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (lists); i++)
    {
      g_autofree char *lpath = g_strdup_printf ("Kandidatlister[%u]", i);
      JsonObject *lobj = vk_json_array_get_obj (lists, i, file, "Kandidatlister", error);
      if (lobj == NULL || !import_list (self, lobj, file, lpath, error))
        return NULL;
    }
  /* The file is in ballot order already; sorting makes sure of it. */
  g_ptr_array_sort (self->lists, list_position_cmp);
  for (guint i = 0; i < self->lists->len; i++)
    g_ptr_array_sort (((VkList *)g_ptr_array_index (self->lists, i))->candidates, candidate_position_cmp);

  /* Valgforbund come first in the file but refer to lists, so they are
   * read after the lists. */
  if (json_object_has_member (root, "Valgforbund")
      && !JSON_NODE_HOLDS_NULL (json_object_get_member (root, "Valgforbund")))
    {
      vfs = vk_json_get_array (root, file, "", "Valgforbund", error);
      if (vfs == NULL)
        return NULL;
      for (guint i = 0; i < json_array_get_length (vfs); i++)
        {
          g_autofree char *vpath = g_strdup_printf ("Valgforbund[%u]", i);
          g_autofree char *idspath = g_strdup_printf ("%s.KandidatlisteId", vpath);
          g_autofree char *id = NULL, *name = NULL;
          JsonObject *vobj = vk_json_array_get_obj (vfs, i, file, "Valgforbund", error);
          JsonArray *ids;
          VkValgforbund *vf;

          if (vobj == NULL || !vk_json_get_id (vobj, file, vpath, "ValgforbundId", TRUE, &id, error)
              || !vk_json_get_string (vobj, file, vpath, "Navn", FALSE, &name, error))
            return NULL;
          for (guint k = 0; k < self->valgforbund->len; k++)
            if (g_strcmp0 (((VkValgforbund *)g_ptr_array_index (self->valgforbund, k))->id, id) == 0)
              {
                vk_json_fail (error, file, vpath, "ValgforbundId", "duplicate valgforbund id");
                return NULL;
              }
          /* KVRV-Kandidatdata names the members "KandidatlisteId",
           * EV-Kandidatdata "Kandidatlister". */
          ids = vk_json_get_array (vobj, file, vpath,
                                   !json_object_has_member (vobj, "KandidatlisteId")
                                           && json_object_has_member (vobj, "Kandidatlister")
                                       ? "Kandidatlister"
                                       : "KandidatlisteId",
                                   error);
          if (ids == NULL)
            return NULL;
          vf = vk_election_add_valgforbund (self, id, name);
          for (guint k = 0; k < json_array_get_length (ids); k++)
            {
              JsonNode *n = json_array_get_element (ids, k);
              g_autoptr (GError) local_error = NULL;
              const char *lid;

              if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
                {
                  g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: %s[%u]: expected a string", file, idspath, k);
                  return NULL;
                }
              lid = json_node_get_string (n);
              if (!vk_election_valgforbund_add_list (self, vf, lid, &local_error))
                {
                  g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: %s[%u]: %s", file, idspath, k,
                               local_error->message);
                  return NULL;
                }
            }
        }
    }
  return g_steal_pointer (&self);
}

gboolean
vk_election_import_areas_dir (VkElection *self, const char *dir, GError **error)
{
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GPtrArray) added = g_ptr_array_new ();
  g_autofree char *code = g_strdup (self->municipality_code);

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  names = vk_file_list_dir (dir, ".json", error);
  if (names == NULL)
    return FALSE;
  if (names->len == 0)
    {
      g_autofree char *display = g_filename_display_name (dir);
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "%s: no .json files", display);
      return FALSE;
    }

  /* Everything is read and checked before the election is changed, so
   * that a bad file leaves the election as it was. */
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autofree char *file = g_filename_display_name (path);
      g_autoptr (JsonParser) parser = NULL;
      g_autofree char *name = NULL, *dagi = NULL, *kcode = NULL;
      guint number = 0, eligible = 0;
      JsonObject *root = vk_json_load_object (path, &parser, error);
      VkArea *a;

      if (root == NULL || !vk_json_get_uint (root, file, "", "AfstemningsområdeNummer", &number, error)
          || !vk_json_get_string (root, file, "", "Afstemningsområde", TRUE, &name, error)
          || !vk_json_get_id (root, file, "", "AfstemningsområdeDagiId", FALSE, &dagi, error)
          || !vk_json_get_uint (root, file, "", "AntalStemmeberettigedeVælgere", &eligible, error)
          || !vk_json_get_id (root, file, "", "Kommunekode", FALSE, &kcode, error))
        goto fail;
      if (*kcode != '\0')
        {
          if (*code != '\0' && strcmp (code, kcode) != 0)
            {
              g_autofree char *what = g_strdup_printf ("municipality %s, expected %s", kcode, code);
              vk_json_fail (error, file, "", "Kommunekode", what);
              goto fail;
            }
          g_free (code);
          code = g_strdup (kcode);
        }
      for (guint k = 0; k < added->len; k++)
        if (((VkArea *)g_ptr_array_index (added, k))->number == number)
          {
            vk_json_fail (error, file, "", "AfstemningsområdeNummer", "the same area number is in another file");
            goto fail;
          }
      a = vk_election_lookup_area (self, number);
      if (a != NULL)
        {
          /* The same area read again (e.g. from the foreløbig and the
           * fintælling folders) is fine; a different one is not. */
          if (strcmp (a->name, name) != 0)
            {
              g_autofree char *what = g_strdup_printf ("area %u is already \"%s\", not \"%s\"", number, a->name, name);
              vk_json_fail (error, file, "", "AfstemningsområdeNummer", what);
              goto fail;
            }
          continue;
        }
      a = g_new0 (VkArea, 1);
      a->number = number;
      a->name = g_steal_pointer (&name);
      a->dagi_id = g_steal_pointer (&dagi);
      a->eligible = eligible;
      g_ptr_array_add (added, a);
    }
  for (guint i = 0; i < added->len; i++)
    g_ptr_array_add (self->areas, g_ptr_array_index (added, i));
  g_ptr_array_set_size (added, 0);
  g_ptr_array_sort (self->areas, area_cmp);
  g_free (self->municipality_code);
  self->municipality_code = g_steal_pointer (&code);
  return TRUE;

fail:
  for (guint i = 0; i < added->len; i++)
    area_free (g_ptr_array_index (added, i));
  return FALSE;
}
