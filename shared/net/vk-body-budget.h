/* vk-body-budget.h: one budget for the request bodies a server holds
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each request body a server buffers (while it arrives, while it waits
 * for a worker and while it is being processed) holds a reservation of
 * its size against one budget per server, so that many large bodies at
 * once cannot exhaust the memory.  A reservation belongs to exactly one
 * owner at a time: first a VkBodyBuffer, then the GBytes that
 * vk_body_buffer_steal() returns; it is released exactly once, when its
 * owner is freed (or discarded).  Thread-safe: the GBytes may be freed
 * on a worker thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _VkBodyBudget VkBodyBudget;

VkBodyBudget *vk_body_budget_new (gsize limit);
VkBodyBudget *vk_body_budget_ref (VkBodyBudget *budget);
void vk_body_budget_unref (VkBodyBudget *budget);
void vk_body_budget_set_limit (VkBodyBudget *budget, gsize limit);
gsize vk_body_budget_get_limit (VkBodyBudget *budget);
/* Bytes reserved now. */
gsize vk_body_budget_get_used (VkBodyBudget *budget);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkBodyBudget, vk_body_budget_unref)

typedef struct _VkBodyBuffer VkBodyBuffer;

typedef enum
{
  VK_BODY_OK,
  VK_BODY_TOO_LARGE, /* more than the buffer's max_body */
  VK_BODY_NO_BUDGET, /* the budget cannot hold it now */
} VkBodyStatus;

VkBodyBuffer *vk_body_buffer_new (VkBodyBudget *budget, gsize max_body);
/* Reserves (and allocates) room for @size bytes in all, e.g. a
 * Content-Length, before any arrives. */
VkBodyStatus vk_body_buffer_reserve (VkBodyBuffer *buffer, gsize size);
/* Appends, reserving more as needed.  On anything but VK_BODY_OK the
 * buffer is discarded: it holds nothing and reserves nothing. */
VkBodyStatus vk_body_buffer_append (VkBodyBuffer *buffer, const void *data, gsize len);
gsize vk_body_buffer_get_length (VkBodyBuffer *buffer);
/* The bytes so far, as a GBytes that holds their reservation until it is
 * freed; the buffer is left empty. */
GBytes *vk_body_buffer_steal (VkBodyBuffer *buffer);
/* Drops the bytes and the reservation. */
void vk_body_buffer_discard (VkBodyBuffer *buffer);
void vk_body_buffer_free (VkBodyBuffer *buffer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkBodyBuffer, vk_body_buffer_free)

G_END_DECLS
