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

#endif
