/* test_pods.c - the pure parts of pods (issue 11): --share and the pod
 * state Podman derives from its containers' states. */
#include <string.h>

#include "lib/util.h"
#include "runtime/pods.h"
#include "unit.h"

static char *joined(const char *share)
{
	struct werr err = {0};
	char **v = NULL, *s;

	if (pod_parse_share(share, &v, &err) < 0)
		return xstrdup(err.msg);
	s = strv_join(v, ",");
	strv_free(v);
	return s;
}

UNIT_TEST(pod_share_lists)
{
	char *s;

	CHECK_STR((s = joined(NULL)), "ipc,net,uts");
	free(s);
	CHECK_STR((s = joined("uts,net,pid,net")), "net,pid,uts");
	free(s);
	CHECK_STR((s = joined("none")), "");
	free(s);
	CHECK_STR((s = joined("net,bogus")),
		  "invalid kernel namespace to share: bogus. Options are: cgroup, ipc, net, pid, "
		  "uts or none");
	free(s);
}

/* states: one letter per container: c created, r running, p paused, e exited */
static const char *status_of(const char *states)
{
	static struct container_rec c[8];
	size_t n = strlen(states);

	for (size_t i = 0; i < n; i++) {
		c[i] = (struct container_rec){0};
		c[i].state = states[i] == 'c'	? CTR_CREATED
			     : states[i] == 'e' ? CTR_EXITED
						: CTR_RUNNING;
		c[i].paused = states[i] == 'p';
	}
	return pod_status(c, n);
}

UNIT_TEST(pod_status_as_podman)
{
	CHECK_STR(status_of(""), "Created");
	CHECK_STR(status_of("cc"), "Created");
	CHECK_STR(status_of("rr"), "Running");
	CHECK_STR(status_of("rc"), "Degraded");
	CHECK_STR(status_of("re"), "Degraded");
	CHECK_STR(status_of("pp"), "Paused");
	CHECK_STR(status_of("ee"), "Exited");
	CHECK_STR(status_of("ec"), "Stopped");
	CHECK_STR(status_of("pc"), "Created");
}
UNIT_MAIN()
