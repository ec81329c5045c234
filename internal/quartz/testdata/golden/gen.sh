#!/bin/sh
# gen.sh regenerates ../golden.txt, the golden table of internal/quartz, from Debian's Quartz 2.3.2
# (apt: libquartz2-java) and Java 17: it compiles QuartzGolden.java into a temporary directory and
# runs it over expressions.txt. Run it from anywhere: sh internal/quartz/testdata/golden/gen.sh
# Quartz caps years at (the year the JVM started + 100); the table records that cap (its M line)
# and the Go test applies it, so the table stays valid in later years.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cp="/usr/share/java/quartz2.jar:/usr/share/java/slf4j-api.jar:/usr/share/java/slf4j-nop.jar"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
javac -d "$tmp" -cp "$cp" "$here/QuartzGolden.java"
# -Xint: Quartz loops forever on some expressions (QuartzGolden stops them after 10 s and writes
# "!Hang"); only in the interpreter does Thread.stop reach such a loop. Takes about 12 minutes; leave
# the machine otherwise idle, or a slow (interpreted) answer may pass for a hang.
java -Xint -cp "$tmp:$cp" QuartzGolden "$here/expressions.txt" >"$tmp/golden.txt"
mv "$tmp/golden.txt" "$here/../golden.txt"
