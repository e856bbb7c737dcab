// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stand-ins for the two libsystemd functions libdbus (pulled in by libpcap.a) refers to.
 * Only static builds link this: Debian ships no libsystemd.a. ftnet never uses D-Bus
 * capture, and dbus calls these only for socket activation, which a static ftnet never gets.
 */
int sd_listen_fds(int unset_environment);
int sd_is_socket(int fd, int family, int type, int listening);

int sd_listen_fds(int unset_environment)
{
	(void)unset_environment;
	return 0;	/* no sockets passed by a service manager */
}

int sd_is_socket(int fd, int family, int type, int listening)
{
	(void)fd;
	(void)family;
	(void)type;
	(void)listening;
	return 0;
}
