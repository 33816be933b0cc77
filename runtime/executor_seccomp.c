/* executor_seccomp.c - an OCI linux.seccomp object compiled to classic BPF
 * with libseccomp, in the parent, cached by the sha256 of its json text so
 * that `run` does not pay the compile of a 350-syscall profile each time. */
#include "runtime/executor_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/json.h"
#include "lib/util.h"

#define MAX_BPF_INSNS 65536

static const struct {
	const char *name;
	enum scmp_compare op;
} cmp_ops[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

/* "SCMP_ACT_ERRNO" + errnoRet into a libseccomp action. */
static int parse_action(const char *name, struct json_object *errno_ret, uint32_t *out,
			struct werr *err)
{
	int eno = errno_ret != NULL ? json_object_get_int(errno_ret) : EPERM;

	if (name == NULL)
		return werr_set(err, EINVAL, "missing action");
	if (strcmp(name, "SCMP_ACT_ALLOW") == 0)
		*out = SCMP_ACT_ALLOW;
	else if (strcmp(name, "SCMP_ACT_ERRNO") == 0)
		*out = SCMP_ACT_ERRNO((uint32_t)eno);
	else if (strcmp(name, "SCMP_ACT_KILL") == 0 || strcmp(name, "SCMP_ACT_KILL_THREAD") == 0)
		*out = SCMP_ACT_KILL;
	else if (strcmp(name, "SCMP_ACT_KILL_PROCESS") == 0)
		*out = SCMP_ACT_KILL_PROCESS;
	else if (strcmp(name, "SCMP_ACT_TRAP") == 0)
		*out = SCMP_ACT_TRAP;
	else if (strcmp(name, "SCMP_ACT_LOG") == 0)
		*out = SCMP_ACT_LOG;
	else if (strcmp(name, "SCMP_ACT_TRACE") == 0)
		*out = SCMP_ACT_TRACE((uint32_t)eno);
	else
		return werr_set(err, EINVAL, "unsupported action '%s'", name);
	return 0;
}

static int add_archs(scmp_filter_ctx ctx, struct json_object *archs)
{
	for (size_t i = 0; i < jlen(archs); i++) {
		const char *a = json_object_get_string(json_object_array_get_idx(archs, i));
		char lower[32];
		size_t k;
		uint32_t token;

		if (a == NULL)
			continue;
		if (str_has_prefix(a, "SCMP_ARCH_"))
			a += strlen("SCMP_ARCH_");
		for (k = 0; k < sizeof(lower) - 1 && a[k] != '\0'; k++)
			lower[k] = (char)(a[k] >= 'A' && a[k] <= 'Z' ? a[k] - 'A' + 'a' : a[k]);
		lower[k] = '\0';
		token = seccomp_arch_resolve_name(lower);
		/* an arch this libseccomp does not know cannot run here anyway */
		if (token != 0)
			seccomp_arch_add(ctx, token);
	}
	return 0;
}

static int parse_args(struct json_object *args, struct scmp_arg_cmp *cmp, unsigned *n,
		      struct werr *err)
{
	*n = 0;
	for (size_t i = 0; i < jlen(args) && i < 6; i++) {
		struct json_object *a = json_object_array_get_idx(args, i);
		const char *op = json_object_get_string(jget(a, "op"));
		size_t k;

		for (k = 0; op != NULL && k < ARRAY_SIZE(cmp_ops); k++)
			if (strcmp(op, cmp_ops[k].name) == 0)
				break;
		if (op == NULL || k == ARRAY_SIZE(cmp_ops))
			return werr_set(err, EINVAL, "unknown comparison '%s'", op ? op : "");
		cmp[*n].arg = (unsigned)json_object_get_int(jget(a, "index"));
		cmp[*n].op = cmp_ops[k].op;
		cmp[*n].datum_a = json_object_get_uint64(jget(a, "value"));
		cmp[*n].datum_b = json_object_get_uint64(jget(a, "valueTwo"));
		(*n)++;
	}
	return 0;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t def, struct json_object *r, struct werr *err)
{
	struct json_object *names = jget(r, "names");
	struct scmp_arg_cmp cmp[6];
	unsigned ncmp;
	uint32_t act;

	if (parse_action(json_object_get_string(jget(r, "action")), jget(r, "errnoRet"), &act,
			 err) < 0 ||
	    parse_args(jget(r, "args"), cmp, &ncmp, err) < 0)
		return -1;
	if (act == def)
		return 0; /* libseccomp refuses rules that repeat the default */
	for (size_t i = 0; i < jlen(names); i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(names, i));
		int nr = name != NULL ? seccomp_syscall_resolve_name(name) : __NR_SCMP_ERROR;
		int rc;

		if (nr == __NR_SCMP_ERROR)
			continue; /* a syscall this kernel/arch lacks */
		rc = seccomp_rule_add_array(ctx, act, nr, ncmp, cmp);
		if (rc < 0 && rc != -EEXIST)
			return werr_set(err, -rc, "rule for '%s'", name);
	}
	return 0;
}

