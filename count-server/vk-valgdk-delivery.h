/* vk-valgdk-delivery.h: the count server's own valg.dk delivery.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `valgkit serve --valgdk DIR` keeps the delivery folder up to date by
 * itself: each file is written as it becomes due (vk_count_report_valgdk(),
 * vk-count-export.h, decides what is due and writes only what changed).
 * A run is started
 *   - once when the server starts (a restart catches up and, as nothing
 *     changed, writes nothing);
 *   - after every batch that stored entries (vk_valgdk_delivery_poke()):
 *     a count's sign-off, a fintælling, a late table's journal;
 *   - at each announced turnout time of election day (a GLib timeout on
 *     the main context, re-armed at most every minute so that a changed
 *     wall clock is noticed).
 * Runs happen on one worker thread with its own read-only connection to
 * the count database and its own copy of the election package, so a
 * station's push never waits on report writing: poking only sets a flag.
 * Pokes that arrive during a run make one more run, and two runs are at
 * least min_interval_ms apart, so a burst of pushes costs a few runs.
 * docs/api.md, "valg.dk delivery".
 */
#pragma once

#include <glib.h>

#include "vk-keys.h"

G_BEGIN_DECLS

typedef struct _VkValgdkDelivery VkValgdkDelivery;

typedef struct
{
  GArray *times;               /* announced turnout times (guint minutes), copied; NULL: 11:00 and 17:00 */
  gint64 clock_offset_ms;      /* the delivery's clock is the real one plus this (rehearsals and tests) */
  guint min_interval_ms;       /* least time between the starts of two runs; 0: 1000 */
  const char *previous_dir;    /* the previous election's valg.dk files, or NULL */
  const char *lots_path;       /* lot draws for the seat allocation, or NULL */
  const VkKeypair *server_key; /* the count server's key, borrowed for the delivery's life: each FV, FA and
                                * EP contest's signed municipality result is delivered too; NULL: not */
} VkValgdkDeliveryOptions;

/* Called on the worker thread (and by vk_valgdk_delivery_start() on the
 * caller's) with each line worth logging: a file written, an area not in
 * a turnout file, a failed run.  Only runs that wrote something or failed
 * are logged, so an unchanged folder makes no noise. */
typedef void (*VkValgdkDeliveryLogFunc) (const char *line, gpointer user_data);

/* Opens package_path (its own copy) and loads previous_dir and lots_path.
 * The count database at db_path must exist by vk_valgdk_delivery_start().
 * dir is created when missing.  Errors: the package, previous files or
 * lots cannot be read, or the election has no date. */
VkValgdkDelivery *vk_valgdk_delivery_new (const char *package_path, const char *db_path, const char *dir,
                                          const VkValgdkDeliveryOptions *options,
                                          GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_valgdk_delivery_set_log_func (VkValgdkDelivery *self, VkValgdkDeliveryLogFunc func, gpointer user_data);
/* Brings the folder up to date now (on the calling thread), then starts
 * the worker and arms the timer for the next announced time on the
 * thread-default main context.  FALSE when that first run failed (the
 * worker is not started). */
gboolean vk_valgdk_delivery_start (VkValgdkDelivery *self, GError **error);
/* Asks for a run soon (any thread; returns at once). */
void vk_valgdk_delivery_poke (VkValgdkDelivery *self);
/* The delivery's clock: ms since the Unix epoch. */
gint64 vk_valgdk_delivery_now_ms (VkValgdkDelivery *self);
/* Stops the timer and the worker (after the run in progress, if any). */
void vk_valgdk_delivery_free (VkValgdkDelivery *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkValgdkDelivery, vk_valgdk_delivery_free)

/* "HH:MM[:SS]" on date (the election day) or "YYYY-MM-DD HH:MM[:SS]", in
 * Danish time → ms since the Unix epoch; -1 when it is neither. */
gint64 vk_valgdk_parse_clock (const char *text, const char *date);

G_END_DECLS
