// Package dump is ElasticJob's dump (snapshot) service: one TCP listener per process that
// answers the request line "dump@{job}" with the job's registry subtree as this process sees it,
// in ElasticJob-Lite 3.0.4's format, so that ElasticJob's own client, its console and
// `echo "dump@job" | nc host port` read it unchanged:
//
//   - the descendants of /{job} (not the root itself), depth first, children in reverse Java
//     string order;
//   - one entry per node, "path | value", or "path | value | cachePath | cacheValue" where this
//     process's cache of the job differs from ZooKeeper (a node missing from the cache ends in
//     " |  | "); values are written raw, so a multi-line value spans several lines;
//   - every IPv4 address, in paths and values, replaced by ip1, ip2… in first-seen order;
//   - the entries joined by "\n", with a trailing "\n" (an unknown job is just "\n").
//
// A request ElasticJob would not answer (anything but one line "dump@{job}") is closed without a
// reply, as ElasticJob does. Beyond ElasticJob, which serves one connection at a time with no
// timeout: connections are served concurrently up to a bound (more are closed at once), the
// request line must arrive within a read deadline and the reply be taken within a write
// deadline, and a job name that is not a single node name ("a/b", "..") is refused.
package dump
