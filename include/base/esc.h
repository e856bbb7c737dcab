/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Strings from outside (task names, device names, symbols from a file, trace.dat strings)
 * made safe to print: no control byte reaches a terminal, JSON and Prometheus get UTF-8.
 *
 * Each writes the escaped form of s into dst (at most size bytes, NUL-terminated when size > 0)
 * and returns its length without the NUL, as snprintf does: size 0 measures.
 */
#ifndef FTNET_ESC_H
#define FTNET_ESC_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Text: \n \t \r and \\ as in C, every other control byte (C0, DEL, and the C1 controls
 * U+0080..U+009F) and every byte that is not part of valid UTF-8 as \xHH; valid UTF-8 stays.
 */
size_t esc_text(char *dst, size_t size, const char *s);
/* A message line: as esc_text, but a backslash stays (messages quote with opt_quote). */
size_t esc_line(char *dst, size_t size, const char *s);
/*
 * The inside of a JSON string: " and \ escaped, control characters as \n \t \r or \u00XX
 * (exact), valid UTF-8 as it is, and each byte that is not valid UTF-8 as the four characters
 * \xHH (written \\xHH), so the value reads as the text output prints it.
 */
size_t esc_json(char *dst, size_t size, const char *s);
/*
 * A Prometheus label value: \\ \" \n as the exposition format asks, other control characters
 * and bytes that are not valid UTF-8 as the four characters \xHH (written \\xHH).
 */
size_t esc_prom(char *dst, size_t size, const char *s);
/* The length of the valid UTF-8 sequence at s (n bytes there): 1..4, or 0 when invalid. */
size_t utf8_seq_len(const unsigned char *s, size_t n);
/* True when esc_text would change s (most strings: no, and no copy is made). */
bool esc_text_needed(const char *s);
/* The length of s when esc_json would not change it (printable ASCII, no '"' or '\\'), else -1. */
long esc_json_plain(const char *s);

#endif
