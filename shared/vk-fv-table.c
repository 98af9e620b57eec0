/* vk-fv-table.c: the folketingsvalg seat table and the votes per storkreds.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-error.h"
#include "vk-fv.h"
#include "vk-json-private.h"
#include "vk-text.h"

static void
landsdel_free (VkFvLandsdel *l)
{
  if (l == NULL)
    return;
  g_free (l->name);
  g_free (l);
}

static void
storkreds_seats_free (VkFvStorkredsSeats *s)
{
  if (s == NULL)
    return;
  g_free (s->name);
  g_free (s);
}

void
vk_fv_table_free (VkFvTable *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->landsdele, g_ptr_array_unref);
  g_clear_pointer (&self->storkredse, g_ptr_array_unref);
  g_free (self);
}

gint
vk_fv_table_find_storkreds (const VkFvTable *self, const char *name)
{
  g_return_val_if_fail (self != NULL && name != NULL, -1);
  for (guint i = 0; i < self->storkredse->len; i++)
    if (strcmp (((VkFvStorkredsSeats *)g_ptr_array_index (self->storkredse, i))->name, name) == 0)
      return (gint)i;
  return -1;
}

static gboolean
name_taken (const VkFvTable *t, const char *name)
{
  for (guint i = 0; i < t->landsdele->len; i++)
    if (strcmp (((VkFvLandsdel *)g_ptr_array_index (t->landsdele, i))->name, name) == 0)
      return TRUE;
  return vk_fv_table_find_storkreds (t, name) >= 0;
}

VkFvTable *
vk_fv_table_load (const char *path, GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (VkFvTable) self = NULL;
  g_autofree char *file = NULL;
  JsonObject *root;
  JsonArray *lds;
  guint kreds = 0, tillaeg = 0;

  g_return_val_if_fail (path != NULL, NULL);
  root = vk_json_load_object (path, &parser, error);
  if (root == NULL)
    return NULL;
  file = vk_text_escape_controls (path);
  lds = vk_json_get_array (root, file, "", "Landsdele", error);
  if (lds == NULL)
    return NULL;
  self = g_new0 (VkFvTable, 1);
  self->landsdele = g_ptr_array_new_with_free_func ((GDestroyNotify)landsdel_free);
  self->storkredse = g_ptr_array_new_with_free_func ((GDestroyNotify)storkreds_seats_free);
  if (json_array_get_length (lds) == 0 || json_array_get_length (lds) > 64)
    {
      vk_json_fail (error, file, "", "Landsdele", "expected 1 to 64 landsdele");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (lds); i++)
    {
      g_autofree char *lpath = g_strdup_printf ("Landsdele[%u]", i);
      JsonObject *lo = vk_json_array_get_obj (lds, i, file, "Landsdele", error);
      g_autofree char *lname = NULL;
      VkFvLandsdel *l;
      JsonArray *sks;
      guint sum = 0;

      if (lo == NULL || !vk_json_get_string (lo, file, lpath, "Navn", TRUE, &lname, error))
        return NULL;
      if (*lname == '\0')
        return (void)vk_json_fail (error, file, lpath, "Navn", "empty"), NULL;
      if (name_taken (self, lname))
        return (void)vk_json_fail (error, file, lpath, "Navn", "the name is given twice"), NULL;
      l = g_new0 (VkFvLandsdel, 1);
      l->name = g_steal_pointer (&lname);
      g_ptr_array_add (self->landsdele, l);
      if (!vk_json_get_uint (lo, file, lpath, "Kredsmandater", &l->kreds, error)
          || !vk_json_get_uint (lo, file, lpath, "Tillægsmandater", &l->tillaeg, error))
        return NULL;
      sks = vk_json_get_array (lo, file, lpath, "Storkredse", error);
      if (sks == NULL)
        return NULL;
      if (json_array_get_length (sks) == 0 || json_array_get_length (sks) > 256)
        return (void)vk_json_fail (error, file, lpath, "Storkredse", "expected 1 to 256 storkredse"), NULL;
      l->first = self->storkredse->len;
      l->n = json_array_get_length (sks);
      for (guint k = 0; k < l->n; k++)
        {
          g_autofree char *spath = g_strdup_printf ("%s.Storkredse[%u]", lpath, k);
          g_autofree char *name = NULL;
          JsonObject *so = vk_json_array_get_obj (sks, k, file, lpath, error);
          VkFvStorkredsSeats *s;
          guint n = 0;

          if (so == NULL || !vk_json_get_string (so, file, spath, "Navn", TRUE, &name, error)
              || !vk_json_get_uint (so, file, spath, "Kredsmandater", &n, error))
            return NULL;
          if (*name == '\0')
            return (void)vk_json_fail (error, file, spath, "Navn", "empty"), NULL;
          if (name_taken (self, name))
            return (void)vk_json_fail (error, file, spath, "Navn", "the name is given twice"), NULL;
          s = g_new0 (VkFvStorkredsSeats, 1);
          s->name = g_steal_pointer (&name);
          s->kreds = n;
          s->landsdel = i;
          g_ptr_array_add (self->storkredse, s);
          sum += n;
          if (sum > VK_FV_KREDSMANDATER)
            break;
        }
      if (sum != l->kreds)
        {
          g_autofree char *what = g_strdup_printf ("%u, but its storkredse have %u kredsmandater", l->kreds, sum);
          return (void)vk_json_fail (error, file, lpath, "Kredsmandater", what), NULL;
        }
      kreds += l->kreds;
      tillaeg += l->tillaeg;
      if (kreds > VK_FV_KREDSMANDATER || tillaeg > VK_FV_TILLAEGSMANDATER)
        break;
    }
  if (kreds != VK_FV_KREDSMANDATER || tillaeg != VK_FV_TILLAEGSMANDATER)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "%s: the landsdele have %s%u kredsmandater and %s%u tillægsmandater; folketingsvalgloven § 10 "
                   "says %u and %u",
                   file, kreds > VK_FV_KREDSMANDATER ? "more than " : "", kreds,
                   tillaeg > VK_FV_TILLAEGSMANDATER ? "more than " : "", tillaeg, VK_FV_KREDSMANDATER,
                   VK_FV_TILLAEGSMANDATER);
      return NULL;
    }
  return g_steal_pointer (&self);
}

/* ---- votes --------------------------------------------------------------- */

