/* vk-package.h: the election package (.vkp), signed by the election key.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An election package is one SQLite file holding what every station and
 * the count server must agree on: the event (date, municipality) and its
 * contests (KV and, the same day, RV), each contest's lists, candidates,
 * valgforbund and eligible voters per area, the areas and per-area voter
 * lists, the election public key, the election key's signature, and the
 * enrolled devices.  The byte-level
 * format, including the canonical digest that gives the election id, is
 * specified in docs/package-format.md.
 *
 * The election id is the SHA-256 of a canonical CBOR encoding of the
 * content (and the election public key); it is what journals carry.
 * Opening a package verifies it: the content is re-hashed from the
 * tables, the package signature must verify under the stored election
 * key over that hash, and every enrolment must verify under the same key
 * and agree with its decoded columns.  A failure is VK_ERROR_SIGNATURE
 * naming what failed ("voters", "candidates", "device valgbord-1", ...).
 *
 * Opening proves the package is consistent and signed by *its* election
 * key; whether that key is the valgsekretariat's must be checked against
 * a trusted copy of the key or of the election id (printed, published).
 */
#pragma once

#include <glib.h>

#include "vk-election.h"
#include "vk-journal.h"
#include "vk-keys.h"
#include "vk-role.h"
#include "vk-voters.h"

G_BEGIN_DECLS

#define VK_PACKAGE_APPLICATION_ID 0x564B5047u /* 'VKPG' */
/* The package format (PRAGMA user_version, package.format
 * "valgkit-package-v<N>").  2: an event with several contests (KV + RV);
 * 3: each voter's contests (per-voter eligibility), FV, EP and FA. */
#define VK_PACKAGE_SCHEMA_VERSION 3
#define VK_ELECTION_ID_BYTES 32
/* vk_package_enroll() area for a device that serves no single area. */
#define VK_PACKAGE_NO_AREA 0u
/* A pinned TLS certificate: SHA-256 of its DER (vk_net_certificate_fingerprint()). */
#define VK_TLS_PIN_BYTES 32

typedef struct _VkPackage VkPackage;

/* An enrolled device, as stated in its enrolment. */
typedef struct
{
  char *device_id;
  char *role;           /* the wire name (vk-role.h) */
  VkDeviceRole role_id; /* the same as a value */
  guint area;           /* VK_PACKAGE_NO_AREA when none */
  guint8 public_key[VK_PUBLIC_KEY_BYTES];
  guint8 key_id[VK_KEY_ID_BYTES];
  guint64 valid_from; /* ms since the Unix epoch, inclusive */
  guint64 valid_to;   /* ms since the Unix epoch, inclusive */
  GBytes *enrolment;  /* the COSE_Sign1 by the election key */
  /* Role server only: the SHA-256 of the DER of the TLS certificate the
   * count server serves (docs/package-format.md §5, "tls"); every client
   * requires exactly that certificate (vk_package_resolve_server_pin()). */
  gboolean has_tls;
  guint8 tls_sha256[VK_TLS_PIN_BYTES];
} VkDevice;

void vk_device_free (VkDevice *self);
/* TRUE at time_ms within [valid_from, valid_to]. */
gboolean vk_device_is_valid_at (const VkDevice *self, guint64 time_ms);
/* TRUE for a wire name of vk-role.h. */
gboolean vk_device_role_is_valid (const char *role);

/* Writes a new package at path (refused if path exists) and signs it
 * with election_key.  election is the event (its primary contest); its
 * other contests (election->contests) are written too, and each must have
 * exactly the event's areas (with its own eligible voters).  voters may
 * be NULL (no voter lists); every voter's area must be one of the
 * election's areas.  The file is written under a
 * temporary name and renamed into place when complete. */
