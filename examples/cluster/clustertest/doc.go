// Package clustertest runs an example service the way its users do — a built binary, started
// several times from its own directory — and reads what the processes print and what they
// wrote to ZooKeeper. Only the examples' tests import it.
package clustertest
