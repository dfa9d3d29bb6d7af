/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * Replays fuzzer inputs through fuzz_args.c without libFuzzer: every file
 * of every directory (or file) given on the command line. A plain C
 * program for the normal test suite: the committed corpus and every input
 * that once crashed the parser (regressions/args/) must pass.
 */

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0) {
		fprintf(stderr, "cannot read %s\n", path);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	rewind(f);
	buf = malloc((size_t)len + 1);
	if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "cannot read %s\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)len);	/* aborts on a broken invariant */
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned int files = 0;
	int i, errors = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;
		struct dirent *de;
		DIR *d;

		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "no such file or directory: %s\n", argv[i]);
			errors++;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			errors += replay_file(argv[i]) != 0;
			files++;
			continue;
		}
		d = opendir(argv[i]);
		while (d != NULL && (de = readdir(d)) != NULL) {
			char path[4096];

			if (de->d_name[0] == '.' || strcmp(de->d_name, "README") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
			errors += replay_file(path) != 0;
			files++;
		}
		if (d != NULL)
			closedir(d);
	}
	printf("%u inputs replayed through the devargs parser, %d unreadable\n", files, errors);
	return errors || files == 0 ? 1 : 0;
}
