/* vk-body-budget.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-body-budget.h"

struct _VkBodyBudget
{
  gatomicrefcount ref;
  GMutex lock;
  gsize limit;
  gsize used;
};

VkBodyBudget *
vk_body_budget_new (gsize limit)
{
  VkBodyBudget *budget = g_new0 (VkBodyBudget, 1);

  g_atomic_ref_count_init (&budget->ref);
  g_mutex_init (&budget->lock);
  budget->limit = limit;
  return budget;
}

VkBodyBudget *
vk_body_budget_ref (VkBodyBudget *budget)
{
  g_return_val_if_fail (budget != NULL, NULL);
  g_atomic_ref_count_inc (&budget->ref);
  return budget;
}

void
vk_body_budget_unref (VkBodyBudget *budget)
{
  if (budget == NULL || !g_atomic_ref_count_dec (&budget->ref))
    return;
  g_mutex_clear (&budget->lock);
  g_free (budget);
}

void
vk_body_budget_set_limit (VkBodyBudget *budget, gsize limit)
{
  g_return_if_fail (budget != NULL);
  g_mutex_lock (&budget->lock);
  budget->limit = limit;
  g_mutex_unlock (&budget->lock);
}

gsize
vk_body_budget_get_limit (VkBodyBudget *budget)
{
  gsize limit;

  g_return_val_if_fail (budget != NULL, 0);
  g_mutex_lock (&budget->lock);
  limit = budget->limit;
  g_mutex_unlock (&budget->lock);
  return limit;
}

gsize
vk_body_budget_get_used (VkBodyBudget *budget)
{
  gsize used;

  g_return_val_if_fail (budget != NULL, 0);
  g_mutex_lock (&budget->lock);
  used = budget->used;
  g_mutex_unlock (&budget->lock);
  return used;
}

static gboolean
budget_take (VkBodyBudget *budget, gsize bytes)
{
  gboolean ok;

  g_mutex_lock (&budget->lock);
  ok = bytes <= budget->limit && budget->used <= budget->limit - bytes;
  if (ok)
    budget->used += bytes;
  g_mutex_unlock (&budget->lock);
  return ok;
}

static void
budget_give (VkBodyBudget *budget, gsize bytes)
{
  g_mutex_lock (&budget->lock);
  g_assert (bytes <= budget->used);
  budget->used -= bytes;
  g_mutex_unlock (&budget->lock);
}

/* Buffers. */

struct _VkBodyBuffer
{
  VkBodyBudget *budget;
  gsize max_body;
  guint8 *data;
  gsize len;
  gsize reserved; /* = the allocated size of data */
};

/* What a stolen GBytes holds: its bytes and their reservation. */
typedef struct
{
  VkBodyBudget *budget;
  guint8 *data;
  gsize reserved;
} Hold;

static void
hold_free (gpointer user_data)
{
  Hold *hold = user_data;

  g_free (hold->data);
  budget_give (hold->budget, hold->reserved);
  vk_body_budget_unref (hold->budget);
  g_free (hold);
}

VkBodyBuffer *
vk_body_buffer_new (VkBodyBudget *budget, gsize max_body)
{
  VkBodyBuffer *buffer;

  g_return_val_if_fail (budget != NULL, NULL);

  buffer = g_new0 (VkBodyBuffer, 1);
  buffer->budget = vk_body_budget_ref (budget);
  buffer->max_body = max_body;
  return buffer;
}

void
vk_body_buffer_discard (VkBodyBuffer *buffer)
{
  g_return_if_fail (buffer != NULL);

  g_clear_pointer (&buffer->data, g_free);
  buffer->len = 0;
  if (buffer->reserved > 0)
    budget_give (buffer->budget, buffer->reserved);
  buffer->reserved = 0;
}

/* Makes room for @size bytes in all; FALSE (and nothing changed) when the
 * budget cannot hold the difference. */
static gboolean
grow_to (VkBodyBuffer *buffer, gsize size)
{
  if (size <= buffer->reserved)
    return TRUE;
  if (!budget_take (buffer->budget, size - buffer->reserved))
    return FALSE;
  buffer->data = g_realloc (buffer->data, size);
  buffer->reserved = size;
  return TRUE;
}

VkBodyStatus
vk_body_buffer_reserve (VkBodyBuffer *buffer, gsize size)
{
  g_return_val_if_fail (buffer != NULL, VK_BODY_TOO_LARGE);

  if (size > buffer->max_body)
    {
      vk_body_buffer_discard (buffer);
      return VK_BODY_TOO_LARGE;
    }
  if (!grow_to (buffer, size))
    {
      vk_body_buffer_discard (buffer);
      return VK_BODY_NO_BUDGET;
    }
  return VK_BODY_OK;
}

VkBodyStatus
vk_body_buffer_append (VkBodyBuffer *buffer, const void *data, gsize len)
{
  gsize needed;

  g_return_val_if_fail (buffer != NULL, VK_BODY_TOO_LARGE);

  if (len == 0)
    return VK_BODY_OK;
  if (buffer->len > buffer->max_body || len > buffer->max_body - buffer->len)
    {
      vk_body_buffer_discard (buffer);
      return VK_BODY_TOO_LARGE;
    }
  needed = buffer->len + len;
  if (needed > buffer->reserved)
    {
      /* Grow geometrically (up to max_body) so that a body in many small
       * chunks is not copied over and over; when the budget has no room
       * for that, for just what is needed. */
      gsize grow = MAX (needed, MIN (buffer->max_body, MAX (buffer->reserved * 2, (gsize)64 * 1024)));

      if (!grow_to (buffer, grow) && !grow_to (buffer, needed))
        {
          vk_body_buffer_discard (buffer);
          return VK_BODY_NO_BUDGET;
        }
    }
  memcpy (buffer->data + buffer->len, data, len);
  buffer->len = needed;
  return VK_BODY_OK;
}

gsize
vk_body_buffer_get_length (VkBodyBuffer *buffer)
{
  g_return_val_if_fail (buffer != NULL, 0);
  return buffer->len;
}

GBytes *
vk_body_buffer_steal (VkBodyBuffer *buffer)
{
  Hold *hold;

  g_return_val_if_fail (buffer != NULL, NULL);

  if (buffer->len == 0)
    {
      vk_body_buffer_discard (buffer);
      return g_bytes_new (NULL, 0);
    }
  /* Give back what was reserved and not filled (a body cut short). */
  if (buffer->reserved > buffer->len)
    {
      buffer->data = g_realloc (buffer->data, buffer->len);
      budget_give (buffer->budget, buffer->reserved - buffer->len);
      buffer->reserved = buffer->len;
    }
  hold = g_new0 (Hold, 1);
  hold->budget = vk_body_budget_ref (buffer->budget);
  hold->data = g_steal_pointer (&buffer->data);
  hold->reserved = buffer->reserved;
  buffer->len = 0;
  buffer->reserved = 0;
  return g_bytes_new_with_free_func (hold->data, hold->reserved, hold_free, hold);
}

void
vk_body_buffer_free (VkBodyBuffer *buffer)
{
  if (buffer == NULL)
    return;
  vk_body_buffer_discard (buffer);
  vk_body_budget_unref (buffer->budget);
  g_free (buffer);
}
