/* uring_probe - calls io_uring_setup(2) and prints the outcome: "ok" or
 * the errno name. Built static (make test-tools) so that it runs inside
 * any container image, bind-mounted in (issue 5 item 12). */
#include <errno.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	struct io_uring_params p;
	long fd;

	memset(&p, 0, sizeof(p));
	fd = syscall(__NR_io_uring_setup, 4, &p);
	if (fd >= 0) {
		puts("ok");
		return 0;
	}
	puts(errno == ENOSYS ? "ENOSYS" : errno == EPERM ? "EPERM" : strerror(errno));
	return 1;
}
