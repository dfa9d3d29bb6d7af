/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The manafo authors
 */

#ifndef STALL_DUMP_H
#define STALL_DUMP_H

#include <stdio.h>

/* Call once at start, before any stall can happen. */
void stall_dump_prepare(void);

/*
 * Print the symbolized stack of every thread of the process but the caller
 * (one at a time, by SIGUSR2). For a test's stall watchdog, before abort().
 */
void stall_dump_threads(FILE *f);

#endif /* STALL_DUMP_H */
