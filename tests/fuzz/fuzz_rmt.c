/*
 * libFuzzer harness for the rmt reply parser: the input is a mode byte
 * (which request the replies answer) followed by what a server might send.
 * Built by "bmake fuzz-rmt"; standalone.c runs saved inputs without
 * libFuzzer for the test suite.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"

struct src {
	const uint8_t	*s_p;
	size_t		 s_len;
	size_t		 s_pos;
};

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* dumprmt.c reports through msg(); the parser itself never does. */
void
msg(const char *fmt, ...)
{
	(void)fmt;
}

static int
sgetc(void *arg)
{
	struct src *s = arg;

	if (s->s_pos >= s->s_len) {
		errno = 0;
		return (-1);
	}
	return (s->s_p[s->s_pos++]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rmtreply rr;
	struct src s;
	unsigned char buf[1024];
	const char *why;
	int64_t max;
	size_t i, l;
	int mode, r, n;

	if (size < 1)
		return (0);
	s.s_p = data;
	s.s_len = size;
	s.s_pos = 1;
	mode = data[0] & 3;
	switch (mode) {
	case 0:				/* W of a 10 KB record */
		max = 10240;
		break;
	case 1:				/* O, C, I */
		max = INT32_MAX;
		break;
	case 2:				/* S: count, then data */
		max = sizeof(buf);
		break;
	default:
		max = (int64_t)(data[0] >> 2) * 1000;
		break;
	}
	for (n = 0; n < 10000; n++) {
		r = rmtgetreply(sgetc, &s, max, &rr, &why);
		if (s.s_pos > s.s_len)
			abort();
		l = strnlen(rr.rr_line, sizeof(rr.rr_line));
		if (l >= sizeof(rr.rr_line))
			abort();
		for (i = 0; i < l; i++)
			if (rr.rr_line[i] < 0x20 || rr.rr_line[i] > 0x7e)
				abort();
		if (r == -2) {
			if (why == NULL)
				abort();
			break;
		}
		if (r == -1)
			break;
		if (r != 0)
			abort();
		switch (rr.rr_kind) {
		case 'A':
			if (rr.rr_val < 0 || rr.rr_val > max)
				abort();
			if (mode == 2 && rmtgetdata(sgetc, &s, buf,
			    (size_t)rr.rr_val) == -1)
				return (0);
			break;
		case 'E':
		case 'F':
			l = strnlen(rr.rr_msg, sizeof(rr.rr_msg));
			if (l > RMT_MSGMAX)
				abort();
			for (i = 0; i < l; i++)
				if (rr.rr_msg[i] < 0x20 || rr.rr_msg[i] > 0x7e)
					abort();
			if (rr.rr_val < -1 || rr.rr_val > 4095)
				abort();
			break;
		default:
			abort();
		}
	}
	return (0);
}