static int export_bpf(scmp_filter_ctx ctx, struct sock_fprog *out, struct werr *err)
{
	cleanup_close int fd = memfd_create("warren-seccomp", MFD_CLOEXEC);
	struct stat st;
	struct sock_filter *f;
	int rc;

	if (fd < 0)
		return werr_set(err, errno, "memfd_create");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return werr_set(err, -rc, "export bpf");
	if (fstat(fd, &st) < 0)
		return werr_set(err, errno, "stat bpf");
	if (st.st_size == 0 || st.st_size % sizeof(struct sock_filter) != 0 ||
	    st.st_size / sizeof(struct sock_filter) > MAX_BPF_INSNS)
		return werr_set(err, EINVAL, "bad bpf size %lld", (long long)st.st_size);
	f = xmalloc((size_t)st.st_size);
	if (pread(fd, f, (size_t)st.st_size, 0) != st.st_size) {
		free(f);
		return werr_set(err, errno ? errno : EIO, "read bpf");
	}
	out->filter = f;
	out->len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
	return 0;
}

static int compile(struct json_object *sec, struct sock_fprog *out, struct werr *err)
{
	struct json_object *sys = jget(sec, "syscalls");
	scmp_filter_ctx ctx;
	uint32_t def;
	int rc = 0;

	if (parse_action(json_object_get_string(jget(sec, "defaultAction")),
			 jget(sec, "defaultErrnoRet"), &def, err) < 0)
		return -1;
	ctx = seccomp_init(def);
	if (ctx == NULL)
		return werr_set(err, EINVAL, "seccomp_init");
	/* a binary tree instead of a linear list: every syscall of the
	 * container pays for the filter's depth (libseccomp >= 2.5) */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	add_archs(ctx, jget(sec, "architectures"));
	for (size_t i = 0; i < jlen(sys) && rc == 0; i++)
		rc = add_rule(ctx, def, json_object_array_get_idx(sys, i), err);
	if (rc == 0)
		rc = export_bpf(ctx, out, err);
	seccomp_release(ctx);
	return rc;
}

/* Cache files hold the key text itself, then the BPF program: a hit is an
 * exact match of the text, so the file name only needs a cheap hash (no
 * libcrypto: initialising OpenSSL's providers costs ~1 ms, more than
 * everything else the cache saves on a `run`). */
static int cache_load(const char *path, const char *key, size_t klen, struct sock_fprog *out)
{
	size_t len = 0, blen;
	char *data = read_file_at(AT_FDCWD, path, &len, NULL);

	if (data == NULL)
		return -1;
	blen = len > klen + 1 ? len - klen - 1 : 0;
	if (len <= klen + 1 || memcmp(data, key, klen) != 0 || data[klen] != '\0' || blen == 0 ||
	    blen % sizeof(struct sock_filter) != 0 ||
	    blen / sizeof(struct sock_filter) > MAX_BPF_INSNS) {
		free(data);
		return -1;
	}
	/* the program starts at an arbitrary offset: copy it to aligned memory */
	out->filter = xmalloc(blen);
	memcpy(out->filter, data + klen + 1, blen);
	out->len = (unsigned short)(blen / sizeof(struct sock_filter));
	free(data);
	return 0;
}

static void cache_store(const char *cache_dir, const char *path, const char *key, size_t klen,
			const struct sock_fprog *prog)
{
	size_t blen = prog->len * sizeof(struct sock_filter);
	cleanup_free char *buf = xmalloc(klen + 1 + blen);
	struct werr ignored;

	memcpy(buf, key, klen + 1);
	memcpy(buf + klen + 1, prog->filter, blen);
	/* a cache we cannot write only costs speed next time */
	if (mkdir_p(cache_dir, 0700, &ignored) == 0)
		write_file_atomic_at(AT_FDCWD, path, buf, klen + 1 + blen, 0600, &ignored);
}

int xseccomp_compile(struct json_object *sec, const char *cache_dir, struct sock_fprog *out,
		     struct werr *err)
{
	const char *text = json_object_to_json_string_ext(sec, JSON_C_TO_STRING_PLAIN);
	cleanup_free char *path = NULL, *key = NULL;
	size_t klen = 0;

	if (cache_dir != NULL) {
		const struct scmp_version *v = seccomp_version();
		/* the compiler's version and our options are part of the key */
		key = xasprintf("warren-bpf-2 libseccomp-%u.%u.%u opt2\n%s", v->major, v->minor,
				v->micro, text);
		klen = strlen(key);
		path = xasprintf("%s/seccomp-%016llx.bpf", cache_dir,
				 (unsigned long long)fnv1a64(key, klen));
		if (cache_load(path, key, klen, out) == 0)
			return 0;
	}
	if (compile(sec, out, err) < 0)
		return -1;
	if (cache_dir != NULL)
		cache_store(cache_dir, path, key, klen, out);
	return 0;
}
