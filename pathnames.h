/*
 * Paths compiled into dump.
 */
#ifndef DUMP_PATHNAMES_H
#define DUMP_PATHNAMES_H

#define _PATH_DEFTAPE	"/dev/st0"
#define _PATH_DUMPDATES	"/etc/dumpdates"
#define _PATH_FSTAB	"/etc/fstab"
#define _PATH_PROCMOUNTS	"/proc/self/mounts"
#define _PATH_RMT	"/etc/rmt"
#define _PATH_RSH	"ssh"
#define _PATH_TTY	"/dev/tty"
#define _PATH_WALL	"wall"
#define _PATH_BSHELL	"/bin/sh"

#endif /* !DUMP_PATHNAMES_H */
