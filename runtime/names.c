#include "runtime/names.h"
#include "lib/util.h"

#include <sys/random.h>

static const char *const adjectives[] = {
    "amber", "bold",   "brave",	 "bright", "calm",   "clever", "cosy",	  "crisp",  "daring",
    "eager", "fancy",  "gentle", "glad",   "golden", "happy",  "humble",  "jolly",  "keen",
    "kind",  "lively", "lucky",	 "mellow", "merry",  "nimble", "patient", "plucky", "proud",
    "quick", "quiet",  "rapid",	 "sharp",  "shy",    "silent", "sleepy",  "snug",   "steady",
    "sunny", "swift",  "tidy",	 "vivid",  "warm",   "wise",   "witty",	  "zesty",
};

static const char *const animals[] = {
    "badger", "beaver", "bison",  "crane",   "dingo",  "egret", "falcon", "ferret", "gecko",
    "heron",  "ibex",	"jackal", "kestrel", "koala",  "lemur", "lynx",	  "marmot", "mink",
    "newt",   "ocelot", "okapi",  "orca",    "osprey", "otter", "panda",  "puffin", "quokka",
    "raven",  "robin",	"salmon", "seal",    "shrew",  "stoat", "swift",  "tapir",  "tern",
    "toucan", "vole",	"walrus", "wombat",  "wren",   "yak",	"zebra",
};

char *names_generate(void)
{
	unsigned short r[2] = {0, 0};

	if (getrandom(r, sizeof(r), 0) < 0)
		r[0] = r[1] = 0;
	return xasprintf("%s_%s", adjectives[r[0] % ARRAY_SIZE(adjectives)],
			 animals[r[1] % ARRAY_SIZE(animals)]);
}
