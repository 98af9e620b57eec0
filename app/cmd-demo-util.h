/* cmd-demo-util.h: what `valgkit demo` needs around the election it
 * replays: its output folder, the count server it spawns, the key files
 * it encrypts in the background, and the time each phase took.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "vk-keys.h"
#include "vk-results.h"

G_BEGIN_DECLS

/* A foreløbig count made from a fintælling: its list totals without
 * personal votes, its other invalid ballots without reasons (the RV
 * replay's missing foreløbig areas, the FV/FA replay's election night). */
VkAreaResult *vk_demo_foreloebig_from (const VkAreaResult *fin) G_GNUC_WARN_UNUSED_RESULT;

/* The council size: the official mandatfordeling.json in data_dir has one
 * ListeMandater row per seat (kandidat-data.json does not say); 0 if not. */
guint vk_demo_council_size_from (const char *data_dir);

/* A rerun starts from scratch: removes what an earlier run wrote in out,
 * and only that, and makes its folders. */
gboolean vk_demo_prepare_out (const char *out, GError **error);

/* The key files of the demo's devices, encrypted (Argon2id, 0.1–2 s a key)
 * by a thread pool on the cores the replay leaves idle. */
typedef struct
{
  const char *out;        /* borrowed */
  const char *passphrase; /* borrowed */
  GThreadPool *pool;
  GMutex lock;
  GError *error; /* the first failure */
} VkDemoKeys;

void vk_demo_keys_init (VkDemoKeys *keys, const char *out, const char *passphrase);
/* Writes OUT/keys/NAME.key (encrypted with the passphrase, role and label
 * bound) and NAME.pub: now when wait (the count server's, which `valgkit
 * serve` reads), else queued.  key is borrowed until vk_demo_keys_wait(). */
gboolean vk_demo_keys_save (VkDemoKeys *keys, const VkKeypair *key, const char *name, const char *role,
                            const char *label, VkKdfStrength strength, gboolean wait, GError **error);
/* Waits for every key file queued; FALSE with the first failure. */
gboolean vk_demo_keys_wait (VkDemoKeys *keys, GError **error);
/* Waits, and frees what keys holds. */
void vk_demo_keys_clear (VkDemoKeys *keys);

/* Wall-clock and CPU time (every thread of this process) per phase. */
typedef struct
{
  gint64 wall_us, cpu_us;
  GString *summary; /* "import 0.1 s (CPU 0.0 s), package …" */
} VkDemoPhases;

/* Ends the phase name (NULL: starts the first) and flushes stdout, so that
 * a pipe sees what each phase printed when it ends. */
void vk_demo_phase_done (VkDemoPhases *phases, const char *name);
void vk_demo_phases_clear (VkDemoPhases *phases);

/* A `valgkit serve` on loopback, spawned from this very executable. */
typedef struct
{
  char *url; /* http://127.0.0.1:PORT */
  GPid pid;
  int out; /* the server's stdout, open until it stops */
} VkDemoServer;

gboolean vk_demo_server_start (VkDemoServer *server, const char *out, const char *passphrase, GError **error);
void vk_demo_server_stop (VkDemoServer *server);

G_END_DECLS
