/* seccomp_profile.h - the linux.seccomp object of config.json: the
 * built-in default profile (Podman's policy, written as tables) or a
 * Docker/OCI-format profile file converted for this host and cap set. */
#ifndef WARREN_SECCOMP_PROFILE_H
#define WARREN_SECCOMP_PROFILE_H

#include <json-c/json.h>
#include <stdint.h>

#include "lib/err.h"

/* Capability sets are bit masks: bit N is capability number N. */
#define CAP_BIT(n) (UINT64_C(1) << (n))

/* The default profile for a container whose capability set is caps:
 * defaultAction SCMP_ACT_ERRNO with defaultErrnoRet 38 (ENOSYS, so
 * software falls back from syscalls it does not know we block), one
 * SCMP_ACT_ALLOW rule with the ordinary syscalls plus those whose gating
 * capability is in caps, one SCMP_ACT_ERRNO/EPERM rule with the rest of the
 * dangerous ones, clone allowed only without namespace flags (unless
 * CAP_SYS_ADMIN), clone3 ENOSYS (glibc then falls back to clone) and
 * personality only with harmless arguments. Returns a new object. */
struct json_object *seccomp_default_profile(uint64_t caps);

/* Converts a Docker-format profile (defaultAction, defaultErrnoRet,
 * architectures or archMap, syscalls[] with names or name, action,
 * errnoRet, args, includes/excludes {caps, arches, minKernel}) into the OCI
 * form for this host: rules whose includes/excludes do not fit caps are
 * dropped, archMap becomes the architectures of the native arch. what
 * names the source in errors ("parse seccomp profile 'WHAT': ..."). */
struct json_object *seccomp_profile_from_json(const char *text, const char *what, uint64_t caps,
					      struct werr *err);

/* Reads and converts the profile file at path (see above). */
struct json_object *seccomp_profile_load(const char *path, uint64_t caps, struct werr *err);

#endif
