// Package nodedata holds ElasticJob's data formats: config and instance YAML as SnakeYAML
// writes them, ShardingContext JSON as Gson writes it.
//
// The writers reproduce the bytes of ElasticJob-Lite 3.0.4 (SnakeYAML 2.2 dumpAsMap with
// ElasticJob's representer, Gson 2.10.1 defaults), so that the ZooKeeper data of a Go
// instance cannot be told from a Java one. The readers are lenient, as a Go peer must read
// what any 3.0.x version or the ElasticJob console wrote.
package nodedata
