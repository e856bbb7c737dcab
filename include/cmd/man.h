/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The man pages and the lists bash completion reads, from the command and option tables. */
#ifndef FTNET_MAN_H
#define FTNET_MAN_H

struct cmd;

/* ftnet(1) for NULL, else ftnet-CMD(1), in roff on stdout (src/cmd/man.c). */
void man_page(const struct cmd *cmd);
/* Text as -h prints it (lines, empty lines, indented lists), as roff. */
void man_text(const char *text);

/*
 * The hidden options (src/cmd/complete.c), asked for by the build and by bash completion:
 *   ftnet --man, ftnet CMD --man       the man pages
 *   ftnet --list-commands              the commands, one per line
 *   ftnet [CMD] --list-options         per option: LONG SHORT ARG WORDS ('-' for none)
 *   ftnet CMD --list-args              the words its arguments take (@events, @file: kinds)
 * Returns -1 when argv is none of these, else the exit status after printing.
 */
int hidden_option(int argc, char **argv);

/* The license, as -V and the man pages say it. */
#define FTNET_LICENSE "GPL-2.0-or-later"
#define FTNET_LICENSE_TEXT \
	"License " FTNET_LICENSE ": GNU GPL version 2 or later " \
	"<https://www.gnu.org/licenses/old-licenses/gpl-2.0.html>.\n" \
	"This is free software: you are free to change and redistribute it.\n" \
	"There is NO WARRANTY, to the extent permitted by law."

#endif
