/* progress.c - pull progress; see progress.h. */
#include <stdlib.h>
#include <string.h>

#include "image/progress.h"
#include "lib/util.h"

#define BAR_WIDTH 30
#define REDRAW_NS 100000000LL /* 10 redraws a second at most */

struct bar {
	char digest[DIGEST_STR_LEN];
	int64_t size, done;
	int64_t start;
	int state; /* 0 running, 1 done, 2 skipped */
};

struct progress {
	FILE *out;
	bool tty, quiet;
	struct bar *bars;
	size_t n;
	size_t drawn; /* lines drawn last time (to move up over) */
	int64_t last;
};

struct progress *progress_new(FILE *out, bool tty, bool quiet)
{
	struct progress *p = xcalloc(1, sizeof(*p));

	p->out = out;
	p->tty = tty;
	p->quiet = quiet;
	return p;
}

static struct bar *bar_of(struct progress *p, const char *digest)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->bars[i].digest, digest) == 0)
			return &p->bars[i];
	p->bars = xrealloc(p->bars, (p->n + 1) * sizeof(*p->bars));
	memset(&p->bars[p->n], 0, sizeof(*p->bars));
	snprintf(p->bars[p->n].digest, DIGEST_STR_LEN, "%s", digest);
	p->bars[p->n].start = now_ns();
	p->bars[p->n].size = -1;
	return &p->bars[p->n++];
}

/* "12.3MiB" (binary units, as the bars of containers/image) */
static void human(int64_t v, char *buf, size_t len)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double d = (double)v;
	size_t u = 0;

	while (d >= 1024 && u + 1 < ARRAY_SIZE(units)) {
		d /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.1f%s" : "%.0f%s", d, units[u]);
}

static void draw_bar(struct progress *p, const struct bar *b)
{
	char done[32], size[32], rate[32];
	char line[BAR_WIDTH + 1];
	double secs = (double)(now_ns() - b->start) / 1e9;
	size_t fill;

	fprintf(p->out, "\x1b[2KCopying blob %.12s ", digest_hex(b->digest));
	if (b->state == 2) {
		fputs("skipped: already exists\n", p->out);
		return;
	}
	if (b->state == 1) {
		fputs("done\n", p->out);
		return;
	}
	fill = b->size > 0 ? (size_t)((double)b->done / (double)b->size * BAR_WIDTH) : 0;
	if (fill > BAR_WIDTH)
		fill = BAR_WIDTH;
	memset(line, '=', fill);
	memset(line + fill, ' ', BAR_WIDTH - fill);
	if (fill > 0 && fill < BAR_WIDTH)
		line[fill - 1] = '>';
	line[BAR_WIDTH] = '\0';
	human(b->done, done, sizeof(done));
	human(b->size > 0 ? b->size : b->done, size, sizeof(size));
	human(secs > 0.01 ? (int64_t)((double)b->done / secs) : 0, rate, sizeof(rate));
	fprintf(p->out, "[%s] %s / %s (%s/s)\n", line, done, size, rate);
}

static void redraw(struct progress *p, bool force)
{
	int64_t t = now_ns();

	if (!force && t - p->last < REDRAW_NS)
		return;
	p->last = t;
	if (p->drawn > 0)
		fprintf(p->out, "\x1b[%zuA", p->drawn);
	for (size_t i = 0; i < p->n; i++)
		draw_bar(p, &p->bars[i]);
	p->drawn = p->n;
	fflush(p->out);
}

/* The bars end before a line that is not a bar. */
static void end_bars(struct progress *p)
{
	if (p->tty && p->n > 0)
		redraw(p, true);
	p->drawn = 0;
	p->n = 0;
}

static void line_event(struct progress *p, const struct pull_event *ev)
{
	switch (ev->kind) {
	case PULL_EV_BLOB_START:
		fprintf(p->out, "Copying blob %s\n", ev->digest);
		break;
	case PULL_EV_BLOB_SKIPPED:
		fprintf(p->out, "Copying blob %s\n", ev->digest); /* as Podman: no note */
		break;
	default:
		break;
	}
}

/* Renders one pull event; see progress.h. */
void progress_event(void *ud, const struct pull_event *ev)
{
	struct progress *p = ud;
	struct bar *b;

	if (p->quiet)
		return;
	switch (ev->kind) {
	case PULL_EV_RESOLVING:
		fprintf(p->out, "%s\n", ev->name);
		break;
	case PULL_EV_NOTE:
		end_bars(p);
		fprintf(p->out, "%s\n", ev->name);
		break;
	case PULL_EV_TRYING:
		end_bars(p);
		fprintf(p->out, "Trying to pull %s...\n", ev->name);
		break;
	case PULL_EV_SIGNATURES:
		fputs("Getting image source signatures\n", p->out);
		break;
	case PULL_EV_CONFIG:
		end_bars(p);
		fprintf(p->out, "Copying config %s\n", ev->digest);
		break;
	case PULL_EV_BLOB_QUEUED:
		break; /* Podman's push shows a layer when it is checked */
	case PULL_EV_WRITING:
		end_bars(p);
		fputs("Writing manifest to image destination\nStoring signatures\n", p->out);
		break;
	default:
		if (!p->tty) {
			line_event(p, ev);
			break;
		}
		b = bar_of(p, ev->digest);
		b->size = ev->size;
		b->done = ev->done;
		b->state = ev->kind == PULL_EV_BLOB_DONE      ? 1
			   : ev->kind == PULL_EV_BLOB_SKIPPED ? 2
							      : 0;
		redraw(p, ev->kind != PULL_EV_BLOB_PROGRESS);
		return;
	}
	fflush(p->out);
}

void progress_free(struct progress *p)
{
	if (p == NULL)
		return;
	end_bars(p);
	free(p->bars);
	free(p);
}
