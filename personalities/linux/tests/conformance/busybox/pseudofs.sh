# /dev, /proc and /tmp as programs see them (devtmpfs, procfs, tmpfs); only what is the same on
# any Linux host is printed (no pids, sizes or times).  Standard input is stdin.txt.
head -n 2 /dev/stdin
cat /dev/null | wc -c
head -c 8 /dev/zero | od -An -tx1
head -c 100 /dev/urandom | wc -c
dd if=/dev/random bs=16 count=2 2>/dev/null | wc -c
{ echo full > /dev/full; } 2>/dev/null; echo "write to /dev/full: status $?"
for d in null zero full random urandom tty; do echo "$d: $(stat -c '%F %t:%T %a' /dev/$d)"; done
stat -c '%F %a' /dev/shm
for l in stdin stdout stderr fd; do readlink /dev/$l; done
echo "to stdout" >> /dev/stdout
echo "to stderr" >> /dev/stderr
echo "through a pipe" | cat /dev/stdin
echo "through fd 0" | cat /dev/fd/0
ls /proc/self/fd
ls /dev/fd/
readlink /proc/self/fd/1 | sed 's/[0-9]//g'
exec 3< /dev/null; readlink /proc/self/fd/3; exec 3<&-
echo hi > f; exec 4< f
readlink /proc/self/fd/4 | sed "s|^$PWD/||"
rm f; readlink /proc/self/fd/4 | sed "s|^$PWD/||"
cat /proc/self/fd/4
exec 4<&-
stat -c '%F %s' /proc/self/fd/0
[ -x "$(readlink /proc/self/exe)" ] && echo "exe names a program"
cmp /proc/self/exe /bin/busybox && echo "exe is busybox"
[ "$(readlink /proc/self/cwd)" = "$(pwd -P)" ] && echo "cwd is the working directory"
[ "$(readlink /proc/self/root)" = / ] && echo "root is /"
[ "$(cut -d' ' -f4 /proc/self/stat)" = "$$" ] && echo "stat: the parent is the shell"
cut -d' ' -f2,3 /proc/self/stat
wc -w < /proc/self/stat
grep -c -e '^Uid:' -e '^Gid:' -e '^PPid:' /proc/self/status
test -d /proc/$$/fd && echo "the shell has a /proc directory"
ls /proc/self/ | grep -c -x -e fd -e exe -e cwd -e root -e stat -e status -e cmdline -e comm
ls -l /proc/self/exe | cut -c1
grep -c '^MemTotal:' /proc/meminfo
grep -q '^MemFree: ' /proc/meminfo && echo "meminfo has MemFree"
awk '{ print NF }' /proc/uptime /proc/loadavg
grep -w -e proc -e tmpfs -e devtmpfs /proc/filesystems
grep -q '^vendor_id' /proc/cpuinfo && echo "cpuinfo names a vendor"
grep -c '^proc /proc proc ' /proc/mounts
mount | grep -c '^proc on /proc type proc '
stat -f -c %T /proc /dev
