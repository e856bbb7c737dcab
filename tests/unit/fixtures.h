/* The recorded format files under tests/data, loaded into a tep handle (unit tests, fuzzing). */
#ifndef FTNET_TEST_FIXTURES_H
#define FTNET_TEST_FIXTURES_H

struct tep_handle;

/*
 * A little-endian 64-bit tep handle with every format tests/data/linux-KERNEL has of the
 * events ftnet decodes; NULL (and a message on stderr) when it has none or one is unparsable.
 */
struct tep_handle *fixture_load(const char *datadir, const char *kernel);

#endif
