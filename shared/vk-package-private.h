/* vk-package-private.h: what the files of the election package share.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The package is split by concern: vk-package.c opens, verifies and
 * reads it; vk-package-digest.c computes the canonical digest (the
 * election id) and the signed statements; vk-package-create.c writes and
 * signs a new package; vk-package-devices.c holds the devices and their
 * enrolment.  docs/package-format.md specifies the format.
 */
#pragma once

#include <glib.h>

#include "vk-db.h"
#include "vk-package.h"

G_BEGIN_DECLS

/* How long a package connection waits for another process's lock.  A
 * reader verifying a municipality's package holds its shared lock for
 * one long statement (quick_check, the voter digest: seconds for
 * 500,000 voters), and an enrolment's commit waits for those to end
 * while new readers wait for the commit; vk_db_open's 5 s is too short
 * for that on a slow machine. */
#define VK_PACKAGE_BUSY_TIMEOUT_MS 60000

#define VK_PACKAGE_FORMAT "valgkit-package-v3"
#define VK_PACKAGE_SIGNATURE_CONTEXT "valgkit-package"

struct _VkPackage
{
  VkDb *db;
  char *path;
  guint8 election_id[VK_ELECTION_ID_BYTES];
  guint8 election_key[VK_PUBLIC_KEY_BYTES];
  GHashTable *devices; /* device id -> VkDevice */
  /* Loaded once at open: worker threads (sync rounds, the peer server)
   * read the election through vk_package_get_election() and never touch
   * the connection, which is not shared between threads. */
  VkElection *election;
};

/* The sections of the canonical digest (docs/package-format.md §3), in
 * the order their digests are combined. */
enum
{
  SECTION_ELECTION,
  SECTION_LISTS,
  SECTION_CANDIDATES,
  SECTION_VALGFORBUND,
  SECTION_AREAS,
  SECTION_VOTERS,
  SECTION_CONTESTS, /* format 2: the contests after the primary */
  VK_PACKAGE_N_SECTIONS
};

G_GNUC_INTERNAL extern const char *const vk_package_section_names[VK_PACKAGE_N_SECTIONS];

/* The digest of every section, computed from the tables (§3.1–3.2). */
G_GNUC_INTERNAL gboolean vk_package_hash_sections (VkDb *db, guint8 ret_digests[VK_PACKAGE_N_SECTIONS][32],
                                                   GError **error);
/* election_id = SHA-256 (CBOR [format, election key, the section digests]) (§3.3). */
G_GNUC_INTERNAL void vk_package_combine_sections (const guint8 election_key[VK_PUBLIC_KEY_BYTES],
                                                  guint8 digests[VK_PACKAGE_N_SECTIONS][32],
                                                  guint8 ret_election_id[VK_ELECTION_ID_BYTES]);
/* The payload the package signature signs (§4). */
G_GNUC_INTERNAL GBytes *vk_package_signed_payload (const guint8 election_id[VK_ELECTION_ID_BYTES]);
/* The enrolment statement of a device (§5). */
G_GNUC_INTERNAL GBytes *vk_package_enrolment_payload (const guint8 election_id[VK_ELECTION_ID_BYTES],
                                                      const VkDevice *d);
/* Reads and verifies every device row into self->devices. */
G_GNUC_INTERNAL gboolean vk_package_load_devices (VkPackage *self, GError **error);

G_END_DECLS
