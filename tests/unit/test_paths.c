/* Unit tests for rootless/paths.c: which filesystems are network or
 * cluster ones (the host has none of them; this is their only test). */
#include "tests/unit/unit.h"

#include "rootless/rootless.h"

UNIT_TEST(netfs_names)
{
	CHECK_STR(paths_netfs_name(0x6969), "NFS");
	CHECK_STR(paths_netfs_name(0x0BD00BD0), "Lustre");
	CHECK_STR(paths_netfs_name(0x47504653), "GPFS");
	CHECK_STR(paths_netfs_name(0x19830326), "BeeGFS");
	CHECK_STR(paths_netfs_name(0x00C36400), "CephFS");
	CHECK_STR(paths_netfs_name(0xFF534D42), "CIFS");
	CHECK_STR(paths_netfs_name(0x65735546), "FUSE");
	/* local ones: ext4, xfs, btrfs, tmpfs, overlay */
	CHECK(paths_netfs_name(0xEF53) == NULL);
	CHECK(paths_netfs_name(0x58465342) == NULL);
	CHECK(paths_netfs_name(0x9123683E) == NULL);
	CHECK(paths_netfs_name(0x01021994) == NULL);
	CHECK(paths_netfs_name(0x794C7630) == NULL);
}

UNIT_TEST(netfs_of_a_local_path)
{
	/* /proc is local; a path under a missing dir is its parent's */
	CHECK(paths_network_fs("/proc") == NULL);
	CHECK(paths_network_fs("/proc/no/such/dir") == NULL);
}

UNIT_MAIN()