VkPackage *vk_package_create (const char *path, const VkElection *election, const VkVoterList *voters,
                              const VkKeypair *election_key, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Opens and verifies (see above).  VK_ERROR_VERSION for a package from a
 * newer valgkit, or of an older format (1, 2: "import the election again";
 * never migrated), VK_ERROR_INVALID for a file that is not a package,
 * VK_ERROR_SIGNATURE when verification fails.  The connection is
 * read-only (after replaying the journal of an interrupted write, if
 * any), so any number of processes may hold the package open at once;
 * docs/package-format.md, "Opening". */
VkPackage *vk_package_open (const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_package_free (VkPackage *self);

const char *vk_package_get_path (VkPackage *self);
const guint8 *vk_package_get_election_id (VkPackage *self);
const guint8 *vk_package_get_election_public_key (VkPackage *self);

/* The election (the event and its primary contest, with the other
 * contests in election->contests), lists in ballot order, candidates in
 * list order. */
VkElection *vk_package_dup_election (VkPackage *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The election as read when the package was opened (borrowed, immutable,
 * safe to read from any thread). */
const VkElection *vk_package_get_election (VkPackage *self);
/* The voters of one area, or of all areas with area 0, ordered by
 * (area, løbenummer). */
VkVoterList *vk_package_dup_voters (VkPackage *self, guint area, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* VK_ERROR_NOT_FOUND when absent. */
VkVoter *vk_package_lookup_voter (VkPackage *self, guint area, guint loebenummer,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The number of voters in an area (all areas with 0); -1 with error. */
gint64 vk_package_count_voters (VkPackage *self, guint area, GError **error);

/* Enrols a device: signs the enrolment statement with election_key
 * (VK_ERROR_KEY unless it is the package's election key) and stores it.
 * role must be valid; area must be VK_PACKAGE_NO_AREA or an area of the
 * election (a valgbord needs one); valid_from <= valid_to.  A device id
 * can be enrolled once (VK_ERROR_INVALID otherwise).  The row is written
 * through a read-write connection of its own, in one transaction. */
gboolean vk_package_enroll (VkPackage *self, const VkKeypair *election_key, const char *device_id, const char *role,
                            guint area, const guint8 public_key[VK_PUBLIC_KEY_BYTES], guint64 valid_from,
                            guint64 valid_to, GError **error);
/* The same, and for a device of role server, tls_sha256 (may be NULL):
 * the SHA-256 of the DER of the TLS certificate it serves, which every
 * client then requires (VK_ERROR_INVALID for another role).  A new
 * certificate is a new enrolment (a device id is enrolled once). */
gboolean vk_package_enroll_with_tls (VkPackage *self, const VkKeypair *election_key, const char *device_id,
                                     const char *role, guint area, const guint8 public_key[VK_PUBLIC_KEY_BYTES],
                                     const guint8 *tls_sha256, guint64 valid_from, guint64 valid_to, GError **error);
/* VkDevice*, ordered by device id; free with g_ptr_array_unref(). */
GPtrArray *vk_package_list_devices (VkPackage *self) G_GNUC_WARN_UNUSED_RESULT;
/* Borrowed: valid as long as the package is open.  NULL when absent. */
const VkDevice *vk_package_lookup_device (VkPackage *self, const char *device_id);
/* The device whose key has this key id, or NULL. */
const VkDevice *vk_package_lookup_device_by_key_id (VkPackage *self, const guint8 key_id[VK_KEY_ID_BYTES]);

/* The count server's certificate pin a client must require (hex SHA-256
 * of the certificate's DER, lowercase), from the package and given (a
 * pin from the command line, hex, or NULL).  The package's pins are the
 * `tls` of its server devices valid at now_ms (of all its server devices
 * when none is valid then).  *ret_pin is set to NULL (and TRUE
 * returned) when neither the package nor given pins anything; to given
 * when the package pins nothing; to the package's pin when it has one
 * and given is NULL or the same.  FALSE with VK_ERROR_KEY when given
 * differs from the package's pin (naming the device), or when the
 * package pins several certificates and given names none of them;
 * VK_ERROR_INVALID when given is not 64 hex digits. */
gboolean vk_package_resolve_server_pin (VkPackage *self, const char *given, guint64 now_ms, char **ret_pin,
                                        GError **error);

/* The canonical digest of a package file's content tables (no signature
 * check): what vk_package_open() compares with the signed election id.
 * Exposed for tests and `valgkit audit`. */
/* A VkDeviceLookupFunc over the package's enrolments (user_data is the
 * VkPackage): lets vk_journal_verify() check journals against it. */
gboolean vk_package_device_lookup (const char *device_id, VkDeviceInfo *ret_info, gpointer package);
gboolean vk_package_compute_election_id (VkPackage *self, guint8 ret_election_id[VK_ELECTION_ID_BYTES], GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkPackage, vk_package_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkDevice, vk_device_free)

G_END_DECLS
