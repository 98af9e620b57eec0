/* vk-valgdk-delivery.c: the count server's own valg.dk delivery.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What is due and how a version is written live in vk-count-export.c
 * (the same code `valgkit report` runs); this file only decides when to
 * run it, and runs it where it cannot slow down ingest.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vk-count-export.h"
#include "vk-count.h"
#include "vk-error.h"
#include "vk-package.h"
#include "vk-seats.h"
#include "vk-valgdk-delivery.h"
#include "vk-valgdk-previous.h"
#include "vk-valgdk-turnout.h"

/* The timer looks at the wall clock again at least this often, so a
 * clock that was set (or a machine that slept) does not make it late. */
#define RECHECK_MS (60 * 1000)

struct _VkValgdkDelivery
{
  char *db_path;
  char *dir;
  VkPackage *package; /* the worker's own: SQLite connections are not shared between threads */
  char *date;         /* the election day, YYYY-MM-DD */
  GArray *times;      /* guint minutes */
  gint64 clock_offset_ms;
  guint min_interval_ms;
  VkValgdkPrevious *previous;
  VkLots *lots;
  const VkKeypair *server_key; /* borrowed (options) */
  VkValgdkDeliveryLogFunc log_func;
  gpointer log_data;

  /* The timer (main context). */
  GSource *timer;
  gint64 next_due_ms; /* the announced time the timer waits for; 0: none left */

  /* The worker, under lock. */
  GMutex lock;
  GCond cond;
  GThread *thread;
  gboolean dirty; /* a run was asked for */
  gboolean quit;
};

static void
log_line (VkValgdkDelivery *self, const char *line)
{
  if (self->log_func != NULL)
    self->log_func (line, self->log_data);
}

gint64
vk_valgdk_delivery_now_ms (VkValgdkDelivery *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return g_get_real_time () / 1000 + self->clock_offset_ms;
}

/* One run: a fresh read-only view of the count database (it sees every
 * batch committed so far), and the report as of the delivery's clock. */
static gboolean
run_once (VkValgdkDelivery *self, GError **error)
{
  g_autoptr (VkCount) count = NULL;
  g_autoptr (VkValgdkReport) report = NULL;
  VkValgdkReportOptions options = { 0 };
  gint64 now = vk_valgdk_delivery_now_ms (self);

  count = vk_count_open_read_only (self->db_path, self->package, error);
  if (count == NULL)
    return FALSE;
  options.times = self->times;
  options.at_ms = now > 0 ? now : 1;
  options.previous = self->previous;
  options.lots = self->lots;
  options.every_signoff = TRUE;
  options.server_key = self->server_key;
  report = vk_count_report_valgdk (count, self->dir, &options, error);
  if (report == NULL)
    return FALSE;
  if (report->written > 0)
    {
      g_autoptr (GDateTime) at = g_date_time_new_from_unix_local (now / 1000);
      g_autofree char *when = at != NULL ? g_date_time_format (at, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
      g_autofree char *summary = NULL;

      for (guint i = 0; i < report->log->len; i++)
        log_line (self, g_ptr_array_index (report->log, i));
      summary = g_strdup_printf ("valg.dk delivery at %s: %u %s written, %u unchanged", when, report->written,
                                 report->written == 1 ? "file" : "files", report->unchanged);
      log_line (self, summary);
    }
  return TRUE;
}

/* A failed run is logged; the next push or announced time tries again. */
static void
run_and_log (VkValgdkDelivery *self)
{
  g_autoptr (GError) error = NULL;

  if (!run_once (self, &error))
    {
      g_autofree char *line = g_strdup_printf ("valg.dk delivery failed: %s", error->message);
      log_line (self, line);
    }
}

static gpointer
worker (gpointer user_data)
{
  VkValgdkDelivery *self = user_data;
  gint64 last_start = 0;
  gboolean pending;

  g_mutex_lock (&self->lock);
  for (;;)
    {
      gint64 earliest;

      while (!self->dirty && !self->quit)
        g_cond_wait (&self->cond, &self->lock);
      if (self->quit)
        break;
      /* Two runs at least min_interval_ms apart: the pokes of a burst of
       * pushes are gathered into the next run. */
      earliest = last_start + (gint64)self->min_interval_ms * 1000;
      while (!self->quit && g_get_monotonic_time () < earliest)
        g_cond_wait_until (&self->cond, &self->lock, earliest);
      if (self->quit)
        break;
      self->dirty = FALSE;
      last_start = g_get_monotonic_time ();
      g_mutex_unlock (&self->lock);
      run_and_log (self);
      g_mutex_lock (&self->lock);
    }
  pending = self->dirty;
  self->dirty = FALSE;
  g_mutex_unlock (&self->lock);
  /* A stop right after a push still delivers what that push made due. */
  if (pending)
    run_and_log (self);
  return NULL;
}

void
vk_valgdk_delivery_poke (VkValgdkDelivery *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  self->dirty = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* The first announced time after after_ms, or 0. */
static gint64
next_time (VkValgdkDelivery *self, gint64 after_ms)
{
  for (guint i = 0; i < self->times->len; i++)
    {
      gint64 t = vk_valgdk_local_time_ms (self->date, g_array_index (self->times, guint, i));
      if (t > after_ms)
        return t;
    }
  return 0;
}

static gboolean timer_cb (gpointer user_data);

static void
arm_timer (VkValgdkDelivery *self)
{
  gint64 wait;

  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  if (self->next_due_ms == 0)
    return;
  wait = self->next_due_ms - vk_valgdk_delivery_now_ms (self);
  wait = CLAMP (wait, 0, RECHECK_MS);
  self->timer = g_timeout_source_new ((guint)wait);
  g_source_set_callback (self->timer, timer_cb, self, NULL);
  g_source_set_name (self->timer, "valg.dk turnout times");
  g_source_attach (self->timer, g_main_context_get_thread_default ());
}

static gboolean
timer_cb (gpointer user_data)
{
  VkValgdkDelivery *self = user_data;
  gint64 now = vk_valgdk_delivery_now_ms (self);

  if (now >= self->next_due_ms)
    {
      vk_valgdk_delivery_poke (self);
      self->next_due_ms = next_time (self, now);
    }
  g_clear_pointer (&self->timer, g_source_unref);
  arm_timer (self);
  return G_SOURCE_REMOVE;
}

gboolean
vk_valgdk_delivery_start (VkValgdkDelivery *self, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->thread == NULL, FALSE);

  if (!run_once (self, error))
    return FALSE;
  self->thread = g_thread_new ("valgdk-delivery", worker, self);
  self->next_due_ms = next_time (self, vk_valgdk_delivery_now_ms (self));
  arm_timer (self);
  return TRUE;
}

void
vk_valgdk_delivery_set_log_func (VkValgdkDelivery *self, VkValgdkDeliveryLogFunc func, gpointer user_data)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->thread == NULL);
  self->log_func = func;
  self->log_data = user_data;
}

