/* vk-http-reach.h: what each role may read over HTTP (one table).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both valgkit servers ask this one function whether a request may be
 * answered, after vk-http-sig.h has said who signed it (or that nobody
 * did).  The table is in docs/api.md ("Who may read what"):
 *
 *   resource                     public  valgbord        brevstemme  fintaelling  server  revisor  valgstyrer
 *                                                        teams       optaelling
 *   GET /v1/status               yes     yes             yes         yes          yes     yes      yes
 *   GET /v1/results, /mandates   once published, else only server and revisor
 *   GET /v1/discrepancies        -       -               -           -            yes     yes      -
 *   GET /v1/heads                -       reachable ones  own         all          all     all      -
 *   GET /v1/journals/{device}    -       own area's,     own         all          all     all      -
 *                                        brevstemme teams', own
 *   POST /v1/journals            anyone: every entry is signed and verified (a signature, when sent, must hold)
 *   GET /v1/valgdk[/…]           only server, revisor and collector (collector: also status and published results)
 */
#pragma once

#include "vk-http-sig.h"
#include "vk-package.h"

G_BEGIN_DECLS

typedef enum
{
  VK_REACH_STATUS,
  VK_REACH_RESULTS, /* results and mandates */
  VK_REACH_DISCREPANCIES,
  VK_REACH_HEADS,
  VK_REACH_JOURNAL, /* one device's journal (target) */
  VK_REACH_POST_JOURNAL,
  VK_REACH_VALGDK, /* the valg.dk delivery folder (docs/api.md, "Reporting to valg.dk") */
} VkReachResource;

/* TRUE when reader (NULL: an unsigned request) may read resource.
 * target: the device whose journal (or head) is asked for (NULL when not
 * enrolled: only the roles that read everything get a 404 then);
 * published: for VK_REACH_RESULTS, whether that contest's and kind's
 * result has been published. */
gboolean vk_http_reach_allows (const VkDevice *reader, VkReachResource resource, const VkDevice *target,
                               gboolean published);

/* Both servers' gate for a request: msg's signature (vk_http_verifier_check()
 * with body, NULL for none), then vk_http_reach_allows (reader, resource,
 * target, FALSE).  VK_REACH_RESULTS passes any reader (the caller decides
 * once it knows whether the result is published).  FALSE after answering
 * 401 (no or bad signature) or 403 (a device outside its reach);
 * *ret_reader is the signer (NULL: unsigned). */
gboolean vk_http_authorize (VkHttpVerifier *verifier, SoupServerMessage *msg, GBytes *body, VkReachResource resource,
                            const VkDevice *target, const VkDevice **ret_reader);

G_END_DECLS
