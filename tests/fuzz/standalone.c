/*
 * Run the fuzz harness over saved inputs without libFuzzer: each file
 * named on the command line is one input.  Used by the test suite to
 * replay the regression inputs under ASan and UBSan.
 */
#include <sys/types.h>

#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
main(int argc, char *argv[])
{
	static uint8_t buf[1 << 20];
	FILE *f;
	size_t n;
	int i;

	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL)
			err(1, "%s", argv[i]);
		n = fread(buf, 1, sizeof(buf), f);
		if (ferror(f))
			err(1, "%s", argv[i]);
		(void)fclose(f);
		(void)LLVMFuzzerTestOneInput(buf, n);
	}
	(void)printf("%d inputs\n", argc - 1);
	return (0);
}
