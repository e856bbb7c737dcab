/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel text symbols from /proc/kallsyms, to print locations as function+0xoff. */
#ifndef FTNET_KSYMS_H
#define FTNET_KSYMS_H

#include <stddef.h>
#include <stdint.h>

struct ksyms;

/* Loads the text symbols from a kallsyms file; NULL with errno (EPERM when addresses are hidden). */
struct ksyms *ksyms_load(const char *path);
/* The same from kallsyms text held in memory (a trace.dat's); the text is copied. */
struct ksyms *ksyms_parse(const char *text, size_t len);
void ksyms_free(struct ksyms *ks);
/* Writes "func+0xoff" (or "0xaddr" when unknown) into buf. */
void ksyms_format(const struct ksyms *ks, uint64_t addr, char *buf, size_t size);
/* The address of the symbol addr lies in (0 when unknown). */
uint64_t ksyms_start(const struct ksyms *ks, uint64_t addr);
size_t ksyms_count(const struct ksyms *ks);

#endif
