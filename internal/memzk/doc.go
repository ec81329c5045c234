// Package memzk is an in-memory ZooKeeper server for the embedded registry: one process, no network.
//
// A *Conn offers the same primitives as *zk.Conn from github.com/go-zookeeper/zk v1.0.4 and behaves
// as that client does against a real ZooKeeper 3.8 server: the same errors (the zk package's values),
// stats, sequential names, watch events, multi results and session event sequences. Behaviours
// marked "observed" were checked on a real ZooKeeper 3.8.0 through go-zookeeper v1.0.4; the
// client-side ones (path checks, flag errors, return values on errors) follow go-zookeeper's source.
//
// Differences that cannot matter inside one process, on purpose:
//   - ACLs are stored and returned but never enforced (there is one client process), so a write to
//     /zookeeper/config succeeds where a real server answers zk.ErrNoAuth.
//   - Children are returned sorted; ZooKeeper returns them in hash order, which no caller may rely on.
//   - Session timeouts are used as given; a real server bounds them to [2×tickTime, maxSessionTimeout].
//   - Watch restoration after a reconnect handles paths in sorted order where the client iterates a map.
//
// Events of one connection are delivered in order, from one goroutine per connection, to the
// callback given to Connect and then to the watch channels. The callback must not block and must
// not call the Conn: as with zk.WithEventCallback, a request only returns after the callback has
// seen every event the server queued before answering it, so calling the Conn from the callback
// deadlocks.
package memzk