static void
independent_free (VkFvIndependent *c)
{
  if (c == NULL)
    return;
  g_free (c->name);
  g_free (c);
}

static void
person_votes_free (VkFvPersonVotes *p)
{
  if (p == NULL)
    return;
  g_free (p->id);
  g_free (p->name);
  g_free (p);
}

static void
kreds_votes_free (VkFvKredsVotes *k)
{
  if (k == NULL)
    return;
  g_free (k->id);
  g_free (k->name);
  g_clear_pointer (&k->party_votes, g_array_unref);
  g_clear_pointer (&k->persons, g_ptr_array_unref);
  g_free (k);
}

static void
storkreds_votes_free (VkFvStorkredsVotes *s)
{
  if (s == NULL)
    return;
  g_clear_pointer (&s->kredse, g_ptr_array_unref);
  g_free (s->name);
  g_free (s->landsdel);
  g_clear_pointer (&s->party_votes, g_array_unref);
  g_clear_pointer (&s->independents, g_ptr_array_unref);
  g_free (s);
}

VkFvVotes *
vk_fv_votes_new (const char *source)
{
  VkFvVotes *self = g_new0 (VkFvVotes, 1);

  self->source = g_strdup (source != NULL ? source : "");
  self->letters = g_ptr_array_new_with_free_func (g_free);
  self->names = g_ptr_array_new_with_free_func (g_free);
  self->storkredse = g_ptr_array_new_with_free_func ((GDestroyNotify)storkreds_votes_free);
  return self;
}

void
vk_fv_votes_free (VkFvVotes *self)
{
  if (self == NULL)
    return;
  g_free (self->source);
  g_clear_pointer (&self->letters, g_ptr_array_unref);
  g_clear_pointer (&self->names, g_ptr_array_unref);
  g_clear_pointer (&self->storkredse, g_ptr_array_unref);
  g_free (self);
}

guint
vk_fv_votes_party (VkFvVotes *self, const char *letter, const char *name)
{
  g_return_val_if_fail (self != NULL && letter != NULL, 0);
  for (guint i = 0; i < self->letters->len; i++)
    if (strcmp (g_ptr_array_index (self->letters, i), letter) == 0)
      return i;
  g_ptr_array_add (self->letters, g_strdup (letter));
  g_ptr_array_add (self->names, g_strdup (name != NULL ? name : letter));
  return self->letters->len - 1;
}