VkValgdkDelivery *
vk_valgdk_delivery_new (const char *package_path, const char *db_path, const char *dir,
                        const VkValgdkDeliveryOptions *options, GError **error)
{
  static const VkValgdkDeliveryOptions defaults = { 0 };
  const VkValgdkDeliveryOptions *o = options != NULL ? options : &defaults;
  g_autoptr (VkValgdkDelivery) self = NULL;
  const VkElection *e;

  g_return_val_if_fail (package_path != NULL && db_path != NULL && dir != NULL, NULL);

  self = g_new0 (VkValgdkDelivery, 1);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->db_path = g_strdup (db_path);
  self->dir = g_strdup (dir);
  self->clock_offset_ms = o->clock_offset_ms;
  self->min_interval_ms = o->min_interval_ms > 0 ? o->min_interval_ms : 1000;
  self->server_key = o->server_key;
  if (o->times != NULL)
    {
      self->times = g_array_sized_new (FALSE, FALSE, sizeof (guint), o->times->len);
      g_array_append_vals (self->times, o->times->data, o->times->len);
    }
  else
    self->times = vk_valgdk_parse_times (VK_VALGDK_TURNOUT_TIMES_DEFAULT, NULL);
  self->package = vk_package_open (package_path, error);
  if (self->package == NULL)
    return NULL;
  e = vk_package_get_election (self->package);
  if (e->date == NULL || vk_valgdk_local_time_ms (e->date, 0) < 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the election's date \"%s\" is not YYYY-MM-DD",
                   e->date != NULL ? e->date : "");
      return NULL;
    }
  self->date = g_strdup (e->date);
  if (o->previous_dir != NULL && (self->previous = vk_valgdk_previous_load (o->previous_dir, error)) == NULL)
    return NULL;
  if (o->lots_path != NULL && (self->lots = vk_lots_load (o->lots_path, error)) == NULL)
    return NULL;
  if (g_mkdir_with_parents (dir, 0750) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", dir, g_strerror (saved));
      return NULL;
    }
  return g_steal_pointer (&self);
}

void
vk_valgdk_delivery_free (VkValgdkDelivery *self)
{
  if (self == NULL)
    return;
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  if (self->thread != NULL)
    {
      g_mutex_lock (&self->lock);
      self->quit = TRUE;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      g_thread_join (self->thread);
    }
  g_clear_pointer (&self->package, vk_package_free);
  g_clear_pointer (&self->previous, vk_valgdk_previous_free);
  g_clear_pointer (&self->lots, vk_lots_free);
  g_clear_pointer (&self->times, g_array_unref);
  g_free (self->date);
  g_free (self->db_path);
  g_free (self->dir);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

gint64
vk_valgdk_parse_clock (const char *text, const char *date)
{
  g_autofree char *day = NULL;
  const char *hm;
  guint minute = 0, second = 0;
  g_autofree char *hhmm = NULL;
  gint64 t;

  g_return_val_if_fail (text != NULL, -1);

  if (strlen (text) >= 16 && text[10] == ' ')
    {
      day = g_strndup (text, 10);
      hm = text + 11;
    }
  else
    {
      if (date == NULL)
        return -1;
      day = g_strdup (date);
      hm = text;
    }
  /* "HH:MM" or "HH:MM:SS". */
  if (strlen (hm) == 8)
    {
      if (hm[5] != ':' || !g_ascii_isdigit (hm[6]) || !g_ascii_isdigit (hm[7]))
        return -1;
      second = (guint)((hm[6] - '0') * 10 + (hm[7] - '0'));
      if (second > 59)
        return -1;
      hhmm = g_strndup (hm, 5);
    }
  else if (strlen (hm) == 5)
    hhmm = g_strdup (hm);
  else
    return -1;
  if (!vk_valgdk_parse_time (hhmm, &minute))
    return -1;
  t = vk_valgdk_local_time_ms (day, minute);
  return t < 0 ? -1 : t + (gint64)second * 1000;
}
