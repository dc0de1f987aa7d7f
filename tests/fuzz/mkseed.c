/*
 * mkseed IMAGE OUT: write a fuzz_ufs.c input for a UFS image: one chunk
 * per run of non-zero 512-byte sectors.  Sectors that hold nothing but
 * hex digits, 'x' and newlines (the bulk file data of the shared test
 * images) are left out, so the seeds stay small and the fuzzer's
 * mutations land on metadata.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECT	512
#define MAXCHUNK 65024		/* whole sectors under 65535 */

static int
keep(const unsigned char *s)
{
	int i, zero = 1, text = 1;

	for (i = 0; i < SECT; i++) {
		if (s[i] != 0)
			zero = 0;
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') || s[i] == 'x' ||
		    s[i] == '\n'))
			text = 0;
	}
	return (!zero && !text);
}

static void
put(FILE *o, uint32_t off, const unsigned char *p, uint16_t len)
{
	unsigned char h[6];

	h[0] = off & 0xff;
	h[1] = (off >> 8) & 0xff;
	h[2] = (off >> 16) & 0xff;
	h[3] = (off >> 24) & 0xff;
	h[4] = len & 0xff;
	h[5] = (len >> 8) & 0xff;
	if (fwrite(h, 1, 6, o) != 6 || fwrite(p, 1, len, o) != len) {
		perror("write");
		exit(1);
	}
}

int
main(int argc, char *argv[])
{
	unsigned char s[SECT], run[MAXCHUNK];
	FILE *in, *o;
	uint32_t off = 0, start = 0;
	size_t rl = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: mkseed image out\n");
		return (1);
	}
	if ((in = fopen(argv[1], "rb")) == NULL ||
	    (o = fopen(argv[2], "wb")) == NULL) {
		perror("open");
		return (1);
	}
	while (fread(s, 1, SECT, in) == SECT) {
		if (keep(s)) {
			if (rl == 0)
				start = off;
			memcpy(run + rl, s, SECT);
			rl += SECT;
		}
		if ((!keep(s) || rl == MAXCHUNK) && rl > 0) {
			put(o, start, run, (uint16_t)rl);
			rl = 0;
		}
		off += SECT;
	}
	if (rl > 0)
		put(o, start, run, (uint16_t)rl);
	return (fclose(o) != 0);
}
