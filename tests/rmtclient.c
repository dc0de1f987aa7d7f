/*
 * A test driver for the rmt client in dumprmt.c: each argument is one
 * call, and each result is printed on a line, so the tests can exercise
 * the tape operations and status that a dump to a file never sends.
 *   rmtclient [user@]host o:path w:bytes i:rew|offl|weof|fsf|bsf s c
 */
#include <sys/types.h>
#include <sys/mtio.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"

void
msg(const char *fmt, ...)
{
	va_list ap;

	(void)fprintf(stderr, "  DUMP: ");
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static void
result(const char *what, long long r)
{
	if (r < 0)
		(void)printf("%s -1 errno %d\n", what, errno);
	else
		(void)printf("%s %lld\n", what, r);
	(void)fflush(stdout);
}

int
main(int argc, char *argv[])
{
	static unsigned char buf[MAXNTREC * TP_BSIZE];
	unsigned char st[64];
	const char *a;
	long n;
	int i, op;

	if (argc < 2)
		errx(1, "usage: rmtclient host call ...");
	if (rmthost(argv[1]) == 0)
		return (1);
	for (i = 2; i < argc; i++) {
		a = argv[i];
		if (strncmp(a, "o:", 2) == 0)
			result("open", rmtopen(a + 2, O_WRONLY | O_CREAT |
			    O_TRUNC) < 0 ? -1 : 0);
		else if (strncmp(a, "w:", 2) == 0) {
			n = strtol(a + 2, NULL, 10);
			if (n < 0 || n > (long)sizeof(buf))
				errx(1, "bad size %s", a);
			memset(buf, 'x', (size_t)n);
			result("write", rmtwrite(buf, (size_t)n));
		} else if (strncmp(a, "i:", 2) == 0) {
			if (strcmp(a + 2, "rew") == 0)
				op = MTREW;
			else if (strcmp(a + 2, "offl") == 0)
				op = MTOFFL;
			else if (strcmp(a + 2, "weof") == 0)
				op = MTWEOF;
			else if (strcmp(a + 2, "fsf") == 0)
				op = MTFSF;
			else if (strcmp(a + 2, "bsf") == 0)
				op = MTBSF;
			else
				errx(1, "bad operation %s", a);
			result(a, rmtioctl(op, 1));
		} else if (strcmp(a, "s") == 0)
			result("status", rmtstatus(st, sizeof(st)));
		else if (strcmp(a, "c") == 0)
			result("close", rmtclose());
		else
			errx(1, "bad call %s", a);
	}
	return (0);
}