VkFvStorkredsVotes *
vk_fv_votes_storkreds (VkFvVotes *self, const char *name)
{
  VkFvStorkredsVotes *s;

  g_return_val_if_fail (self != NULL && name != NULL, NULL);
  for (guint i = 0; i < self->storkredse->len; i++)
    {
      s = g_ptr_array_index (self->storkredse, i);
      if (strcmp (s->name, name) == 0)
        return s;
    }
  s = g_new0 (VkFvStorkredsVotes, 1);
  s->name = g_strdup (name);
  s->party_votes = g_array_new (FALSE, TRUE, sizeof (guint64));
  s->independents = g_ptr_array_new_with_free_func ((GDestroyNotify)independent_free);
  s->kredse = g_ptr_array_new_with_free_func ((GDestroyNotify)kreds_votes_free);
  g_ptr_array_add (self->storkredse, s);
  return s;
}

/* A party's votes in a GArray of guint64 indexed by party, grown on demand. */
static void
votes_add (GArray *votes, guint party, guint64 n)
{
  if (votes->len <= party)
    g_array_set_size (votes, party + 1);
  g_array_index (votes, guint64, party) += n;
}

static guint64
votes_get (const GArray *votes, guint party)
{
  return party < votes->len ? g_array_index (votes, guint64, party) : 0;
}

void
vk_fv_storkreds_votes_add (VkFvStorkredsVotes *sk, guint party, guint64 votes)
{
  g_return_if_fail (sk != NULL);
  votes_add (sk->party_votes, party, votes);
}

void
vk_fv_storkreds_votes_add_independent (VkFvStorkredsVotes *sk, const char *name, guint64 votes)
{
  VkFvIndependent *c;

  g_return_if_fail (sk != NULL && name != NULL);
  for (guint i = 0; i < sk->independents->len; i++)
    {
      c = g_ptr_array_index (sk->independents, i);
      if (strcmp (c->name, name) == 0)
        {
          c->votes += votes;
          return;
        }
    }
  c = g_new0 (VkFvIndependent, 1);
  c->name = g_strdup (name);
  c->votes = votes;
  g_ptr_array_add (sk->independents, c);
}

guint64
vk_fv_storkreds_votes_get (const VkFvStorkredsVotes *sk, guint party)
{
  g_return_val_if_fail (sk != NULL, 0);
  return votes_get (sk->party_votes, party);
}

VkFvKredsVotes *
vk_fv_storkreds_votes_kreds (VkFvStorkredsVotes *sk, const char *id, const char *name)
{
  VkFvKredsVotes *k;

  g_return_val_if_fail (sk != NULL && id != NULL, NULL);
  for (guint i = 0; i < sk->kredse->len; i++)
    {
      k = g_ptr_array_index (sk->kredse, i);
      if (strcmp (k->id, id) == 0)
        return k;
    }
  k = g_new0 (VkFvKredsVotes, 1);
  k->id = g_strdup (id);
  k->name = g_strdup (name != NULL ? name : id);
  k->party_votes = g_array_new (FALSE, TRUE, sizeof (guint64));
  k->persons = g_ptr_array_new_with_free_func ((GDestroyNotify)person_votes_free);
  g_ptr_array_add (sk->kredse, k);
  return k;
}

void
vk_fv_kreds_votes_add (VkFvKredsVotes *k, guint party, guint64 votes)
{
  g_return_if_fail (k != NULL);
  votes_add (k->party_votes, party, votes);
}

guint64
vk_fv_kreds_votes_get (const VkFvKredsVotes *k, guint party)
{
  g_return_val_if_fail (k != NULL, 0);
  return votes_get (k->party_votes, party);
}

void
vk_fv_kreds_votes_add_person (VkFvKredsVotes *k, guint party, const char *id, const char *name, guint64 votes)
{
  VkFvPersonVotes *p;

  g_return_if_fail (k != NULL && name != NULL);
  for (guint i = 0; i < k->persons->len; i++)
    {
      p = g_ptr_array_index (k->persons, i);
      if (p->party == party && (id != NULL ? g_strcmp0 (p->id, id) == 0 : strcmp (p->name, name) == 0))
        {
          p->personal += votes;
          return;
        }
    }
  p = g_new0 (VkFvPersonVotes, 1);
  p->party = party;
  p->id = g_strdup (id);
  p->name = g_strdup (name);
  p->personal = votes;
  g_ptr_array_add (k->persons, p);
}
