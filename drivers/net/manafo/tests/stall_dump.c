/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

/*
 * When a test stalls, the stack of every thread is what tells a deadlock
 * apart from a slow machine, and CI keeps nothing but the log. Each thread
 * is interrupted in turn by a signal whose handler records its frames; the
 * caller then symbolizes them with addr2line (static functions included),
 * outside the handler. Works under valgrind, ASan and TSan alike.
 */

#include <dirent.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "stall_dump.h"

#define DUMP_DEPTH 32
#define DUMP_WAIT_MS 3000	/* a thread under valgrind answers slowly */

static void *dump_frames[DUMP_DEPTH];
static int dump_nframes;
static int dump_done;

static void
dump_handler(int sig __attribute__((unused)))
{
	dump_nframes = backtrace(dump_frames, DUMP_DEPTH);
	__atomic_store_n(&dump_done, 1, __ATOMIC_RELEASE);
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void
print_frame(FILE *f, unsigned int i, void *addr)
{
	char cmd[512], line[512];
	Dl_info info;
	FILE *p;

	if (dladdr(addr, &info) == 0 || info.dli_fname == NULL) {
		fprintf(f, "    #%-2u %p\n", i, addr);
		return;
	}
	/* Return addresses point after the call: look up the call itself. */
	snprintf(cmd, sizeof(cmd), "addr2line -f -i -p -e '%s' %#lx 2>/dev/null",
		 info.dli_fname, (unsigned long)((uintptr_t)addr - 1 - (uintptr_t)info.dli_fbase));
	p = popen(cmd, "r");
	if (p != NULL && fgets(line, sizeof(line), p) != NULL && line[0] != '?') {
		line[strcspn(line, "\n")] = '\0';
		fprintf(f, "    #%-2u %s (%s)\n", i, line, strrchr(info.dli_fname, '/') ?
			strrchr(info.dli_fname, '/') + 1 : info.dli_fname);
	} else {
		fprintf(f, "    #%-2u %p %s\n", i, addr, info.dli_sname ? info.dli_sname : "?");
	}
	if (p != NULL)
		pclose(p);
}

static void
dump_thread(FILE *f, pid_t pid, pid_t tid)
{
	char path[64], name[32] = "?";
	unsigned int waited = 0;
	FILE *comm;
	int i, n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", (int)tid);
	comm = fopen(path, "r");
	if (comm != NULL) {
		if (fgets(name, sizeof(name), comm) != NULL)
			name[strcspn(name, "\n")] = '\0';
		fclose(comm);
	}
	__atomic_store_n(&dump_done, 0, __ATOMIC_RELEASE);
	if (syscall(SYS_tgkill, pid, tid, SIGUSR2) != 0) {
		fprintf(f, "  thread %d (%s): gone\n", (int)tid, name);
		return;
	}
	while (!__atomic_load_n(&dump_done, __ATOMIC_ACQUIRE) && waited < DUMP_WAIT_MS) {
		sleep_ms(10);
		waited += 10;
	}
	if (!__atomic_load_n(&dump_done, __ATOMIC_ACQUIRE)) {
		fprintf(f, "  thread %d (%s): no answer in %u ms\n", (int)tid, name, waited);
		return;
	}
	n = dump_nframes;
	fprintf(f, "  thread %d (%s):\n", (int)tid, name);
	/* Frames 0-1 are the handler and the signal trampoline. */
	for (i = 2; i < n; i++)
		print_frame(f, (unsigned int)(i - 2), dump_frames[i]);
}

void
stall_dump_threads(FILE *f)
{
	struct sigaction sa, old;
	pid_t pid = getpid(), self = (pid_t)syscall(SYS_gettid);
	struct dirent *de;
	DIR *d;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = dump_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, &old);
	fprintf(f, "stacks of every thread but the one reporting:\n");
	d = opendir("/proc/self/task");
	while (d != NULL && (de = readdir(d)) != NULL) {
		pid_t tid = (pid_t)atoi(de->d_name);

		if (tid > 0 && tid != self)
			dump_thread(f, pid, tid);
	}
	if (d != NULL)
		closedir(d);
	fflush(f);
	sigaction(SIGUSR2, &old, NULL);
}

void
stall_dump_prepare(void)
{
	void *frame;

	/* backtrace() loads libgcc on its first call: never first in a handler. */
	backtrace(&frame, 1);
}
